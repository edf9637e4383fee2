// Package styles builds every lipgloss style of the TUI in one place, so
// NO_COLOR, --ascii and the terminal's light or dark background are decided
// once and every component draws with the same look.
package styles

import (
	"charm.land/bubbles/v2/spinner"
	"charm.land/lipgloss/v2"

	"github.com/mirrorcert/mirrorcert/steps"
)

// Glyphs are the symbols the checklist and header use. The ASCII set keeps
// the screen readable on terminals and fonts without box drawing or Braille.
type Glyphs struct {
	Done, Pending, Blocked, Conflict, Failed, Unknown, Manual string
	Connected, Disconnected, Connecting                       string
	Cursor, Divider, Arrow, Ellipsis, Rule, Mask, Sep         string
	Up, Down                                                  string
}

// Styles holds every style of the program; components receive a pointer to
// one Styles and never build their own.
type Styles struct {
	NoColor bool
	ASCII   bool
	// Dark says the terminal background is dark; it picks the colours,
	// those of highlighted T-SQL (SQL) included.
	Dark    bool
	SQL     SQL
	Glyphs  Glyphs
	Border  lipgloss.Border
	Spinner spinner.Spinner

	Title      lipgloss.Style
	Subtle     lipgloss.Style
	Tab        lipgloss.Style
	TabActive  lipgloss.Style
	Section    lipgloss.Style
	Item       lipgloss.Style
	Selected   lipgloss.Style
	Label      lipgloss.Style
	Done       lipgloss.Style
	Pending    lipgloss.Style
	Blocked    lipgloss.Style
	Conflict   lipgloss.Style
	Failed     lipgloss.Style
	OK         lipgloss.Style
	Warn       lipgloss.Style
	Error      lipgloss.Style
	Modal      lipgloss.Style
	ModalTitle lipgloss.Style
	Secret     lipgloss.Style
	Complete   lipgloss.Style
	HelpKey    lipgloss.Style
	HelpDesc   lipgloss.Style
}

// Default builds the styles. noColor drops every colour (NO_COLOR) and relies
// on bold and reverse video; ascii swaps glyphs and borders for plain ASCII;
// dark chooses colours that read on a dark background (else a light one).
func Default(noColor, ascii, dark bool) Styles {
	s := Styles{NoColor: noColor, ASCII: ascii, Dark: dark}
	if ascii {
		s.Glyphs = Glyphs{
			Done: "[x]", Pending: "[ ]", Blocked: "[-]", Conflict: "[!]", Failed: "[X]", Unknown: "[?]", Manual: "[m]",
			Connected: "+", Disconnected: "x", Connecting: "~",
			Cursor: ">", Divider: "|", Arrow: "<-", Ellipsis: "...", Rule: "-", Mask: "********", Sep: " - ", Up: "up", Down: "down",
		}
		s.Border = lipgloss.ASCIIBorder()
		s.Spinner = spinner.Line
	} else {
		s.Glyphs = Glyphs{
			Done: "✓", Pending: "•", Blocked: "◌", Conflict: "!", Failed: "✗", Unknown: "?", Manual: "⇄",
			Connected: "●", Disconnected: "✗", Connecting: "○",
			Cursor: "›", Divider: "│", Arrow: "←", Ellipsis: "…", Rule: "─", Mask: "••••••••", Sep: " · ", Up: "↑", Down: "↓",
		}
		s.Border = lipgloss.RoundedBorder()
		s.Spinner = spinner.Dot
	}
	base := lipgloss.NewStyle()
	s.Title = base.Bold(true)
	s.Subtle = base
	s.Tab = base.Padding(0, 1)
	s.TabActive = base.Padding(0, 1).Bold(true).Reverse(true)
	s.Section = base.Bold(true)
	s.Item = base
	s.Selected = base.Bold(true).Reverse(true)
	s.Label = base.Bold(true)
	s.Done, s.Pending, s.Blocked, s.Conflict, s.Failed = base, base.Bold(true), base, base.Bold(true), base.Bold(true)
	s.OK, s.Warn, s.Error = base, base, base.Bold(true)
	s.Modal = base.Border(s.Border).Padding(0, 1)
	s.ModalTitle = base.Bold(true)
	s.Secret = base.Bold(true)
	s.Complete = base.Bold(true)
	s.HelpKey = base.Bold(true)
	s.HelpDesc = base
	if noColor {
		return s
	}
	pick := lipgloss.LightDark(dark)
	var (
		accent = pick(lipgloss.Color("#5A3FD1"), lipgloss.Color("#7D56F4"))
		subtle = pick(lipgloss.Color("#6E6E6E"), lipgloss.Color("#8A8A8A"))
		green  = pick(lipgloss.Color("#1A7F37"), lipgloss.Color("#3FB950"))
		yellow = pick(lipgloss.Color("#9A6700"), lipgloss.Color("#D29922"))
		red    = pick(lipgloss.Color("#CF222E"), lipgloss.Color("#F85149"))
		blue   = pick(lipgloss.Color("#0969DA"), lipgloss.Color("#58A6FF"))
		selBg  = pick(lipgloss.Color("#D8D4F2"), lipgloss.Color("#3A3A5A"))
		selFg  = pick(lipgloss.Color("#000000"), lipgloss.Color("#FFFFFF"))
	)
	s.SQL = sqlStyles(dark)
	s.Title = s.Title.Foreground(accent)
	s.Subtle = s.Subtle.Foreground(subtle)
	s.TabActive = base.Padding(0, 1).Bold(true).Foreground(lipgloss.Color("#FFFFFF")).Background(accent)
	s.Section = s.Section.Foreground(blue)
	s.Selected = base.Bold(true).Foreground(selFg).Background(selBg)
	s.Done = s.Done.Foreground(green)
	s.Pending = s.Pending.Foreground(yellow)
	s.Blocked = s.Blocked.Foreground(subtle)
	s.Conflict = s.Conflict.Foreground(red)
	s.Failed = s.Failed.Foreground(red)
	s.OK = s.OK.Foreground(green)
	s.Warn = s.Warn.Foreground(yellow)
	s.Error = s.Error.Foreground(red)
	s.Modal = s.Modal.BorderForeground(accent)
	s.ModalTitle = s.ModalTitle.Foreground(accent)
	s.Secret = s.Secret.Foreground(yellow)
	s.Complete = s.Complete.Foreground(green)
	s.HelpKey = s.HelpKey.Foreground(subtle)
	s.HelpDesc = s.HelpDesc.Foreground(subtle)
	return s
}

// Glyph returns the symbol and style for an item's status.
func (s *Styles) Glyph(it *steps.Item) (string, lipgloss.Style) {
	switch it.Status {
	case steps.Done:
		return s.Glyphs.Done, s.Done
	case steps.Pending:
		if it.Manual {
			return s.Glyphs.Manual, s.Pending
		}
		return s.Glyphs.Pending, s.Pending
	case steps.Blocked:
		return s.Glyphs.Blocked, s.Blocked
	case steps.Conflict:
		return s.Glyphs.Conflict, s.Conflict
	case steps.Failed:
		return s.Glyphs.Failed, s.Failed
	default:
		return s.Glyphs.Unknown, s.Subtle
	}
}
