package engine

import (
	"bytes"
	"strings"
	"testing"
)

func TestLexer(t *testing.T) {
	type tk struct {
		kind tokKind
		text string
		line int
	}
	cases := []struct {
		src  string
		want []tk
	}{
		{"SELECT [a]]b], N'it''s', 'x'", []tk{{tkIdent, "SELECT", 1}, {tkQIdent, "a]b", 1}, {tkOp, ",", 1}, {tkString, "it's", 1}, {tkOp, ",", 1}, {tkString, "x", 1}}},
		{"-- comment\nUSE master", []tk{{tkIdent, "USE", 2}, {tkIdent, "master", 2}}},
		{"/* a /* nested */ still comment */ 1", []tk{{tkNumber, "1", 1}}},
		{"/* line1\nline2 */\n@v = @@SERVERNAME", []tk{{tkVar, "@v", 3}, {tkOp, "=", 3}, {tkSysVar, "@@SERVERNAME", 3}}},
		{"0x0A1b", []tk{{tkBinary, "0x0A1b", 1}}},
		{"a<>b::c", []tk{{tkIdent, "a", 1}, {tkOp, "<>", 1}, {tkIdent, "b", 1}, {tkOp, "::", 1}, {tkIdent, "c", 1}}},
		{"\"quoted id\" 1.5", []tk{{tkQIdent, "quoted id", 1}, {tkNumber, "1.5", 1}}},
		{"'multi\nline' x", []tk{{tkString, "multi\nline", 1}, {tkIdent, "x", 2}}},
		{"#temp ##MS_x##", []tk{{tkIdent, "#temp", 1}, {tkIdent, "##MS_x##", 1}}},
	}
	for _, c := range cases {
		toks, err := lex(c.src)
		if err != nil {
			t.Fatalf("%q: %v", c.src, err.msg.Text)
		}
		toks = toks[:len(toks)-1] // EOF
		if len(toks) != len(c.want) {
			t.Fatalf("%q: %d tokens, want %d: %+v", c.src, len(toks), len(c.want), toks)
		}
		for i, w := range c.want {
			if toks[i].Kind != w.kind || toks[i].Text != w.text || toks[i].Line != w.line {
				t.Fatalf("%q token %d = %+v, want %+v", c.src, i, toks[i], w)
			}
		}
	}
	toks, _ := lex("0x0A1B 0x 0xABC")
	if !bytes.Equal(toks[0].Bin, []byte{0x0a, 0x1b}) || len(toks[1].Bin) != 0 || !bytes.Equal(toks[2].Bin, []byte{0x0a, 0xbc}) {
		t.Fatalf("binary literals = %v %v %v", toks[0].Bin, toks[1].Bin, toks[2].Bin)
	}
}

func TestLexerErrors(t *testing.T) {
	for src, want := range map[string]int32{
		"SELECT 'open":          105,
		"SELECT [open":          105,
		"/* never /* closed */": 113,
	} {
		_, err := lex(src)
		if err == nil || err.msg.Number != want {
			t.Fatalf("%q: got %+v, want %d", src, err, want)
		}
	}
	if _, err := lex("SELECT [" + strings.Repeat("n", 128) + "]"); err != nil {
		t.Fatalf("a 128-character name is valid: %s", err.msg.Text)
	}
	_, s := saSession(t, "HOST_A")
	m := runErr(t, s, "SELECT 1\nSELECT 'unterminated", 105)
	if m.Text != "Unclosed quotation mark after the character string 'unterminated'." || m.Line != 2 {
		t.Fatalf("105 = %+v", m)
	}
}

func TestParseErrorsRunNothing(t *testing.T) {
	_, s := saSession(t, "HOST_A")
	outs := s.ExecBatch("CREATE MASTER KEY ENCRYPTION BY PASSWORD = 'Passw0rd-Mk1';\nSELECT FROM nothing")
	if len(outs) != 1 || len(errorsOf(outs)) != 1 || errorsOf(outs)[0].Line != 2 {
		t.Fatalf("outs = %+v", outs)
	}
	if n := scalar(t, s, "SELECT COUNT(*) FROM sys.symmetric_keys WHERE name = '##MS_DatabaseMasterKey##'"); n != int32(0) {
		t.Fatal("a batch that does not parse must run nothing")
	}
}

func TestNestingLimit(t *testing.T) {
	for _, src := range []string{
		"SELECT " + strings.Repeat("(", 100000) + "1" + strings.Repeat(")", 100000),
		"SELECT " + strings.Repeat("- ", 100000) + "1", // "--" would start a comment
		"SELECT 1 WHERE " + strings.Repeat("NOT ", 100000) + "1 = 1",
		strings.Repeat("IF 1 = 1 ", 100000) + "PRINT 'x'",
		strings.Repeat("BEGIN ", 100000),
	} {
		_, err := parseBatch(src)
		if err == nil || err.Number != 191 {
			t.Fatalf("deep nesting: %+v", err)
		}
	}
	if _, err := parseBatch("SELECT " + strings.Repeat("(", 50) + "1" + strings.Repeat(")", 50)); err != nil {
		t.Fatalf("moderate nesting rejected: %s", err.Text)
	}
}

func TestParseAccepts(t *testing.T) {
	for _, src := range []string{
		"USE master; USE [master]",
		"SELECT 1 SELECT 2",
		"IF 1 = 1 PRINT 'a' ELSE PRINT 'b'",
		"IF NOT EXISTS (SELECT 1 FROM sys.certificates) BEGIN PRINT 'x'; PRINT 'y' END ELSE BEGIN PRINT 'z' END",
		"BEGIN TRAN; COMMIT; BEGIN TRANSACTION t1 ROLLBACK TRANSACTION t1",
		"DECLARE @a int = 1, @b nvarchar(max), @c varbinary(max); SET @b = N'x'; SELECT @a = 2",
		"set textsize 2147483647 set quoted_identifier on set arithabort off set numeric_roundabort off set ansi_warnings on set ansi_padding on set ansi_nulls on set concat_null_yields_null on set cursor_close_on_commit off set implicit_transactions off set language us_english set dateformat mdy set datefirst 7 set transaction isolation level read committed",
		"SET NOCOUNT ON; SET XACT_ABORT ON; SET ANSI_NULLS, QUOTED_IDENTIFIER ON",
		"CREATE ENDPOINT e STATE = STOPPED AS TCP (LISTENER_PORT = 5022, LISTENER_IP = (10.1.2.3)) FOR DATABASE_MIRRORING (AUTHENTICATION = WINDOWS KERBEROS, ENCRYPTION = SUPPORTED ALGORITHM RC4 AES, ROLE = WITNESS)",
		"CREATE ENDPOINT e AS TCP (LISTENER_PORT = 5022) FOR DATABASE_MIRRORING (ENCRYPTION = DISABLED ROLE = PARTNER)",
		"ALTER ENDPOINT e STATE = STARTED",
		"ALTER ENDPOINT e AS TCP (LISTENER_PORT = 5023)",
		"CREATE CERTIFICATE c AUTHORIZATION u FROM FILE = 'C:\\c.cer' WITH PRIVATE KEY (FILE = 'C:\\c.pvk', DECRYPTION BY PASSWORD = 'x')",
		"BACKUP CERTIFICATE c TO FILE = 'a' WITH PRIVATE KEY (FILE = 'b', ENCRYPTION BY PASSWORD = 'c')",
		"CREATE LOGIN l WITH PASSWORD = 'x', CHECK_POLICY = OFF, CHECK_EXPIRATION = OFF, DEFAULT_DATABASE = master",
		"CREATE USER u WITHOUT LOGIN; DROP USER IF EXISTS u",
		"REVOKE CONNECT ON ENDPOINT::e FROM [l]",
		"EXEC sp_executesql N'SELECT @p', N'@p int', @p = 1",
		"EXEC (N'SELECT 1')",
		"EXECUTE master..xp_readerrorlog 0, 1, N'Mirroring'",
		"SELECT TOP (5) c.name AS n, 'lit' lit, x = 1 FROM master.sys.certificates c WITH (NOLOCK) ORDER BY 1 DESC, n",
		"SELECT CASE WHEN 1 = 1 THEN 'a' ELSE 'b' END, CAST(1 AS bit), CONVERT(varchar(10), 0x0102, 1)",
		"SELECT DATEDIFF(day, GETUTCDATE(), '2030-01-01')",
		"THROW 50001, 'x', 1",
	} {
		if _, err := parseBatch(src); err != nil {
			t.Errorf("%q: %d %s", src, err.Number, err.Text)
		}
	}
}

func TestParseRejects(t *testing.T) {
	for src, want := range map[string]int32{
		"CREATE ENDPOINT e AS TCP (LISTENER_PORT = 5022) FOR DATABASE_MIRRORING (AUTHENTICATION = CERTIFICATE c)": 102, // ROLE is required
		"CREATE ENDPOINT e FOR DATABASE_MIRRORING (ROLE = ALL)":                                                   156, // AS TCP is required
		"CREATE CERTIFICATE c WITH START_DATE = '2020-01-01'":                                                     102, // SUBJECT is required
		"GRANT CONNECT ON ENDPOINT::e":                                                                            102,
		"SELECT 1 +":                                                                                              102,
		"CREATE MASTER KEY":                                                                                       156,
		"DROP TABLE t":                                                                                            156,
		"IF 1 = 1":                                                                                                102,
		"BEGIN PRINT 'x'":                                                                                         102,
	} {
		_, err := parseBatch(src)
		if err == nil {
			t.Errorf("%q parsed", src)
			continue
		}
		if err.Number != want {
			t.Errorf("%q: %d %s, want %d", src, err.Number, err.Text, want)
		}
	}
}

// TestIsReserved covers the ASCII fast path and the strings.ToUpper one:
// case does not matter, a longer word is never reserved, and a non-ASCII
// spelling that upper-cases to a keyword is reserved as before.
func TestIsReserved(t *testing.T) {
	for word, want := range map[string]bool{
		"select": true, "SeLeCt": true, "current_timestamp": true, "CURRENT_TIMESTAMPS": false,
		"name": false, "selects": false, "a_very_long_identifier_name": false, "ıf": true, "ſelect": true, "sélect": false,
	} {
		if got := isReserved(token{Kind: tkIdent, Text: word}); got != want {
			t.Errorf("isReserved(%q) = %v, want %v", word, got, want)
		}
	}
	if isReserved(token{Kind: tkQIdent, Text: "select"}) {
		t.Error("a [quoted] name is never reserved")
	}
}

// TestIdentifierTooLong: over 128 characters (not bytes) is error 103, for
// plain, [quoted] and @variable names.
func TestIdentifierTooLong(t *testing.T) {
	for _, c := range []struct {
		name string
		bad  bool
	}{
		{strings.Repeat("a", 128), false}, {strings.Repeat("a", 129), true},
		{strings.Repeat("é", 128), false}, {strings.Repeat("é", 129), true},
		{"[" + strings.Repeat("b", 129) + "]", true}, {"@" + strings.Repeat("v", 128), true},
	} {
		_, err := lex("SELECT " + c.name)
		if got := err != nil && err.msg.Number == 103; got != c.bad {
			t.Errorf("%d-byte name: error 103 %v, want %v (%v)", len(c.name), got, c.bad, err)
		}
	}
}
