package engine

import (
	"crypto/rsa"
	"crypto/x509"
	"fmt"
	"testing"
	"time"
)

// TestKeyPoolFillsInTheBackground: a new pool fills itself without anyone
// asking, and every key it hands out is a different RSA-2048 key, also when
// more are taken than it holds.
func TestKeyPoolFillsInTheBackground(t *testing.T) {
	p := newKeyPool(2)
	for deadline := time.Now().Add(time.Minute); len(p.keys) < 2; {
		if time.Now().After(deadline) {
			t.Fatal("the pool did not fill in a minute")
		}
		time.Sleep(10 * time.Millisecond)
	}
	seen := map[string]bool{}
	for range 3 {
		k, err := p.take()
		if err != nil {
			t.Fatal(err)
		}
		if k.N.BitLen() != 2048 {
			t.Fatalf("key of %d bits", k.N.BitLen())
		}
		if seen[k.N.String()] {
			t.Fatal("the pool handed out one key twice")
		}
		seen[k.N.String()] = true
	}
}

// TestCreateCertificateDistinctKeys: certificates made from the pool keep
// real, distinct keys, also past the pool's size.
func TestCreateCertificateDistinctKeys(t *testing.T) {
	_, s := saSession(t, "HOST_A")
	run(t, s, "CREATE MASTER KEY ENCRYPTION BY PASSWORD = N'Mk-Passw0rd!x';")
	seen := map[string]bool{}
	for i := range keyPoolSize + 1 {
		run(t, s, fmt.Sprintf("CREATE CERTIFICATE c%d WITH SUBJECT = N'c%d';", i, i))
		der, ok := scalar(t, s, fmt.Sprintf("SELECT CERTENCODED(CERT_ID(N'c%d'))", i)).([]byte)
		if !ok {
			t.Fatalf("CERTENCODED of c%d", i)
		}
		x, err := x509.ParseCertificate(der)
		if err != nil {
			t.Fatal(err)
		}
		n := x.PublicKey.(*rsa.PublicKey).N.String()
		if seen[n] {
			t.Fatal("two certificates share a key")
		}
		seen[n] = true
	}
}
