package ui

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/mirrorcert/mirrorcert/steps"
	"github.com/mirrorcert/mirrorcert/steps/tsql"
)

// fakeVerifier adds v's and S's rows the way the session backend does: a
// finding under Checks, the start sequence under Session.
type fakeVerifier struct {
	*fakeBackend
	vmu             sync.Mutex
	verifies        int
	database, dir   string
	synchronizedNow bool
}

func (f *fakeVerifier) Verify(context.Context) error {
	f.vmu.Lock()
	f.verifies++
	f.vmu.Unlock()
	f.mu.Lock()
	defer f.mu.Unlock()
	for hi := range f.list.Hosts {
		if f.list.Hosts[hi].Host == "HOST_B" && f.list.Item(steps.Ref{Host: "HOST_B", ID: "check/connect-missing/HOST_A"}) == nil {
			f.list.Hosts[hi].Items = append(f.list.Hosts[hi].Items, steps.Item{
				Ref: steps.Ref{Host: "HOST_B", ID: "check/connect-missing/HOST_A"}, Title: "connect-missing (HOST_A)", Status: steps.Pending,
				Detail: "HOST_A_login has no CONNECT", Statements: []tsql.Statement{tsql.GrantConnect("Endpoint_Mirroring", "HOST_A_login")}})
		}
	}
	return nil
}

func (f *fakeVerifier) StartSession(_ context.Context, db, dir string) error {
	f.vmu.Lock()
	f.database, f.dir = db, dir
	f.vmu.Unlock()
	f.mu.Lock()
	defer f.mu.Unlock()
	f.list.Hosts[0].Items = append(f.list.Hosts[0].Items, steps.Item{
		Ref: steps.Ref{Host: "HOST_A", ID: "start/backup"}, Title: "Back up " + db, Status: steps.Pending,
		Statements: []tsql.Statement{tsql.BackupDatabase(db, dir+`\x.bak`)}})
	return nil
}

func (f *fakeVerifier) PollSession(context.Context) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	it := f.list.Item(steps.Ref{Host: "HOST_A", ID: "start/backup"})
	f.vmu.Lock()
	f.synchronizedNow = it != nil && it.Status == steps.Done
	f.vmu.Unlock()
	return nil
}

func (f *fakeVerifier) SessionState() (string, bool) {
	f.vmu.Lock()
	defer f.vmu.Unlock()
	if f.database == "" {
		return "", false
	}
	if f.synchronizedNow {
		return f.database + ": session SYNCHRONIZED, witness CONNECTED", true
	}
	return f.database + ": no session yet", false
}

func TestVerifyKeyNeedsAVerifier(t *testing.T) {
	m := sized(New(Options{Backend: newFake("HOST_A", "HOST_B")}), 120, 30)
	m, _ = settle(t, m, m.Init())
	if strings.Contains(screen(m), "v verify") {
		t.Fatal("a backend without checks must not offer v")
	}
	press(t, m, "v")
	if strings.Contains(screen(m), "Checks") {
		t.Fatal("v did something without a verifier")
	}
}

func TestVerifyShowsFindingsUnderChecksAndRunsTheFix(t *testing.T) {
	f := &fakeVerifier{fakeBackend: newFake("HOST_A", "HOST_B")}
	m := sized(New(Options{Backend: f}), 120, 30)
	m, _ = settle(t, m, m.Init())
	if !strings.Contains(screen(m), "v verify") || strings.Contains(screen(m), "S start session") {
		t.Fatalf("before every host is configured: v yes, S no:\n%s", screen(m))
	}
	m = press(t, m, "v")
	s := screen(m)
	if f.verifies != 1 || !strings.Contains(s, "Checks") || !strings.Contains(s, "connect-missing (HOST_A)") || !strings.Contains(s, "Checks: 1 to fix") {
		t.Fatalf("after v:\n%s", s)
	}
	// v selected the finding: enter shows its fix, y runs it.
	m = press(t, m, "enter")
	if !strings.Contains(screen(m), "GRANT CONNECT ON ENDPOINT::[Endpoint_Mirroring]") {
		t.Fatalf("the fix is not shown:\n%s", screen(m))
	}
	m = press(t, m, "y")
	if it := f.list.Item(steps.Ref{Host: "HOST_B", ID: "check/connect-missing/HOST_A"}); it == nil || it.Status != steps.Done {
		t.Fatalf("the fix did not run: %+v", it)
	}
}

func TestStartAsksThenFollowsTheSession(t *testing.T) {
	f := &fakeVerifier{fakeBackend: newFake("HOST_A", "HOST_B")}
	f.markAllDone()
	m := sized(New(Options{Backend: f}), 120, 30)
	m, _ = settle(t, m, m.Init())
	s := screen(m)
	if !strings.Contains(s, CompleteText) || !strings.Contains(s, "v verify • S start session") {
		t.Fatalf("once configured the footer leads with v and S:\n%s", s)
	}
	m = press(t, m, "S")
	if !strings.Contains(screen(m), "Start the mirroring session") {
		t.Fatalf("S asks first:\n%s", screen(m))
	}
	m = press(t, m, "enter", "enter")
	if f.database != "Sales" || f.dir != `\\fileserver\backups` {
		t.Fatalf("S passed %q %q", f.database, f.dir)
	}
	s = screen(m)
	if !strings.Contains(s, "Session") || !strings.Contains(s, "Back up Sales") || !strings.Contains(s, "Sales: no session yet") {
		t.Fatalf("the sequence and the live state:\n%s", s)
	}
	m = press(t, m, "enter", "y")
	m, cmd := send(m, pollSessionMsg{gen: m.session.gen})
	m, _ = settle(t, m, cmd)
	if s := screen(m); !strings.Contains(s, SessionText) {
		t.Fatalf("synchronized:\n%s", s)
	}
}
