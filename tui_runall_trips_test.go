package main

import (
	"strings"
	"testing"

	"github.com/mirrorcert/mirrorcert/ui"
)

// Issue 11: the TUI's A sends apply's plan of batches. From a fresh start
// (the TUI's first read of every host) to every host configured, each host
// costs three round trips: the state read, the outbound chain, the inbound
// set. Run one step per round trip, as A did before, it was twelve per host.
func TestTUIRunAllThreeRoundTripsPerHost(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the simulator")
	}
	d, _, be := demoDriver(t, "default", "", ui.Options{PlanLabel: "demo (test)"})
	s := be.sess.Load()
	if s == nil {
		t.Fatal("no session after the first refresh")
	}
	d.keys("A")
	if !strings.Contains(d.screen(), "pending steps?") {
		t.Fatalf("A confirmation:\n%s", d.screen())
	}
	d.keys("y")
	d.dismissPasswords()
	if sc := d.screen(); !strings.Contains(sc, "All hosts configured") {
		t.Fatalf("after A:\n%s", sc)
	}
	st := s.Stats()
	if len(st.PerHost) != 3 {
		t.Fatalf("%d hosts in the stats, want 3", len(st.PerHost))
	}
	for h, n := range st.PerHost {
		if n != 3 {
			t.Errorf("%s: %d round trips, want 3 (state read, outbound, inbound)", h, n)
		}
	}
}

// A on real hosts: the master key passwords asked before it starts go with
// the batches, a typed one to its host's master key and nowhere else, the
// others generated and shown; none is kept by the backend afterwards.
func TestTUIRunAllTypedPasswordsGoWithTheBatches(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the simulator")
	}
	d, _, be := demoDriver(t, "default", "", ui.Options{PlanLabel: "ask (test)", AskMasterKeyPassword: true})
	const typed = "Typed-For-A-Pa55!"
	d.keys("A", "y")
	if s := d.screen(); !strings.Contains(s, "Master key password for HOST_A") {
		t.Fatalf("no password question for HOST_A:\n%s", s)
	}
	d.typeText(typed)
	d.keys("enter")
	d.typeText(typed)
	d.keys("enter")
	for i := 0; i < 2; i++ { // HOST_B, HOST_W: generate
		d.keys("enter")
	}
	s := d.screen()
	if !pwDialog(s) || strings.Contains(s, typed) {
		t.Fatalf("want the generated passwords shown, never the typed one:\n%s", s)
	}
	if !strings.Contains(s, "HOST_B") || !strings.Contains(s, "HOST_W") {
		t.Fatalf("a generated password is missing:\n%s", s)
	}
	d.dismissPasswords()
	if s := d.screen(); !strings.Contains(s, "All hosts configured") {
		t.Fatalf("after A:\n%s", s)
	}
	be.mu.Lock()
	n := len(be.typed)
	be.mu.Unlock()
	if n != 0 {
		t.Error("the backend kept a typed password after A")
	}
	for h, trips := range be.sess.Load().Stats().PerHost {
		if trips != 3 {
			t.Errorf("%s: %d round trips, want 3", h, trips)
		}
	}
}
