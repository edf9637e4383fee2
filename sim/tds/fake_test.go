package tds

import (
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mirrorcert/mirrorcert/sim/engine"
)

// fakeInstance is a tiny engine.Instance for testing the wire on its own:
// it understands a handful of fixed batches, enough to exercise every token
// and type the wire encodes.
type fakeInstance struct {
	password string
	resets   atomic.Int64
	mu       sync.Mutex
	batches  []string
}

const fakePassword = "Str0ng!Passw0rd"

func newFake() *fakeInstance { return &fakeInstance{password: fakePassword} }

func (f *fakeInstance) Name() string { return "FAKE" }

func (f *fakeInstance) Authenticate(user, password string) *engine.Message {
	if strings.EqualFold(user, "sa") && password == f.password {
		return nil
	}
	return &engine.Message{Number: 18456, State: 1, Class: 14, Line: 1, Text: fmt.Sprintf("Login failed for user '%s'.", user)}
}

func (f *fakeInstance) NewSession(login string) engine.Session {
	return &fakeSession{f: f, db: "master"}
}

func (f *fakeInstance) ErrorLog() []string { return nil }
func (f *fakeInstance) FileRoot() string   { return "" }

type fakeSession struct {
	f  *fakeInstance
	db string
}

var fakeTime = time.Date(2026, 11, 23, 12, 34, 56, 0, time.UTC)

func (s *fakeSession) ExecBatch(sql string) []engine.Output {
	s.f.mu.Lock()
	s.f.batches = append(s.f.batches, sql)
	s.f.mu.Unlock()
	q := strings.ToUpper(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(sql), ";")))
	switch {
	case q == "SELECT 1":
		return []engine.Output{{
			Result:   &engine.ResultSet{Columns: []engine.Column{{Name: "", Type: engine.Int}}, Rows: [][]any{{int32(1)}}},
			RowCount: 1, HasRowCount: true,
		}}
	case q == "SELECT TYPES":
		cols := []engine.Column{
			{Name: "i", Type: engine.Int}, {Name: "ni", Type: engine.Int, Nullable: true},
			{Name: "b", Type: engine.BigInt}, {Name: "nb", Type: engine.BigInt, Nullable: true},
			{Name: "t", Type: engine.Bit}, {Name: "nt", Type: engine.Bit, Nullable: true},
			{Name: "s", Type: engine.NVarChar, Size: 128}, {Name: "ns", Type: engine.NVarChar, Size: 128, Nullable: true},
			{Name: "m", Type: engine.NVarChar, Size: -1, Nullable: true},
			{Name: "v", Type: engine.VarBinary, Size: 20}, {Name: "vm", Type: engine.VarBinary, Size: -1, Nullable: true},
			{Name: "d", Type: engine.DateTime}, {Name: "nd", Type: engine.DateTime, Nullable: true},
		}
		return []engine.Output{{
			Result: &engine.ResultSet{Columns: cols, Rows: [][]any{
				{int32(-7), int32(42), int64(1) << 40, int64(-5), true, false, "héllo ☃", "x", strings.Repeat("ab", 5000),
					[]byte{1, 2, 3}, []byte{0xde, 0xad}, fakeTime, fakeTime},
				{int32(0), nil, int64(0), nil, false, nil, "", nil, nil, []byte{}, nil, fakeTime, nil},
			}},
			RowCount: 2, HasRowCount: true,
		}}
	case strings.HasPrefix(q, "SELECT BIG "):
		var n int
		fmt.Sscanf(q, "SELECT BIG %d", &n)
		return []engine.Output{{
			Result: &engine.ResultSet{
				Columns: []engine.Column{{Name: "big", Type: engine.NVarChar, Size: -1}, {Name: "bin", Type: engine.VarBinary, Size: -1}},
				Rows:    [][]any{{strings.Repeat("x", n), make([]byte, n)}},
			},
			RowCount: 1, HasRowCount: true,
		}}
	case strings.HasPrefix(q, "RAISE"):
		return []engine.Output{{Messages: []engine.Message{{Number: 15578, State: 1, Class: 16, Line: 2,
			Text: "There is already a master key in the database. Please drop it before performing this statement."}}}}
	case strings.HasPrefix(q, "PRINT "):
		return []engine.Output{{Messages: []engine.Message{{Number: 0, State: 1, Class: 0, Line: 1, Text: strings.TrimSpace(sql[6:])}}}}
	case strings.HasPrefix(q, "USE "):
		s.db = strings.Trim(strings.TrimSpace(sql[4:]), "[];")
		return []engine.Output{{Database: s.db}}
	case q == "SELECT DB_NAME()":
		return []engine.Output{{
			Result:   &engine.ResultSet{Columns: []engine.Column{{Name: "", Type: engine.NVarChar, Size: 128}}, Rows: [][]any{{s.db}}},
			RowCount: 1, HasRowCount: true,
		}}
	case q == "TWO STATEMENTS":
		one := s.ExecBatch("SELECT 1")
		return append(one, s.ExecBatch("RAISE it")...)
	case q == "PANIC NOW":
		panic("engine bug")
	}
	return []engine.Output{{Messages: []engine.Message{{Number: 102, State: 1, Class: 15, Line: 1,
		Text: fmt.Sprintf("Incorrect syntax near '%s'.", strings.Fields(sql + " x")[0])}}}}
}

// ExecRPC echoes every parameter back as one column, typed from its value.
func (s *fakeSession) ExecRPC(stmt string, params []engine.Param) []engine.Output {
	if !strings.HasPrefix(strings.ToUpper(strings.TrimSpace(stmt)), "SELECT") {
		return s.ExecBatch(stmt)
	}
	var cols []engine.Column
	var row []any
	for _, p := range params {
		c := engine.Column{Name: strings.TrimPrefix(p.Name, "@"), Nullable: true}
		v := p.Value
		switch x := v.(type) {
		case int32:
			c.Type = engine.Int
		case int64:
			c.Type = engine.BigInt
		case bool:
			c.Type = engine.Bit
		case string:
			c.Type, c.Size = engine.NVarChar, -1
		case []byte:
			c.Type, c.Size = engine.VarBinary, -1
		case time.Time:
			c.Type = engine.DateTime
		case nil:
			c.Type, c.Size = engine.NVarChar, 10
		default:
			c.Type, c.Size = engine.NVarChar, -1
			v = fmt.Sprintf("%T:%v", x, x)
		}
		cols = append(cols, c)
		row = append(row, v)
	}
	return []engine.Output{{Result: &engine.ResultSet{Columns: cols, Rows: [][]any{row}}, RowCount: 1, HasRowCount: true}}
}

func (s *fakeSession) Database() string { return s.db }

func (s *fakeSession) Reset() {
	s.f.resets.Add(1)
	s.db = "master"
}
