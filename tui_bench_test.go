package main

import (
	"context"
	"fmt"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/mirrorcert/mirrorcert/ui"
)

// BenchmarkDemoFirstFullFrame measures `mirrorcert demo` from start to the
// first frame showing every host connected with its checklist: simulator
// start, plan, session open (three TDS logins and state reads), render.
func BenchmarkDemoFirstFullFrame(b *testing.B) {
	for b.Loop() {
		ctx, cancel := context.WithCancel(context.Background())
		dm, err := startDemo(ctx, "default", "")
		if err != nil {
			b.Fatal(err)
		}
		be := dm.backend(nil)
		var m tea.Model = ui.New(ui.Options{Backend: be, PlanLabel: "demo (default)"})
		m, _ = m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
		// Init's first command is the refresh; run the batch's commands
		// until the snapshot arrives.
		for _, c := range m.Init()().(tea.BatchMsg) {
			if msg := c(); msg != nil && fmt.Sprintf("%T", msg) == "ui.snapshotMsg" {
				m, _ = m.Update(msg)
			}
		}
		frame := m.(*ui.Model).Render()
		if !strings.Contains(frame, "HOST_W 0/11") {
			b.Fatalf("first frame incomplete:\n%s", frame)
		}
		be.Close()
		dm.Close()
		cancel()
	}
}
