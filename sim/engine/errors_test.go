package engine

import (
	"os"
	"path/filepath"
	"testing"
)

// TestErrors checks every statement-level error of errors.md: number,
// severity, state, exact text and the line of the failing statement.
func TestErrors(t *testing.T) {
	in, s := saSession(t, "HOST_A")
	outbound(t, s, "HOST_A")
	run(t, s, "CREATE LOGIN HOST_B_login WITH PASSWORD = 'Str0ng-HOST_B'; CREATE USER HOST_B_user FOR LOGIN HOST_B_login;")
	run(t, s, `BACKUP CERTIFICATE HOST_A_cert TO FILE = 'C:\HOST_A_cert.cer'`)
	der := scalar(t, s, "SELECT CERTENCODED(CERT_ID('HOST_A_cert'))").([]byte)
	if err := os.WriteFile(filepath.Join(in.FileRoot(), "C", "junk.cer"), []byte("not a certificate"), 0o600); err != nil {
		t.Fatal(err)
	}
	_ = der

	cases := []struct {
		name  string
		sql   string
		num   int32
		class uint8
		line  int32
		text  string
	}{
		{"master key exists", "CREATE MASTER KEY ENCRYPTION BY PASSWORD = 'Another-Passw0rd'", 15578, 16, 1,
			"There is already a master key in the database. Please drop it before performing this statement."},
		{"certificate name taken", "SELECT 1;\nCREATE CERTIFICATE HOST_A_cert WITH SUBJECT = 'again'", 15232, 16, 2,
			"A certificate with name 'HOST_A_cert' already exists or this certificate already has been added to the database."},
		{"same certificate from file", `CREATE CERTIFICATE other_name FROM FILE = 'C:\HOST_A_cert.cer'`, 15232, 16, 1,
			"A certificate with name 'other_name' already exists or this certificate already has been added to the database."},
		{"second mirroring endpoint", "CREATE ENDPOINT ep2 STATE = STARTED AS TCP (LISTENER_PORT = 7025) FOR DATABASE_MIRRORING (ROLE = ALL)", 7862, 16, 1,
			"An endpoint of the requested type already exists.  Only one endpoint of this type is supported.  Use ALTER ENDPOINT or DROP the existing endpoint and execute the CREATE ENDPOINT statement."},
		{"port bound", "CREATE ENDPOINT broker STATE = STARTED AS TCP (LISTENER_PORT = 7024) FOR SERVICE_BROKER (AUTHENTICATION = WINDOWS)", 7874, 16, 1,
			"An endpoint already exists with the bindings specified. Only one endpoint supported for a specific binding. Use ALTER ENDPOINT or DROP the existing endpoint and execute the CREATE ENDPOINT statement."},
		{"login exists", "CREATE LOGIN [HOST_B_login] WITH PASSWORD = 'Str0ng-Other1'", 15025, 16, 1,
			"The server principal 'HOST_B_login' already exists."},
		{"user exists", "CREATE USER HOST_B_user FOR LOGIN sa", 15023, 16, 1,
			"User, group, or role 'HOST_B_user' already exists in the current database."},
		{"login mapped already", "CREATE USER second_user FOR LOGIN HOST_B_login", 15063, 16, 1,
			"The login already has an account under a different user name."},
		{"missing login for user", "CREATE USER u1 FOR LOGIN nobody", 15007, 16, 1,
			"'nobody' is not a valid login or you do not have permission."},
		{"missing endpoint", "GRANT CONNECT ON ENDPOINT::Nope TO [HOST_B_login]", 15151, 16, 1,
			"Cannot find the endpoint 'Nope', because it does not exist or you do not have permission."},
		{"grant to a user, not a login", "GRANT CONNECT ON ENDPOINT::Endpoint_Mirroring TO [HOST_B_user]", 15151, 16, 1,
			"Cannot find the login 'HOST_B_user', because it does not exist or you do not have permission."},
		{"missing owner user", "CREATE CERTIFICATE c9 AUTHORIZATION ghost FROM FILE = 'C:\\HOST_A_cert.cer'", 15151, 16, 1,
			"Cannot find the user 'ghost', because it does not exist or you do not have permission."},
		{"drop missing certificate", "DROP CERTIFICATE ghost_cert", 15151, 16, 1,
			"Cannot find the certificate 'ghost_cert', because it does not exist or you do not have permission."},
		{"drop missing login", "DROP LOGIN ghost", 15151, 16, 1,
			"Cannot find the login 'ghost', because it does not exist or you do not have permission."},
		{"endpoint with missing certificate", "ALTER ENDPOINT Endpoint_Mirroring FOR DATABASE_MIRRORING (AUTHENTICATION = CERTIFICATE ghost_cert)", 15151, 16, 1,
			"Cannot find the certificate 'ghost_cert', because it does not exist or you do not have permission."},
		{"missing file", `CREATE CERTIFICATE HOST_B_cert FROM FILE = 'C:\HOST_B_cert.cer'`, 15208, 16, 1,
			"The certificate, asymmetric key, or private key file is not valid or does not exist; or you do not have permissions for it."},
		{"junk file", `CREATE CERTIFICATE HOST_B_cert FROM FILE = 'C:\junk.cer'`, 15208, 16, 1,
			"The certificate, asymmetric key, or private key file is not valid or does not exist; or you do not have permissions for it."},
		{"escaping path", `CREATE CERTIFICATE HOST_B_cert FROM FILE = 'C:\..\..\etc\passwd'`, 15208, 16, 1,
			"The certificate, asymmetric key, or private key file is not valid or does not exist; or you do not have permissions for it."},
		{"existing backup file", `BACKUP CERTIFICATE HOST_A_cert TO FILE = 'C:\HOST_A_cert.cer'`, 15240, 16, 1,
			`Cannot write into file 'C:\HOST_A_cert.cer'. Verify that you have write permissions, that the file path is valid, and that the file does not already exist.`},
		{"backup escaping path", `BACKUP CERTIFICATE HOST_A_cert TO FILE = 'C:\..\x.cer'`, 15240, 16, 1,
			`Cannot write into file 'C:\..\x.cer'. Verify that you have write permissions, that the file path is valid, and that the file does not already exist.`},
		{"junk binary", "CREATE CERTIFICATE HOST_B_cert FROM BINARY = 0x0102030405", 15297, 16, 1,
			"The certificate, asymmetric key, or private key data is invalid."},
		{"short password", "CREATE LOGIN l1 WITH PASSWORD = 'Ab1!'", 15116, 16, 1,
			"Password validation failed. The password does not meet the operating system policy requirements because it is too short."},
		{"simple password", "CREATE LOGIN l1 WITH PASSWORD = 'alllowercase'", 15118, 16, 1,
			"Password validation failed. The password does not meet the operating system policy requirements because it is not complex enough."},
		{"drop master key in use", "DROP MASTER KEY", 15580, 16, 1,
			"Cannot drop master key because certificate 'HOST_A_cert' is encrypted by it."},
		{"syntax at the end", "SELECT name FROM sys.certificates WHERE\n", 156, 15, 1, "Incorrect syntax near the keyword 'WHERE'."},
		{"syntax at token", "CREATE LOGIN x WITH PASSWORD 'abc'", 102, 15, 1, "Incorrect syntax near 'abc'."},
		{"keyword", "SELECT * FROM FROM sys.certificates", 156, 15, 1, "Incorrect syntax near the keyword 'FROM'."},
		{"GO is client-side", "SELECT 1;\nGO\nSELECT 2", 102, 15, 2, "Incorrect syntax near 'GO'."},
		{"GO alone is a procedure call", "GO", 2812, 16, 1, "Could not find stored procedure 'GO'."},
		{"unknown view", "SELECT * FROM master.sys.nonsense", 208, 16, 1, "Invalid object name 'master.sys.nonsense'."},
		{"unknown column", "SELECT nonsense FROM sys.certificates", 207, 16, 1, "Invalid column name 'nonsense'."},
		{"unknown database", "USE nowhere", 911, 16, 1, "Database 'nowhere' does not exist. Make sure that the name is entered correctly."},
		{"undeclared variable", "SELECT @nope", 137, 15, 1, "Must declare the scalar variable \"@nope\"."},
		{"unknown procedure", "EXEC sp_nothing", 2812, 16, 1, "Could not find stored procedure 'sp_nothing'."},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := runErr(t, s, c.sql, c.num)
			if m.Class != c.class || m.Line != c.line || m.Text != c.text || m.State < 1 {
				t.Fatalf("got %d class %d state %d line %d %q\nwant class %d line %d %q", m.Number, m.Class, m.State, m.Line, m.Text, c.class, c.line, c.text)
			}
		})
	}
	// SELECT 1 on line 1 must still have run before the line-2 failure.
	outs := s.ExecBatch("SELECT 1;\nCREATE CERTIFICATE HOST_A_cert WITH SUBJECT = 'again'")
	if len(results(outs)) != 1 {
		t.Fatal("statement-level error must not undo earlier statements")
	}
}

func TestMasterKeyRequired(t *testing.T) {
	_, s := saSession(t, "HOST_A")
	runErr(t, s, "CREATE CERTIFICATE c1 WITH SUBJECT = 'no master key'", 15581)
	m := runErr(t, s, "CREATE CERTIFICATE c1 WITH SUBJECT = 'x'", 15581)
	if m.Text != "Please create a master key in the database or open the master key in the session before performing this operation." {
		t.Fatalf("15581 text = %q", m.Text)
	}
	// A password-protected certificate needs no master key.
	run(t, s, "CREATE CERTIFICATE c1 ENCRYPTION BY PASSWORD = 'Cert-Passw0rd' WITH SUBJECT = 'pw protected'")
	if got := scalar(t, s, "SELECT pvt_key_encryption_type_desc FROM sys.certificates WHERE name = 'c1'"); got != "ENCRYPTED_BY_PASSWORD" {
		t.Fatalf("desc = %v", got)
	}
	// A peer certificate has no private key, so no master key is needed either.
	der := scalar(t, s, "SELECT CERTENCODED(CERT_ID('c1'))").([]byte)
	_, s2 := saSession(t, "HOST_B")
	run(t, s2, "CREATE CERTIFICATE c1 FROM BINARY = "+hexLit(der))
	if got := scalar(t, s2, "SELECT pvt_key_encryption_type + '/' + pvt_key_encryption_type_desc FROM sys.certificates WHERE name = 'c1'"); got != "NA/NO_PRIVATE_KEY" {
		t.Fatalf("peer copy = %v", got)
	}
	runErr(t, s2, "CREATE CERTIFICATE c2 FROM BINARY = "+hexLit(der), 15232)
	runErr(t, s2, `BACKUP CERTIFICATE c1 TO FILE = 'C:\c1.cer' WITH PRIVATE KEY (FILE = 'C:\c1.pvk', ENCRYPTION BY PASSWORD = 'Key-Passw0rd')`, 15246)
	m = runErr(t, s2, `BACKUP CERTIFICATE c1 TO FILE = 'C:\c1.cer' WITH PRIVATE KEY (FILE = 'C:\c1.pvk', ENCRYPTION BY PASSWORD = 'Key-Passw0rd')`, 15246)
	if m.Text != "Cannot dump the private key of certificate 'c1' because the private key cannot be found." {
		t.Fatalf("15246 text = %q", m.Text)
	}
}

func hexLit(b []byte) string {
	const h = "0123456789ABCDEF"
	out := []byte("0x")
	for _, v := range b {
		out = append(out, h[v>>4], h[v&15])
	}
	return string(out)
}

func TestPermissionsAndLogin(t *testing.T) {
	in, s := saSession(t, "HOST_A")
	if m := in.Authenticate("sa", "wrong"); m == nil || m.Number != 18456 || m.Class != 14 || m.Text != "Login failed for user 'sa'." {
		t.Fatalf("wrong password: %+v", m)
	}
	if m := in.Authenticate("nobody", testSAPassword); m == nil || m.Number != 18456 {
		t.Fatalf("unknown login: %+v", m)
	}
	if m := in.Authenticate("SA", testSAPassword); m != nil {
		t.Fatalf("login names are case-insensitive: %+v", m)
	}
	run(t, s, "CREATE LOGIN operator1 WITH PASSWORD = 'Operat0r-Pass', CHECK_POLICY = ON")
	run(t, s, "CREATE LOGIN weak1 WITH PASSWORD = 'weak', CHECK_POLICY = OFF")
	if m := in.Authenticate("weak1", "weak"); m != nil {
		t.Fatalf("CHECK_POLICY = OFF login cannot log in: %+v", m)
	}
	if m := in.Authenticate("##MS_PolicyEventProcessingLogin##", ""); m == nil {
		t.Fatal("disabled built-in login accepted")
	}
	if m := in.Authenticate("operator1", "Operat0r-Pass"); m != nil {
		t.Fatalf("operator1: %+v", m)
	}
	op := in.NewSession("operator1")
	for _, sql := range []string{
		"CREATE MASTER KEY ENCRYPTION BY PASSWORD = 'Another-Passw0rd'",
		"CREATE LOGIN x1 WITH PASSWORD = 'Str0ng-Passw0rd'",
		"GRANT CONNECT ON ENDPOINT::Endpoint_Mirroring TO [weak1]",
		"CREATE ENDPOINT e AS TCP (LISTENER_PORT = 5022) FOR DATABASE_MIRRORING (ROLE = ALL)",
	} {
		m := runErr(t, op, sql, 15247)
		if m.Text != "User does not have permission to perform this action." {
			t.Fatalf("15247 text = %q", m.Text)
		}
	}
	if got := scalar(t, op, "SELECT SUSER_SNAME()"); got != "operator1" {
		t.Fatalf("SUSER_SNAME() = %v", got)
	}
	if got := scalar(t, op, "SELECT IS_SRVROLEMEMBER('sysadmin')"); got != int32(0) {
		t.Fatalf("IS_SRVROLEMEMBER = %v", got)
	}
	var logged bool
	for _, l := range in.ErrorLog() {
		if containsAll(l, "Login failed for user 'sa'.", "Password did not match") {
			logged = true
		}
	}
	if !logged {
		t.Fatal("failed login not in the error log")
	}
}

// TestMetadataVisibility: a login without sysadmin sees only what it owns
// or may use, so the product's state query reads an incomplete picture.
func TestMetadataVisibility(t *testing.T) {
	in, s := saSession(t, "HOST_A")
	outbound(t, s, "HOST_A")
	run(t, s, "CREATE LOGIN watcher WITH PASSWORD = 'Watch3r-Pass'; CREATE LOGIN peer_login WITH PASSWORD = 'Peer-Passw0rd'")
	w := in.NewSession("watcher")
	for q, want := range map[string]string{
		"SELECT COUNT(*) FROM sys.certificates":                        "0",
		"SELECT COUNT(*) FROM sys.symmetric_keys":                      "0",
		"SELECT COUNT(*) FROM sys.database_mirroring_endpoints":        "0",
		"SELECT name FROM sys.server_principals WHERE type = 'S'":      "sa;watcher",
		"SELECT COUNT(*) FROM sys.databases":                           "4",
		"SELECT COUNT(*) FROM sys.tcp_endpoints WHERE endpoint_id = 4": "1",
	} {
		if got := render(query(t, w, q)); got != want {
			t.Errorf("watcher: %s = %s, want %s", q, got, want)
		}
	}
	// Granting CONNECT makes the endpoint visible to that login.
	run(t, s, "GRANT CONNECT ON ENDPOINT::Endpoint_Mirroring TO watcher")
	if got := render(query(t, w, "SELECT name FROM sys.database_mirroring_endpoints")); got != "Endpoint_Mirroring" {
		t.Fatalf("after GRANT: %s", got)
	}
	if got := render(query(t, s, "SELECT COUNT(*) FROM sys.server_principals WHERE name IN ('watcher', 'peer_login')")); got != "2" {
		t.Fatalf("sa sees %s", got)
	}
}
