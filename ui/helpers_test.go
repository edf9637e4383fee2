package ui

import (
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/mirrorcert/mirrorcert/ui/uitest"
)

// The -update flag rewrites the golden files in testdata. teatest links
// github.com/charmbracelet/x/exp/golden, which registers a flag of that very
// name, and the flag package panics on a second registration: so the flag is
// registered here only when nothing has yet, and read by name either way.
func init() {
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite the golden files in testdata")
	}
}

// update reports whether -update was given.
func update() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

// keyPress builds the message a terminal sends for a key name.
func keyPress(s string) tea.KeyPressMsg {
	switch s {
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "tab":
		return tea.KeyPressMsg{Code: tea.KeyTab}
	case "up":
		return tea.KeyPressMsg{Code: tea.KeyUp}
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	case "ctrl+c":
		return tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl}
	}
	r := []rune(s)[0]
	return tea.KeyPressMsg{Code: r, Text: s}
}

// send delivers one message and returns the model and its command.
func send(m *Model, msg tea.Msg) (*Model, tea.Cmd) {
	nm, cmd := m.Update(msg)
	return nm.(*Model), cmd
}

// press delivers keys one by one, running every resulting command to
// completion (see settle).
func press(t *testing.T, m *Model, keys ...string) *Model {
	t.Helper()
	m, _ = pressQuit(t, m, keys...)
	return m
}

// pressQuit is press that also reports whether the program asked to quit.
func pressQuit(t *testing.T, m *Model, keys ...string) (*Model, bool) {
	t.Helper()
	quit := false
	for _, k := range keys {
		var cmd tea.Cmd
		var q bool
		m, cmd = send(m, keyPress(k))
		m, q = settle(t, m, cmd)
		quit = quit || q
	}
	return m, quit
}

// settle runs cmd and feeds its messages back until nothing is left. The
// fake backend answers at once, so a command still out after 60ms is a timer.
func settle(t *testing.T, m *Model, cmd tea.Cmd) (*Model, bool) {
	t.Helper()
	quit := uitest.Settle(cmd, func(msg tea.Msg) tea.Cmd {
		var next tea.Cmd
		m, next = send(m, msg)
		return next
	}, 60*time.Millisecond, func(msg tea.Msg) bool { _, ok := msg.(clearNoteMsg); return ok })
	return m, quit
}

// sized returns m after a resize.
func sized(m *Model, w, h int) *Model {
	m, _ = send(m, tea.WindowSizeMsg{Width: w, Height: h})
	return m
}

// screen is the rendered screen without ANSI sequences.
func screen(m *Model) string { return ansi.Strip(m.Render()) }

// golden compares the screen at 80×24 and 120×40 with testdata/<name>_<w>x<h>.golden.
func golden(t *testing.T, name string, build func() *Model) {
	t.Helper()
	for _, sz := range [][2]int{{80, 24}, {120, 40}} {
		m := sized(build(), sz[0], sz[1])
		got := screen(m)
		lines := strings.Split(got, "\n")
		if len(lines) != sz[1] {
			t.Errorf("%s at %dx%d: %d lines, want %d", name, sz[0], sz[1], len(lines), sz[1])
		}
		for i, l := range lines {
			if w := ansi.StringWidth(l); w != sz[0] {
				t.Errorf("%s at %dx%d: line %d is %d cells wide", name, sz[0], sz[1], i+1, w)
			}
		}
		path := filepath.Join("testdata", name+"_"+strconv.Itoa(sz[0])+"x"+strconv.Itoa(sz[1])+".golden")
		// Trailing spaces are padding; strip them so the files stay readable.
		norm := trimRight(got)
		if update() {
			if err := os.MkdirAll("testdata", 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, []byte(norm), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run go test ./ui -update to create it)", err)
		}
		if string(want) != norm {
			t.Errorf("%s differs from %s (go test ./ui -update rewrites it):\n%s", name, path, norm)
		}
	}
}

func trimRight(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\n") + "\n"
}
