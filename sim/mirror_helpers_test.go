package sim

import (
	"context"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/mirrorcert/mirrorcert/sim/engine"
)

// startMirrorCluster starts HOST_A, HOST_B, HOST_W with a short mirroring
// timeout, so refusals report quickly.
func startMirrorCluster(t *testing.T, timeout time.Duration) *Cluster {
	t.Helper()
	c, err := Start(context.Background(), Config{Dir: t.TempDir(), MirrorTimeout: timeout})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// sqlOn runs a batch as sa and fails the test on any error message.
func sqlOn(t testing.TB, c *Cluster, host, batch string) []engine.Output {
	t.Helper()
	outs := c.Engine(host).NewSession("sa").ExecBatch(batch)
	for _, o := range outs {
		for _, m := range o.Messages {
			if m.IsError() {
				t.Fatalf("%s: %q: error %d: %s", host, batch, m.Number, m.Text)
			}
		}
	}
	return outs
}

// scalar returns the first column of the first row of the last result.
func scalar(t testing.TB, c *Cluster, host, query string) any {
	t.Helper()
	outs := sqlOn(t, c, host, query)
	for i := len(outs) - 1; i >= 0; i-- {
		if r := outs[i].Result; r != nil && len(r.Rows) > 0 {
			return r.Rows[0][0]
		}
	}
	return nil
}

// outbound does a host's outbound part: master key, certificate, endpoint.
func outbound(t testing.TB, c *Cluster, host, endpointExtra string) {
	t.Helper()
	sqlOn(t, c, host, fmt.Sprintf(`CREATE MASTER KEY ENCRYPTION BY PASSWORD = 'Str0ng!Passw0rd-%[1]s';
CREATE CERTIFICATE %[1]s_cert WITH SUBJECT = '%[1]s certificate', START_DATE = '2020-01-01', EXPIRY_DATE = '2099-12-31';
CREATE ENDPOINT Endpoint_Mirroring STATE = STARTED AS TCP (LISTENER_PORT = 7024, LISTENER_IP = ALL)
  FOR DATABASE_MIRRORING (AUTHENTICATION = CERTIFICATE %[1]s_cert, ENCRYPTION = REQUIRED ALGORITHM AES, ROLE = ALL%[2]s);`, host, endpointExtra))
}

// certHex is the public part of a certificate on host, as 0x... .
func certHex(t testing.TB, c *Cluster, host, cert string) string {
	t.Helper()
	b, ok := scalar(t, c, host, fmt.Sprintf("SELECT CERTENCODED(CERT_ID('%s'))", cert)).([]byte)
	if !ok {
		t.Fatalf("%s: no certificate %s", host, cert)
	}
	return "0x" + hex.EncodeToString(b)
}

// inbound makes host trust peer: login, user, peer's certificate, CONNECT.
func inbound(t testing.TB, c *Cluster, host, peer string, grant bool) {
	t.Helper()
	batch := fmt.Sprintf(`CREATE LOGIN %[1]s_login WITH PASSWORD = 'Str0ng!Passw0rd-%[1]s';
CREATE USER %[1]s_user FOR LOGIN %[1]s_login;
CREATE CERTIFICATE %[1]s_cert AUTHORIZATION %[1]s_user FROM BINARY = %[2]s;`, peer, certHex(t, c, peer, peer+"_cert"))
	if grant {
		batch += fmt.Sprintf("\nGRANT CONNECT ON ENDPOINT::Endpoint_Mirroring TO [%s_login];", peer)
	}
	sqlOn(t, c, host, batch)
}

// configure does the whole procedure among hosts.
func configure(t testing.TB, c *Cluster, hosts ...string) {
	t.Helper()
	for _, h := range hosts {
		outbound(t, c, h, "")
	}
	for _, h := range hosts {
		for _, p := range hosts {
			if p != h {
				inbound(t, c, h, p, true)
			}
		}
	}
}

// logLines returns host's error-log lines containing all of subs.
func logLines(c *Cluster, host string, subs ...string) []string {
	var out []string
next:
	for _, l := range c.Engine(host).ErrorLog() {
		for _, s := range subs {
			if !strings.Contains(l, s) {
				continue next
			}
		}
		out = append(out, l)
	}
	return out
}

// connect opens a link from one instance to a URL through the transport.
func connect(t *testing.T, c *Cluster, from, url string) (engine.MirrorLink, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return c.mnet.Connect(ctx, c.Engine(from), url)
}
