package sim

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/mirrorcert/mirrorcert/sim/engine"
)

// refusedBy connects HOST_A -> HOST_B, expects the handshake to be dropped,
// and returns HOST_B's new error-log lines and HOST_A's.
func refusedBy(t *testing.T, c *Cluster) (acceptor, connector []string) {
	t.Helper()
	beforeB, beforeA := len(c.Engine("HOST_B").ErrorLog()), len(c.Engine("HOST_A").ErrorLog())
	link, err := connect(t, c, "HOST_A", "TCP://HOST_B:7024")
	if err == nil {
		link.Close()
		t.Fatal("handshake succeeded, want a refusal")
	}
	return c.Engine("HOST_B").ErrorLog()[beforeB:], c.Engine("HOST_A").ErrorLog()[beforeA:]
}

// wantLine fails unless exactly one of lines ends with want (the timestamp
// and process columns come first).
func wantLine(t *testing.T, side string, lines []string, want string) {
	t.Helper()
	n := 0
	for _, l := range lines {
		if strings.HasSuffix(l, want) {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%s log: want one line ending\n  %s\ngot:\n  %s", side, want, strings.Join(lines, "\n  "))
	}
}

// wantDropped checks the connector's side of a handshake the peer dropped.
func wantDropped(t *testing.T, connector []string) {
	t.Helper()
	wantLine(t, "HOST_A", connector, "Database mirroring connection error 4 'An error occurred while receiving data: '10054(An existing connection was forcibly closed by the remote host.)'.' for 'TCP://HOST_B:7024'.")
	wantLine(t, "HOST_A", connector, "Error: 9642, Severity: 16, State: 3.")
}

func TestMirrorRefusalsAreLoggedOnTheRefusingSide(t *testing.T) {
	const h = "Connection handshake failed. "
	client := func(c *Cluster) string { return "  [CLIENT: " + c.Instances()[0].Address + "]" }
	cases := []struct {
		name  string
		setup func(t *testing.T, c *Cluster)
		want  func(c *Cluster) string // HOST_B's line
		// dropped is false when the connector refuses itself (28055).
		local bool
	}{
		{"28034 no CONNECT", func(t *testing.T, c *Cluster) {
			configure(t, c, "HOST_A", "HOST_B")
			sqlOn(t, c, "HOST_B", "REVOKE CONNECT ON ENDPOINT::Endpoint_Mirroring FROM [HOST_A_login]")
		}, func(c *Cluster) string {
			return "Database Mirroring login attempt by user 'HOST_A_login.' failed with error: '" + h +
				"The login 'HOST_A_login' does not have CONNECT permission on the endpoint. State 84.'." + client(c)
		}, false},
		{"28035 peer certificate missing", func(t *testing.T, c *Cluster) {
			outbound(t, c, "HOST_A", "")
			outbound(t, c, "HOST_B", "")
		}, func(c *Cluster) string {
			return "Database Mirroring login attempt failed with error: '" + h +
				"The certificate used by the peer is invalid due to the following reason: Certificate not found. State 89.'." + client(c)
		}, false},
		{"28035 stale peer certificate", func(t *testing.T, c *Cluster) {
			configure(t, c, "HOST_A", "HOST_B")
			// HOST_A replaces its certificate; HOST_B keeps the old copy.
			sqlOn(t, c, "HOST_A", `CREATE CERTIFICATE HOST_A_cert2 WITH SUBJECT = 'HOST_A certificate', EXPIRY_DATE = '2099-01-01';
ALTER ENDPOINT Endpoint_Mirroring FOR DATABASE_MIRRORING (AUTHENTICATION = CERTIFICATE HOST_A_cert2);`)
		}, func(c *Cluster) string {
			return "Database Mirroring login attempt failed with error: '" + h +
				"The certificate used by the peer is invalid due to the following reason: Certificate not found. State 89.'." + client(c)
		}, false},
		{"28045 same issuer and serial, other certificate", func(t *testing.T, c *Cluster) {
			outbound(t, c, "HOST_A", "")
			outbound(t, c, "HOST_B", "")
			forged := forgeSameSerial(t, c, "HOST_A", "HOST_A_cert")
			sqlOn(t, c, "HOST_B", fmt.Sprintf(`CREATE LOGIN HOST_A_login WITH PASSWORD = 'Str0ng!Passw0rd-x';
CREATE USER HOST_A_user FOR LOGIN HOST_A_login;
CREATE CERTIFICATE HOST_A_cert AUTHORIZATION HOST_A_user FROM BINARY = %s;
GRANT CONNECT ON ENDPOINT::Endpoint_Mirroring TO [HOST_A_login];`, forged))
		}, func(c *Cluster) string {
			return "Database Mirroring login attempt failed with error: '" + h +
				"The certificate used by the peer does not match the one in MASTER database with same issuer name and serial number. State 87.'." + client(c)
		}, false},
		{"28036 own certificate expired", func(t *testing.T, c *Cluster) {
			configure(t, c, "HOST_A", "HOST_B")
			sqlOn(t, c, "HOST_B", `CREATE CERTIFICATE old_cert WITH SUBJECT = 'old', START_DATE = '2019-01-01', EXPIRY_DATE = '2020-01-01';
ALTER ENDPOINT Endpoint_Mirroring FOR DATABASE_MIRRORING (AUTHENTICATION = CERTIFICATE old_cert);`)
		}, func(c *Cluster) string {
			return "Database Mirroring login attempt failed with error: '" + h +
				"The certificate used by this endpoint was not found: Certificate expired. Use DBCC CHECKDB in master database to verify the metadata integrity of the endpoints. State 85.'." + client(c)
		}, false},
		{"28027 certificate against Windows", func(t *testing.T, c *Cluster) {
			configure(t, c, "HOST_A", "HOST_B")
			sqlOn(t, c, "HOST_B", "ALTER ENDPOINT Endpoint_Mirroring FOR DATABASE_MIRRORING (AUTHENTICATION = WINDOWS NEGOTIATE)")
		}, func(c *Cluster) string {
			return "Database Mirroring login attempt failed with error: '" + h +
				"There is no compatible authentication protocol. State 21.'." + client(c)
		}, false},
		{"Windows on both sides", func(t *testing.T, c *Cluster) {
			configure(t, c, "HOST_A", "HOST_B")
			for _, host := range []string{"HOST_A", "HOST_B"} {
				sqlOn(t, c, host, "ALTER ENDPOINT Endpoint_Mirroring FOR DATABASE_MIRRORING (AUTHENTICATION = WINDOWS)")
			}
		}, func(c *Cluster) string {
			return "Database Mirroring login attempt failed with error: '" + h +
				"An OS call failed: (8009030c) 0x8009030c(The logon attempt failed). State 67.'." + client(c)
		}, false},
		{"28027 AES against RC4", func(t *testing.T, c *Cluster) {
			configure(t, c, "HOST_A", "HOST_B")
			sqlOn(t, c, "HOST_B", "ALTER ENDPOINT Endpoint_Mirroring FOR DATABASE_MIRRORING (ENCRYPTION = REQUIRED ALGORITHM RC4)")
		}, func(c *Cluster) string {
			return "Database Mirroring login attempt failed with error: '" + h +
				"There is no compatible encryption algorithm. State 22.'." + client(c)
		}, false},
		{"28027 REQUIRED against DISABLED", func(t *testing.T, c *Cluster) {
			configure(t, c, "HOST_A", "HOST_B")
			sqlOn(t, c, "HOST_B", "ALTER ENDPOINT Endpoint_Mirroring FOR DATABASE_MIRRORING (ENCRYPTION = DISABLED)")
		}, func(c *Cluster) string {
			return "Database Mirroring login attempt failed with error: '" + h +
				"There is no compatible encryption algorithm. State 22.'." + client(c)
		}, false},
		{"28055 connector's certificate expired", func(t *testing.T, c *Cluster) {
			configure(t, c, "HOST_A", "HOST_B")
			sqlOn(t, c, "HOST_A", `CREATE CERTIFICATE old_cert WITH SUBJECT = 'old', START_DATE = '2019-01-01', EXPIRY_DATE = '2020-01-01';
ALTER ENDPOINT Endpoint_Mirroring FOR DATABASE_MIRRORING (AUTHENTICATION = CERTIFICATE old_cert);`)
		}, nil, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := startMirrorCluster(t, 200*time.Millisecond)
			tc.setup(t, c)
			acc, con := refusedBy(t, c)
			if tc.local {
				wantLine(t, "HOST_A", con, "Error: 28055, Severity: 16, State: 1.")
				wantLine(t, "HOST_A", con, "The certificate 'old_cert' is not valid for endpoint authentication. The certificate must have a private key encrypted with the database master key and current UTC date has to be between the certificate start date and the certificate expiration date.")
				if len(acc) != 0 {
					t.Errorf("HOST_B was reached: %q", acc)
				}
				return
			}
			wantLine(t, "HOST_B", acc, tc.want(c))
			wantDropped(t, con)
			// Searchable as a DBA would: xp_readerrorlog 0, 1, N'handshake'.
			if res := sqlOn(t, c, "HOST_B", "EXEC xp_readerrorlog 0, 1, N'handshake'"); len(res) == 0 || res[len(res)-1].Result == nil || len(res[len(res)-1].Result.Rows) != 1 {
				t.Errorf("xp_readerrorlog 0, 1, N'handshake' on HOST_B = %+v, want one row", res)
			}
		})
	}
}

// forgeSameSerial makes a certificate with the issuer and serial number of
// host's cert but another key, as 0x... for FROM BINARY.
func forgeSameSerial(t *testing.T, c *Cluster, host, cert string) string {
	t.Helper()
	der, _ := hex.DecodeString(strings.TrimPrefix(certHex(t, c, host, cert), "0x"))
	orig, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: orig.SerialNumber, Subject: orig.Subject, Issuer: orig.Issuer,
		NotBefore: orig.NotBefore, NotAfter: orig.NotAfter}
	forged, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return "0x" + hex.EncodeToString(forged)
}

func TestMirrorRefusalSendsNothingToThePeer(t *testing.T) {
	c := startMirrorCluster(t, 200*time.Millisecond)
	configure(t, c, "HOST_A", "HOST_B")
	sqlOn(t, c, "HOST_B", "REVOKE CONNECT ON ENDPOINT::Endpoint_Mirroring FROM [HOST_A_login]")
	_, err := connect(t, c, "HOST_A", "TCP://HOST_B:7024")
	var me *engine.MirrorError
	if !errors.As(err, &me) || me.Kind != engine.MirrorDropped {
		t.Fatalf("err = %v, want the handshake dropped", err)
	}
	// The connector learns nothing of the reason: no 28034 in its own log.
	if l := logLines(c, "HOST_A", "CONNECT permission"); len(l) != 0 {
		t.Errorf("HOST_A knows the reason: %q", l)
	}
}
