package sim

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mirrorcert/mirrorcert/sim/engine"
)

func TestMirrorHandshakeSucceedsAndShowsInDMV(t *testing.T) {
	c := startMirrorCluster(t, 300*time.Millisecond)
	configure(t, c, "HOST_A", "HOST_B")

	link, err := connect(t, c, "HOST_A", "TCP://HOST_B:7024")
	if err != nil {
		t.Fatal(err)
	}
	defer link.Close()
	if link.Peer() != "HOST_B" {
		t.Errorf("peer = %q", link.Peer())
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	r, err := link.Call(ctx, engine.MirrorMessage{Kind: "PING"})
	if err != nil {
		t.Fatal(err)
	}
	if r.Kind != "PONG" || r.Args["server"] != "HOST_B" || r.Args["login"] != "HOST_A_login" {
		t.Errorf("reply = %+v, want PONG from HOST_B naming HOST_A_login", r)
	}

	// HOST_B lists the inbound connection, authenticated by HOST_A_cert.
	rows := sqlOn(t, c, "HOST_B", `SELECT c.is_accept, c.principal_name, c.authentication_method, c.encryption_algorithm_desc,
  c.login_state_desc, cert.name, c.total_bytes_received
FROM sys.dm_db_mirroring_connections c JOIN sys.certificates cert ON cert.certificate_id = c.peer_certificate_id`)
	res := rows[len(rows)-1].Result
	if res == nil || len(res.Rows) != 1 {
		t.Fatalf("HOST_B dm_db_mirroring_connections = %+v, want one row", res)
	}
	got := res.Rows[0]
	if got[0] != true || got[1] != "HOST_A_user" || got[2] != "CERTIFICATE" || got[3] != "AES" || got[4] != "ONLINE" || got[5] != "HOST_A_cert" {
		t.Errorf("HOST_B row = %v", got)
	}
	if n, _ := got[6].(int64); n <= 0 {
		t.Errorf("total_bytes_received = %v, want > 0", got[6])
	}
	// HOST_A lists it as outbound, its peer certificate HOST_B_cert.
	if v := scalar(t, c, "HOST_A", `SELECT cert.name + '/' + c.principal_name FROM sys.dm_db_mirroring_connections c
  JOIN sys.certificates cert ON cert.certificate_id = c.peer_certificate_id WHERE c.is_accept = 0`); v != "HOST_B_cert/HOST_B_user" {
		t.Errorf("HOST_A outbound peer cert/owner = %v", v)
	}

	// Closing the link removes it from both sides.
	link.Close()
	waitFor(t, func() bool {
		return len(c.Engine("HOST_B").(interface{ MirrorConnections() []*engine.MirrorConn }).MirrorConnections()) == 0
	})
	if v := scalar(t, c, "HOST_A", "SELECT COUNT(*) FROM sys.dm_db_mirroring_connections"); v != int64(0) && v != int32(0) {
		t.Errorf("HOST_A connections after close = %v", v)
	}
}

// waitFor polls cond for up to 5 s.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 5s")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestMirrorEndpointListensOnlyWhenStarted(t *testing.T) {
	c := startMirrorCluster(t, 200*time.Millisecond)
	addr := net.JoinHostPort(c.Instances()[1].Address, "7024")
	dials := func() bool {
		nc, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			nc.Close()
		}
		return err == nil
	}
	if dials() {
		t.Fatal("listening before any endpoint exists")
	}
	outbound(t, c, "HOST_B", "")
	if !dials() {
		t.Fatal("STARTED endpoint does not listen")
	}
	sqlOn(t, c, "HOST_B", "ALTER ENDPOINT Endpoint_Mirroring STATE = STOPPED")
	if dials() {
		t.Fatal("STOPPED endpoint still listens")
	}
	sqlOn(t, c, "HOST_B", "ALTER ENDPOINT Endpoint_Mirroring STATE = STARTED")
	if !dials() {
		t.Fatal("restarted endpoint does not listen")
	}
	sqlOn(t, c, "HOST_B", "ALTER ENDPOINT Endpoint_Mirroring STATE = DISABLED")
	if dials() {
		t.Fatal("DISABLED endpoint still listens")
	}
	sqlOn(t, c, "HOST_B", "ALTER ENDPOINT Endpoint_Mirroring STATE = STARTED AS TCP (LISTENER_PORT = 7025)")
	if dials() || !func() bool {
		nc, err := net.DialTimeout("tcp", net.JoinHostPort(c.Instances()[1].Address, "7025"), time.Second)
		if err == nil {
			nc.Close()
		}
		return err == nil
	}() {
		t.Fatal("moved endpoint: want 7025 listening and 7024 not")
	}
	sqlOn(t, c, "HOST_B", "DROP ENDPOINT Endpoint_Mirroring")
	if nc, err := net.DialTimeout("tcp", net.JoinHostPort(c.Instances()[1].Address, "7025"), time.Second); err == nil {
		nc.Close()
		t.Fatal("dropped endpoint still listens")
	}
}

func TestMirrorUnreachableLogs1474AfterTimeout(t *testing.T) {
	c := startMirrorCluster(t, 300*time.Millisecond)
	configure(t, c, "HOST_A", "HOST_B")
	start := time.Now()
	_, err := connect(t, c, "HOST_A", "TCP://nosuchhost.corp.example:7024")
	var me *engine.MirrorError
	if !errors.As(err, &me) || me.Kind != engine.MirrorUnknownHost {
		t.Fatalf("err = %v, want unknown host", err)
	}
	if el := time.Since(start); el < 300*time.Millisecond {
		t.Errorf("failed after %v, want the 300ms timeout first", el)
	}
	if len(logLines(c, "HOST_A", "Database mirroring connection error 2", "for 'TCP://nosuchhost.corp.example:7024'")) != 1 {
		t.Errorf("HOST_A log lacks 1474:\n%s", strings.Join(c.Engine("HOST_A").ErrorLog(), "\n"))
	}
	sqlOn(t, c, "HOST_B", "ALTER ENDPOINT Endpoint_Mirroring STATE = STOPPED")
	_, err = connect(t, c, "HOST_A", "TCP://HOST_B:7024")
	if !errors.As(err, &me) || me.Kind != engine.MirrorRefused {
		t.Fatalf("err = %v, want refused", err)
	}
	if len(logLines(c, "HOST_A", "10061(No connection could be made", "for 'TCP://HOST_B:7024'")) != 1 {
		t.Errorf("HOST_A log lacks refused 1474:\n%s", strings.Join(c.Engine("HOST_A").ErrorLog(), "\n"))
	}
}

func TestInstanceServesTDSOnItsOwnAddress(t *testing.T) {
	c := startMirrorCluster(t, time.Second)
	seen := map[string]bool{}
	for _, in := range c.Instances() {
		ip := net.ParseIP(in.Address)
		if ip == nil || !ip.IsLoopback() || seen[in.Address] {
			t.Fatalf("%s: address %q is not a loopback address of its own", in.Name, in.Address)
		}
		seen[in.Address] = true
		own := in
		own.Addr = in.Address + "," + strconv.Itoa(in.Port)
		var name string
		if err := openDB(t, c, own, "encrypt=true&trustservercertificate=true").QueryRow("SELECT @@SERVERNAME").Scan(&name); err != nil || name != in.Name {
			t.Errorf("TDS on %s: %q, %v", own.Addr, name, err)
		}
		if len(logLines(c, in.Name, fmt.Sprintf("Server is listening on [ %s <ipv4> %d].", in.Address, in.Port))) != 1 {
			t.Errorf("%s: error log does not say it listens on %s", in.Name, in.Address)
		}
	}
}

func TestTwoClustersGetDifferentBlocks(t *testing.T) {
	a := startMirrorCluster(t, time.Second)
	b := startMirrorCluster(t, time.Second)
	for i := range a.Instances() {
		if a.Instances()[i].Address == b.Instances()[i].Address {
			t.Fatalf("both clusters use %s", a.Instances()[i].Address)
		}
	}
	// Both may run Endpoint_Mirroring on 7024 at once.
	outbound(t, a, "HOST_A", "")
	outbound(t, b, "HOST_A", "")
	for _, c := range []*Cluster{a, b} {
		nc, err := net.DialTimeout("tcp", net.JoinHostPort(c.Instances()[0].Address, "7024"), time.Second)
		if err != nil {
			t.Fatal(err)
		}
		nc.Close()
	}
}
