package clients

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	mssql "github.com/microsoft/go-mssqldb"

	"github.com/mirrorcert/mirrorcert/sim"
)

var hosts = []string{"HOST_A", "HOST_B", "HOST_W"}

// TestGoMSSQLProcedure runs the documented procedure on three instances
// through go-mssqldb in each encryption mode: outbound everywhere, then
// every host trusts the other two. The disable mode moves certificates by
// file (BACKUP, copy, FROM FILE), the others in band (CERTENCODED, FROM
// BINARY).
func TestGoMSSQLProcedure(t *testing.T) {
	for _, m := range encryptModes {
		t.Run(m.name, func(t *testing.T) {
			c := startCluster(t, sim.Config{})
			dbs := map[string]*sql.DB{}
			for _, h := range hosts {
				dbs[h] = c.open(t, h, m.query)
			}
			der := map[string][]byte{}
			for _, h := range hosts {
				der[h] = outbound(t, dbs[h], h)
			}
			// A second master key fails with 15578, as in SQL Server.
			_, err := dbs["HOST_A"].Exec("CREATE MASTER KEY ENCRYPTION BY PASSWORD = 'An0ther!Passw0rd';")
			var me mssql.Error
			if !errors.As(err, &me) || me.Number != 15578 || me.Class != 16 || me.ServerName != "HOST_A" {
				t.Fatalf("second CREATE MASTER KEY: %v", err)
			}
			fileRoute := m.name == "disable"
			if fileRoute {
				for _, h := range hosts {
					mustExec(t, dbs[h], fmt.Sprintf(`BACKUP CERTIFICATE %s_cert TO FILE = 'C:\%s_cert.cer';`, h, h))
				}
			}
			for _, h := range hosts {
				for _, p := range hosts {
					if p == h {
						continue
					}
					from := "BINARY = 0x" + hex.EncodeToString(der[p])
					if fileRoute {
						path := fmt.Sprintf(`C:\%s_cert.cer`, p)
						if err := c.CopyFile(p, h, path); err != nil {
							t.Fatal(err)
						}
						from = fmt.Sprintf("FILE = '%s'", path)
					}
					inbound(t, dbs[h], p, from)
				}
			}
			// Every host's copy of a peer certificate has the peer's thumbprint.
			for _, h := range hosts {
				for _, p := range hosts {
					if !bytes.Equal(thumbprint(t, dbs[h], p+"_cert"), thumbprint(t, dbs[p], p+"_cert")) {
						t.Errorf("%s_cert on %s has a different thumbprint than on %s", p, h, p)
					}
				}
				var n int
				err := dbs[h].QueryRow(`SELECT COUNT(*) FROM sys.server_permissions p
					JOIN sys.server_principals s ON s.principal_id = p.grantee_principal_id
					WHERE p.class_desc = 'ENDPOINT' AND p.permission_name = 'CONNECT' AND p.state = 'G' AND s.name LIKE '%_login'`).Scan(&n)
				if err != nil || n != 2 {
					t.Errorf("%s: CONNECT grants to peer logins = %d, %v", h, n, err)
				}
			}
		})
	}
}

func mustExec(t *testing.T, db *sql.DB, stmt string, args ...any) {
	t.Helper()
	if _, err := db.Exec(stmt, args...); err != nil {
		t.Fatalf("%s: %v", firstLine(stmt), err)
	}
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	return s
}

// outbound runs the documentation's outbound statements on host h and
// returns its certificate's DER from CERTENCODED.
func outbound(t *testing.T, db *sql.DB, h string) []byte {
	t.Helper()
	var exists int
	err := db.QueryRow("SELECT 1 FROM master.sys.symmetric_keys WHERE name = '##MS_DatabaseMasterKey##'").Scan(&exists)
	if !errors.Is(err, sql.ErrNoRows) {
		t.Fatalf("%s: fresh instance has a master key? %v", h, err)
	}
	mustExec(t, db, "CREATE MASTER KEY ENCRYPTION BY PASSWORD = 'Str0ng!MasterKey.Pw';")
	mustExec(t, db, fmt.Sprintf("CREATE CERTIFICATE %s_cert WITH SUBJECT = '%s certificate for database mirroring', EXPIRY_DATE = '11/30/2030';", h, h))
	mustExec(t, db, fmt.Sprintf(`CREATE ENDPOINT Endpoint_Mirroring
   STATE = STARTED
   AS TCP ( LISTENER_PORT = 7024, LISTENER_IP = ALL )
   FOR DATABASE_MIRRORING (
      AUTHENTICATION = CERTIFICATE %s_cert,
      ENCRYPTION = REQUIRED ALGORITHM AES,
      ROLE = ALL );`, h))
	var name, role, state, auth, alg string
	err = db.QueryRow("SELECT name, role_desc, state_desc, connection_auth_desc, encryption_algorithm_desc FROM sys.database_mirroring_endpoints;").
		Scan(&name, &role, &state, &auth, &alg)
	if err != nil || name != "Endpoint_Mirroring" || role != "ALL" || state != "STARTED" || auth != "CERTIFICATE" || alg != "AES" {
		t.Fatalf("%s endpoint: %s %s %s %s %s %v", h, name, role, state, auth, alg, err)
	}
	var typ string
	if err := db.QueryRow("SELECT pvt_key_encryption_type FROM sys.certificates WHERE name = @p1", h+"_cert").Scan(&typ); err != nil || typ != "MK" {
		t.Fatalf("%s_cert pvt_key_encryption_type = %q, %v", h, typ, err)
	}
	var der []byte
	if err := db.QueryRow(fmt.Sprintf("SELECT CERTENCODED(CERT_ID('%s_cert'))", h)).Scan(&der); err != nil || len(der) < 100 {
		t.Fatalf("%s CERTENCODED: %d bytes, %v", h, len(der), err)
	}
	return der
}

// inbound makes host db trust peer p: login, user, certificate, CONNECT.
func inbound(t *testing.T, db *sql.DB, p, from string) {
	t.Helper()
	mustExec(t, db, fmt.Sprintf("CREATE LOGIN %s_login WITH PASSWORD = 'Str0ng!Login.Pw1';", p))
	mustExec(t, db, fmt.Sprintf("CREATE USER %s_user FOR LOGIN %s_login;", p, p))
	mustExec(t, db, fmt.Sprintf("CREATE CERTIFICATE %s_cert AUTHORIZATION %s_user FROM %s;", p, p, from))
	mustExec(t, db, fmt.Sprintf("GRANT CONNECT ON ENDPOINT::Endpoint_Mirroring TO [%s_login];", p))
}

func thumbprint(t *testing.T, db *sql.DB, cert string) []byte {
	t.Helper()
	var tp []byte
	if err := db.QueryRow("SELECT thumbprint FROM sys.certificates WHERE name = @name", sql.Named("name", cert)).Scan(&tp); err != nil {
		t.Fatalf("thumbprint of %s: %v", cert, err)
	}
	return tp
}

// TestHundredConcurrentConnections opens 100 connections at once, each
// running a catalog query, with no error.
func TestHundredConcurrentConnections(t *testing.T) {
	c := startCluster(t, sim.Config{Names: []string{"HOST_A"}})
	db := c.open(t, "HOST_A", "encrypt=true&trustservercertificate=true")
	db.SetMaxOpenConns(100)
	db.SetMaxIdleConns(100)
	ctx := context.Background()
	conns := make([]*sql.Conn, 100)
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	for i := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			conn, err := db.Conn(ctx)
			if err != nil {
				errs <- err
				return
			}
			conns[i] = conn
			var name string
			if err := conn.QueryRowContext(ctx, "SELECT @@SERVERNAME").Scan(&name); err != nil || name != "HOST_A" {
				errs <- fmt.Errorf("connection %d: %q %v", i, name, err)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := db.Stats().OpenConnections; n != 100 {
		t.Errorf("%d connections open at once, want 100", n)
	}
	for _, conn := range conns {
		if conn != nil {
			conn.Close()
		}
	}
}
