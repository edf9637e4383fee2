package engine

import (
	"strings"
	"testing"
	"time"
)

func TestSelectWithoutFrom(t *testing.T) {
	_, s := saSession(t, "HOST_A")
	cases := []struct {
		sql  string
		want any
		typ  Type
	}{
		{"SELECT 1", int32(1), Int},
		{"SELECT 1 + 2 * 3", int32(7), Int},
		{"SELECT (1 + 2) * 3", int32(9), Int},
		{"SELECT 7 / 2", int32(3), Int},
		{"SELECT 3000000000", int64(3000000000), BigInt},
		{"SELECT N'a' + 'b'", "ab", NVarChar},
		{"SELECT @@SERVERNAME", "HOST_A", NVarChar},
		{"SELECT SERVERPROPERTY('ServerName')", "HOST_A", NVarChar},
		{"SELECT SERVERPROPERTY('MachineName')", "HOST_A", NVarChar},
		{"SELECT SERVERPROPERTY('ProductVersion')", "16.0.4135.4", NVarChar},
		{"SELECT SERVERPROPERTY('ProductMajorVersion')", "16", NVarChar},
		{"SELECT SERVERPROPERTY('Edition')", "Developer Edition (64-bit)", NVarChar},
		{"SELECT SERVERPROPERTY('EngineEdition')", int32(3), Int},
		{"SELECT SERVERPROPERTY('NoSuchProperty')", nil, NVarChar},
		{"SELECT DB_NAME()", "master", NVarChar},
		{"SELECT DB_NAME(4)", "msdb", NVarChar},
		{"SELECT DB_ID('tempdb')", int32(2), Int},
		{"SELECT SUSER_SNAME()", "sa", NVarChar},
		{"SELECT SUSER_SNAME(0x01)", "sa", NVarChar},
		{"SELECT SUSER_ID('sa')", int32(1), Int},
		{"SELECT USER_NAME()", "dbo", NVarChar},
		{"SELECT IS_SRVROLEMEMBER('sysadmin')", int32(1), Int},
		{"SELECT GETUTCDATE()", testNow(), DateTime},
		{"SELECT SYSUTCDATETIME()", testNow(), DateTime},
		{"SELECT CAST('2029-11-30' AS datetime)", time.Date(2029, 11, 30, 0, 0, 0, 0, time.UTC), DateTime},
		{"SELECT CONVERT(datetime, '11/30/2029')", time.Date(2029, 11, 30, 0, 0, 0, 0, time.UTC), DateTime},
		{"SELECT CONVERT(varchar(20), 0x0A0B, 1)", "0x0A0B", NVarChar},
		{"SELECT CONVERT(varchar(20), 0x0A0B, 2)", "0A0B", NVarChar},
		{"SELECT CAST('12' AS int) + 1", int32(13), Int},
		{"SELECT CAST(1 AS bit)", true, Bit},
		{"SELECT ISNULL(NULL, 'x')", "x", NVarChar},
		{"SELECT LEN(N'abc  ')", int32(3), Int},
		{"SELECT UPPER('abc')", "ABC", NVarChar},
		{"SELECT DATEDIFF(day, '2026-11-23', '2026-12-03')", int32(10), Int},
		{"SELECT DATEADD(year, 1, '2026-01-01')", time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), DateTime},
		{"SELECT CASE WHEN 'a' = 'A' THEN 'ci' ELSE 'cs' END", "ci", NVarChar},
		{"SELECT CASE 2 WHEN 1 THEN 'one' WHEN 2 THEN 'two' END", "two", NVarChar},
		{"SELECT COALESCE(NULL, NULL, 3)", int32(3), Int},
		{"SELECT QUOTENAME('a]b')", "[a]]b]", NVarChar},
		{"SELECT CERT_ID('nope')", nil, Int},
		{"SELECT CERTENCODED(NULL)", nil, VarBinary},
		{"SELECT @@SPID", int32(51), Int},
		{"SELECT COUNT(*)", int32(1), Int},
	}
	for _, c := range cases {
		rs := query(t, s, c.sql)
		got := rs.Rows[0][0]
		if wt, ok := c.want.(time.Time); ok {
			if gt, ok := got.(time.Time); !ok || !gt.Equal(wt) {
				t.Errorf("%s = %v, want %v", c.sql, got, wt)
			}
		} else if got != c.want {
			t.Errorf("%s = %#v, want %#v", c.sql, got, c.want)
		}
		if rs.Columns[0].Type != c.typ {
			t.Errorf("%s: type %v, want %v", c.sql, rs.Columns[0].Type, c.typ)
		}
	}
	v := scalar(t, s, "SELECT @@VERSION").(string)
	if !strings.HasPrefix(v, "Microsoft SQL Server 2022") || !strings.Contains(v, "16.0.4135.4") {
		t.Fatalf("@@VERSION = %q", v)
	}
}

func TestSelectCatalog(t *testing.T) {
	_, s := saSession(t, "HOST_A")
	outbound(t, s, "HOST_A")
	run(t, s, "CREATE LOGIN HOST_B_login WITH PASSWORD = 'Str0ng-HOST_B'; CREATE USER HOST_B_user FOR LOGIN HOST_B_login")
	run(t, s, "CREATE LOGIN HOST_W_login WITH PASSWORD = 'Str0ng-HOST_W'; CREATE USER HOST_W_user FOR LOGIN HOST_W_login")

	// Built-in ##MS_ certificates exist, as on a real server, and must be filtered.
	if n := scalar(t, s, "SELECT COUNT(*) FROM sys.certificates"); n.(int32) < 4 {
		t.Fatalf("certificates = %v", n)
	}
	if n := scalar(t, s, "SELECT COUNT(*) FROM sys.certificates WHERE name NOT LIKE '##%'"); n != int32(1) {
		t.Fatalf("user certificates = %v", n)
	}
	rs := query(t, s, "SELECT * FROM sys.certificates;")
	for _, want := range []string{"name", "certificate_id", "principal_id", "pvt_key_encryption_type", "pvt_key_encryption_type_desc",
		"subject", "start_date", "expiry_date", "thumbprint", "pvt_key_last_backup_date", "issuer_name", "cert_serial_number", "key_length"} {
		colIndex(t, rs, want)
	}

	cases := []struct {
		sql  string
		want string // rows joined by ";" and cells by ","
	}{
		{"SELECT name FROM sys.server_principals WHERE name LIKE 'HOST[_]%' ORDER BY name DESC", "HOST_W_login;HOST_B_login"},
		{"SELECT TOP 1 name FROM sys.server_principals WHERE type = 'S' AND name LIKE 'host%' ORDER BY name", "HOST_B_login"},
		{"SELECT TOP (1) name FROM sys.server_principals WHERE type = 'S' AND name LIKE 'host%' ORDER BY principal_id DESC", "HOST_W_login"},
		{"SELECT name FROM master.sys.database_principals WHERE name IN ('HOST_B_user', 'nobody', 'HOST_W_user') ORDER BY 1", "HOST_B_user;HOST_W_user"},
		{"SELECT name FROM sys.database_principals WHERE NOT (type = 'R' OR sid IS NULL) AND principal_id > 4 AND name NOT LIKE '##%' ORDER BY name", "HOST_B_user;HOST_W_user"},
		{"SELECT dp.name, sp.name FROM sys.database_principals dp JOIN sys.server_principals sp ON sp.sid = dp.sid WHERE dp.name LIKE 'HOST%' ORDER BY dp.name", "HOST_B_user,HOST_B_login;HOST_W_user,HOST_W_login"},
		{"SELECT COUNT(*) AS n FROM sys.endpoints WHERE type_desc = 'DATABASE_MIRRORING'", "1"},
		{"SELECT e.name, t.port, t.ip_address FROM sys.endpoints e JOIN sys.tcp_endpoints t ON t.endpoint_id = e.endpoint_id WHERE e.endpoint_id >= 65536", "Endpoint_Mirroring,7024,NULL"},
		{"SELECT name, port FROM sys.tcp_endpoints ORDER BY endpoint_id", "Dedicated Admin Connection,0;TSQL Default TCP,0;Endpoint_Mirroring,7024"},
		{"SELECT role, role_desc, certificate_id, is_encryption_enabled FROM master.sys.database_mirroring_endpoints", "3,ALL,256,true"},
		{"SELECT name FROM sys.databases ORDER BY database_id", "master;tempdb;model;msdb"},
		{"SELECT COUNT(*) FROM sys.database_mirroring WHERE mirroring_guid IS NULL", "4"},
		{"SELECT COUNT(*) FROM sys.database_mirroring_witnesses", "0"},
		{"SELECT name FROM sys.symmetric_keys ORDER BY symmetric_key_id", "##MS_DatabaseMasterKey##;##MS_ServiceMasterKey##"},
		{"SELECT name, is_policy_checked FROM sys.sql_logins WHERE name = 'HOST_B_login'", "HOST_B_login,true"},
		{"SELECT c.name, dp.name AS owner FROM master.sys.certificates AS c LEFT JOIN master.sys.database_principals AS dp ON dp.principal_id = c.principal_id WHERE c.name NOT LIKE '##%'", "HOST_A_cert,dbo"},
		{"SELECT name FROM sys.certificates c WHERE EXISTS (SELECT 1 FROM sys.database_mirroring_endpoints e WHERE e.certificate_id = c.certificate_id)", "HOST_A_cert"},
		{"SELECT (SELECT COUNT(*) FROM sys.server_principals WHERE name LIKE 'HOST%') AS n", "2"},
		{"SELECT name FROM sys.certificates WHERE certificate_id = CERT_ID('host_a_CERT')", "HOST_A_cert"},
		{"SELECT DISTINCT type FROM sys.database_principals WHERE type IN ('S', 'R') ORDER BY type", "R;S"},
		{"SELECT type, COUNT(*) FROM sys.server_principals WHERE name LIKE 'HOST%' GROUP BY type", "S,2"},
		{"SELECT MAX(principal_id) - MIN(principal_id) FROM sys.server_principals WHERE name LIKE 'HOST%'", "1"},
		{"SELECT p.name FROM sys.server_principals p WHERE p.principal_id BETWEEN 2 AND 3 ORDER BY p.name", "public;sysadmin"},
		{"SELECT 'login' AS kind, name FROM sys.server_principals WHERE name LIKE 'HOST%' UNION ALL SELECT 'user', name FROM sys.database_principals WHERE name LIKE 'HOST%' ORDER BY kind DESC, name", "user,HOST_B_user;user,HOST_W_user;login,HOST_B_login;login,HOST_W_login"},
		{"SELECT 1 UNION SELECT 1 UNION ALL SELECT 2", "1;2"},
		{"SELECT dp.name FROM sys.database_permissions p JOIN sys.database_principals dp ON dp.principal_id = p.grantee_principal_id WHERE p.permission_name = 'CONNECT' AND dp.name LIKE 'HOST%' ORDER BY 1", "HOST_B_user;HOST_W_user"},
	}
	for _, c := range cases {
		rs := query(t, s, c.sql)
		if got := render(rs); got != c.want {
			t.Errorf("%s\n got  %s\n want %s", c.sql, got, c.want)
		}
	}

	// An empty result still carries its column metadata.
	rs = query(t, s, "SELECT name, thumbprint, expiry_date FROM sys.certificates WHERE 1 = 0")
	if len(rs.Rows) != 0 || len(rs.Columns) != 3 || rs.Columns[1].Type != VarBinary || rs.Columns[2].Type != DateTime {
		t.Fatalf("empty result = %+v", rs)
	}
	runErr(t, s, "SELECT nonsense FROM sys.certificates WHERE 1 = 0", 207)
	runErr(t, s, "SELECT x.name FROM sys.certificates c", 4104)
	runErr(t, s, "SELECT name FROM sys.certificates c JOIN sys.database_principals dp ON dp.principal_id = c.principal_id", 209)
	runErr(t, s, "SELECT * FROM certificates", 208)
	runErr(t, s, "SELECT 1 UNION SELECT 1, 2", 205)
	runErr(t, s, "SELECT name FROM sys.databases UNION SELECT name FROM sys.databases ORDER BY database_id", 104)
	runErr(t, s, "SELECT * FROM nodb.sys.certificates", 208)
}

// render flattens a result set for comparison.
func render(rs *ResultSet) string {
	var rows []string
	for _, r := range rs.Rows {
		var cells []string
		for _, v := range r {
			if v == nil {
				cells = append(cells, "NULL")
				continue
			}
			cells = append(cells, strings.TrimSpace(toString(fromGo(v))))
			if b, ok := v.(bool); ok {
				cells[len(cells)-1] = map[bool]string{true: "true", false: "false"}[b]
			}
		}
		rows = append(rows, strings.Join(cells, ","))
	}
	return strings.Join(rows, ";")
}

func TestColumnTypes(t *testing.T) {
	_, s := saSession(t, "HOST_A")
	outbound(t, s, "HOST_A")
	for view, want := range map[string]map[string]Type{
		"sys.certificates":                 {"certificate_id": Int, "thumbprint": VarBinary, "sid": VarBinary, "start_date": DateTime, "subject": NVarChar, "is_active_for_begin_dialog": Bit},
		"sys.database_mirroring_endpoints": {"endpoint_id": Int, "is_encryption_enabled": Bit, "certificate_id": Int, "connection_auth_desc": NVarChar},
		"sys.server_principals":            {"sid": VarBinary, "is_disabled": Bit, "create_date": DateTime},
		"sys.sql_logins":                   {"password_hash": VarBinary, "is_policy_checked": Bit},
		"sys.server_permissions":           {"major_id": Int, "state": NVarChar},
	} {
		rs := query(t, s, "SELECT * FROM "+view)
		for name, typ := range want {
			if got := rs.Columns[colIndex(t, rs, name)].Type; got != typ {
				t.Errorf("%s.%s type %v, want %v", view, name, got, typ)
			}
		}
		if len(rs.Rows) == 0 {
			t.Errorf("%s is empty", view)
		}
		for _, r := range rs.Rows {
			for i, v := range r {
				if !goTypeMatches(v, rs.Columns[i].Type) {
					t.Fatalf("%s.%s value %T does not match %v", view, rs.Columns[i].Name, v, rs.Columns[i].Type)
				}
			}
		}
	}
	// The password hash is SQL Server 2012+'s format, never the password.
	h := scalar(t, s, "SELECT password_hash FROM sys.sql_logins WHERE name = 'sa'").([]byte)
	if len(h) != 70 || h[0] != 0x02 || h[1] != 0x00 || strings.Contains(string(h), testSAPassword) {
		t.Fatalf("password_hash = %x", h)
	}
}

func goTypeMatches(v any, t Type) bool {
	if v == nil {
		return true
	}
	switch v.(type) {
	case int32:
		return t == Int
	case int64:
		return t == BigInt
	case bool:
		return t == Bit
	case string:
		return t == NVarChar
	case []byte:
		return t == VarBinary
	case time.Time:
		return t == DateTime
	}
	return false
}

// TestPre2012 simulates SQL Server 2008 R2: CERTENCODED does not exist, and
// a batch using it fails as a whole at compile time (nothing runs), which
// is what the product's state query relies on to fall back.
func TestPre2012(t *testing.T) {
	in, err := New(Options{Name: "OLD", SAPassword: testSAPassword, FileRoot: t.TempDir(), ProductVersion: "10.50.6000.34", Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	s := in.NewSession("sa")
	outs := s.ExecBatch("CREATE MASTER KEY ENCRYPTION BY PASSWORD = 'Old-Passw0rd1';\nSELECT name, CERTENCODED(certificate_id) FROM sys.certificates")
	errs := errorsOf(outs)
	if len(outs) != 1 || len(errs) != 1 || errs[0].Number != 195 || errs[0].Line != 2 ||
		errs[0].Text != "'CERTENCODED' is not a recognized built-in function name." {
		t.Fatalf("outs = %+v", outs)
	}
	if n := scalar(t, s, "SELECT COUNT(*) FROM sys.symmetric_keys WHERE name = '##MS_DatabaseMasterKey##'"); n != int32(0) {
		t.Fatal("a batch failing compilation must run nothing")
	}
	if got := scalar(t, s, "SELECT SERVERPROPERTY('ProductMajorVersion')"); got != "10" {
		t.Fatalf("major = %v", got)
	}
	runErr(t, s, "IF 1 = 1 CREATE CERTIFICATE c FROM BINARY = 0x3082", 102)
	// THROW is 2012's too: a batch using it, even only in CATCH, runs nothing.
	m := runErr(t, s, "PRINT 'ran';\nBEGIN TRY SELECT 1 END TRY BEGIN CATCH IF ERROR_NUMBER() <> 1 THROW; END CATCH", 102)
	if m.Text != "Incorrect syntax near 'THROW'." || m.Line != 2 {
		t.Fatalf("THROW before 2012: %d %q line %d", m.Number, m.Text, m.Line)
	}
	if outs := s.ExecBatch("PRINT 'ran'; THROW 50000, N'x', 1;"); len(outs) != 1 {
		t.Fatalf("a batch with THROW ran statements on 2008 R2: %+v", outs)
	}
	_, s16 := saSession(t, "NEW")
	if got := scalar(t, s16, "SELECT IIF(1 = 1, 'yes', 'no')"); got != "yes" {
		t.Fatalf("IIF = %v", got)
	}
	runErr(t, s16, "SELECT 1; SELECT NO_SUCH_FUNCTION(1)", 195)
}
