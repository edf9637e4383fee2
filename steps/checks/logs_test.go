package checks

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mirrorcert/mirrorcert/steps"
)

const line28034 = "Database Mirroring login attempt by user 'HOST_A_login.' failed with error: 'Connection handshake failed. " +
	"The login 'HOST_A_login' does not have CONNECT permission on the endpoint. State 84.'.  [CLIENT: 127.0.10.1]"

func revokeConnect(hs map[string]*Host, host, login string) {
	s := hs[host].State
	s.ConnectGrants = slices.DeleteFunc(s.ConnectGrants, func(g string) bool { return g == login })
}

func TestLogLineIsEvidenceOfItsFinding(t *testing.T) {
	p := testPlan()
	hs := configured(p)
	revokeConnect(hs, "HOST_B", "HOST_A_login")
	at := testNow.Add(-time.Minute)
	hs["HOST_B"].Log = []LogLine{{Time: at, Text: line28034}, {Time: at.Add(5 * time.Second), Text: line28034}}
	hs["HOST_A"].Log = []LogLine{{Time: at, Text: "Database mirroring connection error 4 'An error occurred while receiving data: '10054(An existing connection was forcibly closed by the remote host.)'.' for 'TCP://127.0.10.2:7024'."}}
	fs := run(p, hs)
	f := mustFind(t, fs, CodeConnectMissing, "HOST_B", "HOST_A")
	ev := strings.Join(f.Evidence, "\n")
	if !strings.Contains(ev, "does not have CONNECT permission") || !strings.Contains(ev, "(2 times") {
		t.Fatalf("the 28034 line (deduplicated) is not quoted as evidence:\n%s", ev)
	}
	if !strings.Contains(ev, "HOST_A error log") {
		t.Fatalf("HOST_A's 1474 about HOST_B is not tied to HOST_B's refusal:\n%s", ev)
	}
	if g := has(fs, CodeHandshakeFailed, "HOST_B", "HOST_A"); g != nil {
		t.Fatalf("an explained line also became handshake-failed: %v", summary(fs))
	}
}

func TestUnexplainedLineIsHandshakeFailed(t *testing.T) {
	p := testPlan()
	hs := configured(p)
	hs["HOST_B"].Log = []LogLine{{Time: testNow.Add(-time.Minute),
		Text: "Database Mirroring login attempt failed with error: 'Connection handshake failed. There is no compatible encryption algorithm. State 22.'.  [CLIENT: 127.0.10.1]"}}
	// From an address that is none of the plan's hosts: no catalog finding
	// can explain it, and nothing contradicts it.
	hs["HOST_B"].Log[0].Text = strings.Replace(hs["HOST_B"].Log[0].Text, "127.0.10.1", "10.9.9.9", 1)
	fs := run(p, hs)
	f := mustFind(t, fs, CodeHandshakeFailed, "HOST_B", "")
	if f.Severity != Error || !strings.Contains(f.Message, "ENCRYPTION") || !strings.Contains(f.Evidence[0], "10.9.9.9") {
		t.Fatalf("unexplained 28027: %+v", f)
	}
	if Healthy(fs) {
		t.Fatal("an unexplained recent handshake failure must not be healthy")
	}
}

// After GRANT CONNECT the old 28034 lines stay in the log: the catalog now
// contradicts them, so they are history, marked as such, and not an error.
func TestFixedCauseMakesOldLinesStale(t *testing.T) {
	p := testPlan()
	hs := configured(p)
	hs["HOST_B"].Log = []LogLine{{Time: testNow.Add(-time.Hour), Text: line28034}}
	hs["HOST_A"].Log = []LogLine{{Time: testNow.Add(-time.Hour), Text: "Database mirroring connection error 4 'x' for 'TCP://127.0.10.2:7024'."}}
	fs := run(p, hs)
	if !Healthy(fs) {
		t.Fatalf("old, contradicted lines made the setup unhealthy: %v", summary(fs))
	}
	f := mustFind(t, fs, CodeHandshakeFailed, "HOST_B", "HOST_A")
	if f.Severity != Warning || !strings.Contains(f.Evidence[0], "older than the last change") {
		t.Fatalf("stale line not marked: %+v", f)
	}
	// The connector's echo goes with the refusal it echoes, not on its own.
	if len(fs) != 1 || len(f.Evidence) != 2 || !strings.Contains(f.Evidence[1], "HOST_A error log") || !strings.Contains(f.Evidence[1], "echoes HOST_B's refusal") {
		t.Fatalf("the echo of a stale refusal: %v %q", summary(fs), f.Evidence)
	}
}

func TestLineBeforeAKnownChangeIsMarked(t *testing.T) {
	p := testPlan()
	hs := configured(p)
	revokeConnect(hs, "HOST_B", "HOST_A_login")
	hs["HOST_B"].Log = []LogLine{{Time: testNow.Add(-time.Hour), Text: line28034}}
	hs["HOST_B"].Changed = testNow.Add(-time.Minute)
	fs := run(p, hs)
	f := mustFind(t, fs, CodeConnectMissing, "HOST_B", "HOST_A")
	if !strings.Contains(strings.Join(f.Evidence, "\n"), "[older than the last change: mirrorcert changed HOST_B") {
		t.Fatalf("line before the last change not marked: %v", f.Evidence)
	}
}

func TestExpiredCertLinesTieToTheOwner(t *testing.T) {
	p := testPlan()
	hs := configured(p)
	for _, h := range []string{"HOST_A", "HOST_B", "HOST_W"} {
		for i := range hs[h].State.Certificates {
			if hs[h].State.Certificates[i].Name == "HOST_A_cert" {
				hs[h].State.Certificates[i].ExpiryDate = testNow.AddDate(0, 0, -3)
			}
		}
	}
	hs["HOST_A"].Log = []LogLine{{Time: testNow.Add(-time.Minute), Text: "Database Mirroring login attempt failed with error: 'Connection handshake failed. The certificate used by this endpoint was not found: Certificate expired. Use DBCC CHECKDB in master database to verify the metadata integrity of the endpoints. State 85.'.  [CLIENT: 127.0.10.2]"}}
	hs["HOST_B"].Log = []LogLine{{Time: testNow.Add(-time.Minute), Text: "Database Mirroring login attempt failed with error: 'Connection handshake failed. The certificate used by the peer is invalid due to the following reason: Certificate expired. State 89.'.  [CLIENT: 127.0.10.1]"}}
	fs := run(p, hs)
	f := mustFind(t, fs, CodeCertExpired, "HOST_A", "")
	ev := strings.Join(f.Evidence, "\n")
	if !strings.Contains(ev, "HOST_A error log") || !strings.Contains(ev, "HOST_B error log") {
		t.Fatalf("both sides' lines should prove HOST_A's expired certificate:\n%s", ev)
	}
	if got := summary(fs); len(got) != 1 {
		t.Fatalf("one cause, one finding; got %v", got)
	}
}

func TestClassifyKnowsEveryNumber(t *testing.T) {
	for text, num := range map[string]int{
		line28034: 28034,
		"Connection handshake failed. The certificate used by the peer does not match the one in MASTER database with same issuer name and serial number. State 89.": 28045,
		"The certificate 'HOST_A_cert' is not valid for endpoint authentication. The certificate must have a private key":                                            28055,
		"Connection handshake failed. There is no compatible authentication protocol. State 21.":                                                                     28027,
		"Error 5 occurred while initializing the private key corresponding to the certificate.":                                                                      28037,
		"An error occurred in a Service Broker/Database Mirroring transport connection endpoint, Error: 8474, State: 11.":                                            9642,
	} {
		k, ok := classify(text)
		if !ok || k.num != num {
			t.Errorf("classify(%q) = %d, %v; want %d", text, k.num, ok, num)
		}
	}
	if _, ok := classify("Starting up database 'Sales'."); ok {
		t.Error("an unrelated line was classified")
	}
}

func TestPeerFromLoginWhenNoAddress(t *testing.T) {
	p := testPlan()
	c := &checker{in: Input{Plan: p, Hosts: map[string]*Host{"HOST_B": {State: &steps.State{}}}}}
	if got := c.linePeer("HOST_B", "x", "HOST_W_login"); got != "HOST_W" {
		t.Fatalf("peer from login: %q", got)
	}
	if got := c.linePeer("HOST_B", "[CLIENT: 127.0.10.1]", ""); got != "HOST_A" {
		t.Fatalf("peer from client address: %q", got)
	}
}
