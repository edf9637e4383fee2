package ui

import (
	"strings"
	"testing"
	"time"

	"github.com/mirrorcert/mirrorcert/steps"
	"github.com/mirrorcert/mirrorcert/steps/rotate"
)

// rotModel is a model on a fake rotator, read once, at 120x40.
func rotModel(t *testing.T) (*Model, *fakeRotator) {
	t.Helper()
	f := newFakeRotator("HOST_A", "HOST_B", "HOST_W")
	m := sized(New(Options{Backend: f, NoColor: true, PlanLabel: "test"}), 120, 40)
	m, _ = settle(t, m, m.Init())
	return m, f
}

func mustShow(t *testing.T, m *Model, what string, wants ...string) {
	t.Helper()
	s := screen(m)
	for _, w := range wants {
		if !strings.Contains(s, w) {
			t.Fatalf("%s: the screen lacks %q:\n%s", what, w, s)
		}
	}
}

// poll delivers the rotation's next poll, as its timer would.
func poll(t *testing.T, m *Model) *Model {
	t.Helper()
	if !m.rotPolling() {
		t.Fatalf("the rotation is not polling:\n%s", screen(m))
	}
	m, cmd := send(m, rotationPollMsg{Gen: m.rot.gen})
	m, _ = settle(t, m, cmd)
	return m
}

func TestRotateAsksTheDateThenShowsTheStepsPerHost(t *testing.T) {
	m, f := rotModel(t)
	mustShow(t, m, "header", "HOST_A_cert expires in 5 days", "R rotates")

	m = press(t, m, "R")
	mustShow(t, m, "R", "Rotate HOST_A's certificate", "2027-11-30")
	// A date in the past is refused, in the dialog, and nothing is built.
	for range len("2027-11-30") {
		m = press(t, m, "backspace")
	}
	m = press(t, m, "2", "0", "2", "6", "-", "0", "1", "-", "0", "1", "enter")
	mustShow(t, m, "past date", "2026-01-01 is not in the future")
	if f.builds != 0 {
		t.Fatalf("a rotation was derived for a refused date")
	}
	for range len("2026-01-01") {
		m = press(t, m, "backspace")
	}
	m = press(t, m, "x", "enter")
	mustShow(t, m, "not a date", `"x" is not a date`)
	m = press(t, m, "esc", "R", "enter") // the default: one year from the snapshot's day
	if len(f.expiries) == 0 || !f.expiries[0].Equal(time.Date(2027, 11, 30, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("expiry asked for: %v", f.expiries)
	}
	mustShow(t, m, "rotation on HOST_A", "Rotation of HOST_A's certificate", "rotate/create on HOST_A", "rotate/endpoint on HOST_A",
		"Session: Sales on HOST_A: SYNCHRONIZED", "-- rotate/create on HOST_A (HOST_A_cert_20271130)")
	if strings.Contains(screen(m), "rotate/import on HOST_B") {
		t.Fatalf("HOST_B's step shows on HOST_A's tab:\n%s", screen(m))
	}
	m = press(t, m, "tab")
	mustShow(t, m, "HOST_B's tab", "rotate/import on HOST_B", "rotate/verify on HOST_B")
	if len(f.ranRefs()) != 0 {
		t.Fatalf("R ran something: %v", f.ranRefs())
	}
}

func TestRotateEndpointSwitchAsksAfterTheWarning(t *testing.T) {
	m, f := rotModel(t)
	m = press(t, m, "R", "enter", "enter", "y") // open the create step, run it
	if got := f.ranRefs(); len(got) != 1 || got[0] != (steps.Ref{Host: "HOST_A", ID: rotate.IDCreate}) {
		t.Fatalf("y ran %v", got)
	}
	m = press(t, m, "A")
	mustShow(t, m, "A", "Rotate HOST_A's certificate to HOST_A_cert_20271130?", "rotate/import on HOST_B", "rotate/drop-old on HOST_W")
	m = press(t, m, "y")
	// The imports ran; A stops at the switch with the warning.
	mustShow(t, m, "before the switch", "Switch HOST_A's endpoint to the new certificate?", "WARNING: ALTER ENDPOINT restarts", "y switch now")
	for _, r := range f.ranRefs() {
		if r.ID == rotate.IDEndpoint {
			t.Fatal("the endpoint switched before the confirmation")
		}
	}
	// No: nothing switches, A stops.
	m = press(t, m, "n")
	mustShow(t, m, "after no", "The endpoint was not switched")
	if n := len(f.ranRefs()); n != 3 {
		t.Fatalf("ran %d steps, want create and two imports: %v", n, f.ranRefs())
	}
	// y on the step itself asks again.
	if !m.selectRef(steps.Ref{Host: "HOST_A", ID: rotate.IDEndpoint}) {
		t.Fatalf("no endpoint step:\n%s", screen(m))
	}
	m = press(t, m, "enter")
	mustShow(t, m, "detail of the switch", "Warning:", "touches a live endpoint")
	m = press(t, m, "y")
	mustShow(t, m, "y on the switch", "WARNING:")
	m = press(t, m, "y")
	// Waiting for the reconnect: shown live, and polled.
	mustShow(t, m, "waiting", "waiting for", "Sales on HOST_A: DISCONNECTED")
	m = poll(t, m)
	m = poll(t, m)
	mustShow(t, m, "reconnected", "Sales on HOST_A: SYNCHRONIZED")
	if m.rotPolling() {
		t.Fatal("still polling once nothing waits")
	}
	// The drops run one by one with y, or with A; A here.
	m = press(t, m, "esc", "A", "y")
	mustShow(t, m, "complete", "HOST_A rotated: HOST_A_cert_20271130 on every host", "HOST_A_cert_20271130 expires in 365 days")
	if n := len(f.ranRefs()); n != 7 {
		t.Fatalf("ran %d steps, want 7: %v", n, f.ranRefs())
	}
}

func TestRotateQuitCancelsNothingWhenIdle(t *testing.T) {
	m, _ := rotModel(t)
	m = press(t, m, "R", "enter")
	if _, quit := pressQuit(t, m, "q"); !quit {
		t.Fatalf("q with nothing running did not quit:\n%s", screen(m))
	}
}

func TestRotateFromAnExpiryFinding(t *testing.T) {
	m, f := rotModel(t)
	// A finding on HOST_B about its copy of HOST_A's certificate.
	f.mu.Lock()
	for i := range f.list.Hosts {
		if f.list.Hosts[i].Host == "HOST_B" {
			f.list.Hosts[i].Items = append(f.list.Hosts[i].Items, steps.Item{Ref: steps.Ref{Host: "HOST_B", ID: "check/cert-expiring/HOST_A"},
				Title: "cert-expiring (HOST_A)", Status: steps.Done, Warnings: []string{"HOST_A_cert expires in 5 days"}})
		}
	}
	f.mu.Unlock()
	m = press(t, m, "r", "tab")
	if !m.selectRef(steps.Ref{Host: "HOST_B", ID: "check/cert-expiring/HOST_A"}) {
		t.Fatalf("no finding:\n%s", screen(m))
	}
	m = press(t, m, "enter")
	mustShow(t, m, "enter on the finding", "Rotate HOST_A's certificate")
}

func TestRotateFromAnExpiryFindingOnItsOwnHost(t *testing.T) {
	m, f := rotModel(t)
	f.mu.Lock()
	f.list.Hosts[0].Items = append(f.list.Hosts[0].Items, steps.Item{Ref: steps.Ref{Host: "HOST_A", ID: "check/cert-expiring"},
		Title: "cert-expiring", Status: steps.Done, Warnings: []string{"HOST_A_cert expires in 5 days"}})
	f.mu.Unlock()
	m = press(t, m, "r")
	if !m.selectRef(steps.Ref{Host: "HOST_A", ID: "check/cert-expiring"}) {
		t.Fatalf("no finding:\n%s", screen(m))
	}
	mustShow(t, m, "the finding", "enter: rotate", "the fix is a rotation of HOST_A's")
	m.focus = focusDetail
	m.sync()
	m = press(t, m, "y")
	mustShow(t, m, "y on the finding", "Rotate HOST_A's certificate", "2027-11-30")
	m = press(t, m, "enter")
	mustShow(t, m, "rotation", "Rotation of HOST_A's certificate")
}

func TestRotationGoldens(t *testing.T) {
	build := func(keys ...string) func() *Model {
		return func() *Model {
			m, _ := rotModel(t)
			return press(t, m, keys...)
		}
	}
	golden(t, "rotate_steps", build("R", "enter"))
	golden(t, "rotate_switch_warning", build("R", "enter", "A", "y"))
}

func TestRotateShowsWhyItCannotBeDerived(t *testing.T) {
	m, f := rotModel(t)
	f.rmu.Lock()
	f.failBuild = errString("HOST_B could not be read; rotation changes every host, so all must be reachable")
	f.rmu.Unlock()
	m = press(t, m, "R", "enter")
	mustShow(t, m, "build error", "HOST_B could not be read")
	if strings.Contains(screen(m), "Rotation of HOST_A's certificate") {
		t.Fatalf("steps shown for a rotation that could not be derived:\n%s", screen(m))
	}
}

type errString string

func (e errString) Error() string { return string(e) }
