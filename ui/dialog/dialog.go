// Package dialog holds the dialogs drawn in front of the screen: confirm
// (run all, quit, a manual step), type-the-name before a destructive fix,
// the master key password, and store-the-password. Each is a small model
// with its own keys; Update returns an Action the root turns into work.
package dialog

import (
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/lipgloss/v2"

	"github.com/mirrorcert/mirrorcert/ui/styles"
)

// Action is what a key did to a dialog.
type Action int

// Actions.
const (
	None   Action = iota
	Accept        // yes, submit, stored
	Cancel        // no, esc
)

// Part is one piece of a dialog's body: a paragraph wrapped to the dialog's
// width, or a line kept as it is.
type Part struct {
	Text string
	Wrap bool
}

// Para is a wrapped paragraph.
func Para(s string) Part { return Part{Text: s, Wrap: true} }

// Line is a line kept as it is.
func Line(s string) Part { return Part{Text: s} }

// frame holds what every dialog has: styles and size.
type frame struct {
	st   *styles.Styles
	w, h int
}

// SetSize sets the screen size the dialog is drawn in.
func (f *frame) SetSize(w, h int) { f.w, f.h = w, h }

// boxWidth is the dialog's outer width.
func (f *frame) boxWidth() int { return max(20, min(f.w-4, 72)) }

// wrap wraps text to the dialog's inner width.
func (f *frame) wrap(s string) string {
	return lipgloss.NewStyle().Width(f.boxWidth() - 4).Render(s)
}

// lines counts the lines parts take once wrapped.
func (f *frame) lines(parts []Part) int {
	n := 0
	for _, p := range parts {
		t := p.Text
		if p.Wrap {
			t = f.wrap(t)
		}
		n += strings.Count(t, "\n") + 1
	}
	return n
}

// box draws a bordered dialog with title and body.
func (f *frame) box(title string, body []Part) string {
	lines := make([]string, 0, len(body))
	for _, p := range body {
		if p.Wrap {
			lines = append(lines, f.wrap(p.Text))
		} else {
			lines = append(lines, p.Text)
		}
	}
	content := f.st.ModalTitle.Render(title) + "\n\n" + strings.Join(lines, "\n")
	return f.st.Modal.Width(f.boxWidth()).Render(content)
}

// YesNo is the keys of a question.
type YesNo struct {
	Yes, No key.Binding
}

func yesNo(yes, no string) YesNo {
	return YesNo{
		Yes: key.NewBinding(key.WithKeys("y"), key.WithHelp("y", yes)),
		No:  key.NewBinding(key.WithKeys("n", "esc"), key.WithHelp("n/esc", no)),
	}
}

// ShortHelp implements help.KeyMap.
func (k YesNo) ShortHelp() []key.Binding { return []key.Binding{k.Yes, k.No} }

// FullHelp implements help.KeyMap.
func (k YesNo) FullHelp() [][]key.Binding { return [][]key.Binding{k.ShortHelp()} }

// Submit is the keys of a dialog with a text input.
type Submit struct {
	Submit, Cancel key.Binding
}

func submit(what string) Submit {
	return Submit{
		Submit: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", what)),
		Cancel: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
	}
}

// ShortHelp implements help.KeyMap.
func (k Submit) ShortHelp() []key.Binding { return []key.Binding{k.Submit, k.Cancel} }

// FullHelp implements help.KeyMap.
func (k Submit) FullHelp() [][]key.Binding { return [][]key.Binding{k.ShortHelp()} }
