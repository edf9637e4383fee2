package main

import (
	"strings"
	"testing"

	"github.com/mirrorcert/mirrorcert/steps"
	"github.com/mirrorcert/mirrorcert/ui"
)

// In the broken demo HOST_B has a Windows-authentication endpoint and no
// certificate yet: the fix (ALTER ENDPOINT ... CERTIFICATE HOST_B_cert) is
// shown but not offered until the certificate exists, then it runs.
func TestTUIRemedyWaitsForTheCertificate(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the simulator")
	}
	d, _, be := demoDriver(t, "broken", "", ui.Options{PlanLabel: "demo (broken)"})
	ep := steps.Ref{Host: "HOST_B", ID: steps.IDEndpoint}
	snap := be.Snapshot()
	it := snap.Checklist.Item(ep)
	if it == nil || it.Status != steps.Conflict || it.Conflict.RemedyReady() {
		t.Fatalf("HOST_B endpoint before its certificate: %+v", it)
	}
	d.keys("tab", "down", "down", "enter")
	if s := d.screen(); !strings.Contains(s, "not offered yet") || !strings.Contains(s, "Certificate HOST_B_cert") || strings.Contains(s, "y apply fix") {
		t.Fatalf("the blocked fix is not shown as waiting:\n%s", d.screen())
	}
	// Run HOST_B's master key and certificate; then the fix is offered.
	for _, id := range []string{steps.IDMasterKey, steps.IDCertificate} {
		m := d.m.(*ui.Model)
		if !m.SelectNext(func(s string) bool { return s == id }) {
			t.Fatalf("no pending %s", id)
		}
		d.m = m
		d.keys("enter", "y")
		d.dismissPasswords()
	}
	snap = be.Snapshot()
	it = snap.Checklist.Item(ep)
	if it.Status != steps.Conflict || !it.Conflict.RemedyReady() {
		t.Fatalf("after the certificate the fix is still not ready: %+v", it.Conflict)
	}
}
