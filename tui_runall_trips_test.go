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
