package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/mirrorcert/mirrorcert/ui"
)

// q while A's batches are on the servers cancels them, asks to quit naming
// what runs, and every result still comes back: a master key whose CREATE
// may have run has its generated password shown, marked uncertain, before
// the program may end. Nothing is left busy.
func TestTUIQuitDuringRunAllBatches(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the simulator")
	}
	d, dm, _ := demoDriver(t, "default", "", ui.Options{PlanLabel: "demo (test)"})
	d.keys("A")
	dm.cluster.SetLatency(5 * time.Second)
	var cmd tea.Cmd
	d.m, cmd = d.m.Update(tea.KeyPressMsg{Code: 'y', Text: "y"})
	msgs := make(chan tea.Msg, 64)
	var launch func(tea.Cmd)
	launch = func(c tea.Cmd) {
		if c == nil {
			return
		}
		go func() {
			msg := c()
			if b, ok := msg.(tea.BatchMsg); ok {
				for _, c := range b {
					launch(c)
				}
				return
			}
			if msg != nil {
				msgs <- msg
			}
		}()
	}
	launch(cmd)
	time.Sleep(300 * time.Millisecond)
	d.m, cmd = d.m.Update(tea.KeyPressMsg{Code: 'q', Text: "q"})
	launch(cmd)
	if s := d.screen(); !strings.Contains(s, "Quit mirrorcert?") || !strings.Contains(s, "Master key") {
		t.Fatalf("q during A did not cancel and ask:\n%s", s)
	}
	deadline := time.After(30 * time.Second)
	for ended := false; !ended; {
		select {
		case msg := <-msgs:
			name := fmt.Sprintf("%T", msg)
			if strings.Contains(name, "Tick") || name == "ui.clearNoteMsg" {
				continue // timers
			}
			ended = name == "ui.batchDoneMsg"
			d.m, cmd = d.m.Update(msg)
			launch(cmd)
		case <-deadline:
			t.Fatal("the cancelled batches never ended")
		}
	}
	dm.cluster.SetLatency(0)
	if d.m.(*ui.Model).Running() {
		t.Fatal("a host is still busy after A's batches ended")
	}
	d.keys("n")
	// The master keys' batches were cut off on the wire: whether CREATE
	// MASTER KEY ran is unknown, so each generated password is shown.
	if s := d.screen(); !pwDialog(s) || !strings.Contains(s, "may have been created: check") {
		t.Fatalf("the cancelled batches' master key passwords are not shown as uncertain:\n%s", s)
	}
	d.dismissPasswords()
	// A runs again, to the end, after the cancel.
	d.keys("A", "y")
	d.dismissPasswords()
	if s := d.screen(); !strings.Contains(s, "All hosts configured") {
		t.Fatalf("A after the cancel:\n%s", s)
	}
}
