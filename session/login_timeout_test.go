package session_test

import (
	"context"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/mirrorcert/mirrorcert/plan"
	"github.com/mirrorcert/mirrorcert/session"
)

// silentServer accepts TCP connections and never answers: a hung server,
// or another service on the port that waits for its own protocol.
func silentServer(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var held []net.Conn
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range held {
			c.Close()
		}
	})
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			held = append(held, c)
			mu.Unlock()
		}
	}()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	return "127.0.0.1," + port
}

// within fails the test when f has not returned after limit: -l must end a
// login the server never answers (go-mssqldb's login reads ignore the
// context, so only a deadline on the connection does).
func within(t *testing.T, limit time.Duration, what string, f func() error) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- f() }()
	select {
	case err := <-done:
		return err
	case <-time.After(limit):
		t.Fatalf("%s still waiting after %v: the login outlived its context", what, limit)
		return nil
	}
}

func TestLoginTimeoutEndsASilentLogin(t *testing.T) {
	server := silentServer(t)
	auth := plan.Auth{User: "sa", Encrypt: plan.EncryptMandatory, TrustServerCertificate: true, LoginTimeoutSeconds: 1}
	pw := func(string) (string, error) { return simPassword, nil }

	err := within(t, 20*time.Second, "ReadSSISDB", func() error {
		_, err := session.ReadSSISDB(context.Background(), plan.Host{Name: "MASTER01", Server: server, Auth: auth}, pw)
		return err
	})
	if err == nil {
		t.Error("ReadSSISDB: no error from a server that never answered")
	}

	p := &plan.Plan{Hosts: []plan.Host{{Name: "HOST_A", Server: server, Role: plan.RolePartner, Auth: auth}}}
	var s *session.Session
	within(t, 20*time.Second, "session.Open", func() error {
		s = session.Open(context.Background(), session.Options{Plan: p, Passwords: pw, TranscriptDir: t.TempDir()})
		return nil
	})
	defer s.Close()
	if h := s.Hosts()[0]; h.Connected || h.Err == nil {
		t.Errorf("HOST_A connected=%v err=%v, want a connect error", h.Connected, h.Err)
	}
}

// The login deadline is lifted once logged in: a connection made with -l 1
// still runs batches later than that.
func TestLoginTimeoutDoesNotLimitTheSession(t *testing.T) {
	cl := startSim(t, nil, 0)
	p := simPlan(t, cl, plan.ModeMirroring)
	for i := range p.Hosts {
		p.Hosts[i].Auth.LoginTimeoutSeconds = 1
	}
	ctx := context.Background()
	s := session.Open(ctx, simOptions(t, p, t.TempDir()))
	defer s.Close()
	time.Sleep(1500 * time.Millisecond)
	for _, h := range p.Hosts {
		if _, err := s.Refresh(ctx, h.Name); err != nil {
			t.Errorf("%s: refresh after the login timeout: %v", h.Name, err)
		}
	}
	if st := s.Stats(); st.Logins != int64(len(p.Hosts)) {
		t.Errorf("%d logins for %d hosts: a connection was lost and made again", st.Logins, len(p.Hosts))
	}
}

// Ctrl-C (the context ending) ends a login the server never answers, also
// without -l: apply catches the interrupt, so a login that ignored it could
// only be killed.
func TestCancelEndsASilentLogin(t *testing.T) {
	server := silentServer(t)
	auth := plan.Auth{User: "sa", Encrypt: plan.EncryptMandatory, TrustServerCertificate: true}
	pw := func(string) (string, error) { return simPassword, nil }
	interrupted := func() context.Context {
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(300*time.Millisecond, cancel)
		t.Cleanup(cancel)
		return ctx
	}

	err := within(t, 20*time.Second, "ReadSSISDB", func() error {
		_, err := session.ReadSSISDB(interrupted(), plan.Host{Name: "MASTER01", Server: server, Auth: auth}, pw)
		return err
	})
	if err == nil {
		t.Error("ReadSSISDB: no error from an interrupted login")
	}

	p := &plan.Plan{Hosts: []plan.Host{{Name: "HOST_A", Server: server, Role: plan.RolePartner, Auth: auth}}}
	var s *session.Session
	within(t, 20*time.Second, "session.Open", func() error {
		s = session.Open(interrupted(), session.Options{Plan: p, Passwords: pw, TranscriptDir: t.TempDir()})
		return nil
	})
	defer s.Close()
	if h := s.Hosts()[0]; h.Connected || h.Err == nil {
		t.Errorf("HOST_A connected=%v err=%v, want a connect error", h.Connected, h.Err)
	}
}
