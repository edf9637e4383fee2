package engine

import "testing"

// TestExpressions is a table of scalar expressions and their results or
// errors, rendered as text.
func TestExpressions(t *testing.T) {
	_, s := saSession(t, "HOST_A")
	cases := []struct {
		expr string
		want string // rendered value, or "" with err set
		err  int32
	}{
		{"10 % 3", "1", 0},
		{"-5 + 2", "-3", 0},
		{"~0", "-1", 0},
		{"6 & 3 | 8 ^ 1", "11", 0},
		{"1.5 * 2", "3", 0},
		{"7 / 2.0", "3.5", 0},
		{"1 / 0", "", 8134},
		{"'5' + 1", "6", 0},
		{"'x' + 1", "", 245},
		{"CAST('abc' AS int)", "", 245},
		{"CAST('2030-02-30' AS datetime)", "", 241},
		{"CAST(300 AS varbinary(4))", "\x00\x00\x01,", 0},
		{"CAST(0x41 AS nvarchar(10))", "A", 0},
		{"CAST('true' AS bit)", "true", 0},
		{"CAST(3000000000 AS int)", "", 8115},
		{"CAST(N'abcdef' AS nvarchar(3))", "abc", 0},
		{"CONVERT(varbinary(max), '0x4142', 1)", "AB", 0},
		{"CONVERT(varbinary(max), '4142', 2)", "AB", 0},
		{"CONVERT(varchar(30), CAST('2029-11-30 13:14:15' AS datetime), 120)", "2029-11-30 13:14:15", 0},
		{"CONVERT(varchar(30), CAST('2029-11-30' AS datetime), 112)", "20291130", 0},
		{"CAST(CAST('2029-11-30 13:14' AS datetime) AS nvarchar(30))", "Nov 30 2029  1:14PM", 0},
		{"SUBSTRING('abcdef', 2, 3)", "bcd", 0},
		{"SUBSTRING('abc', 0, 2)", "a", 0},
		{"SUBSTRING(0x010203, 2, 5)", "\x02\x03", 0},
		{"SUBSTRING('abc', 1, -1)", "", 537},
		{"LEFT('abcdef', 2) + RIGHT('abcdef', 2)", "abef", 0},
		{"REPLACE('Host_A_cert', 'host_a', 'HOST_B')", "HOST_B_cert", 0},
		{"CHARINDEX('cert', 'HOST_A_CERT')", "8", 0},
		{"LTRIM('  x ') + '|' + RTRIM(' y  ') + '|'", "x | y|", 0},
		{"LOWER(N'ÄB')", "äb", 0},
		{"DATALENGTH(N'ab')", "4", 0},
		{"CONCAT('a', NULL, 1)", "a1", 0},
		{"NULLIF(1, 1)", "NULL", 0},
		{"ISNULL(CAST(NULL AS int), 7)", "7", 0},
		{"DATEADD(month, 1, '2029-01-31')", "Feb 28 2029 12:00AM", 0},
		{"DATEADD(year, 1, '2028-02-29')", "Feb 28 2029 12:00AM", 0},
		{"DATEADD(hour, 25, '2029-01-01')", "Jan  2 2029  1:00AM", 0},
		{"DATEADD(fortnight, 1, '2029-01-01')", "", 155},
		{"DATEDIFF(year, '2028-12-31', '2029-01-01')", "1", 0},
		{"DATEDIFF(month, '2029-01-31', '2029-02-01')", "1", 0},
		{"DATEDIFF(minute, '2029-01-01 10:59', '2029-01-01 11:01')", "2", 0},
		{"CASE WHEN NULL = NULL THEN 'eq' ELSE 'unknown' END", "unknown", 0},
		{"CASE WHEN NOT (NULL = 1) THEN 'x' ELSE 'null stays unknown' END", "null stays unknown", 0},
		{"CASE WHEN 1 IN (2, NULL) THEN 'in' WHEN 1 NOT IN (2, NULL) THEN 'not in' ELSE 'unknown' END", "unknown", 0},
		{"CASE WHEN 'abc ' = 'ABC' THEN 'equal' END", "equal", 0},
		{"CASE WHEN 0x01 < 0x02 AND '2029-01-01' < CAST('2030-01-01' AS datetime) THEN 'ordered' END", "ordered", 0},
		{"(SELECT name FROM sys.databases WHERE database_id = 1)", "master", 0},
		{"(SELECT name FROM sys.databases)", "", 512},
		{"SUSER_SNAME(1)", "sa", 0},
		{"SUSER_NAME(999)", "NULL", 0},
		{"SUSER_SID('sa')", "\x01", 0},
		{"USER_ID('guest')", "2", 0},
		{"USER_ID('nosuchuser')", "NULL", 0},
		{"USER_ID()", "1", 0},
		{"DATABASE_PRINCIPAL_ID('dbo')", "1", 0},
		{"USER_NAME(2)", "guest", 0},
		{"USER_NAME(NULL)", "NULL", 0},
		{"USER_NAME(999)", "NULL", 0},
		{"CURRENT_USER", "dbo", 0},
		{"IS_SRVROLEMEMBER('nosuchrole')", "NULL", 0},
		{"HAS_PERMS_BY_NAME(NULL, NULL, 'VIEW SERVER STATE')", "1", 0},
		{"@@TRANCOUNT + @@NESTLEVEL + @@DATEFIRST", "7", 0},
		{"@@LANGUAGE", "us_english", 0},
		{"@@NOSUCH", "", 137},
		{"SERVERPROPERTY('ProductLevel')", "RTM", 0},
		{"SERVERPROPERTY('Collation')", "SQL_Latin1_General_CP1_CI_AS", 0},
		{"SERVERPROPERTY('InstanceName')", "NULL", 0},
		{"LEN(NEWID())", "36", 0},
		{"DB_NAME(99)", "NULL", 0},
		{"QUOTENAME('it''s', '''')", "'it''s'", 0},
		{"COUNT(*) + 1", "2", 0},
	}
	for _, c := range cases {
		q := "SELECT " + c.expr
		if c.err != 0 {
			runErr(t, s, q, c.err)
			continue
		}
		if got := render(query(t, s, q)); got != c.want {
			t.Errorf("%s = %q, want %q", c.expr, got, c.want)
		}
	}
	// Statements need a boolean where a condition is expected.
	runErr(t, s, "IF 1 PRINT 'x'", 4145)
	runErr(t, s, "SELECT name FROM sys.databases WHERE COUNT(*) > 1", 147)
}
