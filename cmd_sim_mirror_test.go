package main

import (
	"database/sql"
	"net"
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestSimCommandEndpointBlockFault: --fault HOST_B:endpoint-block leaves
// HOST_B's STARTED endpoint unreachable at its printed address while
// HOST_A's answers there.
func TestSimCommandEndpointBlockFault(t *testing.T) {
	const pw = "Sim-Str0ng!Passw0rd"
	_, lines, _ := startSimBin(t, []string{simPasswordEnv + "=" + pw}, "--base-port", "0", "--fault", "HOST_B:endpoint-block")
	addresses := map[string]string{}
	for _, l := range lines[:2] {
		f := strings.Fields(l)
		if len(f) != 4 || f[2] != "address" {
			t.Fatalf("line %q: want NAME 127.0.0.1,PORT address IP", l)
		}
		u := url.URL{Scheme: "sqlserver", User: url.UserPassword("sa", pw),
			Host: strings.Replace(f[1], ",", ":", 1), RawQuery: "encrypt=true&trustservercertificate=true"}
		db, err := sql.Open("sqlserver", u.String())
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if _, err := db.Exec(`CREATE ENDPOINT Endpoint_Mirroring STATE = STARTED AS TCP (LISTENER_PORT = 7024)
  FOR DATABASE_MIRRORING (ROLE = ALL)`); err != nil {
			t.Fatalf("%s: %v", f[0], err)
		}
		addresses[f[0]] = f[3]
	}
	dial := func(name string) error {
		nc, err := net.DialTimeout("tcp", net.JoinHostPort(addresses[name], "7024"), 2*time.Second)
		if err == nil {
			nc.Close()
		}
		return err
	}
	if err := dial("HOST_A"); err != nil {
		t.Errorf("HOST_A's endpoint: %v", err)
	}
	if err := dial("HOST_B"); err == nil {
		t.Error("HOST_B's blocked endpoint accepts connections")
	}
}
