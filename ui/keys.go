package ui

import (
	"charm.land/bubbles/v2/key"
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
		Help:      key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
		Quit:      key.NewBinding(key.WithKeys("q"), key.WithHelp("q", "quit")),
		ForceQuit: key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "cancel and quit")),
	}
}

// footer is the help footer's key map: what has focus, then the root's keys.
type footer struct {
	short []key.Binding
	full  [][]key.Binding
}

// ShortHelp implements help.KeyMap.
func (f footer) ShortHelp() []key.Binding { return f.short }

// FullHelp implements help.KeyMap.
func (f footer) FullHelp() [][]key.Binding { return f.full }
