package ui

import "charm.land/bubbles/v2/key"

// KeyMap is every key the program answers to. Bindings that do not apply in
// the current state are disabled (see Model.syncKeys), so the help footer only
// shows keys that do something now.
type KeyMap struct {
	Up, Down  key.Binding
	PageUp    key.Binding
	PageDown  key.Binding
	Tab       key.Binding
	Open      key.Binding
	Run       key.Binding
	Back      key.Binding
	RunAll    key.Binding
	Refresh   key.Binding
	Help      key.Binding
	Quit      key.Binding
	ForceQuit key.Binding
	Confirm   key.Binding
	Cancel    key.Binding
	Submit    key.Binding
	Dismiss   key.Binding
}

// DefaultKeyMap returns the keys of DESIGN.md's "TUI keys" section.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Up:        key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:      key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		PageUp:    key.NewBinding(key.WithKeys("pgup"), key.WithHelp("pgup", "page up")),
		PageDown:  key.NewBinding(key.WithKeys("pgdown", "space"), key.WithHelp("pgdn", "page down")),
		Tab:       key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "next host")),
		Open:      key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open T-SQL")),
		Run:       key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "run step")),
		Back:      key.NewBinding(key.WithKeys("n", "esc"), key.WithHelp("n/esc", "back")),
		RunAll:    key.NewBinding(key.WithKeys("A"), key.WithHelp("A", "run all pending")),
		Refresh:   key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "refresh")),
		Help:      key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
		Quit:      key.NewBinding(key.WithKeys("q"), key.WithHelp("q", "quit")),
		ForceQuit: key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "cancel and quit")),
		Confirm:   key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "yes")),
		Cancel:    key.NewBinding(key.WithKeys("n", "esc"), key.WithHelp("n/esc", "no")),
		Submit:    key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "submit")),
		Dismiss:   key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "I have stored it")),
	}
}

// ShortHelp implements help.KeyMap: the enabled keys, most useful first.
func (k KeyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Confirm, k.Submit, k.Dismiss, k.Cancel, k.Up, k.Down, k.Tab, k.Open, k.Run, k.Back, k.RunAll, k.Refresh, k.Help, k.Quit}
}

// FullHelp implements help.KeyMap.
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Up, k.Down, k.PageUp, k.PageDown, k.Tab},
		{k.Open, k.Run, k.Back, k.RunAll},
		{k.Confirm, k.Submit, k.Dismiss, k.Cancel},
		{k.Refresh, k.Help, k.Quit, k.ForceQuit},
	}
}
