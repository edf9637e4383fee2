package sim

import (
	"fmt"
	"strings"

	"github.com/mirrorcert/mirrorcert/sim/engine"
)

// fakeEngine stands in for engine.New in tests of the cluster's own
// behaviour (ports, faults, latency, shutdown), which must not depend on
// the catalog.
func fakeEngine(o engine.Options) (engine.Instance, error) { return &fakeInst{o: o}, nil }

type fakeInst struct{ o engine.Options }

func (f *fakeInst) Name() string       { return f.o.Name }
func (f *fakeInst) ErrorLog() []string { return nil }
func (f *fakeInst) FileRoot() string   { return f.o.FileRoot }
func (f *fakeInst) Authenticate(user, password string) *engine.Message {
	if user == "sa" && password == f.o.SAPassword {
		return nil
	}
	return &engine.Message{Number: 18456, State: 1, Class: 14, Text: fmt.Sprintf("Login failed for user '%s'.", user)}
}
func (f *fakeInst) NewSession(string) engine.Session { return &fakeSess{name: f.o.Name} }

type fakeSess struct{ name string }

func (s *fakeSess) ExecBatch(sql string) []engine.Output {
	if strings.HasPrefix(strings.ToUpper(sql), "SELECT") {
		return []engine.Output{{
			Result: &engine.ResultSet{
				Columns: []engine.Column{{Name: "server", Type: engine.NVarChar, Size: 128}},
				Rows:    [][]any{{s.name}},
			},
			RowCount: 1, HasRowCount: true,
		}}
	}
	return []engine.Output{{RowCount: 0}}
}
func (s *fakeSess) ExecRPC(stmt string, _ []engine.Param) []engine.Output { return s.ExecBatch(stmt) }
func (s *fakeSess) Database() string                                      { return "master" }
func (s *fakeSess) Reset()                                                {}
