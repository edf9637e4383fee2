package engine

import "testing"

// The error numbers and texts here are the ones MicrosoftDocs/sql-docs
// lists (database-engine-events-and-errors-7000-7999 / 15000-15999); the
// simulator used to raise 7869, 7878 and 15352 with texts of its own.
func TestDocumentedEndpointAndCertificateErrors(t *testing.T) {
	_, s := saSession(t, "HOST_A")
	outbound(t, s, "HOST_A")
	m := runErr(t, s, "ALTER ENDPOINT Endpoint_Mirroring FOR SERVICE_BROKER (AUTHENTICATION = CERTIFICATE HOST_A_cert)", 7860)
	if m.Text != "An endpoint's transport or content cannot be changed through the ALTER ENDPOINT statement. Use DROP ENDPOINT and execute the CREATE ENDPOINT statement to make these changes." {
		t.Errorf("7860 text %q", m.Text)
	}
	m = runErr(t, s, "DROP ENDPOINT [TSQL Default TCP]", 7873)
	if m.Text != `The endpoint "TSQL Default TCP" is a built-in endpoint and cannot be dropped. Use the protocol configuration utilities to ADD or DROP Transact-SQL endpoints.` {
		t.Errorf("7873 text %q", m.Text)
	}
	run(t, s, "CREATE LOGIN mapped FROM CERTIFICATE HOST_A_cert")
	runErr(t, s, "DROP CERTIFICATE HOST_A_cert", 15352) // the endpoint uses it
	run(t, s, "ALTER ENDPOINT Endpoint_Mirroring FOR DATABASE_MIRRORING (AUTHENTICATION = WINDOWS NEGOTIATE)")
	m = runErr(t, s, "DROP CERTIFICATE HOST_A_cert", 15559)
	if m.Text != "Cannot drop certificate 'HOST_A_cert' because there is a login mapped to it." || m.Class != 16 {
		t.Errorf("15559 = %d %q", m.Class, m.Text)
	}
}

// ALTER AUTHORIZATION ON CERTIFICATE:: hands a certificate to another
// user, with the documented errors for what cannot own it.
func TestAlterAuthorizationOnCertificate(t *testing.T) {
	_, s := saSession(t, "HOST_A")
	run(t, s, "CREATE MASTER KEY ENCRYPTION BY PASSWORD = 'Mk-Passw0rd!x'")
	run(t, s, "CREATE LOGIN HOST_B_login WITH PASSWORD = 'Str0ng-Passw0rd!'; CREATE USER HOST_B_user FOR LOGIN HOST_B_login")
	run(t, s, "CREATE CERTIFICATE HOST_B_cert WITH SUBJECT = 'b'")
	owner := func() any {
		return scalar(t, s, "SELECT p.name FROM sys.certificates c JOIN sys.database_principals p ON p.principal_id = c.principal_id WHERE c.name = 'HOST_B_cert'")
	}
	if got := owner(); got != "dbo" {
		t.Fatalf("owner before = %v", got)
	}
	run(t, s, "ALTER AUTHORIZATION ON CERTIFICATE::[HOST_B_cert] TO [HOST_B_user];")
	if got := owner(); got != "HOST_B_user" {
		t.Fatalf("owner after = %v", got)
	}
	m := runErr(t, s, "ALTER AUTHORIZATION ON CERTIFICATE::nope TO HOST_B_user", 15151)
	if m.Text != "Cannot find the certificate 'nope', because it does not exist or you do not have permission." {
		t.Errorf("15151 text %q", m.Text)
	}
	if m := runErr(t, s, "ALTER AUTHORIZATION ON CERTIFICATE::HOST_B_cert TO nobody", 15151); m.Text != "Cannot find the user 'nobody', because it does not exist or you do not have permission." {
		t.Errorf("15151 text %q", m.Text)
	}
	runErr(t, s, "ALTER AUTHORIZATION ON CERTIFICATE::HOST_B_cert TO db_owner", 15345)
	runErr(t, s, "ALTER AUTHORIZATION ON CERTIFICATE::HOST_B_cert TO SCHEMA OWNER", 15344)
	runErr(t, s, "ALTER AUTHORIZATION ON CERTIFICATE HOST_B_cert TO HOST_B_user", 102)
}

// RAISERROR substitutes its arguments: the exported scripts pass every
// message as an argument of N'%s', so a name holding % stays as it is.
func TestRaiserrorArguments(t *testing.T) {
	_, s := saSession(t, "HOST_A")
	m := runErr(t, s, "DECLARE @m nvarchar(100); SET @m = N'100% of [x]'; RAISERROR(N'%s', 16, 1, @m);", 50000)
	if m.Text != "100% of [x]" {
		t.Fatalf("text %q", m.Text)
	}
	m = runErr(t, s, "RAISERROR(N'Msg %d: %s %%, %s', 16, 1, 15240, N'file')", 50000)
	if m.Text != "Msg 15240: file %, (null)" {
		t.Fatalf("text %q", m.Text)
	}
}

// RAISERROR refuses an argument that does not suit its placeholder (2786)
// or that it takes for no placeholder (2748), as SQL Server does, so a
// script passing @number to %s fails in the simulator too; %x, %X, %o and
// %u print as printf does.
func TestRaiserrorArgumentTypes(t *testing.T) {
	_, s := saSession(t, "HOST_A")
	m := runErr(t, s, "DECLARE @n int; SET @n = 15240; RAISERROR(N'Msg %s', 16, 1, @n);", 2786)
	if m.Text != "The data type of substitution parameter 1 does not match the expected type of the format specification." {
		t.Errorf("2786 text %q", m.Text)
	}
	runErr(t, s, "RAISERROR(N'Msg %d: %d', 16, 1, 1, N'file')", 2786)
	m = runErr(t, s, "DECLARE @b bit; SET @b = 1; RAISERROR(N'%d', 16, 1, @b);", 2748)
	if m.Text != "Cannot specify bit data type (parameter 1) as a substitution parameter." {
		t.Errorf("2748 text %q", m.Text)
	}
	m = runErr(t, s, "RAISERROR(N'%x %X %o %u', 16, 1, 255, 255, 8, -1)", 50000)
	if m.Text != "ff FF 10 4294967295" {
		t.Errorf("text %q", m.Text)
	}
}
