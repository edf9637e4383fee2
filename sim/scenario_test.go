package sim

import (
	"context"
	"strings"
	"testing"
	"time"
)

// startReal starts a cluster on the real engine: scenarios seed catalogs,
// which the fake engine of the other tests does not keep.
func startReal(t *testing.T, cfg Config) *Cluster {
	t.Helper()
	c, err := Start(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func TestSeedBroken(t *testing.T) {
	c := startReal(t, Config{})
	if err := c.Seed("broken"); err != nil {
		t.Fatalf("Seed(broken): %v", err)
	}
	in := c.Instances()
	const enc = "encrypt=true&trustservercertificate=true"

	var epName, auth, state string
	var port int
	err := openDB(t, c, in[1], enc).QueryRow(`SELECT e.name, e.connection_auth_desc, e.state_desc, t.port
		FROM sys.database_mirroring_endpoints e JOIN sys.tcp_endpoints t ON t.endpoint_id = e.endpoint_id`).Scan(&epName, &auth, &state, &port)
	if err != nil {
		t.Fatalf("HOST_B endpoint: %v", err)
	}
	if epName != "Mirroring" || auth != "NEGOTIATE" || state != "STARTED" || port != 5022 {
		t.Errorf("HOST_B endpoint = %q auth %q %s port %d; want Mirroring, NEGOTIATE (Windows auth, no certificate), STARTED, 5022", epName, auth, state, port)
	}

	var certName string
	var expiry time.Time
	err = openDB(t, c, in[0], enc).QueryRow(`SELECT name, expiry_date FROM master.sys.certificates WHERE name = N'HOST_A_cert'`).Scan(&certName, &expiry)
	if err != nil {
		t.Fatalf("HOST_A certificate: %v", err)
	}
	if !expiry.Before(time.Now()) {
		t.Errorf("HOST_A_cert expires %v: want a date already past", expiry)
	}
	var keys int
	if err := openDB(t, c, in[0], enc).QueryRow(`SELECT COUNT(*) FROM master.sys.symmetric_keys WHERE name = N'##MS_DatabaseMasterKey##'`).Scan(&keys); err != nil || keys != 1 {
		t.Errorf("HOST_A master keys = %d, %v; want 1", keys, err)
	}

	// The witness is left fresh, and HOST_A has no endpoint: only the two
	// faults the scenario promises are there.
	for _, i := range []int{0, 2} {
		var n int
		if err := openDB(t, c, in[i], enc).QueryRow(`SELECT COUNT(*) FROM sys.database_mirroring_endpoints`).Scan(&n); err != nil || n != 0 {
			t.Errorf("%s mirroring endpoints = %d, %v; want 0", in[i].Name, n, err)
		}
	}
}

func TestSeedFreshScenarios(t *testing.T) {
	for _, name := range []string{"default", "file"} {
		c := startReal(t, Config{})
		if err := c.Seed(name); err != nil {
			t.Fatalf("Seed(%s): %v", name, err)
		}
		var n int
		if err := openDB(t, c, c.Instances()[0], "encrypt=true&trustservercertificate=true").QueryRow(
			`SELECT COUNT(*) FROM master.sys.certificates WHERE name NOT LIKE N'##%'`).Scan(&n); err != nil || n != 0 {
			t.Errorf("%s: user certificates on HOST_A = %d, %v; want 0", name, n, err)
		}
	}
}

func TestSeedErrors(t *testing.T) {
	c := startFake(t, Config{})
	err := c.Seed("Broken ")
	if err == nil || !strings.Contains(err.Error(), `"Broken "`) || !strings.Contains(err.Error(), "default, file, broken") {
		t.Errorf("unknown scenario error = %v; want it to name the input and list default, file, broken", err)
	}

	// broken needs HOST_A and HOST_B; a cluster named otherwise is told so
	// and nothing is seeded on the instance it does have.
	other := startReal(t, Config{Names: []string{"HOST_A", "SQL2"}})
	err = other.Seed("broken")
	if err == nil || !strings.Contains(err.Error(), "HOST_B") {
		t.Fatalf("Seed(broken) without HOST_B = %v; want an error naming HOST_B", err)
	}
	var n int
	if err := openDB(t, other, other.Instances()[0], "encrypt=true&trustservercertificate=true").QueryRow(
		`SELECT COUNT(*) FROM master.sys.certificates WHERE name = N'HOST_A_cert'`).Scan(&n); err != nil || n != 0 {
		t.Errorf("HOST_A_cert after a failed seed: %d, %v; want 0 (nothing half-seeded)", n, err)
	}
}

func TestScenarioAbout(t *testing.T) {
	for _, name := range Scenarios() {
		if about, ok := ScenarioAbout(name); !ok || about == "" {
			t.Errorf("ScenarioAbout(%q) = %q, %v", name, about, ok)
		}
	}
	if _, ok := ScenarioAbout("nope"); ok {
		t.Error("ScenarioAbout accepts an unknown name")
	}
}
