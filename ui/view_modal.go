package ui

import (
	"fmt"
	"strings"

	"charm.land/lipgloss/v2"
)

// viewModal renders the dialog in front, if any: an open dialog first, then
// a generated password waiting to be shown.
func (m Model) viewModal() (string, bool) {
	st := m.styles
	w := min(m.width-4, 72)
	wrap := lipgloss.NewStyle().Width(w - 4)
	var title string
	var body []string
	switch m.modal.kind {
	case modalConfirmAll:
		title = fmt.Sprintf("Run %d pending step%s?", len(m.modal.refs), plural(len(m.modal.refs)))
		room := max(3, m.bodyHeight()-9) // the dialog's other lines must fit too
		for i, r := range m.modal.refs {
			if i == room-1 && len(m.modal.refs) > room {
				body = append(body, fmt.Sprintf("  %s and %d more", st.Glyphs.Ellipsis, len(m.modal.refs)-i))
				break
			}
			body = append(body, fmt.Sprintf("  %s: %s", r.Host, m.title(r)))
		}
		body = append(body, "", wrap.Render("Steps run host by host in dependency order, one at a time per host. Conflicts and manual steps are left for you."))
		if m.opts.AskMasterKeyPassword {
			body = append(body, wrap.Render("Next you type each master key password (empty: generate)."))
		} else {
			body = append(body, wrap.Render("Master key passwords are generated and shown once, at the end."))
		}
		body = append(body, "y run them · n cancel")
	case modalConfirmQuit:
		title = "Quit mirrorcert?"
		if len(m.modal.cancelled) > 0 {
			body = append(body, "Cancelled what was running:")
			for _, c := range m.modal.cancelled {
				body = append(body, "  "+c)
			}
			body = append(body, "", wrap.Render("A cancelled step either completed on the server before the cancel arrived or did not happen at all; mirrorcert reads the real state when you start it again."))
		}
		body = append(body, "y quit · n stay")
	case modalManual:
		it := m.snap.Checklist.Item(m.modal.ref)
		title = "Confirm the manual step"
		if it != nil {
			body = append(body, wrap.Render(m.manualText(*it)))
		}
		if m.opts.ManualCopyBySimulator {
			body = append(body, "", "y copy it now · n not yet")
		} else {
			body = append(body, "", "y it is done · n not yet")
		}
	case modalTypeName:
		title = "This changes an existing object"
		it := m.snap.Checklist.Item(m.modal.ref)
		if it != nil && it.Conflict != nil {
			body = append(body, wrap.Render(it.Conflict.Fix))
		}
		body = append(body, "", wrap.Render(fmt.Sprintf("Type %s to confirm:", st.Label.Render(m.modal.object))), m.input.View())
		if m.modal.err != "" {
			body = append(body, st.Error.Render(wrap.Render(m.modal.err)))
		}
		body = append(body, "enter apply · esc leave it alone")
	case modalMasterKey:
		title = "Master key password for " + m.modal.ref.Host
		if m.modal.forAll {
			title += fmt.Sprintf(" (%d of %d)", m.modal.n, m.modal.total)
		}
		body = append(body,
			wrap.Render("Type a strong password for the database master key, or leave it empty and press enter to have one generated (shown to you once)."),
			"", m.input.View(), "", "enter continue · esc cancel")
	default:
		if len(m.passwords) == 0 {
			return "", false
		}
		group := m.passwords[0]
		if len(group) == 1 {
			p := group[0]
			title = "Store this master key password now"
			body = append(body,
				wrap.Render(fmt.Sprintf("mirrorcert generated the database master key password for %s:", p.host)),
				"", "  "+st.Secret.Render(p.password), "",
				wrap.Render("Store it in your password vault now. It is not saved anywhere, not logged, and will not be shown again. You need it to restore the master key or move the database to another server."),
				"", "enter I have stored it")
		} else {
			title = "Store these master key passwords now"
			body = append(body, wrap.Render("mirrorcert generated the database master key passwords:"), "")
			for _, p := range group {
				body = append(body, "  "+p.host+"  "+st.Secret.Render(p.password))
			}
			body = append(body, "",
				wrap.Render("Store them in your password vault now. They are not saved anywhere, not logged, and will not be shown again. You need each to restore that host's master key or move its databases."),
				"", "enter I have stored them")
		}
		if n := len(m.passwords) - 1; n > 0 {
			body = append(body, st.Subtle.Render(fmt.Sprintf("(%d more after this)", n)))
		}
	}
	content := st.ModalTitle.Render(title) + "\n\n" + strings.Join(body, "\n")
	return st.Modal.Width(w).Render(content), true
}
