package engine

import (
	"strings"
	"testing"
	"time"
)

const testSAPassword = "Sa-Passw0rd!"

// testNow is the simulated instances' fixed clock.
func testNow() time.Time { return time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC) }

func newInstance(t testing.TB, name string) Instance {
	t.Helper()
	in, err := New(Options{Name: name, SAPassword: testSAPassword, FileRoot: t.TempDir(), Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	return in
}

func saSession(t testing.TB, name string) (Instance, Session) {
	t.Helper()
	in := newInstance(t, name)
	return in, in.NewSession("sa")
}

// errorsOf returns every error message of a batch's outputs.
func errorsOf(outs []Output) []Message {
	var errs []Message
	for _, o := range outs {
		for _, m := range o.Messages {
			if m.IsError() {
				errs = append(errs, m)
			}
		}
	}
	return errs
}

// run executes a batch that must succeed.
func run(t testing.TB, s Session, sql string) []Output {
	t.Helper()
	outs := s.ExecBatch(sql)
	if errs := errorsOf(outs); len(errs) > 0 {
		t.Fatalf("batch failed: %d %q (line %d)\n%s", errs[0].Number, errs[0].Text, errs[0].Line, sql)
	}
	return outs
}

// runErr executes a batch that must fail with error num, and returns it.
func runErr(t testing.TB, s Session, sql string, num int32) Message {
	t.Helper()
	errs := errorsOf(s.ExecBatch(sql))
	if len(errs) == 0 {
		t.Fatalf("expected error %d, batch succeeded:\n%s", num, sql)
	}
	if errs[0].Number != num {
		t.Fatalf("expected error %d, got %d %q\n%s", num, errs[0].Number, errs[0].Text, sql)
	}
	return errs[0]
}

// results returns the result sets of a batch in order.
func results(outs []Output) []*ResultSet {
	var rs []*ResultSet
	for _, o := range outs {
		if o.Result != nil {
			rs = append(rs, o.Result)
		}
	}
	return rs
}

// query runs a batch that must succeed and return exactly one result set.
func query(t testing.TB, s Session, sql string) *ResultSet {
	t.Helper()
	rs := results(run(t, s, sql))
	if len(rs) != 1 {
		t.Fatalf("expected one result set, got %d:\n%s", len(rs), sql)
	}
	return rs[0]
}

// scalar runs a one-row, one-column query.
func scalar(t testing.TB, s Session, sql string) any {
	t.Helper()
	rs := query(t, s, sql)
	if len(rs.Rows) != 1 || len(rs.Rows[0]) != 1 {
		t.Fatalf("expected 1x1 result, got %d rows:\n%s", len(rs.Rows), sql)
	}
	return rs.Rows[0][0]
}

// colIndex finds a result column by name.
func colIndex(t testing.TB, rs *ResultSet, name string) int {
	t.Helper()
	for i, c := range rs.Columns {
		if strings.EqualFold(c.Name, name) {
			return i
		}
	}
	t.Fatalf("no column %q in %v", name, rs.Columns)
	return -1
}

// outbound runs the documentation's outbound steps for host on s.
func outbound(t testing.TB, s Session, host string) {
	t.Helper()
	run(t, s, "CREATE MASTER KEY ENCRYPTION BY PASSWORD = 'Mk-"+host+"-Passw0rd!';")
	run(t, s, "CREATE CERTIFICATE "+host+"_cert WITH SUBJECT = '"+host+" certificate for database mirroring', EXPIRY_DATE = '11/30/2029';")
	run(t, s, `CREATE ENDPOINT Endpoint_Mirroring
   STATE = STARTED
   AS TCP ( LISTENER_PORT = 7024, LISTENER_IP = ALL )
   FOR DATABASE_MIRRORING (
      AUTHENTICATION = CERTIFICATE `+host+`_cert,
      ENCRYPTION = REQUIRED ALGORITHM AES,
      ROLE = ALL );`)
}

func containsAll(s string, subs ...string) bool {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return false
		}
	}
	return true
}

// infoMsg runs a batch that must raise no error but an informational
// message num (severity 10 or less), and returns it.
func infoMsg(t testing.TB, s Session, sql string, num int32) Message {
	t.Helper()
	outs := s.ExecBatch(sql)
	if errs := errorsOf(outs); len(errs) > 0 {
		t.Fatalf("batch failed: %d %q\n%s", errs[0].Number, errs[0].Text, sql)
	}
	for _, o := range outs {
		for _, m := range o.Messages {
			if m.Number == num {
				return m
			}
		}
	}
	t.Fatalf("no message %d from:\n%s", num, sql)
	return Message{}
}
