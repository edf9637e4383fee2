package engine

import (
	"crypto/rsa"
	"crypto/x509"
	"fmt"
	"sync/atomic"
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

// TestKeyPoolTakeWaitsForTheKeyBeingMade: a CREATE CERTIFICATE that arrives
// while the pool's key is still being generated takes that key instead of
// generating a second one beside it (which doubled the CPU of a fresh
// instance and left the first generation running after the answer).
func TestKeyPoolTakeWaitsForTheKeyBeingMade(t *testing.T) {
	release := make(chan struct{})
	var calls atomic.Int32
	want := &rsa.PrivateKey{}
	p := newKeyPoolWith(1, func() (*rsa.PrivateKey, error) {
		if calls.Add(1) == 1 {
			<-release
			return want, nil
		}
		return &rsa.PrivateKey{}, nil
	})
	got := make(chan *rsa.PrivateKey, 1)
	go func() {
		k, err := p.take()
		if err != nil {
			t.Error(err)
		}
		got <- k
	}()
	time.Sleep(50 * time.Millisecond) // take is now waiting (or about to)
	close(release)
	select {
	case k := <-got:
		if k != want || calls.Load() != 1 {
			t.Fatalf("take returned the pool's key: %v; generations: %d, want 1", k == want, calls.Load())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("take did not return")
	}
	// Once the pool is empty and idle, take generates (a rotation's second certificate).
	for deadline := time.Now().Add(5 * time.Second); ; {
		p.mu.Lock()
		idle := p.filling == nil
		p.mu.Unlock()
		if idle {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the fill never ended")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if _, err := p.take(); err != nil || calls.Load() != 2 {
		t.Fatalf("second take: err %v, generations %d, want 2", err, calls.Load())
	}
}
