package engine

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"encoding/hex"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"
)

// pairConfigured returns HOST_A and HOST_B configured for each other as in
// the documented example (certificates travel by CERTENCODED/FROM BINARY).
func pairConfigured(t testing.TB) (a, b *instance) {
	t.Helper()
	hosts := map[string]*instance{}
	for _, n := range []string{"HOST_A", "HOST_B"} {
		in := newInstance(t, n).(*instance)
		run(t, in.NewSession("sa"), fmt.Sprintf(`CREATE MASTER KEY ENCRYPTION BY PASSWORD = 'Mk-Passw0rd!%[1]s';
CREATE CERTIFICATE %[1]s_cert WITH SUBJECT = '%[1]s certificate', START_DATE = '2020-01-01', EXPIRY_DATE = '2099-01-01';
CREATE ENDPOINT Endpoint_Mirroring STATE = STARTED AS TCP (LISTENER_PORT = 7024)
  FOR DATABASE_MIRRORING (AUTHENTICATION = CERTIFICATE %[1]s_cert, ENCRYPTION = REQUIRED ALGORITHM AES, ROLE = ALL);`, n))
		hosts[n] = in
	}
	for _, p := range [][2]string{{"HOST_A", "HOST_B"}, {"HOST_B", "HOST_A"}} {
		host, peer := hosts[p[0]], hosts[p[1]]
		der := peer.NewSession("sa").ExecBatch(fmt.Sprintf("SELECT CERTENCODED(CERT_ID('%s_cert'))", p[1]))
		blob := der[len(der)-1].Result.Rows[0][0].([]byte)
		run(t, host.NewSession("sa"), fmt.Sprintf(`CREATE LOGIN %[1]s_login WITH PASSWORD = 'Lg-Passw0rd!%[1]s';
CREATE USER %[1]s_user FOR LOGIN %[1]s_login;
CREATE CERTIFICATE %[1]s_cert AUTHORIZATION %[1]s_user FROM BINARY = 0x%[2]s;
GRANT CONNECT ON ENDPOINT::Endpoint_Mirroring TO [%[1]s_login];`, p[1], hex.EncodeToString(blob)))
	}
	return hosts["HOST_A"], hosts["HOST_B"]
}

// handshake runs both sides over an in-memory pipe.
func handshake(a, b *instance) (*MirrorConn, *MirrorConn, error, error) {
	p1, p2 := net.Pipe()
	_ = p1.SetDeadline(time.Now().Add(5 * time.Second))
	_ = p2.SetDeadline(time.Now().Add(5 * time.Second))
	type res struct {
		c   *MirrorConn
		err error
	}
	done := make(chan res, 1)
	go func() {
		c, err := b.AcceptHandshake(p2, "127.0.10.1")
		p2.Close() // a refusal closes without a word
		done <- res{c, err}
	}()
	ca, errA := a.ConnectHandshake(p1, "TCP://HOST_B:7024", "127.0.10.2")
	p1.Close()
	r := <-done
	return ca, r.c, errA, r.err
}

func TestHandshakeOverPipe(t *testing.T) {
	a, b := pairConfigured(t)
	ca, cb, errA, errB := handshake(a, b)
	if errA != nil || errB != nil {
		t.Fatalf("connect: %v, accept: %v", errA, errB)
	}
	if ca.IsAccept || !cb.IsAccept || cb.Login != "HOST_A_login" || cb.Principal != "HOST_A_user" || cb.Peer != "HOST_A" || ca.Peer != "HOST_B" {
		t.Errorf("connector %+v\nacceptor %+v", ca, cb)
	}
	if cb.AuthMethod != "CERTIFICATE" || cb.Algorithm != "AES" {
		t.Errorf("negotiated %s/%s", cb.AuthMethod, cb.Algorithm)
	}
	if len(a.MirrorConnections()) != 1 || len(b.MirrorConnections()) != 1 {
		t.Fatal("connections not listed")
	}
	ca.Close()
	cb.Close()
	if len(a.MirrorConnections())+len(b.MirrorConnections()) != 0 {
		t.Fatal("closed connections still listed")
	}
}

func TestHandshakeRejectsAProofWithoutThePrivateKey(t *testing.T) {
	a, b := pairConfigured(t)
	// An impostor presents HOST_A's public certificate (anyone can copy
	// it) but signs with a key of its own.
	var der []byte
	a.locked(func() { der = a.cat.db("master").cert("HOST_A_cert").der })
	impostor, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	p1, p2 := net.Pipe()
	defer p1.Close()
	_ = p1.SetDeadline(time.Now().Add(5 * time.Second))
	done := make(chan error, 1)
	go func() {
		_, err := b.AcceptHandshake(p2, "10.0.0.66")
		p2.Close()
		done <- err
	}()
	hello := hsHello{Protocol: mirrorProtocol, Server: "HOST_A", Auth: []string{"CERTIFICATE"}, Encryption: "REQUIRED", Algorithms: []string{"AES"}, Cert: der}
	if err := writeFrame(p1, hello); err != nil {
		t.Fatal(err)
	}
	var ch hsChallenge
	if err := readFrame(p1, &ch); err != nil {
		t.Fatal(err)
	}
	sig, _ := rsa.SignPKCS1v15(nil, impostor, crypto.SHA256, signedData(ch.Nonce, hello))
	_ = writeFrame(p1, hsProof{Signature: sig})
	var w hsWelcome
	if err := readFrame(p1, &w); err == nil {
		t.Fatalf("impostor welcomed: %+v", w)
	}
	if err := <-done; err == nil {
		t.Fatal("accepted")
	}
	want := "Database Mirroring login attempt failed with error: 'Connection handshake failed. The certificate used by the peer is invalid due to the following reason: The signature is invalid. State 90.'.  [CLIENT: 10.0.0.66]"
	if !strings.HasSuffix(b.ErrorLog()[len(b.ErrorLog())-1], want) {
		t.Errorf("last HOST_B log line = %q\nwant suffix %q", b.ErrorLog()[len(b.ErrorLog())-1], want)
	}
}

func TestHandshakeIgnoresNonMirroringClients(t *testing.T) {
	_, b := pairConfigured(t)
	before := len(b.ErrorLog())
	p1, p2 := net.Pipe()
	go func() { _, _ = p1.Write([]byte("\x12\x01\x00\x2f\x00\x00\x01\x00")); p1.Close() }() // a TDS PRELOGIN
	if _, err := b.AcceptHandshake(p2, "127.0.0.1"); err == nil {
		t.Fatal("a TDS client passed the mirroring handshake")
	}
	if after := b.ErrorLog(); len(after) != before {
		t.Errorf("a port probe was logged: %q", after[before:])
	}
}

func TestNegotiateEncryptionTable(t *testing.T) {
	// handshake.md §6, acceptor (row) against connector (column).
	levels := []string{"DISABLED", "SUPPORTED", "REQUIRED"}
	want := [3][3]string{
		{"NONE", "NONE", "fail"},
		{"NONE", "AES", "AES"},
		{"fail", "AES", "AES"},
	}
	for i, acc := range levels {
		for j, con := range levels {
			alg, ok := negotiateEncryption(acc, algorithms(acc, "AES"), con, algorithms(con, "AES"))
			got := alg
			if !ok {
				got = "fail"
			}
			if got != want[i][j] {
				t.Errorf("%s x %s = %s, want %s", acc, con, got, want[i][j])
			}
		}
	}
	if alg, _ := negotiateEncryption("REQUIRED", []string{"RC4", "AES"}, "REQUIRED", []string{"AES", "RC4"}); alg != "RC4" {
		t.Errorf("orders differ: %s, want the acceptor's RC4", alg)
	}
	if _, ok := negotiateEncryption("REQUIRED", []string{"AES"}, "REQUIRED", []string{"RC4"}); ok {
		t.Error("AES against RC4 negotiated")
	}
}

func TestMirroringConnectionsNeedViewServerState(t *testing.T) {
	a, _ := pairConfigured(t)
	sa := a.NewSession("sa")
	run(t, sa, "CREATE LOGIN watcher WITH PASSWORD = 'W4tcher-Passw0rd!'")
	w := a.NewSession("watcher")
	m := runErr(t, w, "SELECT * FROM sys.dm_db_mirroring_connections", 300)
	if m.Class != 14 || m.Text != "VIEW SERVER STATE permission was denied on object 'server', database 'master'." {
		t.Errorf("error = %+v", m)
	}
	run(t, sa, "GRANT VIEW SERVER STATE TO watcher")
	run(t, w, "SELECT * FROM sys.dm_db_mirroring_connections")
}
