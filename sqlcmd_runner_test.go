package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/golang-sql/sqlexp"
	mssql "github.com/microsoft/go-mssqldb"
)

// There is no sqlcmd on this machine (go-sqlcmd is not in the Go proxy,
// mssql-tools is not in Debian), so the exported scripts are run by the
// real sqlcmd when one is on PATH and otherwise by sqlcmdGo below: a
// test-only runner of sqlcmd's documented script semantics over
// go-mssqldb. It does what the scripts rely on, as "sqlcmd Utility" and
// "sqlcmd - Use with scripting variables" describe it:
//   - GO alone on a line ends a batch;
//   - $(NAME) is replaced anywhere in the text, names case-insensitive,
//     from :setvar, then -v, then the environment (that precedence); an
//     undefined one prints "'NAME' scripting variable not defined." and
//     stops the script;
//   - :setvar NAME "value" / :setvar NAME (clears), :on error exit|ignore,
//     :CONNECT server [-U user] (password from SQLCMDPASSWORD);
//   - under :on error exit an error of severity above 10 in a batch ends
//     the run (exit code 1) after that batch; PRINT and severity <= 10
//     messages are output.
// Anything else starting a line with ':' is refused, so a script that
// needs more than this is noticed.

// sqlcmdResult is what one run printed and how it ended.
type sqlcmdResult struct {
	out  string
	code int
}

// runSqlcmd runs script file against server (host,port) as user, with
// password given as SQLCMDPASSWORD and vars as -v, by the real sqlcmd when
// there is one.
func runSqlcmd(t *testing.T, file, server, user, password string, vars []string, env []string) sqlcmdResult {
	t.Helper()
	if path, err := exec.LookPath("sqlcmd"); err == nil {
		args := []string{"-S", server, "-U", user, "-C", "-b", "-i", file}
		if len(vars) > 0 {
			args = append(args, append([]string{"-v"}, vars...)...)
		}
		cmd := exec.Command(path, args...)
		cmd.Env = append(append(os.Environ(), "SQLCMDPASSWORD="+password), env...)
		out, err := cmd.CombinedOutput()
		code := 0
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatalf("sqlcmd: %v", err)
		}
		return sqlcmdResult{out: string(out), code: code}
	}
	text, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	r := &sqlcmdGo{server: server, user: user, password: password, setvars: map[string]*string{}, vars: map[string]string{}, env: map[string]string{}}
	for _, v := range vars {
		k, val, _ := strings.Cut(v, "=")
		r.vars[strings.ToUpper(k)] = strings.Trim(val, `"`)
	}
	for _, e := range env {
		k, val, _ := strings.Cut(e, "=")
		r.env[strings.ToUpper(k)] = val
	}
	defer r.close()
	code := r.run(string(text))
	return sqlcmdResult{out: r.out.String(), code: code}
}

type sqlcmdGo struct {
	server, user, password string
	setvars                map[string]*string // :setvar (nil value: cleared)
	vars, env              map[string]string
	exitOnError            bool
	db                     *sql.DB
	conn                   *sql.Conn
	out                    strings.Builder
}

var (
	reGo     = regexp.MustCompile(`(?i)^\s*GO\s*$`)
	reVarRef = regexp.MustCompile(`\$\(([^)]*)\)`)
)

func (r *sqlcmdGo) close() {
	if r.conn != nil {
		r.conn.Close()
		r.db.Close()
	}
}

// lookup finds a variable by sqlcmd's precedence.
func (r *sqlcmdGo) lookup(name string) (string, bool) {
	n := strings.ToUpper(name)
	if v, ok := r.setvars[n]; ok {
		if v == nil {
			return "", false
		}
		return *v, true
	}
	if v, ok := r.vars[n]; ok {
		return v, true
	}
	v, ok := r.env[n]
	return v, ok
}

// substitute replaces every $(NAME), or reports the first undefined one.
func (r *sqlcmdGo) substitute(text string) (string, error) {
	var missing string
	out := reVarRef.ReplaceAllStringFunc(text, func(m string) string {
		name := m[2 : len(m)-1]
		v, ok := r.lookup(name)
		if !ok && missing == "" {
			missing = name
		}
		return v
	})
	if missing != "" {
		return "", fmt.Errorf("'%s' scripting variable not defined.", missing)
	}
	return out, nil
}

// run executes a script and returns sqlcmd's exit code.
func (r *sqlcmdGo) run(script string) int {
	if err := r.connect(r.server, r.user); err != nil {
		fmt.Fprintf(&r.out, "Sqlcmd: Error: %v\n", err)
		return 1
	}
	failed := false
	var batch []string
	flush := func() bool {
		text := strings.Join(batch, "\n")
		batch = nil
		if strings.TrimSpace(text) == "" {
			return true
		}
		text, err := r.substitute(text)
		if err != nil {
			fmt.Fprintf(&r.out, "Sqlcmd: Error: %v\n", err)
			failed = true
			return false // execution of the script stops
		}
		if r.exec(text) {
			failed = true
			if r.exitOnError {
				return false
			}
		}
		return true
	}
	for _, line := range strings.Split(strings.ReplaceAll(script, "\r\n", "\n"), "\n") {
		trimmed := strings.TrimLeft(line, " \t")
		switch {
		case reGo.MatchString(line):
			if !flush() {
				return 1
			}
		case strings.HasPrefix(trimmed, ":"):
			cmd, err := r.substitute(trimmed)
			if err == nil {
				err = r.command(cmd)
			}
			if err != nil {
				fmt.Fprintf(&r.out, "Sqlcmd: Error: %v\n", err)
				return 1
			}
		default:
			batch = append(batch, line)
		}
	}
	if !flush() {
		return 1
	}
	if failed && r.exitOnError {
		return 1
	}
	return 0
}

// command runs one sqlcmd command line.
func (r *sqlcmdGo) command(line string) error {
	f := strings.Fields(line)
	switch strings.ToLower(f[0]) {
	case ":setvar":
		if len(f) == 2 {
			r.setvars[strings.ToUpper(f[1])] = nil
			return nil
		}
		if len(f) < 3 {
			return fmt.Errorf("syntax error in %q", line)
		}
		v := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(line[len(f[0]):]), f[1]))
		if strings.HasPrefix(v, `"`) {
			v = strings.ReplaceAll(strings.TrimSuffix(strings.TrimPrefix(v, `"`), `"`), `""`, `"`)
		}
		r.setvars[strings.ToUpper(f[1])] = &v
	case ":on":
		if len(f) != 3 || !strings.EqualFold(f[1], "error") {
			return fmt.Errorf("syntax error in %q", line)
		}
		r.exitOnError = strings.EqualFold(f[2], "exit")
	case ":connect":
		if len(f) < 2 {
			return fmt.Errorf("syntax error in %q", line)
		}
		user := r.user
		for i := 2; i+1 < len(f); i += 2 {
			if f[i] == "-U" {
				user = f[i+1]
			}
		}
		r.close()
		r.conn = nil
		return r.connect(f[1], user)
	default:
		return fmt.Errorf("the test runner does not implement %q", f[0])
	}
	return nil
}

// connect signs in to server (sqlcmd's host,port form).
func (r *sqlcmdGo) connect(server, user string) error {
	host, port, _ := strings.Cut(server, ",")
	u := url.URL{Scheme: "sqlserver", User: url.UserPassword(user, r.password), Host: host + ":" + port, RawQuery: "encrypt=disable"}
	db, err := sql.Open("sqlserver", u.String())
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := db.Conn(ctx)
	if err != nil {
		db.Close()
		return fmt.Errorf("connect to %s: %w", server, err)
	}
	r.db, r.conn = db, conn
	return nil
}

// exec sends one batch, prints its messages and errors as sqlcmd does, and
// reports whether it raised an error above severity 10.
func (r *sqlcmdGo) exec(text string) bool {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	retmsg := &sqlexp.ReturnMessage{}
	rows, err := r.conn.QueryContext(ctx, text, retmsg)
	failed := false
	report := func(err error) {
		var me mssql.Error
		if !errors.As(err, &me) {
			fmt.Fprintf(&r.out, "Sqlcmd: Error: %v\n", err)
			failed = true
			return
		}
		all := me.All
		if len(all) == 0 {
			all = []mssql.Error{me}
		}
		for _, e := range all {
			if e.Class <= 10 {
				fmt.Fprintln(&r.out, e.Message)
				continue
			}
			fmt.Fprintf(&r.out, "Msg %d, Level %d, State %d, Line %d\n%s\n", e.Number, e.Class, e.State, e.LineNo, e.Message)
			failed = true
		}
	}
	if err != nil {
		report(err)
		return failed
	}
	defer rows.Close()
	for active := true; active; {
		switch m := retmsg.Message(ctx).(type) {
		case sqlexp.MsgNotice:
			fmt.Fprintln(&r.out, m.Message.String())
		case sqlexp.MsgNext:
			cols, _ := rows.Columns()
			fmt.Fprintln(&r.out, strings.Join(cols, " "))
			for rows.Next() {
				vals := make([]any, len(cols))
				ptrs := make([]any, len(cols))
				for i := range vals {
					ptrs[i] = &vals[i]
				}
				if err := rows.Scan(ptrs...); err == nil {
					fmt.Fprintln(&r.out, vals...)
				}
			}
		case sqlexp.MsgNextResultSet:
			active = rows.NextResultSet()
		case sqlexp.MsgError:
			report(m.Error)
		}
	}
	return failed
}

// Sanity of the runner itself: precedence, the undefined-variable stop
// and :on error exit, against the simulator.
func TestSqlcmdRunnerSemantics(t *testing.T) {
	if _, err := exec.LookPath("sqlcmd"); err == nil {
		t.Skip("the real sqlcmd is on PATH and runs the scripts")
	}
	const pw = "Runner_Passw0rd!"
	cmd, lines, stderr := startSimBin(t, []string{simPasswordEnv + "=" + pw}, "--base-port", "0")
	defer stopSim(cmd)
	if len(lines) < 1 {
		t.Fatalf("sim: %s", stderr.String())
	}
	server := strings.Fields(lines[0])[1]
	dir := t.TempDir()
	write := func(text string) string {
		f := filepath.Join(dir, fmt.Sprintf("s%d.sql", time.Now().UnixNano()))
		if err := os.WriteFile(f, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return f
	}
	r := runSqlcmd(t, write("PRINT N'$(A)-$(b)';\nGO\n:setvar B \"set\"\nPRINT N'$(A)-$(B)';\nGO\n"), server, "sa", pw, []string{`A="cli"`, `B="cli"`}, []string{"A=env", "b=env"})
	if r.code != 0 || !strings.Contains(r.out, "cli-cli\n") || !strings.Contains(r.out, "cli-set\n") {
		t.Fatalf("precedence: code %d out %q", r.code, r.out)
	}
	r = runSqlcmd(t, write(":on error exit\nPRINT N'one';\nGO\nPRINT N'$(NOPE)';\nGO\nPRINT N'three';\nGO\n"), server, "sa", pw, nil, nil)
	if r.code == 0 || !strings.Contains(r.out, "'NOPE' scripting variable not defined.") || strings.Contains(r.out, "three") {
		t.Fatalf("undefined variable: code %d out %q", r.code, r.out)
	}
	r = runSqlcmd(t, write(":on error exit\nRAISERROR(N'stop', 16, 1);\nPRINT N'same batch';\nGO\nPRINT N'next batch';\nGO\n"), server, "sa", pw, nil, nil)
	if r.code != 1 || !strings.Contains(r.out, "same batch") || strings.Contains(r.out, "next batch") {
		t.Fatalf(":on error exit: code %d out %q", r.code, r.out)
	}
}

// stopSim ends a `mirrorcert sim` started by startSimBin.
func stopSim(cmd *exec.Cmd) {
	_ = cmd.Process.Signal(os.Interrupt)
	_ = cmd.Wait()
}
