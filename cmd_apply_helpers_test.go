package main

// Helpers for the status/apply end-to-end tests: an in-process simulator, a
// plan for it, the binary with a controlled environment, and a FreeTDS check.

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mirrorcert/mirrorcert/sim"
)

const e2eSimPassword = "E2e-Sim-Pa55!word"

// binaryTimeout bounds every run of the binary under test.
const binaryTimeout = 3 * time.Minute

// startTestSim starts a simulated cluster in the test process; the binary
// under test reaches it over TCP like any server.
func startTestSim(t *testing.T) *sim.Cluster {
	t.Helper()
	cl, err := sim.Start(context.Background(), sim.Config{BasePort: 0, Password: e2eSimPassword, Dir: t.TempDir()})
	if err != nil {
		t.Fatalf("sim.Start: %v", err)
	}
	t.Cleanup(func() { cl.Close() })
	return cl
}

// writeSimPlanFile writes a plan for the cluster and returns its path.
func writeSimPlanFile(t *testing.T, cl *sim.Cluster, dir string) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("hosts:\n")
	for i, in := range cl.Instances() {
		role := "partner"
		if i == 2 {
			role = "witness"
		}
		fmt.Fprintf(&b, "  - name: %s\n    server: %s\n    role: %s\n    address: %s\n", in.Name, in.Addr, role, in.Address)
	}
	b.WriteString("auth:\n  user: sa\n  encrypt: mandatory\n  trust_server_certificate: true\n")
	b.WriteString("endpoint:\n  name: Endpoint_Mirroring\n  port: 7024\n  encryption: AES\n")
	b.WriteString("certificate:\n  expiry: 2031-11-30\ntransfer: inband\n")
	path := filepath.Join(dir, "plan.yaml")
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// runWithEnv runs the test binary with extra environment variables (and
// none of the caller's MIRRORCERT_/SQLCMD ones).
func runWithEnv(t *testing.T, dir string, env []string, args ...string) result {
	t.Helper()
	// No run may hang the suite: a blocked read (a FIFO given as a file)
	// fails its test instead.
	return runBounded(t, dir, binaryTimeout, env, args...)
}

type statusDoc struct {
	Complete bool `json:"complete"`
	Hosts    []struct {
		Name      string  `json:"name"`
		Server    string  `json:"server"`
		Role      string  `json:"role"`
		Connected bool    `json:"connected"`
		Error     *string `json:"error"`
		Items     []struct {
			ID     string `json:"id"`
			Status string `json:"status"`
			Detail string `json:"detail"`
		} `json:"items"`
	} `json:"hosts"`
}

func parseStatus(t *testing.T, r result) statusDoc {
	t.Helper()
	var d statusDoc
	if err := json.Unmarshal([]byte(r.stdout), &d); err != nil {
		t.Fatalf("status --json output is not JSON: %v\n%s\nstderr: %s", err, r.stdout, r.stderr)
	}
	return d
}

// verifyWithFreeTDS asks every host, through FreeTDS tsql (a client we did not
// write), whether each peer certificate is owned by the peer's user and has
// the peer's own thumbprint, and whether each peer login may CONNECT.
func verifyWithFreeTDS(t *testing.T, cl *sim.Cluster) {
	t.Helper()
	tsqlPath, err := exec.LookPath("tsql")
	if err != nil {
		if os.Getenv("MIRRORCERT_E2E") == "1" {
			t.Fatal("FreeTDS tsql is not installed (apt-get install freetds-bin); MIRRORCERT_E2E=1 requires it")
		}
		t.Log("FreeTDS tsql not installed: skipping the independent-client check")
		return
	}
	conf := filepath.Join(t.TempDir(), "freetds.conf")
	os.WriteFile(conf, []byte("[global]\n\ttds version = 7.4\n\tencryption = off\n"), 0o600)
	query := "SELECT c.name + '|' + dp.name + '|' + CONVERT(nvarchar(200), c.thumbprint, 2) FROM sys.certificates AS c JOIN sys.database_principals AS dp ON dp.principal_id = c.principal_id WHERE c.name LIKE 'HOST%'\ngo\n" +
		"SELECT 'grant|' + sp.name FROM sys.server_permissions AS p JOIN sys.server_principals AS sp ON sp.principal_id = p.grantee_principal_id WHERE p.class_desc = 'ENDPOINT' AND p.permission_name = 'CONNECT'\ngo\nexit\n"
	type certRow struct{ owner, thumb string }
	certs := map[string]map[string]certRow{} // host -> cert -> row
	grants := map[string]map[string]bool{}
	for _, in := range cl.Instances() {
		port := in.Addr[strings.LastIndexByte(in.Addr, ',')+1:]
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		// The sim's throwaway password goes on tsql's command line: FreeTDS
		// has no other non-interactive way, and it is not a product secret.
		cmd := exec.CommandContext(ctx, tsqlPath, "-H", "127.0.0.1", "-p", port, "-U", "sa", "-P", e2eSimPassword, "-o", "q")
		cmd.Env = append(os.Environ(), "FREETDSCONF="+conf)
		cmd.Stdin = strings.NewReader(query)
		out, err := cmd.CombinedOutput()
		cancel()
		if err != nil {
			t.Fatalf("tsql on %s: %v\n%s", in.Name, err, out)
		}
		certs[in.Name] = map[string]certRow{}
		grants[in.Name] = map[string]bool{}
		for _, ln := range strings.Split(string(out), "\n") {
			f := strings.Split(strings.TrimSpace(ln), "|")
			switch {
			case len(f) == 3 && strings.HasSuffix(f[0], "_cert"):
				certs[in.Name][f[0]] = certRow{f[1], strings.ToUpper(f[2])}
			case len(f) == 2 && f[0] == "grant":
				grants[in.Name][f[1]] = true
			}
		}
	}
	for _, in := range cl.Instances() {
		own, ok := certs[in.Name][in.Name+"_cert"]
		if !ok || own.thumb == "" {
			t.Fatalf("tsql: %s has no own certificate: %v", in.Name, certs[in.Name])
		}
		for _, peer := range cl.Instances() {
			if peer.Name == in.Name {
				continue
			}
			got, ok := certs[in.Name][peer.Name+"_cert"]
			want := certs[peer.Name][peer.Name+"_cert"]
			if !ok || got.owner != peer.Name+"_user" || got.thumb != want.thumb {
				t.Errorf("tsql on %s: %s_cert = %+v, want owner %s_user thumbprint %s", in.Name, peer.Name, got, peer.Name, want.thumb)
			}
			if !grants[in.Name][peer.Name+"_login"] {
				t.Errorf("tsql on %s: %s_login has no CONNECT on the endpoint (grants %v)", in.Name, peer.Name, grants[in.Name])
			}
		}
	}
}
