package ui

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"
)

// These tests drive the model through a real tea.Program, so the command
// plumbing (batches, concurrent runs, the renderer) is exercised as in the
// product rather than by the settle helper the golden tests use.

// waitLong is generous: the machine running the tests is shared, and the
// program's commands run on goroutines that may be scheduled late.
const waitLong = 10 * time.Second

// startProgram runs a model on a fake backend with three hosts in a
// w×h terminal.
func startProgram(t *testing.T, f *fakeBackend, w, h int) *screenLog {
	t.Helper()
	m := New(Options{Backend: f, PlanLabel: "plan.yaml", Mode: "mirroring", Transfer: "inband", NoColor: true})
	return &screenLog{tm: teatest.NewTestModel(t, m, teatest.WithInitialTermSize(w, h))}
}

// screenLog accumulates everything a program has drawn. teatest's WaitFor
// drains the output it reads, and the renderer draws only what changed, so a
// text drawn while an earlier wait was reading would otherwise never be seen
// again.
type screenLog struct {
	tm   *teatest.TestModel
	seen bytes.Buffer
}

// waitFor waits until the drawn output, without ANSI sequences, contains
// every one of want.
func (l *screenLog) waitFor(t *testing.T, want ...string) {
	t.Helper()
	// b holds all this wait has read so far; only its new tail is logged.
	logged := 0
	teatest.WaitFor(t, l.tm.Output(), func(b []byte) bool {
		l.seen.Write(b[logged:])
		logged = len(b)
		plain := ansi.Strip(l.seen.String())
		for _, w := range want {
			if !strings.Contains(plain, w) {
				return false
			}
		}
		return true
	}, teatest.WithDuration(waitLong), teatest.WithCheckInterval(20*time.Millisecond))
}

// keys sends key presses to the program in order.
func (l *screenLog) keys(names ...string) {
	for _, k := range names {
		l.tm.Send(keyPress(k))
	}
}

// finalScreen quits with q and returns the final model's view without ANSI
// sequences. The final model is read after the program ended, so no spinner
// frame or note timer can change it while it is compared.
func (l *screenLog) finalScreen(t *testing.T) (*Model, string) {
	t.Helper()
	l.keys("q")
	fm, ok := l.tm.FinalModel(t, teatest.WithFinalTimeout(waitLong)).(*Model)
	if !ok {
		t.Fatalf("final model is %T, want ui.Model", fm)
	}
	return fm, ansi.Strip(fm.View().Content)
}

// runWholeSetup runs the first step alone, then every other step with A, as
// an operator would, and returns the final screen after q.
func runWholeSetup(t *testing.T, l *screenLog) (*Model, string) {
	t.Helper()
	// The first full frame: every host's tab and the first step.
	l.waitFor(t, "HOST_A 0/11", "HOST_W 0/11", "Master key")
	l.keys("enter", "y")
	// The master key's generated password is the step's visible result.
	l.waitFor(t, "Store this master key password now", "Gen-HOST_A-Secret-9!")
	l.keys("enter", "A", "y")
	// The demo holds A's generated passwords back and shows them together
	// at the end, so this dialog means A has finished.
	l.waitFor(t, "Store these master key passwords now", "Gen-HOST_W-Secret-9!")
	l.keys("enter")
	l.waitFor(t, CompleteText)
	return l.finalScreen(t)
}

func TestTeatestWholeSetup(t *testing.T) {
	for _, sz := range [][2]int{{80, 24}, {120, 40}} {
		name := "teatest_setup_" + strconv.Itoa(sz[0]) + "x" + strconv.Itoa(sz[1])
		t.Run(name, func(t *testing.T) {
			f := newFake(hosts3...)
			fm, got := runWholeSetup(t, startProgram(t, f, sz[0], sz[1]))
			if !fm.snap.Checklist.Complete() {
				t.Error("the final model's checklist is not complete")
			}
			if len(f.runs) != 33 {
				t.Errorf("backend ran %d steps, want 33 (11 per host)", len(f.runs))
			}
			if strings.Contains(got, "Gen-HOST_") {
				t.Errorf("a generated password is still on screen after it was dismissed:\n%s", got)
			}
			checkFits(t, got, sz[0], sz[1])
			compareGolden(t, name, got)
		})
	}
}

// A terminal shrunk while a step runs redraws at the new size: no line of
// the final frame is wider than the new width.
func TestTeatestResizeMidRun(t *testing.T) {
	f := newFake(hosts3...)
	// Runs wait on block, so the resize lands while the first one is in
	// flight rather than racing it.
	f.block = make(chan struct{})
	l := startProgram(t, f, 120, 40)
	l.waitFor(t, "HOST_A 0/11", "Master key")
	l.keys("enter", "y")
	l.waitFor(t, "HOST_A: Master key") // the status line's running entry
	l.tm.Send(tea.WindowSizeMsg{Width: 80, Height: 24})
	close(f.block)
	l.waitFor(t, "Store this master key password now")
	l.keys("enter", "A", "y")
	l.waitFor(t, "Store these master key passwords now")
	l.keys("enter")
	l.waitFor(t, CompleteText)
	fm, got := l.finalScreen(t)
	if fm.width != 80 || fm.height != 24 {
		t.Fatalf("final model is %dx%d, want 80x24", fm.width, fm.height)
	}
	if !strings.Contains(got, CompleteText) || !strings.Contains(got, "HOST_W 11/11") {
		t.Errorf("final frame is not the completed checklist:\n%s", got)
	}
	checkFits(t, got, 80, 24)
}

// checkFits fails when the screen is not exactly h lines of at most w cells.
func checkFits(t *testing.T, s string, w, h int) {
	t.Helper()
	lines := strings.Split(s, "\n")
	if len(lines) != h {
		t.Errorf("%d lines, want %d:\n%s", len(lines), h, s)
	}
	for i, l := range lines {
		if lw := ansi.StringWidth(l); lw > w {
			t.Errorf("line %d is %d cells wide, more than %d: %q", i+1, lw, w, l)
		}
	}
}

// compareGolden compares s with testdata/<name>.golden, or rewrites the file
// under -update, with the same trailing-space normalisation as golden.
func compareGolden(t *testing.T, name, s string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	norm := trimRight(s)
	if update() {
		if err := os.WriteFile(path, []byte(norm), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./ui -update to create it)", err)
	}
	if string(want) != norm {
		t.Errorf("final screen differs from %s (go test ./ui -update rewrites it):\n%s", path, norm)
	}
}
