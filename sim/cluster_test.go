package sim

import (
	"context"
	"database/sql"
	"errors"
	"net"
	"net/url"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	mssql "github.com/microsoft/go-mssqldb"
)

func startFake(t testing.TB, cfg Config) *Cluster {
	t.Helper()
	cfg.newEngine = fakeEngine
	c, err := Start(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := c.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return c
}

func dsn(c *Cluster, in Info, query string) string {
	u := url.URL{Scheme: "sqlserver", User: url.UserPassword("sa", c.Password()),
		Host: strings.Replace(in.Addr, ",", ":", 1), RawQuery: query}
	return u.String()
}

func openDB(t testing.TB, c *Cluster, in Info, query string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlserver", dsn(c, in, query))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestStartDefaults(t *testing.T) {
	c := startFake(t, Config{})
	infos := c.Instances()
	if len(infos) != 3 || infos[0].Name != "HOST_A" || infos[1].Name != "HOST_B" || infos[2].Name != "HOST_W" {
		t.Fatalf("instances = %+v", infos)
	}
	pw := c.Password()
	if len(pw) < 16 || strings.ToLower(pw) == pw || strings.ToUpper(pw) == pw || !strings.ContainsAny(pw, "23456789") {
		t.Errorf("generated password is weak: %d chars", len(pw))
	}
	if !strings.Contains(string(c.CACertPEM()), "BEGIN CERTIFICATE") {
		t.Error("CACertPEM is not a PEM certificate")
	}
	for _, in := range infos {
		if in.Addr != "127.0.0.1,"+strconv.Itoa(in.Port) || in.Port == 0 {
			t.Errorf("%s: addr %q port %d", in.Name, in.Addr, in.Port)
		}
		var name string
		if err := openDB(t, c, in, "encrypt=disable").QueryRow("SELECT @@SERVERNAME").Scan(&name); err != nil || name != in.Name {
			t.Errorf("%s answered %q, %v", in.Name, name, err)
		}
		if c.Engine(strings.ToLower(in.Name)) == nil {
			t.Errorf("Engine(%s) = nil", in.Name)
		}
	}
	if c.Engine("HOST_Z") != nil {
		t.Error("Engine of an unknown name is not nil")
	}
}

func TestBasePortAndPortInUse(t *testing.T) {
	// Two consecutive free ports: ask the kernel for one and hope its
	// neighbour is free too. Other test binaries run at the same time and take
	// ephemeral ports, so a taken neighbour means another try, not a failure.
	var c *Cluster
	var base int
	for try := 0; try < 20 && c == nil; try++ {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		base = l.Addr().(*net.TCPAddr).Port
		l.Close()
		if base > 65000 {
			base -= 100
		}
		c, err = Start(context.Background(), Config{BasePort: base, Names: []string{"ONE", "TWO"}, newEngine: fakeEngine})
		var pe *PortInUseError
		if err != nil && !errors.As(err, &pe) {
			t.Fatal(err)
		}
	}
	if c == nil {
		t.Fatal("found no two consecutive free ports in 20 tries")
	}
	t.Cleanup(func() { c.Close() })
	if in := c.Instances(); in[0].Port != base || in[1].Port != base+1 {
		t.Fatalf("ports = %+v, want %d and %d", in, base, base+1)
	}
	_, err := Start(context.Background(), Config{BasePort: base + 1, newEngine: fakeEngine})
	var pe *PortInUseError
	if !errors.As(err, &pe) || pe.Port != base+1 || !strings.Contains(err.Error(), "--base-port") {
		t.Fatalf("Start on a used port: %v", err)
	}
}

func TestBadConfig(t *testing.T) {
	cases := []struct {
		cfg  Config
		want string
	}{
		{Config{Names: []string{"HOST_A", "host_a"}}, "given twice"},
		{Config{Names: []string{"../etc"}}, `instance name "../etc"`},
		{Config{BasePort: 65535}, "within 1..65535"},
		{Config{Faults: "HOST_A:nope"}, "unknown action"},
		{Config{CertFile: "x.pem"}, "--cert and --key"},
		{Config{Latency: -time.Second}, "must not be negative"},
	}
	for _, c := range cases {
		c.cfg.newEngine = fakeEngine
		_, err := Start(context.Background(), c.cfg)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Start(%+v) = %v, want %q", c.cfg, err, c.want)
		}
	}
}

func TestFaultsAtRuntime(t *testing.T) {
	c := startFake(t, Config{Faults: "HOST_B:fail-on=/SELECT/:error=15578"})
	a, b := c.Instances()[0], c.Instances()[1]
	var s string
	if err := openDB(t, c, a, "encrypt=disable").QueryRow("SELECT 1").Scan(&s); err != nil {
		t.Fatalf("HOST_A is not faulted: %v", err)
	}
	dbB := openDB(t, c, b, "encrypt=disable")
	err := dbB.QueryRow("SELECT 1").Scan(&s)
	var me mssql.Error
	if !errors.As(err, &me) || me.Number != 15578 || !strings.HasPrefix(me.Message, "There is already a master key") {
		t.Fatalf("fail-on: %v", err)
	}
	// Fix the cause and retry.
	if err := c.SetFaults(""); err != nil {
		t.Fatal(err)
	}
	if err := dbB.QueryRow("SELECT 1").Scan(&s); err != nil {
		t.Fatalf("after clearing faults: %v", err)
	}
	if err := c.SetFaults("HOST_B:drop-after=1"); err != nil {
		t.Fatal(err)
	}
	// A fresh connection: the pooled one has run batches already.
	conn, err := openDB(t, c, b, "encrypt=disable").Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	ctx := context.Background()
	if err := conn.QueryRowContext(ctx, "SELECT 1").Scan(&s); err != nil {
		t.Fatalf("batch 1 under drop-after=1: %v", err)
	}
	if err := conn.QueryRowContext(ctx, "SELECT 2").Scan(&s); err == nil {
		t.Fatal("batch 2 under drop-after=1 succeeded")
	}
	if err := c.SetFaults("HOST_B:bogus"); err == nil {
		t.Error("SetFaults accepted a bad spec")
	}
}

func TestLatencyAndCancel(t *testing.T) {
	c := startFake(t, Config{Latency: time.Hour})
	db := openDB(t, c, c.Instances()[0], "encrypt=disable")
	// Connecting is not delayed (latency applies to requests); pin one
	// connection so the test proves it survives the cancel.
	conn, err := db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	time.AfterFunc(300*time.Millisecond, cancel)
	done := make(chan error, 1)
	go func() {
		var s string
		done <- conn.QueryRowContext(ctx, "SELECT 1").Scan(&s)
	}()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("query under an hour of latency: %v, want context.Canceled", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("cancelled query did not return")
	}
	c.SetLatency(0)
	var s string
	if err := conn.QueryRowContext(context.Background(), "SELECT 1").Scan(&s); err != nil {
		t.Fatalf("connection after cancel: %v", err)
	}
}

func TestCloseRemovesOnlyItsOwnDir(t *testing.T) {
	c := startFake(t, Config{})
	tmp := c.Dir()
	if st, err := os.Stat(tmp); err != nil || !st.IsDir() {
		t.Fatalf("sandbox %s: %v", tmp, err)
	}
	c.Close()
	if _, err := os.Stat(tmp); !os.IsNotExist(err) {
		t.Errorf("temporary sandbox %s survived Close: %v", tmp, err)
	}
	mine := t.TempDir()
	c2 := startFake(t, Config{Dir: mine})
	c2.Close()
	if _, err := os.Stat(mine + "/HOST_A"); err != nil {
		t.Errorf("a given Dir must survive Close: %v", err)
	}
}

func TestNoGoroutineLeaks(t *testing.T) {
	base := runtime.NumGoroutine()
	ctx, cancel := context.WithCancel(context.Background())
	c, err := Start(ctx, Config{newEngine: fakeEngine, Latency: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	var dbs []*sql.DB
	for _, in := range c.Instances() {
		db, _ := sql.Open("sqlserver", dsn(c, in, "encrypt=true&trustservercertificate=true"))
		dbs = append(dbs, db)
		go func() { _, _ = db.Exec("SELECT 1") }() // stuck in latency at shutdown
	}
	time.Sleep(200 * time.Millisecond)
	cancel() // like Ctrl-C: the context closes the cluster
	for _, db := range dbs {
		db.Close()
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for runtime.NumGoroutine() > base {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<16)
			t.Fatalf("%d goroutines after Close, %d before\n%s", runtime.NumGoroutine(), base, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(20 * time.Millisecond)
	}
}
