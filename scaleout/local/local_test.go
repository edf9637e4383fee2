package local

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

// recorded plays back outputs recorded on Windows, keyed by program name.
type recorded struct {
	out   map[string][]byte
	err   map[string]error
	calls []string
}

func (r *recorded) Run(_ context.Context, name string, args ...string) ([]byte, error) {
	r.calls = append(r.calls, name+" "+strings.Join(args, " "))
	return r.out[name], r.err[name]
}

func readTestdata(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func derFor(t *testing.T, cn string) []byte {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: cn},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return der
}

func TestProbeMaster(t *testing.T) {
	root, my := derFor(t, "MASTER01"), derFor(t, "MASTER01-tls")
	listing := "Root " + base64.StdEncoding.EncodeToString(root) + "\r\nMy " + base64.StdEncoding.EncodeToString(my) + "\r\n"
	r := &recorded{out: map[string][]byte{
		"netsh":          readTestdata(t, "netsh-show-sslcert-8391.txt"),
		"powershell.exe": []byte(listing),
	}}
	li, err := Probe(context.Background(), r, "MASTER01", 8391, true, false)
	if err != nil {
		t.Fatal(err)
	}
	if r.calls[0] != "netsh http show sslcert ipport=0.0.0.0:8391" {
		t.Errorf("netsh call %q", r.calls[0])
	}
	if !li.BindingsRead || len(li.Bindings) != 1 || li.Bindings[0].CertHash != "01d207b300ca662f479beb884efe6ce328f77d53" {
		t.Fatalf("bindings %+v", li.Bindings)
	}
	if len(li.Root) != 1 || li.Root[0].CNs[0] != "MASTER01" || len(li.My) != 1 || li.My[0].Source != `LocalMachine\My` {
		t.Fatalf("stores root=%+v my=%+v", li.Root, li.My)
	}
}

func TestProbeNoBindingIsReadNotFailed(t *testing.T) {
	r := &recorded{
		out: map[string][]byte{"netsh": readTestdata(t, "netsh-show-sslcert-none.txt"), "powershell.exe": nil},
		err: map[string]error{"netsh": errors.New("exit status 1")},
	}
	li, err := Probe(context.Background(), r, "M", 8391, true, false)
	if err != nil {
		t.Fatal(err)
	}
	if !li.BindingsRead || len(li.Bindings) != 0 {
		t.Fatalf("%+v", li)
	}
}

func TestProbeErrors(t *testing.T) {
	de := &recorded{out: map[string][]byte{"netsh": readTestdata(t, "netsh-show-sslcert-de.txt")}}
	if _, err := Probe(context.Background(), de, "M", 8391, true, false); err == nil || !strings.Contains(err.Error(), "Certificate Hash") {
		t.Fatalf("localised netsh: %v", err)
	}
	ps := &recorded{err: map[string]error{"powershell.exe": errors.New("exit status 1: Access is denied")}}
	if _, err := Probe(context.Background(), ps, "W", 8391, false, true); err == nil || !strings.Contains(err.Error(), "Access is denied") {
		t.Fatalf("powershell failure: %v", err)
	}
	if len(ps.calls) != 1 {
		t.Errorf("a worker must not run netsh: %v", ps.calls)
	}
	if _, _, err := ParseStores([]byte("Root !!!")); err == nil {
		t.Error("bad base64 accepted")
	}
}

func TestConfigPaths(t *testing.T) {
	fsys := fstest.MapFS{
		"Microsoft SQL Server/150/DTS/Binn/MasterSettings.config": {},
		"Microsoft SQL Server/160/DTS/Binn/MasterSettings.config": {},
		"Microsoft SQL Server/160/DTS/Binn/WorkerSettings.config": {},
		"Microsoft SQL Server/160/DTS/Binn/other.config":          {},
	}
	m, w, err := ConfigPaths(fsys)
	if err != nil {
		t.Fatal(err)
	}
	if len(m) != 2 || !strings.Contains(m[0], "160") || len(w) != 1 {
		t.Fatalf("master %v worker %v", m, w)
	}
}
