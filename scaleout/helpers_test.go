package scaleout

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// testNow is the clock of every check test.
var testNow = time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)

type certSpec struct {
	cns       []string
	dns       []string
	ips       []string
	notBefore time.Time
	notAfter  time.Time
}

// makeCert returns a self-signed certificate's DER as New-SelfSignedCertificate
// or MakeCert would make it (several CNs are allowed, as MakeCert -n "CN=a;CN=b").
func makeCert(t *testing.T, s certSpec) []byte {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	var subj pkix.Name
	for _, cn := range s.cns {
		subj.ExtraNames = append(subj.ExtraNames, pkix.AttributeTypeAndValue{Type: []int{2, 5, 4, 3}, Value: cn})
	}
	if s.notBefore.IsZero() {
		s.notBefore = testNow.AddDate(0, 0, -10)
	}
	if s.notAfter.IsZero() {
		s.notAfter = testNow.AddDate(1, 0, 0)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      subj,
		NotBefore:    s.notBefore,
		NotAfter:     s.notAfter,
		DNSNames:     s.dns,
	}
	for _, ip := range s.ips {
		tmpl.IPAddresses = append(tmpl.IPAddresses, net.ParseIP(ip))
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return der
}

func certInfo(t *testing.T, name string, s certSpec) *CertInfo {
	t.Helper()
	ci, err := ParseCert(name, makeCert(t, s))
	if err != nil {
		t.Fatal(err)
	}
	return ci
}

func pemOf(der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

// fill reads a testdata template and replaces {{KEY}} markers.
func fill(t *testing.T, name string, kv ...string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for i := 0; i+1 < len(kv); i += 2 {
		s = strings.ReplaceAll(s, "{{"+kv[i]+"}}", kv[i+1])
	}
	return []byte(s)
}

func config(t *testing.T, path, tmpl string, kv ...string) *ConfigFile {
	t.Helper()
	cf, err := ParseConfig(path, fill(t, tmpl, kv...))
	if err != nil {
		t.Fatal(err)
	}
	return cf
}

func codes(fs []Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Code+"@"+f.Host)
	}
	return out
}
