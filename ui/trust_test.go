package ui

import (
	"context"
	"strings"
	"testing"
)

// trustFake fails every host on its TLS certificate until the setting is
// changed.
type trustFake struct {
	*fakeBackend
	trusted bool
}

func (f *trustFake) TrustServerCertificates(context.Context) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.trusted = true
	for i := range f.hosts {
		f.hosts[i].Err, f.hosts[i].TLSUntrusted, f.hosts[i].Connected = "", false, true
	}
	return nil
}

// Item 10: after a TLS trust failure the TUI offers to change the setting
// and reconnect in place, instead of "press r", which cannot help.
func TestTLSTrustFailureOffersToReconnectInPlace(t *testing.T) {
	f := &trustFake{fakeBackend: newFake(hosts3...)}
	for i := range f.hosts {
		f.hosts[i].Connected = false
		f.hosts[i].Err = f.hosts[i].Name + ": the server's TLS certificate was not accepted: x509: certificate signed by unknown authority"
		f.hosts[i].TLSUntrusted = true
	}
	o := Options{Backend: f, PlanLabel: "plan.yaml", NoColor: true}
	m := New(o)
	m, _ = settle(t, m, m.Init())
	m = sized(m, 100, 40)
	s := screen(m)
	if m.dlg.kind != dlgTrust || !strings.Contains(s, "Trust the servers' TLS certificates?") || !strings.Contains(s, "y trust and reconnect") {
		t.Fatalf("no offer to trust and reconnect:\n%s", s)
	}
	m = press(t, m, "y")
	if !f.trusted {
		t.Fatal("the setting was not changed")
	}
	s = screen(m)
	if strings.Count(s, "● HOST_") != 3 || strings.Contains(s, "not accepted") {
		t.Fatalf("not reconnected in place:\n%s", s)
	}
}

// Declined, the question is not asked again on every refresh.
func TestTLSTrustDeclinedOnce(t *testing.T) {
	f := &trustFake{fakeBackend: newFake(hosts3...)}
	f.hosts[0].Err, f.hosts[0].TLSUntrusted = "HOST_A: TLS certificate was not accepted", true
	m := New(Options{Backend: f, PlanLabel: "plan.yaml", NoColor: true})
	m, _ = settle(t, m, m.Init())
	if m.dlg.kind != dlgTrust {
		t.Fatal("not asked")
	}
	m = press(t, m, "n")
	if m.dlg.box != nil || f.trusted {
		t.Fatal("n did not decline")
	}
	m = press(t, m, "r")
	if m.dlg.box != nil {
		t.Fatal("asked again after a refresh")
	}
}
