package session

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mirrorcert/mirrorcert/plan"
	"github.com/mirrorcert/mirrorcert/sim/engine"
	"github.com/mirrorcert/mirrorcert/sim/tds"
	"github.com/mirrorcert/mirrorcert/steps"
)

// These tests put the session's own execution layer (batching, result-set
// slicing, error lines, lost connections) on the real wire, against a tiny
// scripted engine, so they do not depend on the full simulated catalog.

const wirePassword = "Wire-Pa55word!"

type wireInstance struct {
	mu        sync.Mutex
	masterKey bool
	logins    map[string]bool
	batches   []string // every batch received, rendered secrets included
	// abortLogin makes an existing login's CREATE LOGIN abort the whole
	// batch, as a batch-aborting error does on SQL Server.
	abortLogin bool
}

func (w *wireInstance) Name() string { return "WIRE" }
func (w *wireInstance) Authenticate(user, pw string) *engine.Message {
	if user == "sa" && pw == wirePassword {
		return nil
	}
	return &engine.Message{Number: 18456, Class: 14, State: 1, Line: 1, Text: fmt.Sprintf("Login failed for user '%s'.", user)}
}
func (w *wireInstance) NewSession(string) engine.Session { return &wireSession{w: w} }
func (w *wireInstance) ErrorLog() []string               { return nil }
func (w *wireInstance) FileRoot() string                 { return "" }

type wireSession struct{ w *wireInstance }

func (s *wireSession) Database() string { return "master" }
func (s *wireSession) Reset()           {}
func (s *wireSession) ExecRPC(string, []engine.Param) []engine.Output {
	return nil
}

// ExecBatch runs the step lines before the state query one per line, then
// answers the state query with the fake catalog.
func (s *wireSession) ExecBatch(sql string) []engine.Output {
	w := s.w
	w.mu.Lock()
	defer w.mu.Unlock()
	w.batches = append(w.batches, sql)
	var outs []engine.Output
	prefix, _, isState := strings.Cut(sql, "SET NOCOUNT ON;")
	if !isState {
		return []engine.Output{{Result: &engine.ResultSet{Columns: []engine.Column{{Name: "", Type: engine.Int}}, Rows: [][]any{{int32(1)}}}}}
	}
	for i, line := range strings.Split(strings.TrimRight(prefix, "\n"), "\n") {
		n := int32(i + 1)
		switch {
		case strings.HasPrefix(line, "CREATE MASTER KEY"):
			if w.masterKey {
				outs = append(outs, engine.Output{Messages: []engine.Message{{Number: 15578, Class: 16, State: 1, Line: n, Text: "There is already a master key in the database. Please drop it before performing this statement."}}})
				continue
			}
			w.masterKey = true
		case strings.HasPrefix(line, "CREATE LOGIN"):
			name := strings.Trim(strings.Fields(line)[2], "[]")
			if w.logins[name] {
				outs = append(outs, engine.Output{Messages: []engine.Message{{Number: 15025, Class: 16, State: 2, Line: n, Text: fmt.Sprintf("The server principal '%s' already exists.", name)}}})
				if w.abortLogin {
					return outs
				}
				continue
			}
			w.logins[name] = true
		}
		outs = append(outs, engine.Output{})
	}
	nv := func(name string) engine.Column {
		return engine.Column{Name: name, Type: engine.NVarChar, Size: 128, Nullable: true}
	}
	vb := func(name string) engine.Column {
		return engine.Column{Name: name, Type: engine.VarBinary, Nullable: true}
	}
	in := func(name string) engine.Column { return engine.Column{Name: name, Type: engine.Int, Nullable: true} }
	mk := int32(0)
	if w.masterKey {
		mk = 1
	}
	var loginRows [][]any
	for l := range w.logins {
		loginRows = append(loginRows, []any{l, []byte{1, 2}})
	}
	sets := []*engine.ResultSet{
		{Columns: []engine.Column{nv("product_version"), nv("server_name")}, Rows: [][]any{{"16.0.4135.4", "WIRE"}}},
		{Columns: []engine.Column{in("master_key")}, Rows: [][]any{{mk}}},
		{Columns: []engine.Column{nv("name"), in("certificate_id"), nv("owner"), nv("pvt_key_encryption_type"), nv("subject"), {Name: "start_date", Type: engine.DateTime, Nullable: true}, {Name: "expiry_date", Type: engine.DateTime, Nullable: true}, vb("thumbprint"), vb("encoded")}},
		{Columns: []engine.Column{nv("name"), in("endpoint_id"), nv("state_desc"), nv("role_desc"), nv("connection_auth_desc"), nv("cert_name"), {Name: "is_encryption_enabled", Type: engine.Bit}, nv("encryption_algorithm_desc"), in("port")}},
		{Columns: []engine.Column{nv("name"), vb("sid")}, Rows: loginRows},
		{Columns: []engine.Column{nv("name"), vb("sid"), nv("login_name")}},
		{Columns: []engine.Column{nv("name"), in("major_id")}},
	}
	for _, rs := range sets {
		outs = append(outs, engine.Output{Result: rs, RowCount: int64(len(rs.Rows)), HasRowCount: true})
	}
	return outs
}

// wireServer serves a wireInstance on loopback; hook may drop or fail batches.
func wireServer(t *testing.T, hook func(tds.Request) tds.Decision) (*wireInstance, string) {
	t.Helper()
	inst := &wireInstance{logins: map[string]bool{}}
	// TLS like every server the tests use: steps carry passwords, and those
	// never travel on a connection that is not encrypted.
	cert, err := tds.GenerateCertificate()
	if err != nil {
		t.Fatal(err)
	}
	srv := tds.NewServer(inst, tds.Options{Hook: hook, Certificate: &cert.TLS})
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return inst, fmt.Sprintf("127.0.0.1,%d", l.Addr().(*net.TCPAddr).Port)
}

func wirePlan(servers ...string) *plan.Plan {
	p := &plan.Plan{
		Mode:        plan.ModeMirroring,
		Endpoint:    plan.Endpoint{Name: "Endpoint_Mirroring", Port: 7024, Encryption: "AES"},
		Certificate: plan.Certificate{Expiry: time.Date(2031, 11, 30, 0, 0, 0, 0, time.UTC)},
		Transfer:    plan.TransferInband,
	}
	for i, s := range servers {
		p.Hosts = append(p.Hosts, plan.Host{Name: fmt.Sprintf("HOST_%c", 'A'+i), Server: s, Role: plan.RolePartner, EndpointRole: "ALL",
			Auth: plan.Auth{User: "sa", Encrypt: plan.EncryptMandatory, TrustServerCertificate: true}})
	}
	return p
}

func openWire(t *testing.T, p *plan.Plan) *Session {
	t.Helper()
	s := Open(context.Background(), Options{
		Plan:              p,
		Passwords:         func(string) (string, error) { return wirePassword, nil },
		MasterKeyPassword: func(h string) (string, bool, error) { return "Mk-" + h + "-it's!", false, nil },
		TranscriptDir:     t.TempDir(),
	})
	t.Cleanup(func() { s.Close() })
	return s
}

func TestWireRunSendsStepAndReadInOneBatch(t *testing.T) {
	inst, addr := wireServer(t, nil)
	s := openWire(t, wirePlan(addr))
	if h := s.Hosts()[0]; !h.Connected || h.Version != "16.0.4135.4" {
		t.Fatalf("host %+v", h)
	}
	before := s.Stats().RoundTrips
	ref := steps.Ref{Host: "HOST_A", ID: steps.IDMasterKey}
	r, err := s.Run(context.Background(), ref)
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Stats().RoundTrips - before; got != 1 {
		t.Errorf("run took %d round trips, want 1", got)
	}
	last := inst.batches[len(inst.batches)-1]
	// The server got the real password, quoted; nothing else shows it.
	if !strings.Contains(last, "N'Mk-HOST_A-it''s!'") {
		t.Errorf("batch lacks the rendered secret:\n%s", last)
	}
	if strings.Contains(strings.Join(r.Statements, "\n"), "Mk-HOST_A") {
		t.Errorf("result shows the secret: %v", r.Statements)
	}
	if cl := s.Checklist(); cl.Item(ref).Status != steps.Done {
		it := cl.Item(ref)
		t.Errorf("master key %s after run: %s", it.Status, it.Detail)
	}
}

func TestWireErrorsAttributedToTheirItem(t *testing.T) {
	inst, addr := wireServer(t, nil)
	s := openWire(t, wirePlan(addr, addr))
	inst.mu.Lock()
	inst.logins["HOST_B_login"] = true // something else already made it
	inst.mu.Unlock()
	hc := s.hosts["HOST_A"]
	cl := s.Checklist()
	items := []steps.Item{
		*cl.Item(steps.Ref{Host: "HOST_A", ID: steps.IDMasterKey}),
		*cl.Item(steps.Ref{Host: "HOST_A", ID: steps.InboundID("HOST_B", steps.KindLogin)}),
	}
	hc.mu.Lock()
	outs := s.execLocked(context.Background(), hc, items, false)
	hc.mu.Unlock()
	if outs[0].err != nil {
		t.Errorf("master key: %v", outs[0].err)
	}
	var se *SQLError
	if !errors.As(outs[1].err, &se) || se.Number != 15025 || se.Step != "inbound/HOST_B/login" || se.Line != 1 || se.Host != "HOST_A" {
		t.Fatalf("login error: %#v", outs[1].err)
	}
	if strings.Contains(se.Error(), "Mk-") {
		t.Errorf("error shows a secret: %v", se)
	}
}

func TestWireLostConnectionIsNotResent(t *testing.T) {
	var mu sync.Mutex
	sent := 0
	drop := true
	inst, addr := wireServer(t, func(r tds.Request) tds.Decision {
		mu.Lock()
		defer mu.Unlock()
		if strings.Contains(r.SQL, "CREATE MASTER KEY") {
			sent++
			if drop {
				return tds.Decision{Drop: true}
			}
		}
		return tds.Decision{}
	})
	s := openWire(t, wirePlan(addr))
	ref := steps.Ref{Host: "HOST_A", ID: steps.IDMasterKey}
	_, err := s.Run(context.Background(), ref)
	if err == nil || !strings.Contains(err.Error(), "connection was lost") {
		t.Fatalf("want a lost-connection error, got %v", err)
	}
	mu.Lock()
	if sent != 1 {
		t.Errorf("the step was sent %d times, want exactly once", sent)
	}
	drop = false
	mu.Unlock()
	// The session reconnected and re-read: the host is usable and the item
	// shows as failed, pending a decision to run it again.
	if h := s.Hosts()[0]; !h.Connected || h.Err != nil {
		t.Fatalf("host after reconnect: %+v", h)
	}
	if cl := s.Checklist(); cl.Item(ref).Status != steps.Failed {
		t.Fatalf("status %s", cl.Item(ref).Status)
	}
	if _, err := s.Run(context.Background(), ref); err != nil {
		t.Fatal(err)
	}
	inst.mu.Lock()
	defer inst.mu.Unlock()
	if !inst.masterKey {
		t.Fatal("master key not created by the explicit retry")
	}
}

func TestWireWrongPassword(t *testing.T) {
	_, addr := wireServer(t, nil)
	s := Open(context.Background(), Options{
		Plan:          wirePlan(addr),
		Passwords:     func(string) (string, error) { return "Wrong-Pa55word!", nil },
		TranscriptDir: t.TempDir(),
	})
	defer s.Close()
	h := s.Hosts()[0]
	if h.Connected || h.Err == nil || !strings.Contains(h.Err.Error(), "MIRRORCERT_PASSWORD_HOST_A") || strings.Contains(h.Err.Error(), "Wrong-Pa55word") {
		t.Fatalf("host %+v", h)
	}
}

// When the server stops a batch at one item's error, the items after it are
// reported as not run, naming where the batch stopped.
func TestWireBatchAbortNamesWhereItStopped(t *testing.T) {
	inst, addr := wireServer(t, nil)
	s := openWire(t, wirePlan(addr, addr))
	inst.mu.Lock()
	inst.logins["HOST_B_login"] = true
	inst.abortLogin = true
	inst.mu.Unlock()
	hc := s.hosts["HOST_A"]
	cl := s.Checklist()
	login := steps.Ref{Host: "HOST_A", ID: steps.InboundID("HOST_B", steps.KindLogin)}
	mk := steps.Ref{Host: "HOST_A", ID: steps.IDMasterKey}
	items := []steps.Item{*cl.Item(login), *cl.Item(mk)}
	hc.mu.Lock()
	outs := s.execLocked(context.Background(), hc, items, false)
	hc.mu.Unlock()
	var se *SQLError
	if !errors.As(outs[0].err, &se) || se.Number != 15025 {
		t.Fatalf("login: %v", outs[0].err)
	}
	want := "HOST_A: outbound/master-key: not run: the batch stopped at HOST_A:inbound/HOST_B/login (Msg 15025)"
	if outs[1].err == nil || outs[1].err.Error() != want {
		t.Fatalf("master key:\n got %v\nwant %s", outs[1].err, want)
	}
	inst.mu.Lock()
	ranMK := inst.masterKey
	inst.mu.Unlock()
	if ranMK {
		t.Fatal("the wire engine ran the master key after the abort")
	}
	// The transcript must not claim the skipped statement ran, and must say
	// that the two items shared one round trip's duration.
	data, err := os.ReadFile(filepath.Join(s.TranscriptDir(), "transcript.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	results := map[string]Record{}
	for _, ln := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		var r Record
		if err := json.Unmarshal([]byte(ln), &r); err != nil {
			t.Fatalf("transcript line %q: %v", ln, err)
		}
		results[r.Step] = r
	}
	if r := results[mk.ID]; r.Result != "not-run" || r.BatchItems != 2 {
		t.Errorf("master key record: result %q, batch_items %d; want not-run, 2", r.Result, r.BatchItems)
	}
	if r := results[login.ID]; r.Result != "error" || r.BatchItems != 2 {
		t.Errorf("login record: result %q, batch_items %d; want error, 2", r.Result, r.BatchItems)
	}
}
