package styles

import "charm.land/lipgloss/v2"

// SQL holds the styles of highlighted T-SQL, one per kind of token. Tokens
// of no kind (punctuation, plain names, spaces) keep the terminal's colour.
type SQL struct {
	Keyword  lipgloss.Style // CREATE, GRANT, ENDPOINT
	Function lipgloss.Style // CERTENCODED, SUSER_SNAME
	Type     lipgloss.Style // VARBINARY, NVARCHAR
	String   lipgloss.Style // 'text', N'text'
	Name     lipgloss.Style // [bracketed] and "quoted" identifiers
	Number   lipgloss.Style // 42, 1.5, 0x3082
	Comment  lipgloss.Style // -- line, /* block */
	Variable lipgloss.Style // $(SQLCMD_VAR), @local, @@ROWCOUNT
}

// sqlStyles picks colours that read on the background: GitHub's Primer
// palettes, the light one on a light background and the dark one on a dark
// background. Tabs are kept as tabs so that highlighting never changes the
// statement's text, only its colour.
func sqlStyles(dark bool) SQL {
	base := lipgloss.NewStyle().TabWidth(lipgloss.NoTabConversion)
	pick := lipgloss.LightDark(dark)
	fg := func(light, dark string) lipgloss.Style {
		return base.Foreground(pick(lipgloss.Color(light), lipgloss.Color(dark)))
	}
	return SQL{
		Keyword:  fg("#CF222E", "#FF7B72").Bold(true),
		Function: fg("#8250DF", "#D2A8FF"),
		Type:     fg("#953800", "#FFA657"),
		String:   fg("#0A3069", "#A5D6FF"),
		Name:     fg("#116329", "#7EE787"),
		Number:   fg("#0550AE", "#79C0FF"),
		Comment:  fg("#6E7781", "#8B949E").Italic(true),
		Variable: fg("#953800", "#FFA657").Bold(true),
	}
}
