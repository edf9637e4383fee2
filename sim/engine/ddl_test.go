package engine

import (
	"crypto/x509"
	"strings"
	"testing"
)

func TestMasterKeyStatements(t *testing.T) {
	_, s := saSession(t, "HOST_A")
	runErr(t, s, "OPEN MASTER KEY DECRYPTION BY PASSWORD = 'First-Passw0rd'", 15581)
	run(t, s, "CREATE MASTER KEY ENCRYPTION BY PASSWORD = 'First-Passw0rd'")
	run(t, s, "OPEN MASTER KEY DECRYPTION BY PASSWORD = 'First-Passw0rd'; CLOSE MASTER KEY")
	m := infoMsg(t, s, "OPEN MASTER KEY DECRYPTION BY PASSWORD = 'Wrong-Passw0rd'", 15313)
	if m.Text != "The key is not encrypted using the specified decryptor." || m.Class != 10 {
		t.Fatalf("15313 = severity %d %q; sys.messages has it at severity 10", m.Class, m.Text)
	}
	run(t, s, "ALTER MASTER KEY ADD ENCRYPTION BY PASSWORD = 'Second-Passw0rd'")
	run(t, s, "ALTER MASTER KEY DROP ENCRYPTION BY PASSWORD = 'First-Passw0rd'")
	infoMsg(t, s, "OPEN MASTER KEY DECRYPTION BY PASSWORD = 'First-Passw0rd'", 15313)
	run(t, s, "OPEN MASTER KEY DECRYPTION BY PASSWORD = 'Second-Passw0rd'")
	runErr(t, s, "ALTER MASTER KEY REGENERATE WITH ENCRYPTION BY PASSWORD = 'weak'", 15116)
	run(t, s, "ALTER MASTER KEY FORCE REGENERATE WITH ENCRYPTION BY PASSWORD = 'Third-Passw0rd'")
	run(t, s, "ALTER MASTER KEY ADD ENCRYPTION BY SERVICE MASTER KEY; OPEN MASTER KEY DECRYPTION BY PASSWORD = 'Third-Passw0rd'")
	// The master key exists per database.
	run(t, s, "USE msdb")
	if n := scalar(t, s, "SELECT COUNT(*) FROM sys.symmetric_keys"); n != int32(0) {
		t.Fatalf("msdb keys = %v", n)
	}
	if n := scalar(t, s, "SELECT COUNT(*) FROM master.sys.symmetric_keys WHERE name = '##MS_DatabaseMasterKey##'"); n != int32(1) {
		t.Fatalf("master keys = %v", n)
	}
}

func TestEndpointOptions(t *testing.T) {
	_, s := saSession(t, "HOST_A")
	run(t, s, "CREATE MASTER KEY ENCRYPTION BY PASSWORD = 'First-Passw0rd'; CREATE CERTIFICATE c1 WITH SUBJECT = 'c1'")
	// Defaults: STOPPED, Windows NEGOTIATE, REQUIRED AES.
	run(t, s, "CREATE ENDPOINT ep AS TCP (LISTENER_PORT = 5022) FOR DATABASE_MIRRORING (ROLE = WITNESS)")
	q := "SELECT state_desc, role, role_desc, connection_auth, connection_auth_desc, certificate_id, is_encryption_enabled, encryption_algorithm, encryption_algorithm_desc FROM sys.database_mirroring_endpoints"
	check := func(want string) {
		t.Helper()
		if got := render(query(t, s, q)); got != want {
			t.Fatalf("endpoint = %s\nwant       %s", got, want)
		}
	}
	check("STOPPED,2,WITNESS,3,NEGOTIATE,0,true,2,AES")
	for _, c := range []struct{ alter, want string }{
		{"STATE = STARTED", "STARTED,2,WITNESS,3,NEGOTIATE,0,true,2,AES"},
		{"FOR DATABASE_MIRRORING (ROLE = PARTNER)", "STARTED,1,PARTNER,3,NEGOTIATE,0,true,2,AES"},
		{"FOR DATABASE_MIRRORING (AUTHENTICATION = WINDOWS NTLM)", "STARTED,1,PARTNER,1,NTLM,0,true,2,AES"},
		{"FOR DATABASE_MIRRORING (AUTHENTICATION = WINDOWS KERBEROS CERTIFICATE c1)", "STARTED,1,PARTNER,6,KERBEROS, CERTIFICATE,256,true,2,AES"},
		{"FOR DATABASE_MIRRORING (AUTHENTICATION = CERTIFICATE c1 WINDOWS NTLM)", "STARTED,1,PARTNER,8,CERTIFICATE, NTLM,256,true,2,AES"},
		{"FOR DATABASE_MIRRORING (AUTHENTICATION = CERTIFICATE c1 WINDOWS)", "STARTED,1,PARTNER,10,CERTIFICATE, NEGOTIATE,256,true,2,AES"},
		{"FOR DATABASE_MIRRORING (ENCRYPTION = SUPPORTED ALGORITHM RC4)", "STARTED,1,PARTNER,10,CERTIFICATE, NEGOTIATE,256,true,3,NONE, RC4"},
		{"FOR DATABASE_MIRRORING (ENCRYPTION = REQUIRED ALGORITHM RC4 AES)", "STARTED,1,PARTNER,10,CERTIFICATE, NEGOTIATE,256,true,5,RC4, AES"},
		{"FOR DATABASE_MIRRORING (ENCRYPTION = SUPPORTED ALGORITHM AES RC4)", "STARTED,1,PARTNER,10,CERTIFICATE, NEGOTIATE,256,true,8,NONE, AES, RC4"},
		{"FOR DATABASE_MIRRORING (ENCRYPTION = DISABLED)", "STARTED,1,PARTNER,10,CERTIFICATE, NEGOTIATE,256,false,0,NONE"},
		{"FOR DATABASE_MIRRORING (ENCRYPTION = REQUIRED)", "STARTED,1,PARTNER,10,CERTIFICATE, NEGOTIATE,256,true,2,AES"},
		{"FOR DATABASE_MIRRORING (AUTHENTICATION = WINDOWS, ROLE = ALL)", "STARTED,3,ALL,3,NEGOTIATE,0,true,2,AES"},
		{"STATE = DISABLED", "DISABLED,3,ALL,3,NEGOTIATE,0,true,2,AES"},
	} {
		run(t, s, "ALTER ENDPOINT ep "+c.alter)
		check(c.want)
	}
	run(t, s, "ALTER ENDPOINT ep AS TCP (LISTENER_PORT = 5023, LISTENER_IP = (10.0.0.5))")
	if got := render(query(t, s, "SELECT port, ip_address FROM sys.tcp_endpoints WHERE name = 'ep'")); got != "5023,10.0.0.5" {
		t.Fatalf("tcp = %s", got)
	}
	// A failing ALTER changes nothing.
	runErr(t, s, "ALTER ENDPOINT ep STATE = STARTED AS TCP (LISTENER_PORT = 0)", 7886)
	check("DISABLED,3,ALL,3,NEGOTIATE,0,true,2,AES")
	runErr(t, s, "ALTER ENDPOINT nope STATE = STARTED", 15151)
	// SQL Server 2014 defaults to RC4.
	in2, err := New(Options{Name: "OLD", SAPassword: testSAPassword, FileRoot: t.TempDir(), ProductVersion: "12.0.6024.0", Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	s2 := in2.NewSession("sa")
	run(t, s2, "CREATE ENDPOINT ep AS TCP (LISTENER_PORT = 5022) FOR DATABASE_MIRRORING (ROLE = ALL)")
	if got := scalar(t, s2, "SELECT encryption_algorithm_desc FROM sys.database_mirroring_endpoints"); got != "RC4" {
		t.Fatalf("2014 default algorithm = %v", got)
	}
}

func TestCertificateDetails(t *testing.T) {
	_, s := saSession(t, "HOST_A")
	run(t, s, "CREATE MASTER KEY ENCRYPTION BY PASSWORD = 'First-Passw0rd'")
	long := strings.Repeat("x", 200)
	run(t, s, "CREATE CERTIFICATE c1 WITH SUBJECT = '"+long+"', START_DATE = '20261101', EXPIRY_DATE = '2027-11-01T12:30:00'")
	rs := query(t, s, "SELECT subject, start_date, expiry_date, key_length, issuer_name, cert_serial_number, CERTENCODED(certificate_id) FROM sys.certificates WHERE name = 'c1'")
	row := rs.Rows[0]
	if row[0] != long[:128] || row[3] != int32(2048) || row[4] != long || len(row[5].(string)) < 2 {
		t.Fatalf("row = %v", row[:6])
	}
	x, err := x509.ParseCertificate(row[6].([]byte))
	if err != nil || x.Subject.CommonName != long {
		t.Fatalf("X.509 keeps the full subject: %v", err)
	}
	runErr(t, s, "CREATE CERTIFICATE c2 WITH SUBJECT = 'x', EXPIRY_DATE = 'not a date'", 241)
	// Without EXPIRY_DATE the certificate lasts one year from its start.
	run(t, s, "CREATE CERTIFICATE c3 WITH SUBJECT = 'x', START_DATE = '2026-01-15'")
	if got := render(query(t, s, "SELECT DATEDIFF(day, start_date, expiry_date) FROM sys.certificates WHERE name = 'c3'")); got != "365" {
		t.Fatalf("default validity = %s days", got)
	}
}

// TestHostileNames: names full of quotes, brackets and SQL survive exactly
// when quoted the way steps/tsql quotes them.
func TestHostileNames(t *testing.T) {
	_, s := saSession(t, "HOST_A")
	outbound(t, s, "HOST_A")
	for _, name := range []string{"a]b", "x'; DROP LOGIN sa; --", "名前 with space", "[bracketed]", "semi;colon", `back\slash`} {
		q := "[" + strings.ReplaceAll(name, "]", "]]") + "]"
		lit := "N'" + strings.ReplaceAll(name, "'", "''") + "'"
		run(t, s, "CREATE LOGIN "+q+" WITH PASSWORD = N'Str0ng-Pass!'; CREATE USER "+q+" FOR LOGIN "+q+"; GRANT CONNECT ON ENDPOINT::Endpoint_Mirroring TO "+q)
		rs := query(t, s, "SELECT sp.name, dp.name FROM sys.server_principals sp JOIN sys.database_principals dp ON dp.sid = sp.sid WHERE sp.name = "+lit)
		if len(rs.Rows) != 1 || rs.Rows[0][0] != name || rs.Rows[0][1] != name {
			t.Fatalf("%q round trip = %v", name, rs.Rows)
		}
		run(t, s, "DROP USER "+q+"; DROP LOGIN "+q)
	}
	if n := scalar(t, s, "SELECT COUNT(*) FROM sys.server_principals WHERE name = 'sa'"); n != int32(1) {
		t.Fatal("a quoted name executed as SQL")
	}
}

func TestLoginAndUserForms(t *testing.T) {
	in, s := saSession(t, "HOST_A")
	run(t, s, "CREATE MASTER KEY ENCRYPTION BY PASSWORD = 'First-Passw0rd'; CREATE CERTIFICATE signer WITH SUBJECT = 'signer'")
	run(t, s, "CREATE LOGIN signer_login FROM CERTIFICATE signer; CREATE USER signer_user FROM CERTIFICATE signer")
	rs := query(t, s, "SELECT sp.type_desc, dp.type_desc FROM sys.server_principals sp JOIN sys.database_principals dp ON dp.sid = sp.sid WHERE sp.name = 'signer_login'")
	if render(rs) != "CERTIFICATE_MAPPED_LOGIN,CERTIFICATE_MAPPED_USER" {
		t.Fatalf("certificate-mapped principals = %s", render(rs))
	}
	if m := in.Authenticate("signer_login", ""); m == nil {
		t.Fatal("a certificate-mapped login cannot log in with a password")
	}
	if m := runErr(t, s, "DROP CERTIFICATE signer", 15559); m.Text != "Cannot drop certificate 'signer' because there is a login mapped to it." {
		t.Fatalf("15559 text %q", m.Text)
	}
	run(t, s, "DROP LOGIN signer_login")
	if m := runErr(t, s, "DROP CERTIFICATE signer", 15559); m.Text != "Cannot drop certificate 'signer' because there is a user mapped to it." {
		t.Fatalf("15559 text %q", m.Text)
	}
	// CREATE USER x with no FOR LOGIN maps the login of the same name.
	run(t, s, "CREATE LOGIN same_name WITH PASSWORD = 'Str0ng-Pass1'; CREATE USER same_name")
	if got := scalar(t, s, "SELECT sp.name FROM sys.database_principals dp JOIN sys.server_principals sp ON sp.sid = dp.sid WHERE dp.name = 'same_name'"); got != "same_name" {
		t.Fatalf("implicit mapping = %v", got)
	}
	runErr(t, s, "CREATE LOGIN l2 WITH PASSWORD = 'Str0ng-Pass1', CHECK_POLICY = OFF, CHECK_EXPIRATION = ON", 15122)
	runErr(t, s, "CREATE LOGIN l2 WITH PASSWORD = 'Str0ng-Pass1', DEFAULT_DATABASE = nowhere", 15010)
	runErr(t, s, "CREATE LOGIN longname WITH PASSWORD = 'my-LONGNAME-1'", 15118) // contains the login name
	runErr(t, s, "CREATE LOGIN l2 WITH PASSWORD = '"+strings.Repeat("Aa1!", 33)+"'", 15117)
	run(t, s, "CREATE LOGIN l2 WITH PASSWORD = 'Str0ng-Pass1', DEFAULT_DATABASE = msdb, CHECK_EXPIRATION = ON")
	if m := in.Authenticate("l2", "Str0ng-Pass1"); m != nil {
		t.Fatalf("l2: %+v", m)
	}
	if db := in.NewSession("l2").Database(); db != "msdb" {
		t.Fatalf("default database = %s", db)
	}
	runErr(t, s, "EXEC sp_executesql N'SELECT 1', N'@p int', @q = 1", 8145)
	runErr(t, s, "EXEC sp_executesql N'SELECT 1', N'@p int', 1, 2", 8144)
	runErr(t, s, "EXEC sp_executesql N'SELECT 1', N'@p nosuchtype'", 102)
	runErr(t, s, "EXEC sys.sp_nothing", 2812)
	runErr(t, s, "EXEC nodb.sys.xp_fileexist 'C:\\x'", 2812)
}
