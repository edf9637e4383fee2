package main

import (
	"context"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/mirrorcert/mirrorcert/ui"
)

// The expiring-cert training scenario in the TUI against the simulator:
// the header shows the certificate about to expire, R rotates it with the
// real session (steps/rotate through session.Rotation and Exec), and the
// servers end on the new certificate with the old one gone everywhere.
func TestTUIRotatesTheExpiringCertificate(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the simulator")
	}
	d, _, be := demoDriver(t, "expiring-cert", "", ui.Options{PlanLabel: "demo (test)"})
	if s := d.screen(); !strings.Contains(s, "HOST_A_cert expires in 5 days") {
		t.Fatalf("the header does not show the expiring certificate:\n%s", s)
	}
	d.keys("R")
	want := time.Now().UTC().AddDate(1, 0, 0).Format("2006-01-02")
	if s := d.screen(); !strings.Contains(s, want) {
		t.Fatalf("the date dialog does not offer %s:\n%s", want, s)
	}
	d.keys("enter")
	newName := "HOST_A_cert_" + strings.ReplaceAll(want, "-", "")
	if s := d.screen(); !strings.Contains(s, "Create certificate "+newName+" on HOST_A") || !strings.Contains(s, "Sales on HOST_A: SYNCHRONIZED") {
		t.Fatalf("no rotation steps:\n%s", s)
	}
	d.keys("A", "y")
	if s := d.screen(); !strings.Contains(s, "Switch HOST_A's endpoint to the new certificate?") || !strings.Contains(s, "WARNING:") {
		t.Fatalf("A did not stop at the endpoint switch with the warning:\n%s", s)
	}
	st := be.session(context.Background()).States()["HOST_A"]
	if st.Endpoint.CertificateName != "HOST_A_cert" || st.Cert(newName) == nil {
		t.Fatalf("before the confirmation: endpoint on %q, new certificate present %v", st.Endpoint.CertificateName, st.Cert(newName) != nil)
	}
	d.keys("y") // the switch; the driver waits while the rotation polls for the reconnect
	s := d.screen()
	if !strings.Contains(s, "HOST_A rotated: "+newName) || !strings.Contains(s, newName+" expires in 365 days") {
		t.Fatalf("the rotation did not complete:\n%s", s)
	}
	if !strings.Contains(s, "Sales on HOST_A: SYNCHRONIZED") {
		t.Fatalf("the session is not synchronized after the rotation:\n%s", s)
	}
	for h, st := range be.session(context.Background()).States() {
		if st.Cert("HOST_A_cert") != nil {
			t.Errorf("%s still holds the old HOST_A_cert", h)
		}
		if st.Cert(newName) == nil {
			t.Errorf("%s lacks %s", h, newName)
		}
	}
	if ep := be.session(context.Background()).States()["HOST_A"].Endpoint; ep.CertificateName != newName {
		t.Errorf("HOST_A's endpoint uses %q, want %s", ep.CertificateName, newName)
	}
}

// A rotation left after its first step (the program quit) resumes from
// what the servers show: R with the same date finds the new certificate
// made and goes on with the imports.
func TestTUIRotationResumesAfterQuitting(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the simulator")
	}
	d, _, be := demoDriver(t, "expiring-cert", "", ui.Options{PlanLabel: "demo (test)"})
	newName := "HOST_A_cert_" + time.Now().UTC().AddDate(1, 0, 0).Format("20060102")
	d.keys("R", "enter", "enter", "y") // create only
	if be.session(context.Background()).States()["HOST_A"].Cert(newName) == nil {
		t.Fatalf("create did not run:\n%s", d.screen())
	}
	d2 := &tuiDriver{t: t, m: ui.New(ui.Options{Backend: be, NoColor: true, PlanLabel: "demo (test)"})}
	d2.m, _ = d2.m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	d2.run(d2.m.Init())
	d2.keys("R", "enter")
	// The selection goes to the first step left: the import on HOST_B.
	s := d2.screen()
	if !strings.Contains(s, "1/9 steps done") || !strings.Contains(s, "› • Install "+newName+" on HOST_B") {
		t.Fatalf("the resumed rotation does not go on with the import:\n%s", s)
	}
	d2.keys("tab", "tab") // back to HOST_A
	if s := d2.screen(); !strings.Contains(s, "✓ Create certificate "+newName+" on HOST_A") {
		t.Fatalf("the create is not done on HOST_A:\n%s", s)
	}
}

// Verify's cert-expiring finding leads to the rotation: v finds it on
// HOST_A, enter on it asks the date of HOST_A's rotation.
func TestTUIExpiringFindingLeadsToTheRotation(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the simulator")
	}
	d, _, _ := demoDriver(t, "expiring-cert", "", ui.Options{PlanLabel: "demo (test)"})
	d.keys("v")
	for i := 0; i < 40 && !strings.Contains(d.screen(), "› ✓ cert-expiring"); i++ {
		d.keys("down")
	}
	s := d.screen()
	if !strings.Contains(s, "› ✓ cert-expiring") || !strings.Contains(s, "enter: rotate") {
		t.Fatalf("no cert-expiring finding to select after v:\n%s", s)
	}
	d.keys("enter")
	if s := d.screen(); !strings.Contains(s, "Rotate HOST_A's certificate") {
		t.Fatalf("enter on the finding did not start the rotation:\n%s", s)
	}
	d.keys("enter")
	if s := d.screen(); !strings.Contains(s, "Rotation of HOST_A's certificate") {
		t.Fatalf("no rotation steps:\n%s", s)
	}
}
