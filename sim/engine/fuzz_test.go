package engine

import (
	"strings"
	"testing"
)

// fuzzSeeds are statements of every shape the parser knows.
func fuzzSeeds() []string {
	return []string{
		"SELECT 1",
		"SELECT name, certificate_id FROM master.sys.certificates AS c LEFT JOIN sys.database_principals dp ON dp.principal_id = c.principal_id WHERE c.name NOT LIKE '##%' ORDER BY 1 DESC",
		"IF NOT EXISTS (SELECT 1 FROM sys.symmetric_keys WHERE name = N'##MS_DatabaseMasterKey##') BEGIN CREATE MASTER KEY ENCRYPTION BY PASSWORD = 'x' END ELSE PRINT 'y'",
		"CREATE ENDPOINT e STATE = STARTED AS TCP (LISTENER_PORT = 7024, LISTENER_IP = ALL) FOR DATABASE_MIRRORING (AUTHENTICATION = CERTIFICATE c WINDOWS NEGOTIATE, ENCRYPTION = REQUIRED ALGORITHM AES RC4, ROLE = ALL)",
		"CREATE CERTIFICATE [a]]b] AUTHORIZATION u FROM BINARY = 0x3082",
		"BEGIN TRY SELECT 1/0 END TRY BEGIN CATCH IF ERROR_NUMBER() <> 8134 THROW; PRINT ERROR_MESSAGE() END CATCH",
		"OPEN MASTER KEY DECRYPTION BY PASSWORD = 'x'; ALTER MASTER KEY ADD ENCRYPTION BY SERVICE MASTER KEY; CLOSE MASTER KEY",
		"ALTER DATABASE db SET PARTNER = 'TCP://h:7024'; SELECT IIF(1 = 1, 1, 0)",
		"BACKUP CERTIFICATE c TO FILE = 'C:\\c.cer' WITH PRIVATE KEY (FILE = 'C:\\c.pvk', ENCRYPTION BY PASSWORD = 'Pw-12345')",
		"DECLARE @v nvarchar(max) = N'it''s'; SET @v = @v + 'x'; SELECT @v = UPPER(@v); EXEC (@v)",
		"EXEC sp_executesql N'SELECT @p', N'@p int', @p = 1 /* nested /* comment */ */ -- tail",
		"GRANT CONNECT ON ENDPOINT::Endpoint_Mirroring TO [HOST_B_login]; REVOKE CONNECT ON ENDPOINT::e FROM l",
		"SELECT CASE WHEN x IS NULL THEN CAST(1 AS bit) END, CONVERT(varchar(10), 0x01, 1), COUNT(*) FROM sys.endpoints GROUP BY x",
		"CREATE DATABASE d ON (NAME = d, FILENAME = 'C:\\d.mdf'); ALTER DATABASE d SET RECOVERY FULL; BACKUP DATABASE d TO DISK = '\\\\s\\x\\d.bak' WITH FORMAT, STATS = 10",
		"BACKUP LOG d TO DISK = 'C:\\d.trn'; RESTORE DATABASE e FROM DISK = 'C:\\d.bak' WITH FILE = 1, NORECOVERY, MOVE 'd' TO 'C:\\e.mdf'; RESTORE LOG e FROM DISK = 'C:\\d.trn' WITH RECOVERY; DROP DATABASE IF EXISTS d, e",
		"ALTER DATABASE d SET PARTNER SAFETY OFF; ALTER DATABASE d SET WITNESS OFF; ALTER DATABASE d SET PARTNER TIMEOUT 20; ALTER DATABASE d SET HADR AVAILABILITY GROUP = [ag]",
		"CREATE AVAILABILITY GROUP [ag] WITH (CLUSTER_TYPE = NONE) FOR DATABASE d REPLICA ON N'A' WITH (ENDPOINT_URL = N'tcp://A:5022', AVAILABILITY_MODE = ASYNCHRONOUS_COMMIT, FAILOVER_MODE = MANUAL, SEEDING_MODE = AUTOMATIC, SECONDARY_ROLE (ALLOW_CONNECTIONS = ALL)); ALTER AVAILABILITY GROUP [ag] JOIN WITH (CLUSTER_TYPE = NONE); ALTER AVAILABILITY GROUP ag GRANT CREATE ANY DATABASE; DROP AVAILABILITY GROUP ag",
	}
}

// FuzzParse: no input may panic the lexer or parser.
func FuzzParse(f *testing.F) {
	for _, s := range fuzzSeeds() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		stmts, err := parseBatch(src)
		if err != nil && (err.Number == 0 || !err.IsError()) {
			t.Fatalf("parse error without a number: %+v", err)
		}
		if err == nil && strings.TrimSpace(src) != "" && len(stmts) == 0 && !onlyTrivia(src) {
			t.Fatalf("non-empty batch %q parsed to nothing", src)
		}
	})
}

// onlyTrivia reports whether src holds nothing but comments, blanks and
// semicolons.
func onlyTrivia(src string) bool {
	toks, err := lex(src)
	if err != nil {
		return false
	}
	for _, tk := range toks {
		if tk.Kind != tkEOF && !tk.isOp(";") {
			return false
		}
	}
	return true
}

// FuzzExec: running any batch yields only SQL Server errors, never the
// simulator's internal-error report (a recovered panic).
func FuzzExec(f *testing.F) {
	for _, s := range fuzzSeeds() {
		f.Add(s)
	}
	in := newInstance(f, "FUZZ")
	f.Fuzz(func(t *testing.T, src string) {
		s := in.NewSession("sa")
		for _, o := range s.ExecBatch(src) {
			for _, m := range o.Messages {
				if strings.Contains(m.Text, "internal error") {
					t.Fatalf("%q: %s", src, m.Text)
				}
			}
		}
	})
}
