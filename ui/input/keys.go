package input

import "charm.land/bubbles/v2/key"

// KeyMap is the line editor's keys, those of a shell's line editor (and of
// the bubbles textinput this replaces), so fingers need not relearn.
type KeyMap struct {
	Left, Right, Home, End    key.Binding
	Backspace, Delete         key.Binding
	DeleteBefore, DeleteAfter key.Binding // ctrl+u, ctrl+k
	DeleteWordBack            key.Binding // ctrl+w
	WordLeft, WordRight       key.Binding
}

// DefaultKeyMap is the editor's keys.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Left:           key.NewBinding(key.WithKeys("left", "ctrl+b"), key.WithHelp("←/→", "move")),
		Right:          key.NewBinding(key.WithKeys("right", "ctrl+f")),
		Home:           key.NewBinding(key.WithKeys("home", "ctrl+a"), key.WithHelp("home/end", "start/end")),
		End:            key.NewBinding(key.WithKeys("end", "ctrl+e")),
		Backspace:      key.NewBinding(key.WithKeys("backspace", "ctrl+h"), key.WithHelp("⌫", "delete")),
		Delete:         key.NewBinding(key.WithKeys("delete", "ctrl+d")),
		DeleteBefore:   key.NewBinding(key.WithKeys("ctrl+u"), key.WithHelp("ctrl+u", "clear")),
		DeleteAfter:    key.NewBinding(key.WithKeys("ctrl+k")),
		DeleteWordBack: key.NewBinding(key.WithKeys("ctrl+w", "alt+backspace", "ctrl+backspace")),
		WordLeft:       key.NewBinding(key.WithKeys("alt+left", "ctrl+left", "alt+b")),
		WordRight:      key.NewBinding(key.WithKeys("alt+right", "ctrl+right", "alt+f")),
	}
}

// ShortHelp is the keys worth showing in a footer.
func (k KeyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Left, k.Home, k.Backspace, k.DeleteBefore}
}

// FullHelp is every key, by group.
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Left, k.Right, k.Home, k.End, k.WordLeft, k.WordRight},
		{k.Backspace, k.Delete, k.DeleteBefore, k.DeleteAfter, k.DeleteWordBack},
	}
}
