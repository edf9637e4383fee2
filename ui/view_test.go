package ui

import (
	"strings"
	"testing"

	"github.com/mirrorcert/mirrorcert/steps"
	"github.com/mirrorcert/mirrorcert/steps/tsql"
)

// progressed is a mid-setup state: HOST_A's outbound done, a failed step on
// HOST_B, a conflict on HOST_W.
func progressed(t *testing.T) (*Model, *fakeBackend) {
	f := newFake(hosts3...)
	f.markDone(ref("HOST_A", steps.IDMasterKey), ref("HOST_A", steps.IDCertificate), ref("HOST_A", steps.IDEndpoint),
		ref("HOST_B", steps.IDMasterKey))
	f.mu.Lock()
	w := f.list.Item(ref("HOST_W", steps.IDEndpoint))
	w.Status = steps.Conflict
	w.Conflict = &steps.ConflictInfo{What: "existing endpoint Mirroring uses Windows authentication",
		Fix: "Switch the existing endpoint to certificate authentication; its name and port stay.", Object: "Mirroring",
		Remedy: []tsql.Statement{tsql.AlterEndpointAuth("Mirroring", "HOST_W_cert")}}
	f.hosts[2].Version = "15.0.2000.5"
	f.mu.Unlock()
	bc := ref("HOST_B", steps.IDCertificate)
	f.fail[bc] = &StepError{Host: "HOST_B", Step: bc.ID, Number: 15581, Severity: 16, State: 1, Line: 3,
		Message: "Please create a master key in the database or open the master key in the session before performing this operation."}
	m := started(t, f)
	m = press(t, m, "tab", "down", "enter", "y", "esc")
	return m, f
}

func TestGoldenViews(t *testing.T) {
	base := func(mod ...func(*Options)) func() *Model {
		return func() *Model { return started(t, newFake(hosts3...), mod...) }
	}
	cases := []struct {
		name  string
		build func() *Model
	}{
		{"connecting", func() *Model { return New(Options{Backend: newFake(hosts3...), PlanLabel: "plan.yaml", NoColor: true}) }},
		{"list", base()},
		{"list_ascii", base(func(o *Options) { o.ASCII = true })},
		{"detail", func() *Model { return press(t, base()(), "enter") }},
		{"running", func() *Model {
			f := newFake(hosts3...)
			f.block = make(chan struct{})
			m := press(t, started(t, f), "enter")
			_ = m.runSelected()
			return m
		}},
		{"password_once", func() *Model { return press(t, base()(), "enter", "y") }},
		{"passwords_together", func() *Model { return press(t, base()(), "A", "y") }},
		{"progress", func() *Model { m, _ := progressed(t); return m }},
		{"failed_detail", func() *Model { m, _ := progressed(t); return press(t, m, "enter") }},
		{"conflict_detail", func() *Model { m, _ := progressed(t); return press(t, m, "tab", "down", "down", "enter") }},
		{"type_name", func() *Model {
			m, _ := progressed(t)
			return press(t, m, "tab", "down", "down", "enter", "y", "M", "i")
		}},
		{"blocked_list", func() *Model { m, _ := progressed(t); return press(t, m, "tab", "tab", "tab") }},
		{"confirm_all", func() *Model { return press(t, base()(), "A") }},
		{"confirm_quit", func() *Model {
			f := newFake(hosts3...)
			f.block = make(chan struct{})
			m := press(t, started(t, f), "enter")
			_ = m.runSelected()
			m, _ = send(m, keyPress("q"))
			return m
		}},
		{"master_key_ask", func() *Model {
			return press(t, base(func(o *Options) { o.AskMasterKeyPassword = true })(), "enter", "y", "x", "y")
		}},
		{"help", func() *Model { return press(t, base()(), "?") }},
		{"manual_copy", func() *Model {
			f := newFake("HOST_A", "HOST_B")
			cp := ref("HOST_A", steps.InboundID("HOST_B", steps.KindCopy))
			f.list.Hosts[0].Items = append(f.list.Hosts[0].Items, steps.Item{Ref: cp, Title: "Copy HOST_B's certificate file here", Manual: true, Status: steps.Pending,
				Detail:  `C:\HOST_B_cert.cer is not on HOST_A yet`,
				Changes: `Nothing on the server: copy C:\HOST_B_cert.cer from HOST_B to C:\HOST_B_cert.cer on HOST_A.`})
			m := started(t, f)
			m.selectRef(cp)
			return press(t, m, "enter", "y")
		}},
		{"host_unreachable", func() *Model {
			f := newFake(hosts3...)
			f.hosts[2].Connected, f.hosts[2].Err = false, "HOST_W (127.0.0.1,50003): cannot reach the server: connection refused"
			for i := range f.list.Hosts[2].Items {
				f.list.Hosts[2].Items[i].Status = steps.Unknown
				f.list.Hosts[2].Items[i].BlockedBy = nil
			}
			return press(t, started(t, f), "tab", "tab")
		}},
		{"complete", func() *Model {
			f := newFake(hosts3...)
			f.markAllDone()
			return started(t, f)
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { golden(t, c.name, c.build) })
	}
}

func TestCompleteSaysExactly(t *testing.T) {
	f := newFake(hosts3...)
	f.markAllDone()
	s := screen(started(t, f))
	if !strings.Contains(s, "All hosts configured") {
		t.Errorf("complete screen:\n%s", s)
	}
	f2 := newFake(hosts3...)
	if strings.Contains(screen(started(t, f2)), "All hosts configured") {
		t.Error("an incomplete setup claims to be configured")
	}
}

func TestNineHostsFitAndScroll(t *testing.T) {
	var hs []string
	for i := 1; i <= 9; i++ {
		hs = append(hs, "REPLICA_"+string(rune('0'+i)))
	}
	m := started(t, newFake(hs...))
	for range 30 {
		m = press(t, m, "down")
	}
	s := screen(m)
	if lines := strings.Count(s, "\n") + 1; lines != 24 {
		t.Errorf("%d lines at 80x24", lines)
	}
	it, _ := m.selectedItem()
	if !strings.Contains(s, it.Title) {
		t.Errorf("selected %q scrolled off screen:\n%s", it.Title, s)
	}
}

func TestNoColorDropsColours(t *testing.T) {
	for _, noColor := range []bool{false, true} {
		f := newFake(hosts3...)
		m := press(t, started(t, f, func(o *Options) { o.NoColor = noColor }), "enter")
		out := m.Render()
		colours := strings.Contains(out, "38;") || strings.Contains(out, "48;")
		if colours == noColor {
			t.Errorf("NoColor=%v: colour sequences present = %v", noColor, colours)
		}
	}
}

func TestViewHasNoMouseCapture(t *testing.T) {
	m := started(t, newFake(hosts3...))
	v := m.View()
	if v.MouseMode != 0 {
		t.Error("the view captures the mouse; operators could not select text")
	}
	if !v.AltScreen {
		t.Error("the TUI should use the alternate screen")
	}
}

func TestActiveTabStaysVisible(t *testing.T) {
	var hs []string
	for i := 1; i <= 9; i++ {
		hs = append(hs, "REPLICA_"+string(rune('0'+i)))
	}
	m := started(t, newFake(hs...))
	for i := 0; i < 8; i++ {
		m = press(t, m, "tab")
	}
	tabs := strings.Split(screen(m), "\n")[1]
	if !strings.Contains(tabs, "REPLICA_9 0/35") {
		t.Errorf("the active tab is off screen: %q", tabs)
	}
}
