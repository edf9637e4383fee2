package main

import (
	"errors"
	"fmt"
	"testing"

	"github.com/mirrorcert/mirrorcert/plan"
	"github.com/mirrorcert/mirrorcert/session"
	"github.com/mirrorcert/mirrorcert/ui"
)

func TestTypedMasterKeyPasswordIsUsedOnce(t *testing.T) {
	b := newSessionBackend(&plan.Plan{}, nil)
	b.fallback = func(host string) (string, bool, error) { return "generated-for-" + host, true, nil }
	b.typed["HOST_A"] = "Typed-Passw0rd!"
	pw, gen, err := b.masterKey("HOST_A")
	if err != nil || pw != "Typed-Passw0rd!" || gen {
		t.Fatalf("first call: %q %v %v", pw, gen, err)
	}
	pw, gen, _ = b.masterKey("HOST_A")
	if pw != "generated-for-HOST_A" || !gen {
		t.Errorf("the typed password was kept after use: %q %v", pw, gen)
	}
	if len(b.typed) != 0 {
		t.Error("typed passwords linger in memory")
	}
}

func TestServerErrorsBecomeStepErrors(t *testing.T) {
	se := &session.SQLError{Host: "HOST_B", Step: "outbound/endpoint", Number: 7862, Severity: 16, State: 1, Line: 2, Message: "An endpoint of the requested type already exists."}
	err := uiError(fmt.Errorf("wrapped: %w", se))
	var ue *ui.StepError
	if !errors.As(err, &ue) || ue.Number != 7862 || ue.Host != "HOST_B" || ue.Line != 2 || ue.Severity != 16 {
		t.Fatalf("uiError = %#v", err)
	}
	plain := errors.New("dial tcp: refused")
	if uiError(plain) != plain || uiError(nil) != nil {
		t.Error("other errors must pass through unchanged")
	}
}

func TestSnapshotBeforeOpenListsPlanHosts(t *testing.T) {
	p := &plan.Plan{Hosts: []plan.Host{{Name: "HOST_A", Server: "a,1", Role: plan.RolePartner}, {Name: "HOST_B", Server: "b", Role: plan.RolePartner}}}
	b := newSessionBackend(p, nil)
	s1, s2 := b.Snapshot(), b.Snapshot()
	if len(s1.Hosts) != 2 || s1.Hosts[0].Connected || s1.Hosts[1].Server != "b" {
		t.Errorf("hosts before the session opens: %+v", s1.Hosts)
	}
	if s2.Seq <= s1.Seq {
		t.Errorf("snapshot numbers do not grow: %d then %d", s1.Seq, s2.Seq)
	}
}
