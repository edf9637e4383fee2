package clients

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mirrorcert/mirrorcert/sim"
)

// The documentation's statements, verbatim (procedure.md), with real
// passwords where it shows placeholders.
const (
	docOutboundA = `SELECT 1 FROM master.sys.symmetric_keys WHERE name = '##MS_DatabaseMasterKey##'
go
CREATE MASTER KEY ENCRYPTION BY PASSWORD = 'Str0ng!MasterKey.Pw';
go
CREATE MASTER KEY ENCRYPTION BY PASSWORD = 'Str0ng!MasterKey.Pw';
go
CREATE CERTIFICATE HOST_A_cert WITH SUBJECT = 'HOST_A certificate for database mirroring', EXPIRY_DATE = '11/30/2013';
go
CREATE ENDPOINT Endpoint_Mirroring
   STATE = STARTED
   AS TCP ( LISTENER_PORT = 7024, LISTENER_IP = ALL )
   FOR DATABASE_MIRRORING (
      AUTHENTICATION = CERTIFICATE HOST_A_cert,
      ENCRYPTION = REQUIRED ALGORITHM AES,
      ROLE = ALL );
go
SELECT name, role_desc, state_desc, connection_auth_desc, encryption_algorithm_desc FROM sys.database_mirroring_endpoints;
go
BACKUP CERTIFICATE HOST_A_cert TO FILE = 'C:\HOST_A_cert.cer';
go
SELECT * FROM sys.certificates;
go
SELECT CERTENCODED(CERT_ID('HOST_A_cert'))
go
EXEC xp_readerrorlog
go
`
	docInboundB = `CREATE LOGIN HOST_A_login WITH PASSWORD = 'Str0ng!Login.Pw1';
go
CREATE USER HOST_A_user FOR LOGIN HOST_A_login;
go
CREATE CERTIFICATE HOST_A_cert AUTHORIZATION HOST_A_user FROM FILE = 'C:\HOST_A_cert.cer';
go
CREATE ENDPOINT Endpoint_Mirroring
   STATE = STARTED
   AS TCP ( LISTENER_PORT = 7024, LISTENER_IP = ALL )
   FOR DATABASE_MIRRORING ( AUTHENTICATION = WINDOWS NEGOTIATE, ROLE = ALL );
go
GRANT CONNECT ON ENDPOINT::Endpoint_Mirroring TO [HOST_A_login];
go
SELECT name, principal_id FROM sys.certificates WHERE name = 'HOST_A_cert';
go
`
)

// tsqlRun runs FreeTDS tsql against one instance with script on stdin and
// returns everything it printed. The sa password is a throwaway generated
// for this test's simulator; tsql has no other way to take it than -P.
func tsqlRun(t *testing.T, c *cluster, name, encryption, script string) string {
	t.Helper()
	tsql := requireTool(t, "tsql")
	in := c.info(t, name)
	dir := t.TempDir()
	conf := filepath.Join(dir, "freetds.conf")
	err := os.WriteFile(conf, fmt.Appendf(nil, "[global]\n\ttds version = 7.4\n[%s]\n\thost = 127.0.0.1\n\tport = %d\n\ttds version = 7.4\n\tencryption = %s\n",
		name, in.Port, encryption), 0o600)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, tsql, "-S", name, "-U", "sa", "-P", c.Password())
	cmd.Env = append(os.Environ(), "FREETDSCONF="+conf, "TDSDUMP=", "LANG=C.UTF-8")
	cmd.Dir = dir
	cmd.Stdin = strings.NewReader(script + "exit\n")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	_ = cmd.Run() // tsql's exit status reflects the last batch only; the output is checked instead
	if ctx.Err() != nil {
		t.Fatalf("tsql timed out; output:\n%s", out.String())
	}
	return out.String()
}

func TestFreeTDS(t *testing.T) {
	for _, enc := range []string{"off", "request", "require"} {
		t.Run("encryption="+enc, func(t *testing.T) {
			var mu sync.Mutex
			var logins []string
			c := startCluster(t, sim.Config{Names: []string{"HOST_A", "HOST_B"}, Logf: func(format string, args ...any) {
				mu.Lock()
				defer mu.Unlock()
				logins = append(logins, fmt.Sprintf(format, args...))
			}})
			out := tsqlRun(t, c, "HOST_A", enc, docOutboundA)
			for _, want := range []string{
				"Msg 15578 (severity 16, state 1) from HOST_A",
				"There is already a master key in the database. Please drop it before performing this statement.",
				"Endpoint_Mirroring\tALL\tSTARTED\tCERTIFICATE\tAES",
				"HOST_A_cert\t",
				"HOST_A certificate for database mirroring",
				"\tMK\t",
				"The Database Mirroring endpoint is now listening for connections.",
			} {
				if !strings.Contains(out, want) {
					t.Errorf("tsql output lacks %q:\n%s", want, out)
				}
			}
			if strings.Count(out, "Msg ") != 1 {
				t.Errorf("want exactly one error (the second master key):\n%s", out)
			}
			if err := c.CopyFile("HOST_A", "HOST_B", `C:\HOST_A_cert.cer`); err != nil {
				t.Fatal(err)
			}
			out = tsqlRun(t, c, "HOST_B", enc, docInboundB)
			if strings.Contains(out, "Msg ") || !strings.Contains(out, "HOST_A_cert\t") {
				t.Errorf("inbound on HOST_B:\n%s", out)
			}
			// The server saw TLS exactly when it was asked for.
			mu.Lock()
			// "request" sends ENCRYPT_OFF: only the login packet is encrypted.
			wantSec := map[string]string{
				"off":     "(not encrypted)",
				"request": "(login packet encrypted only, TLS 1.2)",
				"require": "(encrypted, TLS 1.2)",
			}[enc]
			seen := 0
			for _, l := range logins {
				if strings.Contains(l, ": login sa (") {
					seen++
					if !strings.Contains(l, wantSec) {
						t.Errorf("encryption=%s but the server logged %q", enc, l)
					}
				}
			}
			if seen != 2 {
				t.Errorf("server logged %d logins, want 2: %q", seen, logins)
			}
			mu.Unlock()
			// Login with a wrong password is refused with 18456.
			out = tsqlWrongPassword(t, c)
			if !strings.Contains(out, "Login failed for user 'sa'") {
				t.Errorf("wrong password:\n%s", out)
			}
		})
	}
}

func tsqlWrongPassword(t *testing.T, c *cluster) string {
	t.Helper()
	tsql := requireTool(t, "tsql")
	in := c.info(t, "HOST_A")
	cmd := exec.Command(tsql, "-H", "127.0.0.1", "-p", fmt.Sprint(in.Port), "-U", "sa", "-P", "not-the-password")
	cmd.Env = append(os.Environ(), "TDSVER=7.4", "FREETDSCONF=/dev/null")
	cmd.Stdin = strings.NewReader("exit\n")
	out, _ := cmd.CombinedOutput()
	return string(out)
}
