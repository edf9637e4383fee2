package main

import (
	"strings"
	"testing"
	"time"
)

// The expiring-cert training through the real binary in a terminal: the
// header shows the certificate about to expire, R asks the date (one year
// by default), A runs the rotation and stops at the endpoint switch with
// the failover warning, and after y the rotation completes with the
// session synchronized and the header on the new certificate.
func TestE2EDemoRotateExpiringCert(t *testing.T) {
	needTmux(t)
	dir := t.TempDir()
	tt := startTerm(t, testBinary+" demo --scenario expiring-cert", "XDG_CACHE_HOME="+dir, "HOME="+dir)
	tt.waitText("HOST_A_cert expires in 5 days", 30*time.Second)
	tt.send("R")
	next := time.Now().UTC().AddDate(1, 0, 0).Format("2006-01-02")
	tt.waitText(next, 10*time.Second)
	tt.send("Enter")
	tt.waitText("Rotation of HOST_A's certificate", 30*time.Second)
	tt.waitText("Session: Sales on HOST_A", 10*time.Second)
	tt.send("A")
	tt.waitText("Rotate HOST_A's certificate to HOST_A_cert_", 10*time.Second)
	tt.send("y")
	s := tt.waitText("Switch HOST_A's endpoint to the new certificate?", 60*time.Second)
	if !strings.Contains(s, "WARNING:") {
		t.Fatalf("no failover warning before the switch:\n%s", s)
	}
	tt.send("y")
	newName := "HOST_A_cert_" + strings.ReplaceAll(next, "-", "")
	s = tt.waitText("HOST_A rotated", 120*time.Second)
	if !strings.Contains(s, newName+" expires in 365 days") {
		t.Fatalf("the header does not show the new certificate's expiry:\n%s", s)
	}
	if !strings.Contains(s, "Sales on HOST_A: SYNCHRONIZED") {
		t.Fatalf("the session is not synchronized after the rotation:\n%s", s)
	}
	tt.finish()
}
