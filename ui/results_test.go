package ui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/mirrorcert/mirrorcert/steps"
	"github.com/mirrorcert/mirrorcert/steps/tsql"
)

// conflictOn puts a certificate conflict on HOST_A whose fix drops it.
func conflictOn(f *fakeBackend) steps.Ref {
	cert := ref("HOST_A", steps.IDCertificate)
	f.markDone(ref("HOST_A", steps.IDMasterKey))
	f.mu.Lock()
	it := f.list.Item(cert)
	it.Status, it.BlockedBy = steps.Conflict, nil
	it.Conflict = &steps.ConflictInfo{What: "HOST_A_cert has expired", Fix: "Drop it, then create it again.", Object: "HOST_A_cert",
		Remedy: []tsql.Statement{{Text: "DROP CERTIFICATE [HOST_A_cert];"}}}
	f.mu.Unlock()
	return cert
}

// Item 12: after a fix that drops an object, the pane shows the DROP that
// ran, says the fix (not the step) was applied, and that the step itself is
// still to run; it never shows "Done" under the CREATE.
func TestFixResultShowsWhatRanAndWhatIsLeft(t *testing.T) {
	f := newFake(hosts3...)
	cert := conflictOn(f)
	f.afterRemedy = map[steps.Ref]steps.Status{cert: steps.Pending}
	m := started(t, f)
	m.selectRef(cert)
	m = press(t, m, "enter", "y")
	m = press(t, m, strings.Split("HOST_A_cert", "")...)
	m = press(t, m, "enter")
	if it := m.snap.Checklist.Item(cert); it.Status != steps.Pending {
		t.Fatalf("after the fix the step is %s", it.Status)
	}
	m.selectRef(cert)
	m = sized(press(t, m, "enter"), 120, 60)
	d := strings.Join(strings.Fields(ansi.Strip(m.detail.View())), " ")
	for _, want := range []string{"CREATE CERTIFICATE", "Fix applied", "Ran: DROP CERTIFICATE [HOST_A_cert];", "The step itself is still to run"} {
		if !strings.Contains(d, want) {
			t.Errorf("pane lacks %q:\n%s", want, ansi.Strip(m.detail.View()))
		}
	}
	if strings.Contains(d, "Done in") {
		t.Errorf("the pane says Done under a step still to run:\n%s", ansi.Strip(m.detail.View()))
	}
}

// Item 12: a done step or a conflict does not say what it "Creates": that
// is what the step would do, not what is there.
func TestChangesOnlyForStepsStillToRun(t *testing.T) {
	f := newFake(hosts3...)
	conflictOn(f)
	m := sized(started(t, f), 120, 60)
	for _, c := range []struct {
		ref  steps.Ref
		show bool
	}{{ref("HOST_A", steps.IDMasterKey), false}, {ref("HOST_A", steps.IDCertificate), false}, {ref("HOST_B", steps.IDMasterKey), true}} {
		m.selectRef(c.ref)
		m.sync()
		if got := strings.Contains(ansi.Strip(m.detail.View()), "Changes:"); got != c.show {
			t.Errorf("%v: Changes shown = %v, want %v:\n%s", c.ref, got, c.show, ansi.Strip(m.detail.View()))
		}
	}
}
