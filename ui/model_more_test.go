package ui

import (
	"strings"
	"testing"

	"github.com/mirrorcert/mirrorcert/steps"
)

func TestManualCopyIsConfirmed(t *testing.T) {
	f := newFake("HOST_A", "HOST_B")
	cp := ref("HOST_A", steps.InboundID("HOST_B", steps.KindCopy))
	f.mu.Lock()
	f.list.Hosts[0].Items = append(f.list.Hosts[0].Items, steps.Item{Ref: cp, Title: "Copy HOST_B_cert.cer", Manual: true, Status: steps.Pending,
		Changes: `Copy C:\HOST_B_cert.cer from HOST_B to C:\HOST_B_cert.cer on HOST_A.`})
	f.mu.Unlock()
	m := started(t, f, func(o *Options) { o.ManualCopyBySimulator = true })
	if !m.selectRef(cp) {
		t.Fatal("copy item missing")
	}
	m = press(t, m, "enter", "y")
	if m.dlg.kind != dlgManual || !strings.Contains(screen(m), `C:\HOST_B_cert.cer`) {
		t.Fatalf("manual confirmation does not show the file:\n%s", screen(m))
	}
	m = press(t, m, "y")
	if len(f.manual) != 1 || f.manual[0] != cp {
		t.Errorf("manual confirmations = %v", f.manual)
	}
}

func TestHelpShowsOnlyLiveKeys(t *testing.T) {
	m := started(t, newFake(hosts3...))
	h := m.help.View(m.footer)
	if strings.Contains(h, "run step") {
		t.Errorf("list help offers y: %s", h)
	}
	m = press(t, m, "?")
	full := screen(m)
	if !strings.Contains(full, "refresh") || !strings.Contains(full, "open T-SQL") {
		t.Errorf("full help incomplete:\n%s", full)
	}
}

func TestResizeSwitchesLayout(t *testing.T) {
	m := started(t, newFake(hosts3...))
	if strings.Contains(screen(m), "Why:") {
		t.Error("80 columns should show the list alone")
	}
	m = sized(m, 120, 40)
	if !strings.Contains(screen(m), "Why:") {
		t.Errorf("120 columns should show the detail beside the list:\n%s", screen(m))
	}
}

func TestConnectionErrorShownInFull(t *testing.T) {
	f := newFake(hosts3...)
	long := "HOST_B (127.0.0.1,2): cannot reach the server: dial tcp 127.0.0.1:2: connect: connection refused; check the server name, port and firewall"
	f.mu.Lock()
	f.hosts[1].Connected, f.hosts[1].Err = false, long
	for i := range f.list.Hosts[1].Items {
		f.list.Hosts[1].Items[i].Status = steps.Unknown
	}
	f.mu.Unlock()
	m := press(t, started(t, f), "tab", "enter")
	s := strings.Join(strings.Fields(screen(m)), " ")
	if !strings.Contains(s, "check the server name, port and firewall") {
		t.Errorf("the end of the connection error is cut off:\n%s", screen(m))
	}
	if !strings.Contains(screen(m), "✗ HOST_B") {
		t.Errorf("HOST_B's tab does not show the failure:\n%s", screen(m))
	}
	if m.keys.Run.Enabled() || m.keys.RunAll.Enabled() && len(m.planAll().Run) == 0 {
		t.Error("y offered on a host that was not read")
	}
}
