package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/mirrorcert/mirrorcert/steps"
	"github.com/mirrorcert/mirrorcert/steps/tsql"
)

// hostile is a name a server could hold: an SGR (red), a bell, a title
// change (OSC) and a carriage return.
const hostile = "Mirror\x1b[31mEVIL\x07\x1b]2;pwned\x07\rend"

// Item 9: no server-supplied string reaches the terminal with its control
// characters: names in titles, conflicts and statements, host errors,
// versions, error and informational messages.
func TestServerStringsAreStrippedOfControlCharacters(t *testing.T) {
	f := newFake(hosts3...)
	ep := ref("HOST_B", steps.IDEndpoint)
	f.mu.Lock()
	it := f.list.Item(ep)
	it.Title = "Endpoint " + hostile
	it.Status, it.BlockedBy = steps.Conflict, nil
	it.Conflict = &steps.ConflictInfo{What: "endpoint " + hostile + " uses Windows authentication", Fix: "Switch " + hostile,
		Object: hostile, Remedy: []tsql.Statement{tsql.AlterEndpointAuth(hostile, "HOST_B_cert")}}
	f.hosts[1].Version = "16.0\x1b[2J"
	f.hosts[2].Err = "HOST_W: login failed for " + hostile
	mk := ref("HOST_A", steps.IDMasterKey)
	f.fail[mk] = &StepError{Host: "HOST_A", Step: mk.ID, Number: 102, Severity: 15, Message: "Incorrect syntax near '" + hostile + "'"}
	f.mu.Unlock()
	m := started(t, f)
	m = press(t, m, "enter", "y", "esc") // the failure on HOST_A
	check := func(where string, out string) {
		t.Helper()
		for _, bad := range []string{"\x1b[31m", "\x07", "\x1b]2;", "\r", "\x1b[2J"} {
			if strings.Contains(out, bad) {
				t.Errorf("%s: the screen holds %q from a server string", where, bad)
			}
		}
	}
	for _, sz := range [][2]int{{80, 24}, {140, 50}} {
		m = sized(m, sz[0], sz[1])
		check("HOST_A failure", m.Render())
		m = press(t, m, "enter")
		check("HOST_A detail", m.Render())
		m = press(t, m, "esc", "tab", "down", "down")
		check("HOST_B list", m.Render())
		m = press(t, m, "enter")
		check("HOST_B conflict detail", m.Render())
		if !strings.Contains(screen(m), "Mirror[31mEVIL") {
			t.Errorf("the name's printable part is not shown:\n%s", screen(m))
		}
		m = press(t, m, "esc", "tab")
		check("HOST_W error", m.Render())
		m = press(t, m, "tab")
	}
	// The backend's checklist is not changed: it runs the real names.
	if f.list.Item(ep).Conflict.Object != hostile {
		t.Error("cleaning changed the backend's data")
	}
}

func TestCleanResultKeepsTheErrorChain(t *testing.T) {
	base := errors.New("cancelled\x1b[31m")
	_, err := cleanResult(Result{}, base)
	if !errors.Is(err, base) || strings.Contains(err.Error(), "\x1b") {
		t.Errorf("cleaned error %q lost its chain or kept the escape", err)
	}
}

// stepErrOnCancel answers a cancelled run with a server error, as a
// backend does when the attention arrives while the server reports one.
type stepErrOnCancel struct{ *fakeBackend }

func (b stepErrOnCancel) Run(ctx context.Context, ref steps.Ref, _ RunOptions) (Result, error) {
	<-ctx.Done()
	return Result{}, &StepError{Host: ref.Host, Step: ref.ID, Number: 3980, Severity: 16, Message: "The request failed to run because the batch is aborted\x1b[31m"}
}

// A run the operator cancelled shows as cancelled even when the backend's
// error is a server error: cleaning its text must not drop the cancel that
// runCmd wrapped around it.
func TestCleanResultKeepsTheCancelAroundAStepError(t *testing.T) {
	se := &StepError{Host: "HOST_A", Step: "s", Number: 3980, Message: "aborted\x1b[31m"}
	_, err := cleanResult(Result{}, fmt.Errorf("%w: %w", context.Canceled, se))
	var got *StepError
	if !errors.Is(err, context.Canceled) || !errors.As(err, &got) || strings.Contains(got.Message, "\x1b") || strings.Contains(err.Error(), "\x1b") {
		t.Fatalf("cleaned error %q: cancel kept %v, step error %+v", err, errors.Is(err, context.Canceled), got)
	}

	f := newFake(hosts3...)
	m := press(t, started(t, f, func(o *Options) { o.Backend = stepErrOnCancel{f} }), "enter")
	cmd := m.runSelected()
	m.cancelAll()
	m, _ = settle(t, m, cmd)
	mk := ref("HOST_A", steps.IDMasterKey)
	if m.sched.Failed[mk] {
		t.Error("a cancelled step is marked failed: A would count it and run it again as a failure")
	}
	if o := m.outcomes[mk]; !errors.Is(o.err, context.Canceled) {
		t.Errorf("outcome error %v, want a cancel", o.err)
	}
	if !strings.Contains(screen(m), "cancelled") {
		t.Errorf("the screen does not say the step was cancelled:\n%s", screen(m))
	}
}
