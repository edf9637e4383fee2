package engine

import (
	"bytes"
	"crypto/sha1"
	"crypto/x509"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The statements of ../shared/reference/procedure.md, verbatim. Placeholders
// such as '<strong>' are real SQL Server input too: they fail the password
// policy exactly as they would on a server.

func TestProcedureOutboundVerbatim(t *testing.T) {
	_, s := saSession(t, "HOST_A")

	detect := "SELECT 1 FROM master.sys.symmetric_keys WHERE name = '##MS_DatabaseMasterKey##'"
	if rs := query(t, s, detect); len(rs.Rows) != 0 {
		t.Fatalf("fresh instance reports a master key: %v", rs.Rows)
	}
	// The documentation's placeholder is not a complex password.
	runErr(t, s, "CREATE MASTER KEY ENCRYPTION BY PASSWORD = '<strong, unique per host>';", 15118)
	run(t, s, "CREATE MASTER KEY ENCRYPTION BY PASSWORD = 'Unique-Per-Host-1';")
	if rs := query(t, s, detect); len(rs.Rows) != 1 || rs.Rows[0][0] != int32(1) {
		t.Fatalf("master key not detected: %v", rs.Rows)
	}

	run(t, s, "CREATE CERTIFICATE HOST_A_cert WITH SUBJECT = 'HOST_A certificate for database mirroring', EXPIRY_DATE = '11/30/2013';")
	rs := query(t, s, "SELECT name, pvt_key_encryption_type, subject, start_date, expiry_date, thumbprint, CERTENCODED(certificate_id) AS der FROM sys.certificates WHERE name = 'HOST_A_cert'")
	if len(rs.Rows) != 1 {
		t.Fatalf("certificate missing: %v", rs.Rows)
	}
	row := rs.Rows[0]
	if row[1] != "MK" || row[2] != "HOST_A certificate for database mirroring" {
		t.Fatalf("certificate row = %v", row)
	}
	if got := row[4].(time.Time); !got.Equal(time.Date(2013, 11, 30, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("expiry = %v", got)
	}
	der := row[6].([]byte)
	sum := sha1.Sum(der)
	if !bytes.Equal(row[5].([]byte), sum[:]) {
		t.Fatal("thumbprint is not the SHA-1 of the DER")
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatalf("CERTENCODED is not X.509 DER: %v", err)
	}
	if cert.Subject.CommonName != "HOST_A certificate for database mirroring" || !cert.NotAfter.Equal(row[4].(time.Time)) || !cert.NotBefore.Equal(row[3].(time.Time)) {
		t.Fatalf("X.509 subject/dates differ from the catalog: %v %v %v", cert.Subject, cert.NotBefore, cert.NotAfter)
	}
	if err := cert.CheckSignature(cert.SignatureAlgorithm, cert.RawTBSCertificate, cert.Signature); err != nil {
		t.Fatalf("certificate is not self-signed: %v", err)
	}

	run(t, s, `CREATE ENDPOINT Endpoint_Mirroring
   STATE = STARTED
   AS TCP ( LISTENER_PORT = 7024, LISTENER_IP = ALL )
   FOR DATABASE_MIRRORING (
      AUTHENTICATION = CERTIFICATE HOST_A_cert,
      ENCRYPTION = REQUIRED ALGORITHM AES,
      ROLE = ALL );`)
	rs = query(t, s, "SELECT name, role_desc, state_desc, connection_auth_desc, encryption_algorithm_desc FROM sys.database_mirroring_endpoints;")
	want := []any{"Endpoint_Mirroring", "ALL", "STARTED", "CERTIFICATE", "AES"}
	if len(rs.Rows) != 1 || !equalRow(rs.Rows[0], want) {
		t.Fatalf("endpoint = %v, want %v", rs.Rows, want)
	}

	for _, c := range []struct{ alter, desc string }{
		{"ALTER ENDPOINT Endpoint_Mirroring FOR DATABASE_MIRRORING (AUTHENTICATION = WINDOWS NEGOTIATE CERTIFICATE HOST_A_cert)", "NEGOTIATE, CERTIFICATE"},
		{"ALTER ENDPOINT Endpoint_Mirroring FOR DATABASE_MIRRORING (AUTHENTICATION = CERTIFICATE HOST_A_cert WINDOWS NEGOTIATE)", "CERTIFICATE, NEGOTIATE"},
		{"ALTER ENDPOINT Endpoint_Mirroring FOR DATABASE_MIRRORING (AUTHENTICATION = CERTIFICATE HOST_A_cert)", "CERTIFICATE"},
	} {
		run(t, s, c.alter)
		rs = query(t, s, "SELECT connection_auth_desc, role_desc, encryption_algorithm_desc, state_desc FROM sys.database_mirroring_endpoints")
		// Only the named option changes.
		if !equalRow(rs.Rows[0], []any{c.desc, "ALL", "AES", "STARTED"}) {
			t.Fatalf("after %q: %v", c.alter, rs.Rows[0])
		}
	}

	run(t, s, `BACKUP CERTIFICATE HOST_A_cert TO FILE = 'C:\HOST_A_cert.cer';`)
	onDisk, err := os.ReadFile(filepath.Join(s.(*session).inst.FileRoot(), "C", "HOST_A_cert.cer"))
	if err != nil || !bytes.Equal(onDisk, der) {
		t.Fatalf("backup file is not the certificate's DER (err %v)", err)
	}
	runErr(t, s, `BACKUP CERTIFICATE HOST_A_cert TO FILE = 'C:\HOST_A_cert.cer';`, 15240)

	enc := scalar(t, s, "SELECT CERTENCODED(CERT_ID('HOST_A_cert'))")
	if !bytes.Equal(enc.([]byte), der) {
		t.Fatal("CERTENCODED(CERT_ID(...)) differs from the catalog's DER")
	}
}

func equalRow(got []any, want []any) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		if g, ok := got[i].([]byte); ok {
			w, _ := want[i].([]byte)
			if !bytes.Equal(g, w) {
				return false
			}
			continue
		}
		if got[i] != want[i] {
			return false
		}
	}
	return true
}

// TestProcedureThreeHosts runs the whole matrix on HOST_A, HOST_B and
// HOST_W: outbound everywhere, then inbound for every pair, by file on one
// side and in-band (CERTENCODED -> FROM BINARY) on the other.
func TestProcedureThreeHosts(t *testing.T) {
	hosts := []string{"HOST_A", "HOST_B", "HOST_W"}
	inst := map[string]Instance{}
	sess := map[string]Session{}
	for _, h := range hosts {
		inst[h], sess[h] = saSession(t, h)
		outbound(t, sess[h], h)
	}
	for _, h := range hosts {
		run(t, sess[h], `BACKUP CERTIFICATE `+h+`_cert TO FILE = 'C:\`+h+`_cert.cer';`)
	}
	for i, h := range hosts {
		for _, p := range hosts {
			if p == h {
				continue
			}
			s := sess[h]
			runErr(t, s, "CREATE LOGIN "+p+"_login WITH PASSWORD = '<strong>';", 15118)
			run(t, s, "CREATE LOGIN "+p+"_login WITH PASSWORD = 'Str0ng-"+p+"';")
			run(t, s, "CREATE USER "+p+"_user FOR LOGIN "+p+"_login;")
			if i%2 == 0 {
				if err := CopyFile(inst[p], `C:\`+p+`_cert.cer`, inst[h], `C:\`+p+`_cert.cer`); err != nil {
					t.Fatal(err)
				}
				run(t, s, "CREATE CERTIFICATE "+p+"_cert AUTHORIZATION "+p+"_user FROM FILE = 'C:\\"+p+"_cert.cer';")
			} else {
				enc := scalar(t, sess[p], "SELECT CERTENCODED(CERT_ID('"+p+"_cert'))").([]byte)
				run(t, s, "CREATE CERTIFICATE "+p+"_cert AUTHORIZATION "+p+"_user FROM BINARY = 0x"+hex.EncodeToString(enc)+";")
			}
			run(t, s, "GRANT CONNECT ON ENDPOINT::Endpoint_Mirroring TO ["+p+"_login];")
		}
	}
	// Cross-host facts: each peer copy has the owner's thumbprint, no private
	// key, the right owner user, and the peer login has CONNECT.
	for _, h := range hosts {
		own := scalar(t, sess[h], "SELECT thumbprint FROM master.sys.certificates WHERE name = '"+h+"_cert'").([]byte)
		for _, p := range hosts {
			if p == h {
				continue
			}
			rs := query(t, sess[p], `SELECT c.thumbprint, c.pvt_key_encryption_type, dp.name AS owner, sp.name AS login_name
FROM master.sys.certificates AS c
JOIN master.sys.database_principals AS dp ON dp.principal_id = c.principal_id
JOIN master.sys.server_principals AS sp ON sp.sid = dp.sid
WHERE c.name = '`+h+`_cert'`)
			if len(rs.Rows) != 1 || !equalRow(rs.Rows[0], []any{own, "NA", h + "_user", h + "_login"}) {
				t.Fatalf("%s's copy of %s_cert: %v", p, h, rs.Rows)
			}
			n := scalar(t, sess[p], `SELECT COUNT(*) FROM sys.server_permissions p
JOIN sys.server_principals sp ON sp.principal_id = p.grantee_principal_id
JOIN sys.database_mirroring_endpoints e ON e.endpoint_id = p.major_id
WHERE p.class_desc = 'ENDPOINT' AND p.permission_name = 'CONNECT' AND p.state = 'G' AND sp.name = '`+h+`_login'`)
			if n != int32(1) {
				t.Fatalf("%s: CONNECT grants for %s_login = %v", p, h, n)
			}
		}
	}
}

// TestStateQuery runs the batch the product's session sends to read a host
// (steps/tsql StateQuery), copied here because sim imports nothing of the
// product.
func TestStateQuery(t *testing.T) {
	in, s := saSession(t, "HOST_A")
	outbound(t, s, "HOST_A")
	run(t, s, "CREATE LOGIN HOST_B_login WITH PASSWORD = 'Str0ng-HOST_B'; CREATE USER HOST_B_user FOR LOGIN HOST_B_login; GRANT CONNECT ON ENDPOINT::Endpoint_Mirroring TO [HOST_B_login];")
	if err := os.MkdirAll(filepath.Join(in.FileRoot(), "D", "certs"), 0o755); err != nil {
		t.Fatal(err)
	}
	batch := "SET NOCOUNT ON;\n" +
		"SELECT CAST(SERVERPROPERTY('ProductVersion') AS nvarchar(128)) AS product_version, @@SERVERNAME AS server_name;\n" +
		"SELECT COUNT(*) AS master_key FROM master.sys.symmetric_keys WHERE name = N'##MS_DatabaseMasterKey##';\n" +
		"SELECT c.name, c.certificate_id, dp.name AS owner, c.pvt_key_encryption_type, c.subject, c.start_date, c.expiry_date, c.thumbprint, CERTENCODED(c.certificate_id) AS encoded FROM master.sys.certificates AS c LEFT JOIN master.sys.database_principals AS dp ON dp.principal_id = c.principal_id WHERE c.name NOT LIKE '##%';\n" +
		"SELECT e.name, e.endpoint_id, e.state_desc, e.role_desc, e.connection_auth_desc, c.name AS cert_name, e.is_encryption_enabled, e.encryption_algorithm_desc, t.port FROM master.sys.database_mirroring_endpoints AS e JOIN master.sys.tcp_endpoints AS t ON t.endpoint_id = e.endpoint_id LEFT JOIN master.sys.certificates AS c ON c.certificate_id = e.certificate_id;\n" +
		"SELECT name, sid FROM master.sys.server_principals WHERE type = 'S';\n" +
		"SELECT dp.name, dp.sid, sp.name AS login_name FROM master.sys.database_principals AS dp LEFT JOIN master.sys.server_principals AS sp ON sp.sid = dp.sid;\n" +
		"SELECT sp.name, p.major_id FROM master.sys.server_permissions AS p JOIN master.sys.server_principals AS sp ON sp.principal_id = p.grantee_principal_id WHERE p.class_desc = 'ENDPOINT' AND p.permission_name = 'CONNECT' AND p.state IN ('G', 'W');\n" +
		"EXEC master.sys.xp_fileexist N'C:\\nothing.cer';\n" +
		"EXEC master.sys.xp_fileexist N'D:\\certs';\n"
	outs := run(t, s, batch)
	rs := results(outs)
	if len(rs) != 9 {
		t.Fatalf("result sets = %d, want 9", len(rs))
	}
	for _, o := range outs {
		if o.HasRowCount {
			t.Fatal("SET NOCOUNT ON must drop DONE row counts")
		}
	}
	if !equalRow(rs[0].Rows[0], []any{"16.0.4135.4", "HOST_A"}) {
		t.Fatalf("server row = %v", rs[0].Rows)
	}
	if rs[1].Rows[0][0] != int32(1) || rs[1].Columns[0].Type != Int {
		t.Fatalf("master_key = %v", rs[1].Rows)
	}
	certs := rs[2]
	if len(certs.Rows) != 1 || certs.Rows[0][0] != "HOST_A_cert" || certs.Rows[0][2] != "dbo" {
		t.Fatalf("certificates = %v", certs.Rows)
	}
	wantTypes := []Type{NVarChar, Int, NVarChar, NVarChar, NVarChar, DateTime, DateTime, VarBinary, VarBinary}
	for i, c := range certs.Columns {
		if c.Type != wantTypes[i] {
			t.Fatalf("certificate column %s type %v, want %v", c.Name, c.Type, wantTypes[i])
		}
	}
	if rs[2].Columns[8].Name != "encoded" || rs[2].Columns[8].Size > 0 {
		t.Fatalf("encoded column = %+v, want varbinary(max)", rs[2].Columns[8])
	}
	ep := rs[3]
	if len(ep.Rows) != 1 || !equalRow(ep.Rows[0], []any{"Endpoint_Mirroring", int32(65536), "STARTED", "ALL", "CERTIFICATE", "HOST_A_cert", true, "AES", int32(7024)}) {
		t.Fatalf("endpoint = %v", ep.Rows)
	}
	var logins []string
	for _, r := range rs[4].Rows {
		logins = append(logins, r[0].(string))
	}
	if !strings.Contains(strings.Join(logins, ","), "sa,") || !strings.Contains(strings.Join(logins, ","), "HOST_B_login") {
		t.Fatalf("logins = %v", logins)
	}
	found := false
	for _, r := range rs[5].Rows {
		if r[0] == "HOST_B_user" && r[2] == "HOST_B_login" {
			found = true
		}
		if r[0] == "dbo" && r[2] != "sa" {
			t.Fatalf("dbo maps to %v, want sa", r[2])
		}
	}
	if !found {
		t.Fatalf("users = %v", rs[5].Rows)
	}
	var grants []string
	for _, r := range rs[6].Rows {
		grants = append(grants, r[0].(string))
	}
	if !strings.Contains(strings.Join(grants, ","), "HOST_B_login") {
		t.Fatalf("grants = %v", rs[6].Rows)
	}
	if !equalRow(rs[7].Rows[0], []any{int32(0), int32(0), int32(1)}) || !equalRow(rs[8].Rows[0], []any{int32(0), int32(1), int32(1)}) {
		t.Fatalf("xp_fileexist = %v / %v", rs[7].Rows, rs[8].Rows)
	}
	if rs[7].Columns[0].Name != "File Exists" || rs[7].Columns[2].Name != "Parent Directory Exists" {
		t.Fatalf("xp_fileexist columns = %v", rs[7].Columns)
	}
}

func TestRotation(t *testing.T) {
	_, s := saSession(t, "HOST_A")
	outbound(t, s, "HOST_A")
	run(t, s, "CREATE CERTIFICATE HOST_A_cert_2030 WITH SUBJECT = 'HOST_A rotated', START_DATE = '2026-11-22', EXPIRY_DATE = '2030-11-30'")
	runErr(t, s, "DROP CERTIFICATE HOST_A_cert", 15352)
	run(t, s, "ALTER ENDPOINT Endpoint_Mirroring FOR DATABASE_MIRRORING (AUTHENTICATION = CERTIFICATE HOST_A_cert_2030)")
	run(t, s, "DROP CERTIFICATE HOST_A_cert")
	got := scalar(t, s, "SELECT c.name FROM sys.database_mirroring_endpoints e JOIN sys.certificates c ON c.certificate_id = e.certificate_id")
	if got != "HOST_A_cert_2030" {
		t.Fatalf("endpoint certificate = %v", got)
	}
	// Dropping the master key is refused while a certificate depends on it.
	m := runErr(t, s, "DROP MASTER KEY", 15580)
	if m.Text != "Cannot drop master key because certificate 'HOST_A_cert_2030' is encrypted by it." {
		t.Fatalf("15580 text = %q", m.Text)
	}
}

// TestProductDiagnostics runs the diagnostic SELECTs the product shows
// (steps/tsql/diag.go), copied because sim imports nothing of the product.
func TestProductDiagnostics(t *testing.T) {
	_, s := saSession(t, "HOST_A")
	outbound(t, s, "HOST_A")
	run(t, s, "CREATE LOGIN HOST_B_login WITH PASSWORD = 'Str0ng-HOST_B'; CREATE USER HOST_B_user FOR LOGIN HOST_B_login; GRANT CONNECT ON ENDPOINT::Endpoint_Mirroring TO [HOST_B_login];")
	for q, want := range map[string]int{
		"SELECT name, create_date FROM sys.symmetric_keys WHERE name = N'##MS_DatabaseMasterKey##';": 1,
		"SELECT c.name, p.name AS owner, c.pvt_key_encryption_type_desc, c.subject, c.start_date, c.expiry_date, c.thumbprint\n" +
			"FROM sys.certificates AS c LEFT JOIN sys.database_principals AS p ON p.principal_id = c.principal_id\n" +
			"WHERE c.name NOT LIKE N'##%';": 1,
		"SELECT e.name, e.state_desc, e.role_desc, e.connection_auth_desc, c.name AS certificate, e.encryption_algorithm_desc, t.port\n" +
			"FROM sys.database_mirroring_endpoints AS e JOIN sys.tcp_endpoints AS t ON t.endpoint_id = e.endpoint_id\n" +
			"LEFT JOIN sys.certificates AS c ON c.certificate_id = e.certificate_id;": 1,
		"SELECT sp.name AS login, dp.name AS [user]\n" +
			"FROM sys.server_principals AS sp LEFT JOIN sys.database_principals AS dp ON dp.sid = sp.sid\n" +
			"WHERE sp.type = 'S';": 4,
		"SELECT e.name AS endpoint, g.name AS grantee, p.state_desc\n" +
			"FROM sys.server_permissions AS p JOIN sys.database_mirroring_endpoints AS e ON e.endpoint_id = p.major_id\n" +
			"JOIN sys.server_principals AS g ON g.principal_id = p.grantee_principal_id\n" +
			"WHERE p.class_desc = N'ENDPOINT' AND p.permission_name = N'CONNECT';": 1,
		"SELECT CERTENCODED(CERT_ID(N'HOST_A_cert')) AS encoded;": 1,
		"SELECT DB_NAME(database_id) AS database_name, mirroring_role_desc, mirroring_state_desc, mirroring_partner_name, mirroring_witness_name\n" +
			"FROM sys.database_mirroring WHERE mirroring_guid IS NOT NULL;": 0,
	} {
		if rs := query(t, s, q); len(rs.Rows) != want {
			t.Errorf("%s\n rows = %d, want %d: %v", q, len(rs.Rows), want, rs.Rows)
		}
	}
}
