package input

import (
	"strings"
	"testing"

	"charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/mirrorcert/mirrorcert/ui/styles"
)

// press builds a key press as the terminal sends it.
func press(s string) tea.KeyPressMsg {
	switch s {
	case "left":
		return tea.KeyPressMsg{Code: tea.KeyLeft}
	case "right":
		return tea.KeyPressMsg{Code: tea.KeyRight}
	case "home":
		return tea.KeyPressMsg{Code: tea.KeyHome}
	case "end":
		return tea.KeyPressMsg{Code: tea.KeyEnd}
	case "backspace":
		return tea.KeyPressMsg{Code: tea.KeyBackspace}
	case "delete":
		return tea.KeyPressMsg{Code: tea.KeyDelete}
	case "alt+left":
		return tea.KeyPressMsg{Code: tea.KeyLeft, Mod: tea.ModAlt}
	case "alt+right":
		return tea.KeyPressMsg{Code: tea.KeyRight, Mod: tea.ModAlt}
	case "ctrl+w", "ctrl+u", "ctrl+k", "ctrl+a", "ctrl+e":
		return tea.KeyPressMsg{Code: rune(s[5]), Mod: tea.ModCtrl}
	}
	r := []rune(s)
	return tea.KeyPressMsg{Code: r[0], Text: s}
}

func newField(t *testing.T, w int) *Model {
	t.Helper()
	st := styles.Default(true, false, true)
	m := New(&st)
	m.SetWidth(w)
	m.Focus()
	return &m
}

// typeKeys sends each key in turn; a key of one rune (or "space") is typed.
func typeKeys(m *Model, keys ...string) {
	for _, k := range keys {
		if k == "space" {
			k = " "
		}
		m.Update(press(k))
	}
}

// TestEditing: every editing key, checked on the value and the cursor.
func TestEditing(t *testing.T) {
	for _, tc := range []struct {
		keys []string
		want string
		pos  int
	}{
		{[]string{"a", "b", "c"}, "abc", 3},
		{[]string{"a", "b", "c", "left", "left", "X"}, "aXbc", 2},
		{[]string{"a", "b", "home", "X", "end", "Y"}, "XabY", 4},
		{[]string{"a", "b", "c", "left", "backspace"}, "ac", 1},
		{[]string{"a", "b", "c", "home", "delete"}, "bc", 0},
		{[]string{"a", "home", "backspace", "end", "delete"}, "a", 1},
		{[]string{"a", "b", "left", "ctrl+u"}, "b", 0},
		{[]string{"a", "b", "left", "ctrl+k"}, "a", 1},
		{[]string{"o", "n", "e", "space", "t", "w", "o", "ctrl+w"}, "one ", 4},
		{[]string{"o", "n", "e", "space", "t", "w", "o", "alt+left", "alt+left", "X", "alt+right", "Y"}, "XoneY two", 5},
		{[]string{"é", "日", "left", "left", "left", "right", "Z"}, "éZ日", 2},
		{[]string{"left", "left", "right", "right"}, "", 0},
	} {
		m := newField(t, 20)
		typeKeys(m, tc.keys...)
		if m.Value() != tc.want || m.Position() != tc.pos {
			t.Errorf("%v: value %q cursor %d, want %q cursor %d", tc.keys, m.Value(), m.Position(), tc.want, tc.pos)
		}
	}
}

// TestPasteIsOneLine: a paste lands at the cursor; line breaks and tabs
// become spaces and escape sequences cannot get in.
func TestPasteIsOneLine(t *testing.T) {
	m := newField(t, 20)
	typeKeys(m, "a", "b", "left")
	m.Update(tea.PasteMsg{Content: "x\ty\r\nz\x1b[2J"})
	if got := m.Value(); got != "ax y z[2Jb" || m.Position() != 9 {
		t.Errorf("paste gave %q cursor %d", got, m.Position())
	}
}

// TestLimit: typing or pasting past the limit stops at it.
func TestLimit(t *testing.T) {
	m := newField(t, 12)
	m.Limit = 4
	typeKeys(m, "1", "2", "3")
	m.Update(tea.PasteMsg{Content: "456"})
	typeKeys(m, "7")
	m.SetValue("abcdef")
	if m.Value() != "abcd" {
		t.Errorf("value %q past the limit", m.Value())
	}
}

// TestBlurredTakesNoKeys: only the focused field edits, and only it draws
// a cursor.
func TestBlurredTakesNoKeys(t *testing.T) {
	m := newField(t, 10)
	m.SetValue("ab")
	focused := m.View()
	m.Blur()
	typeKeys(m, "x", "backspace")
	if m.Value() != "ab" {
		t.Errorf("a blurred field took keys: %q", m.Value())
	}
	if m.View() == focused || ansi.Strip(m.View()) != ansi.Strip(focused) {
		t.Errorf("the cursor did not go: %q vs %q", m.View(), focused)
	}
}

// TestPasswordNeverDrawn: a masked field draws one mask per rune, never
// the secret, wherever the cursor is.
func TestPasswordNeverDrawn(t *testing.T) {
	m := newField(t, 6)
	m.Mask = '*'
	m.Update(tea.PasteMsg{Content: "s3cretPässword"})
	for _, k := range []string{"", "left", "home", "right", "end"} {
		if k != "" {
			typeKeys(m, k)
		}
		v := ansi.Strip(m.View())
		for _, r := range "s3cretPäw" {
			if strings.ContainsRune(v, r) {
				t.Fatalf("after %q the view shows %q: %q", k, r, v)
			}
		}
		if !strings.Contains(v, "*") {
			t.Fatalf("no mask drawn: %q", v)
		}
	}
	typeKeys(m, "end", "ctrl+w")
	if m.Value() != "" {
		t.Errorf("ctrl+w in a password left %q: it would show where the spaces are", m.Value())
	}
}

// TestScrolls: a value wider than the field shows a window that holds the
// cursor, the view keeps the field's width, and the window stays put
// while the cursor moves inside it.
func TestScrolls(t *testing.T) {
	m := newField(t, 5)
	m.Prompt = ""
	m.SetValue("abcdefghij")
	if got := ansi.Strip(m.View()); got != "fghij " {
		t.Errorf("at the end: %q", got)
	}
	typeKeys(m, "left", "left")
	if got := ansi.Strip(m.View()); got != "fghij " {
		t.Errorf("moving inside the window scrolled it: %q", got)
	}
	typeKeys(m, "home")
	if got := ansi.Strip(m.View()); got != "abcdef" {
		t.Errorf("at the start: %q", got)
	}
	typeKeys(m, "end", "backspace", "backspace", "backspace", "backspace", "backspace")
	if got := ansi.Strip(m.View()); got != "abcde " {
		t.Errorf("after deleting, the start came back: %q", got)
	}
	for _, v := range []string{"", "ab", "abcdefghij", "日本語の文字列です"} {
		m.SetValue(v)
		for _, k := range []string{"end", "home", "right", "right", "right"} {
			typeKeys(m, k)
			if w := ansi.StringWidth(m.View()); w != 6 && !(w == 5 && strings.ContainsRune(v, '日')) {
				t.Errorf("%q after %s: view is %d cells, want the field's 6: %q", v, k, w, ansi.Strip(m.View()))
			}
			if !strings.Contains(m.View(), "\x1b[7m") {
				t.Errorf("%q after %s: no cursor drawn", v, k)
			}
		}
	}
}

// TestPlaceholder shows while empty, with the cursor on its first letter,
// and goes at the first key.
func TestPlaceholder(t *testing.T) {
	m := newField(t, 30)
	m.Placeholder = "empty: generate one"
	if got := ansi.Strip(m.View()); !strings.HasPrefix(got, "> empty: generate one") || ansi.StringWidth(got) != 2+31 {
		t.Errorf("placeholder view %q", got)
	}
	typeKeys(m, "x")
	if got := ansi.Strip(m.View()); strings.Contains(got, "generate") || !strings.HasPrefix(got, "> x") {
		t.Errorf("placeholder kept after typing: %q", got)
	}
}

// TestSetSizeFitsTheLine: after SetSize(w), prompt, value and cursor take
// exactly w cells, however long the value.
func TestSetSizeFitsTheLine(t *testing.T) {
	m := newField(t, 0)
	m.SetSize(12, 1)
	for _, v := range []string{"", "abc", "a much longer value than the field"} {
		m.SetValue(v)
		if w := ansi.StringWidth(m.View()); w != 12 {
			t.Errorf("%q: %d cells, want 12: %q", v, w, ansi.Strip(m.View()))
		}
	}
}
