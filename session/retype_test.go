package session_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/mirrorcert/mirrorcert/plan"
	"github.com/mirrorcert/mirrorcert/session"
	"github.com/mirrorcert/mirrorcert/steps"
)

// lockedBuffer is a log sink safe for the session's concurrent writers.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// A master key password the server rejects (15118) must not stick: the
// password typed for the retry is the one the server gets.
func TestRetypedMasterKeyPasswordIsUsedAfterRejection(t *testing.T) {
	cl := startSim(t, nil, 0)
	p := simPlan(t, cl, plan.ModeMirroring)
	const weak = "weakpassword"
	const strong = "Str0ng-Retyped-Pa55!"
	var mu sync.Mutex
	typed := []string{weak, strong}
	asked := 0
	logs := &lockedBuffer{}
	dir := t.TempDir()
	o := simOptions(t, p, dir)
	o.Logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	o.MasterKeyPassword = func(string) (string, bool, error) {
		mu.Lock()
		defer mu.Unlock()
		if asked >= len(typed) {
			return "", false, errors.New("asked more often than the operator typed")
		}
		pw := typed[asked]
		asked++
		return pw, false, nil
	}
	ctx := context.Background()
	s := session.Open(ctx, o)
	ref := steps.Ref{Host: "HOST_A", ID: steps.IDMasterKey}
	_, err := s.Run(ctx, ref)
	var se *session.SQLError
	if !errors.As(err, &se) || se.Number != 15118 {
		t.Fatalf("weak password: want Msg 15118, got %v", err)
	}
	if _, err := s.Run(ctx, ref); err != nil {
		t.Fatalf("retry with the retyped password: %v", err)
	}
	c := s.Checklist()
	if it := c.Item(ref); it.Status != steps.Done {
		t.Fatalf("master key after the retry: %s (%s)", it.Status, it.Detail)
	}
	if asked != 2 {
		t.Errorf("the password source was asked %d times, want 2 (once per run)", asked)
	}
	s.Close()
	var all strings.Builder
	all.WriteString(logs.String())
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		all.Write(b)
	}
	if len(files) == 0 {
		t.Fatal("no transcript written")
	}
	for _, secret := range []string{weak, strong} {
		if strings.Contains(all.String(), secret) {
			t.Errorf("%q reached the log or transcript", secret)
		}
	}
}
