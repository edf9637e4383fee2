package engine

import (
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
)

// TestParseCacheTreesStayPristine runs batches often enough to be served
// from the parse cache, then compares the cached trees with fresh parses:
// running a batch must never write to its tree, or a later run of the same
// text would see another statement.
func TestParseCacheTreesStayPristine(t *testing.T) {
	in, s := saSession(t, "HOST_B")
	in.(*instance).parses.maxText = 1 << 20 // the inbound batch is 18 KB
	batches := []string{
		benchBatch(t, "statequery.sql"), benchBatch(t, "outbound_host_b.sql"), benchBatch(t, "inbound_host_b.sql"),
		"SELECT name FROM sys.server_principals WHERE type = 'S' UNION SELECT name FROM sys.sql_logins ORDER BY name DESC;",
		"SELECT DISTINCT TOP 3 type_desc, COUNT(*) AS n FROM sys.server_principals GROUP BY type_desc ORDER BY 2 DESC, 1;",
		"SELECT 0x01 + 0x02 AS b, CAST(0x0A0B AS varbinary(1)) AS t, CONVERT(nvarchar(10), 0xABCD, 1) AS h, CASE WHEN 1 = 1 THEN N'y' ELSE N'n' END AS c;",
		"DECLARE @n int = 0; SET @n = @n + (SELECT COUNT(*) FROM sys.certificates); IF @n > 0 SELECT @n AS n ELSE PRINT 'none';",
		"BEGIN TRY SELECT CAST('x' AS int); END TRY BEGIN CATCH SELECT ERROR_NUMBER() AS e, ERROR_MESSAGE() AS m; END CATCH",
		"EXEC sp_executesql N'SELECT @p + 1 AS v', N'@p int', @p = 41;",
		"SELECT sp.name, (SELECT COUNT(*) FROM sys.server_permissions AS p WHERE p.grantee_principal_id = sp.principal_id) AS n FROM sys.server_principals AS sp WHERE sp.name LIKE N'HOST%';",
	}
	for _, b := range batches {
		for range 3 {
			s.ExecBatch(b)
		}
	}
	c := in.(*instance).parses
	for _, b := range batches {
		c.mu.Lock()
		e := c.entries[b]
		c.mu.Unlock()
		if e == nil {
			t.Fatalf("not cached after 3 runs:\n%.80s", b)
		}
		fresh, perr := parseBatch(b)
		if perr != nil {
			t.Fatal(perr.Text)
		}
		if !reflect.DeepEqual(e.stmts, fresh) {
			t.Fatalf("running the batch changed its cached tree:\n%.80s", b)
		}
	}
}

// TestParseCacheNeverStale: results come from the catalog and variables at
// run time, never from the cache; each text has its own statements; DDL
// between two runs of one text shows.
func TestParseCacheNeverStale(t *testing.T) {
	_, s := saSession(t, "HOST_A")
	const q = "SELECT name FROM sys.server_principals WHERE name = N'cache_login';"
	for range 3 {
		if n := len(query(t, s, q).Rows); n != 0 {
			t.Fatalf("%d rows before CREATE LOGIN", n)
		}
	}
	run(t, s, "CREATE LOGIN cache_login WITH PASSWORD = 'Cache-Passw0rd!';")
	if rs := query(t, s, q); len(rs.Rows) != 1 || rs.Rows[0][0] != "cache_login" {
		t.Fatalf("after CREATE LOGIN: %v", rs.Rows)
	}
	run(t, s, "DROP LOGIN cache_login;")
	if n := len(query(t, s, q).Rows); n != 0 {
		t.Fatalf("%d rows after DROP LOGIN", n)
	}
	for i := range 3 {
		for _, v := range []int{1, 2} {
			if got := scalar(t, s, fmt.Sprintf("SELECT %d AS a;", v)); got != int64(v) && got != int32(v) {
				t.Fatalf("run %d: SELECT %d gave %v", i, v, got)
			}
		}
		if got := scalar(t, s, "DECLARE @x int = "+fmt.Sprint(i)+"; SELECT @x;"); fmt.Sprint(got) != fmt.Sprint(i) {
			t.Fatalf("variable: %v, want %d", got, i)
		}
	}
}

// TestParseCacheBounds: the cache holds at most parseCacheSize batches, a
// batch seen once is not stored, and neither is one that does not parse or
// one over parseCacheMaxText.
func TestParseCacheBounds(t *testing.T) {
	in, s := saSession(t, "HOST_A")
	c := in.(*instance).parses
	size := func() int { c.mu.Lock(); defer c.mu.Unlock(); return len(c.entries) }
	s.ExecBatch("SELECT 'once' AS x;")
	if size() != 0 {
		t.Fatal("a batch seen once was stored")
	}
	for range 3 {
		runErr(t, s, "SELECT FROM WHERE;", 156)
	}
	if size() != 0 {
		t.Fatal("a batch that does not parse was stored")
	}
	long := "SELECT 1 AS x; -- " + strings.Repeat("x", parseCacheMaxText)
	for range 3 {
		s.ExecBatch(long)
	}
	if size() != 0 {
		t.Fatal("a batch over parseCacheMaxText was stored")
	}
	for i := range 3 * parseCacheSize {
		for range 2 {
			s.ExecBatch(fmt.Sprintf("SELECT %d AS x;", i))
		}
	}
	if n := size(); n != parseCacheSize {
		t.Fatalf("%d batches cached, want %d", n, parseCacheSize)
	}
}

// TestParseCacheConcurrent runs one cached batch from many sessions at
// once (go test -race): they share its tree.
func TestParseCacheConcurrent(t *testing.T) {
	in, s := saSession(t, "HOST_A")
	q := benchBatch(t, "statequery.sql")
	want := results(s.ExecBatch(q))
	s.ExecBatch(q)
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ss := in.NewSession("sa")
			for range 5 {
				if got := results(ss.ExecBatch(q)); len(got) != len(want) || !reflect.DeepEqual(got[4], want[4]) {
					t.Errorf("concurrent run differs")
					return
				}
			}
		}()
	}
	wg.Wait()
}
