package ui

import (
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"github.com/charmbracelet/x/ansi"
)

// KeyMap is the root's own keys: the ones that act on the whole program or
// on the open step. Each component has its own (tabs, checklist, detail,
// dialogs); bindings that do not apply now are disabled (see syncKeys), so
// the footer only shows keys that do something.
type KeyMap struct {
	ToList    key.Binding // tab in the detail pane: back to the checklist
	Run       key.Binding
	Back      key.Binding
	RunAll    key.Binding
	Refresh   key.Binding
	Verify    key.Binding // v: the cross-host checks (ui/verify.go)
	Start     key.Binding // S: start the session
	Rotate    key.Binding // R: rotate the selected host's certificate (ui/rotate.go)
	Help      key.Binding
	Quit      key.Binding
	ForceQuit key.Binding
}

// DefaultKeyMap returns the keys of DESIGN.md's "TUI keys" section.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		ToList:    key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "checklist")),
		Run:       key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "run step")),
		Back:      key.NewBinding(key.WithKeys("n", "esc"), key.WithHelp("n/esc", "back")),
		RunAll:    key.NewBinding(key.WithKeys("A"), key.WithHelp("A", "run all pending")),
		Refresh:   key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "refresh")),
		Verify:    key.NewBinding(key.WithKeys("v"), key.WithHelp("v", "verify")),
		Start:     key.NewBinding(key.WithKeys("S"), key.WithHelp("S", "start session")),
		Rotate:    key.NewBinding(key.WithKeys("R"), key.WithHelp("R", "rotate the selected host's certificate")),
		Help:      key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
		Quit:      key.NewBinding(key.WithKeys("q"), key.WithHelp("q", "quit")),
		ForceQuit: key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "cancel and quit")),
	}
}

// footer is the help footer's key map: what has focus, then the root's keys.
// pinned keys (? help, q quit) are never dropped for lack of room; drop
// says which of the others go first.
type footer struct {
	short  []key.Binding
	full   [][]key.Binding
	pinned []key.Binding
	drop   []key.Binding
}

// fit is the short help's bindings that fit w cells when drawn by h: the
// others are dropped in f.drop's order before a pinned one ever is.
func (f footer) fit(h *help.Model, w int) []key.Binding {
	keep := append([]key.Binding(nil), f.short...)
	for _, d := range f.drop {
		if shortWidth(keep, ansi.StringWidth(h.ShortSeparator)) <= w {
			break
		}
		for i := range keep {
			if sameKey(keep[i], d) {
				keep = append(keep[:i], keep[i+1:]...)
				break
			}
		}
	}
	return keep
}

// sameKey compares bindings by their keys and help.
func sameKey(a, b key.Binding) bool {
	return a.Help() == b.Help() && strings.Join(a.Keys(), ",") == strings.Join(b.Keys(), ",")
}

// ShortHelp implements help.KeyMap.
func (f footer) ShortHelp() []key.Binding { return f.short }

// FullHelp implements help.KeyMap.
func (f footer) FullHelp() [][]key.Binding { return f.full }

// shortWidth is the width of the short help of bindings, untruncated.
func shortWidth(bindings []key.Binding, sep int) int {
	n, w := 0, 0
	for _, b := range bindings {
		if !b.Enabled() {
			continue
		}
		if n > 0 {
			w += sep
		}
		w += ansi.StringWidth(b.Help().Key) + 1 + ansi.StringWidth(b.Help().Desc)
		n++
	}
	return w
}
