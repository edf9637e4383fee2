package sim

import (
	"context"
	"errors"
	"fmt"
	"net"
	"testing"
	"time"

	"github.com/mirrorcert/mirrorcert/sim/engine"
)

func ping(t *testing.T, l engine.MirrorLink) error {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	r, err := l.Call(ctx, engine.MirrorMessage{Kind: "PING"})
	if err == nil && r.Kind != "PONG" {
		return fmt.Errorf("reply %+v", r)
	}
	return err
}

func TestMirrorNameResolution(t *testing.T) {
	c := startMirrorCluster(t, 200*time.Millisecond)
	configure(t, c, "HOST_A", "HOST_B")
	b := c.Instances()[1].Address
	for _, tc := range []struct{ from, url, peer string }{
		{"HOST_A", "TCP://HOST_B:7024", "HOST_B"},
		{"HOST_A", "tcp://host_b:7024", "HOST_B"},
		{"HOST_A", "TCP://HOST_B.Mydomain.Corp.Adventure-Works.com:7024", "HOST_B"},
		{"HOST_A", "TCP://" + b + ":7024", "HOST_B"},
		{"HOST_A", "TCP://localhost:7024", "HOST_A"},
		{"HOST_B", "TCP://127.0.0.1:7024", "HOST_B"},
	} {
		l, err := connect(t, c, tc.from, tc.url)
		if err != nil {
			t.Errorf("%s -> %s: %v", tc.from, tc.url, err)
			continue
		}
		if l.Peer() != tc.peer {
			t.Errorf("%s -> %s reached %s, want %s", tc.from, tc.url, l.Peer(), tc.peer)
		}
		l.Close()
	}
	for _, url := range []string{"TCP://HOST_Q:7024", "TCP://10.9.8.7:7024", "HOST_B:7024", "TCP://HOST_B"} {
		_, err := connect(t, c, "HOST_A", url)
		var me *engine.MirrorError
		if !errors.As(err, &me) || me.Kind != engine.MirrorUnknownHost {
			t.Errorf("%s: err = %v, want an unknown host", url, err)
		}
	}
}

func TestMirrorEncryptionNegotiation(t *testing.T) {
	for _, tc := range []struct{ a, b, want string }{
		{"ENCRYPTION = SUPPORTED", "ENCRYPTION = DISABLED", "NONE"},
		{"ENCRYPTION = DISABLED", "ENCRYPTION = DISABLED", "NONE"},
		{"ENCRYPTION = SUPPORTED ALGORITHM RC4", "ENCRYPTION = REQUIRED ALGORITHM RC4", "RC4"},
		// Both list both: the acceptor's (HOST_B's) order wins.
		{"ENCRYPTION = REQUIRED ALGORITHM AES RC4", "ENCRYPTION = REQUIRED ALGORITHM RC4 AES", "RC4"},
	} {
		c := startMirrorCluster(t, 200*time.Millisecond)
		configure(t, c, "HOST_A", "HOST_B")
		sqlOn(t, c, "HOST_A", "ALTER ENDPOINT Endpoint_Mirroring FOR DATABASE_MIRRORING ("+tc.a+")")
		sqlOn(t, c, "HOST_B", "ALTER ENDPOINT Endpoint_Mirroring FOR DATABASE_MIRRORING ("+tc.b+")")
		l, err := connect(t, c, "HOST_A", "TCP://HOST_B:7024")
		if err != nil {
			t.Errorf("%s / %s: %v", tc.a, tc.b, err)
			continue
		}
		if got := scalar(t, c, "HOST_B", "SELECT encryption_algorithm_desc FROM sys.dm_db_mirroring_connections"); got != tc.want {
			t.Errorf("%s / %s: algorithm %v, want %s", tc.a, tc.b, got, tc.want)
		}
		l.Close()
		c.Close()
	}
}

func TestMirrorLiveConnectionSurvivesExpiryNewOneFails(t *testing.T) {
	c := startMirrorCluster(t, 200*time.Millisecond)
	configure(t, c, "HOST_A", "HOST_B")
	// HOST_A switches to a certificate that expires in a few seconds (long
	// enough for a loaded machine to connect first), trusted by HOST_B
	// through the same user (a user may own several).
	expiry := time.Now().UTC().Add(5 * time.Second).Format("2006-01-02T15:04:05")
	sqlOn(t, c, "HOST_A", fmt.Sprintf("CREATE CERTIFICATE HOST_A_short WITH SUBJECT = 'HOST_A short', START_DATE = '2020-01-01', EXPIRY_DATE = '%s'", expiry))
	sqlOn(t, c, "HOST_B", fmt.Sprintf("CREATE CERTIFICATE HOST_A_short AUTHORIZATION HOST_A_user FROM BINARY = %s", certHex(t, c, "HOST_A", "HOST_A_short")))
	sqlOn(t, c, "HOST_A", "ALTER ENDPOINT Endpoint_Mirroring FOR DATABASE_MIRRORING (AUTHENTICATION = CERTIFICATE HOST_A_short)")
	l, err := connect(t, c, "HOST_A", "TCP://HOST_B:7024")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if got := scalar(t, c, "HOST_B", `SELECT cert.name FROM sys.dm_db_mirroring_connections m
  JOIN sys.certificates cert ON cert.certificate_id = m.peer_certificate_id`); got != "HOST_A_short" {
		t.Errorf("authenticated by %v, want HOST_A_short", got)
	}
	time.Sleep(5500 * time.Millisecond)
	if err := ping(t, l); err != nil {
		t.Fatalf("live connection after expiry: %v", err)
	}
	if _, err := connect(t, c, "HOST_A", "TCP://HOST_B:7024"); err == nil {
		t.Fatal("new connection with an expired certificate succeeded")
	}
	if len(logLines(c, "HOST_A", "The certificate 'HOST_A_short' is not valid for endpoint authentication")) != 1 {
		t.Error("HOST_A did not log 28055 for HOST_A_short")
	}
	// Rotation: back to the long-lived certificate. Changing the
	// endpoint's authentication restarts its listener (handshake.md §7): the
	// live link drops, and the next connection authenticates with HOST_A_cert.
	sqlOn(t, c, "HOST_A", "ALTER ENDPOINT Endpoint_Mirroring FOR DATABASE_MIRRORING (AUTHENTICATION = CERTIFICATE HOST_A_cert)")
	if err := ping(t, l); err == nil {
		t.Error("the link from before ALTER ENDPOINT AUTHENTICATION survived the listener restart")
	}
	l2, err := connect(t, c, "HOST_A", "TCP://HOST_B:7024")
	if err != nil {
		t.Fatal(err)
	}
	defer l2.Close()
	deadline := time.Now().Add(5 * time.Second)
	for {
		got := scalar(t, c, "HOST_B", `SELECT MIN(cert.name) + '/' + CAST(COUNT(*) AS varchar(10)) FROM sys.dm_db_mirroring_connections m
  JOIN sys.certificates cert ON cert.certificate_id = m.peer_certificate_id`)
		if fmt.Sprint(got) == "HOST_A_cert/1" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("HOST_B's connections from HOST_A = %v, want only the new one, on HOST_A_cert", got)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestMirrorStoppingTheEndpointClosesLinks(t *testing.T) {
	c := startMirrorCluster(t, 200*time.Millisecond)
	configure(t, c, "HOST_A", "HOST_B")
	l, err := connect(t, c, "HOST_A", "TCP://HOST_B:7024")
	if err != nil {
		t.Fatal(err)
	}
	sqlOn(t, c, "HOST_B", "ALTER ENDPOINT Endpoint_Mirroring STATE = STOPPED")
	select {
	case <-l.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("link still open after the peer's endpoint stopped")
	}
	if err := ping(t, l); !errors.Is(err, engine.ErrMirrorLinkClosed) {
		t.Errorf("Call on a closed link: %v", err)
	}
}

func TestMirrorFaultEndpointBlock(t *testing.T) {
	c := startMirrorCluster(t, 200*time.Millisecond)
	configure(t, c, "HOST_A", "HOST_B")
	live, err := connect(t, c, "HOST_A", "TCP://HOST_B:7024")
	if err != nil {
		t.Fatal(err)
	}
	defer live.Close()
	if err := c.SetFaults("HOST_B:endpoint-block"); err != nil {
		t.Fatal(err)
	}
	// Anyone, not only the simulator, finds the port refused.
	if nc, err := net.DialTimeout("tcp", net.JoinHostPort(c.Instances()[1].Address, "7024"), time.Second); err == nil {
		nc.Close()
		t.Fatal("blocked port accepts connections")
	}
	_, err = connect(t, c, "HOST_A", "TCP://HOST_B:7024")
	var me *engine.MirrorError
	if !errors.As(err, &me) || me.Kind != engine.MirrorRefused {
		t.Fatalf("err = %v, want refused", err)
	}
	if err := ping(t, live); err != nil {
		t.Errorf("established connection after the block: %v", err)
	}
	if err := c.SetFaults(""); err != nil {
		t.Fatal(err)
	}
	l, err := connect(t, c, "HOST_A", "TCP://HOST_B:7024")
	if err != nil {
		t.Fatalf("after clearing the fault: %v", err)
	}
	l.Close()
}

func TestMirrorFaultEndpointLatency(t *testing.T) {
	c := startMirrorCluster(t, 2*time.Second)
	configure(t, c, "HOST_A", "HOST_B")
	if err := c.SetFaults("HOST_B:endpoint-latency=150ms"); err != nil {
		t.Fatal(err)
	}
	l, err := connect(t, c, "HOST_A", "TCP://HOST_B:7024")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	start := time.Now()
	if err := ping(t, l); err != nil {
		t.Fatal(err)
	}
	if el := time.Since(start); el < 150*time.Millisecond {
		t.Errorf("round trip took %v, want at least the 150ms HOST_B adds to its answer", el)
	}
	// Latency beyond the timeout: the handshake times out.
	if err := c.SetFaults("HOST_B:endpoint-latency=5s"); err != nil {
		t.Fatal(err)
	}
	_, err = connect(t, c, "HOST_A", "TCP://HOST_B:7024")
	var me *engine.MirrorError
	if !errors.As(err, &me) || me.Kind != engine.MirrorTimedOut {
		t.Fatalf("err = %v, want timed out", err)
	}
	if len(logLines(c, "HOST_A", "10060(A connection attempt failed")) != 1 {
		t.Error("HOST_A did not log the 10060 timeout")
	}
}

func TestMirrorListenerIPMustBeTheInstances(t *testing.T) {
	c := startMirrorCluster(t, 200*time.Millisecond)
	outbound(t, c, "HOST_B", "")
	b := c.Instances()[1].Address
	sqlOn(t, c, "HOST_B", "ALTER ENDPOINT Endpoint_Mirroring AS TCP (LISTENER_IP = (10.20.30.40))")
	if nc, err := net.DialTimeout("tcp", net.JoinHostPort(b, "7024"), time.Second); err == nil {
		nc.Close()
		t.Fatal("endpoint bound to a foreign LISTENER_IP still listens on the instance's address")
	}
	if len(logLines(c, "HOST_B", "Server TCP provider failed to listen on [ 10.20.30.40 <ipv4> 7024].")) != 1 {
		t.Error("no 26023 line for the foreign LISTENER_IP")
	}
	sqlOn(t, c, "HOST_B", "ALTER ENDPOINT Endpoint_Mirroring AS TCP (LISTENER_IP = ("+b+"))")
	nc, err := net.DialTimeout("tcp", net.JoinHostPort(b, "7024"), time.Second)
	if err != nil {
		t.Fatalf("LISTENER_IP = its own address: %v", err)
	}
	nc.Close()
}
