package ui

import (
	"strings"
	"testing"

	"github.com/mirrorcert/mirrorcert/steps"
	"github.com/mirrorcert/mirrorcert/steps/tsql"
)

// A conflict whose remedy waits for another item shows the fix's T-SQL and
// what it waits for, but y does not offer to run it.
func TestBlockedRemedyIsShownButNotOffered(t *testing.T) {
	f := newFake(hosts3...)
	ep := ref("HOST_B", steps.IDEndpoint)
	cert := ref("HOST_B", steps.IDCertificate)
	f.mu.Lock()
	it := f.list.Item(ep)
	it.Status, it.BlockedBy = steps.Conflict, nil
	it.Conflict = &steps.ConflictInfo{What: "uses Windows authentication", Fix: "Switch the endpoint to certificate authentication.",
		Object: "Endpoint_Mirroring", Remedy: []tsql.Statement{tsql.AlterEndpointAuth("Endpoint_Mirroring", "HOST_B_cert")},
		RemedyNeeds: []steps.Ref{cert}, RemedyBlockedBy: []steps.Ref{cert}}
	f.mu.Unlock()
	m := press(t, started(t, f), "tab", "down", "down", "enter")
	s := screen(m)
	if !strings.Contains(s, "ALTER ENDPOINT") || !strings.Contains(s, "not offered yet") || !strings.Contains(s, "Certificate HOST_B_cert") {
		t.Fatalf("the blocked fix is not shown with what it waits for:\n%s", s)
	}
	if m.keys.Run.Enabled() {
		t.Error("y is offered for a fix that cannot run yet")
	}
	m = press(t, m, "y")
	if m.dlg.kind != dlgNone || len(f.remedies) != 0 {
		t.Fatal("y opened the fix for a remedy that waits for its certificate")
	}
}
