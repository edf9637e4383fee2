package tsql

import (
	"fmt"
	"strconv"
	"strings"
)

// This file holds the sqlcmd-mode pieces of exported scripts. sqlcmd reads
// its own commands (:setvar, :CONNECT, GO) at the start of a line and
// replaces $(NAME) anywhere in the text, inside names and literals too, so
// every piece here keeps names on one line and away from $( .

// OnErrorExit makes sqlcmd stop at the first error instead of running on.
const OnErrorExit = ":on error exit"

// BatchEnd ends a batch in sqlcmd.
const BatchEnd = "GO"

// Comment returns text as a one-line -- comment. Line breaks and other
// control characters become spaces so the text cannot start a sqlcmd
// command, and $( is broken up so sqlcmd does not read it as a variable.
func Comment(text string) string {
	var b strings.Builder
	b.WriteString("-- ")
	for _, r := range text {
		if r < 0x20 || r == 0x7f || r == 0x85 || r == 0x2028 || r == 0x2029 {
			r = ' '
		}
		b.WriteRune(r)
	}
	return strings.TrimRight(strings.ReplaceAll(b.String(), "$(", "$ ("), " ")
}

// SetVar declares sqlcmd variable name with an empty value for the operator
// to fill in.
func SetVar(name string) (string, error) {
	if !isVarName(name) {
		return "", fmt.Errorf("%q is not a usable sqlcmd variable name (letters, digits and _ only)", name)
	}
	return ":setvar " + name + ` ""`, nil
}

// Use switches the connection to database db.
func Use(db string) string { return "USE " + QuoteIdent(db) + ";" }

// Connect returns a :CONNECT line for server, signing in as user (SQL
// authentication) or with Windows authentication when user is empty. The
// password is never written: sqlcmd takes it from SQLCMDPASSWORD or asks.
func Connect(server, user string) (string, error) {
	if err := commandArg("server", server); err != nil {
		return "", err
	}
	line := ":CONNECT " + server
	if user != "" {
		if err := commandArg("user", user); err != nil {
			return "", err
		}
		line += " -U " + user
	}
	return line, nil
}

// commandArg refuses values that would not survive on a sqlcmd command line:
// blanks or quotes would split or end the argument, control characters could
// start a new command, and $( would be read as a variable.
func commandArg(what, v string) error {
	if v == "" {
		return fmt.Errorf("%s is empty", what)
	}
	if strings.Contains(v, "$(") {
		return fmt.Errorf("%s %q contains \"$(\", which sqlcmd would read as a variable", what, v)
	}
	for _, r := range v {
		if r <= ' ' || r == '"' || r == '\'' || r == 0x7f {
			return fmt.Errorf("%s %q contains a blank, quote or control character, which a sqlcmd :CONNECT line cannot carry", what, v)
		}
	}
	return nil
}

// RequireSecrets returns a batch that stops the script when any of vars was
// left empty, so that no master key or login is ever created with an empty
// password. The values only ever travel to the server, never to output.
func RequireSecrets(vars []string) string {
	if len(vars) == 0 {
		return ""
	}
	conds := make([]string, len(vars))
	for i, v := range vars {
		conds[i] = placeholder(v) + " = N''"
	}
	return "IF " + strings.Join(conds, "\n    OR ") + "\n    RAISERROR(" +
		QuoteLiteral("A password is empty: give every password named at the top of this script with sqlcmd -v or as an environment variable, then run it again.") + ", 16, 1);"
}

// TolerateError wraps st so that error number (e.g. 15240, the file of a
// certificate backup already exists) prints note instead of stopping the
// script; any other error is raised again and still stops it. It uses
// RAISERROR, not THROW: exported scripts take the file route, which is the
// route of SQL Server 2008 and 2008 R2, and THROW came with 2012.
func TolerateError(st Statement, number int, note string) string {
	return "BEGIN TRY\n    " + indent(st.Text, "    ") + "\nEND TRY\nBEGIN CATCH\n" +
		"    IF ERROR_NUMBER() = " + strconv.Itoa(number) + "\n" +
		"        PRINT " + QuoteLiteral(note) + ";\n" +
		"    ELSE\n    BEGIN\n" +
		"        DECLARE @message nvarchar(2048), @number int;\n" +
		"        SET @message = ERROR_MESSAGE();\n" +
		"        SET @number = ERROR_NUMBER();\n" +
		"        RAISERROR(N'Msg %d: %s', 16, 1, @number, @message);\n" +
		"    END\nEND CATCH"
}

// SqlcmdArgs returns the sqlcmd options that sign in to server as the plan
// says: -S, then -E or -U user, -N (encryption), -C (trust the server
// certificate), -F (host name in the certificate), -l (login timeout).
// Never a password: sqlcmd takes it from SQLCMDPASSWORD or asks.
func SqlcmdArgs(server, user string, integrated bool, encrypt string, trust bool, hostInCert string, loginTimeout int) (string, error) {
	var parts []string
	if server != "" {
		if err := commandArg("server", server); err != nil {
			return "", err
		}
		parts = append(parts, "-S "+server)
	}
	switch {
	case integrated:
		parts = append(parts, "-E")
	case user != "":
		if err := commandArg("user", user); err != nil {
			return "", err
		}
		parts = append(parts, "-U "+user)
	}
	// sqlcmd 18's -N takes s(trict), m(andatory) or o(ptional); o is the
	// closest it has to "disable" (encrypt only when the server insists).
	switch encrypt {
	case "strict":
		parts = append(parts, "-Ns")
	case "mandatory":
		parts = append(parts, "-Nm")
	case "optional", "disable":
		parts = append(parts, "-No")
	}
	if trust {
		parts = append(parts, "-C")
	}
	if hostInCert != "" {
		if err := commandArg("host name in certificate", hostInCert); err != nil {
			return "", err
		}
		parts = append(parts, "-F "+hostInCert)
	}
	if loginTimeout > 0 {
		parts = append(parts, "-l "+strconv.Itoa(loginTimeout))
	}
	return strings.Join(parts, " "), nil
}

// CheckScriptText verifies that text can go into a sqlcmd script unchanged:
// it must scan as T-SQL, no quoted name or literal may span lines (a line
// could then start with GO or a :command), and $( may appear only as a
// whole placeholder literal N'$(VAR)' for a declared variable.
func CheckScriptText(text string, declared map[string]bool) error {
	toks, err := scan(text)
	if err != nil {
		return err
	}
	// Outside names and literals, $( could only come from tokens next to
	// each other ("$" then "("), so that part is checked as one string.
	var rest strings.Builder
	for _, t := range toks {
		if t.Kind != tokIdent && t.Kind != tokString {
			rest.WriteString(t.Text)
			continue
		}
		rest.WriteString(" ")
		if v, ok := placeholderVar(t); ok && declared[v] {
			continue
		}
		if strings.ContainsAny(t.Value, "\r\n") {
			return fmt.Errorf("the name or text %q spans lines, which a sqlcmd script cannot carry safely; remove the line break", t.Value)
		}
		if strings.Contains(t.Value, "$(") {
			return fmt.Errorf("the name or text %q contains \"$(\", which sqlcmd would replace as a variable; rename it", t.Value)
		}
	}
	if strings.Contains(rest.String(), "$(") {
		return fmt.Errorf("the statement contains \"$(\" outside a name, which sqlcmd would replace as a variable")
	}
	return nil
}
