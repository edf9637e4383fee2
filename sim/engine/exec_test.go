package engine

import (
	"strings"
	"testing"
)

func TestControlFlowAndVariables(t *testing.T) {
	_, s := saSession(t, "HOST_A")
	// The product's idempotent form: create only what is missing.
	idempotent := `IF NOT EXISTS (SELECT 1 FROM master.sys.symmetric_keys WHERE name = '##MS_DatabaseMasterKey##')
BEGIN
    CREATE MASTER KEY ENCRYPTION BY PASSWORD = 'Idem-Passw0rd!';
    PRINT 'created';
END
ELSE
    PRINT 'exists';`
	outs := run(t, s, idempotent)
	if msgs := infoTexts(outs); msgs != "created" {
		t.Fatalf("first run printed %q", msgs)
	}
	outs = run(t, s, idempotent)
	if msgs := infoTexts(outs); msgs != "exists" {
		t.Fatalf("second run printed %q", msgs)
	}

	outs = run(t, s, `DECLARE @n int = 2, @name sysname;
SET @n = @n + 1;
SELECT @name = name FROM sys.databases WHERE database_id = @n;
PRINT @name;
SELECT @n AS n, @name AS name;`)
	if msgs := infoTexts(outs); msgs != "model" {
		t.Fatalf("PRINT @name = %q", msgs)
	}
	rs := results(outs)
	if len(rs) != 1 || !equalRow(rs[0].Rows[0], []any{int32(3), "model"}) || rs[0].Columns[1].Size != 128 {
		t.Fatalf("variables = %+v", rs)
	}
	// PRINT's message: number 0, class 0, on its own line.
	outs = run(t, s, "SELECT 1\nPRINT 'hello'")
	var print Message
	for _, o := range outs {
		for _, m := range o.Messages {
			if m.Text == "hello" {
				print = m
			}
		}
	}
	if print.Number != 0 || print.Class != 0 || print.Line != 2 {
		t.Fatalf("PRINT message = %+v", print)
	}
	// Variables live for one batch.
	runErr(t, s, "SELECT @n", 137)
	runErr(t, s, "DECLARE @x int; DECLARE @x int", 134)
	// A statement-level error inside BEGIN...END ends only that statement.
	outs = s.ExecBatch("BEGIN\nCREATE MASTER KEY ENCRYPTION BY PASSWORD = 'Idem-Passw0rd!'\nPRINT 'after'\nEND")
	if errs := errorsOf(outs); len(errs) != 1 || errs[0].Number != 15578 || errs[0].Line != 2 {
		t.Fatalf("errors = %+v", errs)
	}
	if infoTexts(outs) != "after" {
		t.Fatal("the statement after a failed one did not run")
	}
	// XACT_ABORT ON makes an error end the batch.
	outs = s.ExecBatch("SET XACT_ABORT ON\nCREATE MASTER KEY ENCRYPTION BY PASSWORD = 'Idem-Passw0rd!'\nPRINT 'after'")
	if infoTexts(outs) != "" {
		t.Fatal("XACT_ABORT ON must end the batch at the first error")
	}
	run(t, s, "SET XACT_ABORT OFF")
	// A missing object ends the batch (deferred name resolution).
	outs = s.ExecBatch("SELECT * FROM sys.nothing\nPRINT 'after'")
	if infoTexts(outs) != "" || len(errorsOf(outs)) != 1 {
		t.Fatal("208 must end the batch")
	}
	// @@ERROR and @@ROWCOUNT follow the previous statement.
	outs = s.ExecBatch("CREATE MASTER KEY ENCRYPTION BY PASSWORD = 'Idem-Passw0rd!'\nSELECT @@ERROR")
	if rs := results(outs); len(rs) != 1 || rs[0].Rows[0][0] != int32(15578) {
		t.Fatalf("@@ERROR = %+v", rs)
	}
	if rs := results(s.ExecBatch("CREATE MASTER KEY ENCRYPTION BY PASSWORD = 'Idem-Passw0rd!'\nPRINT 'x'\nSELECT @@ERROR")); rs[0].Rows[0][0] != int32(0) {
		t.Fatalf("@@ERROR after a successful statement = %v", rs[0].Rows[0][0])
	}
	if rs := results(run(t, s, "SELECT name FROM sys.databases; SELECT @@ROWCOUNT")); rs[1].Rows[0][0] != int32(4) {
		t.Fatalf("@@ROWCOUNT = %v", rs[1].Rows[0][0])
	}
	// RAISERROR / THROW
	m := runErr(t, s, "THROW 50001, N'custom failure', 3", 50001)
	if m.Text != "custom failure" || m.State != 3 || m.Class != 16 {
		t.Fatalf("THROW = %+v", m)
	}
}

func infoTexts(outs []Output) string {
	var texts []string
	for _, o := range outs {
		for _, m := range o.Messages {
			if !m.IsError() && m.Number == 0 {
				texts = append(texts, m.Text)
			}
		}
	}
	return strings.Join(texts, "|")
}

func TestSessionState(t *testing.T) {
	_, s := saSession(t, "HOST_A")
	if got := render(results(run(t, s, "BEGIN TRAN; BEGIN TRANSACTION t2; SELECT @@TRANCOUNT; COMMIT; SELECT @@TRANCOUNT; ROLLBACK; SELECT @@TRANCOUNT"))[2]); got != "0" {
		t.Fatalf("@@TRANCOUNT after ROLLBACK = %s", got)
	}
	runErr(t, s, "COMMIT", 3902)
	runErr(t, s, "ROLLBACK TRANSACTION", 3903)
	outs := run(t, s, "USE msdb")
	if outs[0].Database != "msdb" || s.Database() != "msdb" {
		t.Fatalf("USE msdb: %+v, db %s", outs[0], s.Database())
	}
	if outs[0].Messages[0].Number != 5701 || outs[0].Messages[0].Text != "Changed database context to 'msdb'." {
		t.Fatalf("USE message = %+v", outs[0].Messages)
	}
	if got := scalar(t, s, "SELECT DB_NAME()"); got != "msdb" {
		t.Fatalf("DB_NAME() = %v", got)
	}
	// Three-part names still reach master from another database.
	if got := scalar(t, s, "SELECT COUNT(*) FROM master.sys.certificates WHERE name LIKE '##MS%'"); got.(int32) == 0 {
		t.Fatal("master.sys.certificates unreachable from msdb")
	}
	run(t, s, "SET NOCOUNT ON")
	if outs := run(t, s, "SELECT 1"); outs[0].HasRowCount {
		t.Fatal("NOCOUNT ON ignored")
	}
	s.Reset()
	if s.Database() != "master" {
		t.Fatalf("after Reset db = %s", s.Database())
	}
	if outs := run(t, s, "SELECT 1"); !outs[0].HasRowCount || outs[0].RowCount != 1 {
		t.Fatal("Reset must restore NOCOUNT OFF")
	}
	// Every batch yields at least one output (one DONE on the wire).
	if outs := run(t, s, "SET NOCOUNT ON"); len(outs) != 1 {
		t.Fatalf("outputs = %d", len(outs))
	}
}

func TestDynamicSQLAndRPC(t *testing.T) {
	_, s := saSession(t, "HOST_A")
	outbound(t, s, "HOST_A")
	rs := results(s.ExecRPC("SELECT name, certificate_id FROM sys.certificates WHERE name = @name AND certificate_id > @min",
		[]Param{{Name: "@name", Value: "HOST_A_cert"}, {Name: "@min", Value: int32(100)}}))
	if len(rs) != 1 || len(rs[0].Rows) != 1 || rs[0].Rows[0][0] != "HOST_A_cert" {
		t.Fatalf("RPC result = %+v", rs)
	}
	for _, p := range []Param{{Name: "@b", Value: []byte{1, 2}}, {Name: "@t", Value: testNow()}, {Name: "@f", Value: true}, {Name: "@i", Value: int64(5)}} {
		outs := s.ExecRPC("SELECT "+p.Name, []Param{p})
		if errs := errorsOf(outs); len(errs) > 0 {
			t.Fatalf("%s: %+v", p.Name, errs)
		}
		if !goTypeMatches(results(outs)[0].Rows[0][0], results(outs)[0].Columns[0].Type) {
			t.Fatalf("%s: value/type mismatch", p.Name)
		}
	}
	// sp_executesql typed as SQL text, with an OUTPUT parameter.
	outs := run(t, s, `DECLARE @id int;
EXEC sp_executesql N'SELECT @out = certificate_id FROM sys.certificates WHERE name = @n', N'@n sysname, @out int OUTPUT', @n = N'HOST_A_cert', @out = @id OUTPUT;
SELECT @id;`)
	if rs := results(outs); len(rs) != 1 || rs[0].Rows[0][0] != int32(256) {
		t.Fatalf("OUTPUT parameter = %+v", rs)
	}
	// EXEC (@sql): the in-band route's dynamic FROM BINARY.
	_, s2 := saSession(t, "HOST_B")
	der := scalar(t, s, "SELECT CERTENCODED(CERT_ID('HOST_A_cert'))").([]byte)
	run(t, s2, "DECLARE @sql nvarchar(max) = N'CREATE CERTIFICATE HOST_A_cert FROM BINARY = ' + CONVERT(nvarchar(max), "+hexLit(der)+", 1); EXEC (@sql);")
	if got := scalar(t, s2, "SELECT thumbprint FROM sys.certificates WHERE name = 'HOST_A_cert'"); got == nil {
		t.Fatal("dynamic CREATE CERTIFICATE did not run")
	}
	// USE inside dynamic SQL lasts until the dynamic batch ends.
	outs = run(t, s2, "EXEC (N'USE msdb; SELECT DB_NAME()'); SELECT DB_NAME()")
	if rs := results(outs); render(rs[0]) != "msdb" || render(rs[1]) != "master" || s2.Database() != "master" {
		t.Fatalf("dynamic USE: %s / %s", render(rs[0]), render(rs[1]))
	}
	// Errors inside dynamic SQL are reported and the outer batch goes on.
	outs = s2.ExecBatch("EXEC (N'SELECT * FROM sys.nothing'); PRINT 'outer'")
	if len(errorsOf(outs)) != 1 || infoTexts(outs) != "outer" {
		t.Fatalf("dynamic error handling: %+v", outs)
	}
}

func TestErrorLogAndFileProbe(t *testing.T) {
	in, err := New(Options{Name: "HOST_A", SAPassword: testSAPassword, FileRoot: t.TempDir(), Now: testNow, Port: 14330})
	if err != nil {
		t.Fatal(err)
	}
	s := in.NewSession("sa")
	outbound(t, s, "HOST_A")
	log := strings.Join(in.ErrorLog(), "\n")
	for _, want := range []string{"Server is listening on [ 127.0.0.1 <ipv4> 14330].", "The Database Mirroring endpoint is now listening for connections.",
		"Server is listening on [ 'any' <ipv4> 7024].", "Database Mirroring endpoint is in enabled state.", "2026-11-23 10:00:00.00 Server"} {
		if !strings.Contains(log, want) {
			t.Errorf("error log lacks %q", want)
		}
	}
	rs := query(t, s, "EXEC xp_readerrorlog 0, 1, N'Mirroring', N'listening'")
	if len(rs.Rows) != 1 || !strings.Contains(rs.Rows[0][2].(string), "now listening") {
		t.Fatalf("xp_readerrorlog search = %+v", rs.Rows)
	}
	if rs.Columns[0].Name != "LogDate" || rs.Columns[1].Name != "ProcessInfo" || rs.Columns[2].Name != "Text" || rs.Columns[0].Type != DateTime {
		t.Fatalf("xp_readerrorlog columns = %+v", rs.Columns)
	}
	all := query(t, s, "EXEC sys.sp_readerrorlog")
	if len(all.Rows) < 10 {
		t.Fatalf("sp_readerrorlog rows = %d", len(all.Rows))
	}
	run(t, s, `DECLARE @e int; EXEC master.dbo.xp_fileexist 'C:\', @e OUTPUT; IF @e = 0 PRINT 'dir is no file'`)
	op := in.NewSession("nobody")
	runErr(t, op, "EXEC xp_readerrorlog", 229)
	// An endpoint on the instance's own TDS port cannot listen; only the log says so.
	run(t, s, "ALTER ENDPOINT Endpoint_Mirroring STATE = STOPPED; ALTER ENDPOINT Endpoint_Mirroring STATE = STARTED AS TCP (LISTENER_PORT = 14330)")
	rs = query(t, s, "EXEC xp_readerrorlog 0, 1, N'cannot listen'")
	if len(rs.Rows) != 1 || !strings.Contains(rs.Rows[0][2].(string), "port 14330") {
		t.Fatalf("port clash not logged: %v", rs.Rows)
	}
}

// TestTryCatch runs the product's TolerateError shape (steps/tsql) and the
// ERROR_ functions.
func TestTryCatch(t *testing.T) {
	_, s := saSession(t, "HOST_A")
	outbound(t, s, "HOST_A")
	run(t, s, `BACKUP CERTIFICATE HOST_A_cert TO FILE = 'C:\HOST_A_cert.cer';`)
	tolerate := "BEGIN TRY\n    BACKUP CERTIFICATE HOST_A_cert TO FILE = N'C:\\HOST_A_cert.cer';\nEND TRY\nBEGIN CATCH\n" +
		"    IF ERROR_NUMBER() <> 15240 THROW;\n    PRINT N'The backup file exists already.';\nEND CATCH"
	outs := run(t, s, tolerate)
	if infoTexts(outs) != "The backup file exists already." {
		t.Fatalf("tolerated error: %+v", outs)
	}
	// Another error is rethrown with its own number, and ends the batch.
	other := strings.Replace(tolerate, "HOST_A_cert TO", "ghost_cert TO", 1) + "\nPRINT 'after'"
	outs = s.ExecBatch(other)
	errs := errorsOf(outs)
	if len(errs) != 1 || errs[0].Number != 15151 || infoTexts(outs) != "" {
		t.Fatalf("rethrow: %+v", outs)
	}
	rs := query(t, s, "BEGIN TRY\nSELECT 1/0\nEND TRY\nBEGIN CATCH\nSELECT ERROR_NUMBER(), ERROR_SEVERITY(), ERROR_STATE(), ERROR_LINE(), ERROR_MESSAGE()\nEND CATCH")
	if !equalRow(rs.Rows[0], []any{int32(8134), int32(16), int32(1), int32(2), "Divide by zero error encountered."}) {
		t.Fatalf("ERROR_ functions = %v", rs.Rows[0])
	}
	if got := scalar(t, s, "SELECT ERROR_NUMBER()"); got != nil {
		t.Fatalf("ERROR_NUMBER() outside CATCH = %v", got)
	}
	// The product's RequireSecrets guard.
	m := runErr(t, s, "IF N'' = N''\n    OR N'x' = N''\n    RAISERROR(N'Fill in every password.', 16, 1);", 50000)
	if m.Text != "Fill in every password." || m.Class != 16 {
		t.Fatalf("RAISERROR = %+v", m)
	}
	// Starting a session: the documentation's ALTER DATABASE with its placeholder name.
	m = runErr(t, s, "ALTER DATABASE db SET PARTNER = 'TCP://host_a.fqdn:7024'", 5011)
	if m.Class != 14 {
		t.Fatalf("5011 class = %d", m.Class)
	}
}
