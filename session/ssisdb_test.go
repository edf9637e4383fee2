package session_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/mirrorcert/mirrorcert/plan"
	"github.com/mirrorcert/mirrorcert/session"
	"github.com/mirrorcert/mirrorcert/sim"
)

func ssisHost(cl *sim.Cluster, user string) plan.Host {
	in := cl.Instances()[0]
	return plan.Host{Name: in.Name, Server: in.Addr, Auth: plan.Auth{User: user, Encrypt: plan.EncryptMandatory, TrustServerCertificate: true}}
}

// The SQL half of `scaleout check`, through the real driver and TDS: the
// master's thumbprint, the workers' GUIDs (uniqueidentifier byte order) and
// LastOnlineTime (datetimeoffset with its offset).
func TestReadSSISDBThroughTDS(t *testing.T) {
	cl := startSim(t, []string{"MASTER01"}, 0)
	last := time.Date(2026, 11, 30, 10, 15, 30, 123456700, time.FixedZone("", 60*60))
	db := sim.DemoSSISDB("MASTER01", "01D207B300CA662F479BEB884EFE6CE328F77D53", []string{"W1", "W2"}, last.Add(time.Minute))
	db.Workers[0].ID = "6583054A-E915-4C2A-80E4-C765E79EF61D"
	db.Workers[1].LastOnline = time.Time{}
	if err := cl.SetSSISDB("MASTER01", db); err != nil {
		t.Fatal(err)
	}
	pw := func(string) (string, error) { return simPassword, nil }
	info, err := session.ReadSSISDB(context.Background(), ssisHost(cl, "sa"), pw)
	if err != nil {
		t.Fatal(err)
	}
	if got := info.Properties["SSLCERT_THUMBPRINT"]; got != "01D207B300CA662F479BEB884EFE6CE328F77D53" {
		t.Fatalf("SSLCERT_THUMBPRINT = %q (all: %v)", got, info.Properties)
	}
	if info.Properties["MASTER_SERVICE_PORT"] != "8391" {
		t.Errorf("properties %v", info.Properties)
	}
	if len(info.Workers) != 2 {
		t.Fatalf("workers %+v", info.Workers)
	}
	w1, w2 := info.Workers[0], info.Workers[1]
	if w1.ID != "6583054A-E915-4C2A-80E4-C765E79EF61D" || w1.MachineName != "W1" || !w1.IsEnabled {
		t.Errorf("W1 %+v", w1)
	}
	if !w1.LastOnline.Equal(last) {
		t.Errorf("W1 LastOnlineTime %v, want %v", w1.LastOnline, last)
	}
	if !w2.LastOnline.IsZero() {
		t.Errorf("NULL LastOnlineTime read as %v", w2.LastOnline)
	}
}

func TestReadSSISDBErrors(t *testing.T) {
	cl := startSim(t, []string{"PLAIN"}, 0)
	pw := func(string) (string, error) { return simPassword, nil }
	_, err := session.ReadSSISDB(context.Background(), ssisHost(cl, "sa"), pw)
	if err == nil || !strings.Contains(err.Error(), "Msg 208") || !strings.Contains(err.Error(), "no SSISDB catalog") {
		t.Fatalf("server without SSISDB: %v", err)
	}
	bad := func(string) (string, error) { return "Wr0ng-" + simPassword, nil }
	_, err = session.ReadSSISDB(context.Background(), ssisHost(cl, "sa"), bad)
	if err == nil || strings.Contains(err.Error(), simPassword) || !strings.Contains(err.Error(), "login failed") {
		t.Fatalf("bad password: %v", err)
	}
}
