package clients

import (
	"context"
	"database/sql"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	_ "github.com/microsoft/go-mssqldb" // registers the sqlserver driver

	"github.com/mirrorcert/mirrorcert/sim"
)

// requireTool returns the path of an outside tool, skipping the test when it
// is missing, unless MIRRORCERT_E2E=1 makes a missing tool a failure.
func requireTool(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("MIRRORCERT_E2E") == "1" {
			t.Fatalf("%s is required with MIRRORCERT_E2E=1: %v", name, err)
		}
		t.Skipf("%s not installed: %v", name, err)
	}
	return p
}

// cluster is a started simulator with its CA written to a file.
type cluster struct {
	*sim.Cluster
	caFile string
}

func startCluster(t testing.TB, cfg sim.Config) *cluster {
	t.Helper()
	c, err := sim.Start(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := c.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, c.CACertPEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	return &cluster{Cluster: c, caFile: ca}
}

func (c *cluster) info(t testing.TB, name string) sim.Info {
	t.Helper()
	for _, in := range c.Instances() {
		if in.Name == name {
			return in
		}
	}
	t.Fatalf("no instance %s", name)
	return sim.Info{}
}

// encryptModes are the go-mssqldb settings the issue names.
var encryptModes = []struct{ name, query string }{
	{"disable", "encrypt=disable"},
	{"optional", "encrypt=optional&trustservercertificate=true"},
	{"mandatory", "encrypt=true&trustservercertificate=true"},
	{"strict", "encrypt=strict"},
}

// open connects go-mssqldb to one instance in one encryption mode.
func (c *cluster) open(t testing.TB, name, query string) *sql.DB {
	t.Helper()
	in := c.info(t, name)
	if strings.Contains(query, "strict") {
		query += "&certificate=" + url.QueryEscape(c.caFile)
	}
	u := url.URL{Scheme: "sqlserver", User: url.UserPassword("sa", c.Password()),
		Host: strings.Replace(in.Addr, ",", ":", 1), RawQuery: query}
	db, err := sql.Open("sqlserver", u.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}
