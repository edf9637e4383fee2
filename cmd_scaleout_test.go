package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha1"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mirrorcert/mirrorcert/sim"
)

// writeCer writes a self-signed certificate for cn (DER, or PEM) and
// returns its thumbprint as Windows shows it.
func writeCer(t *testing.T, path, cn string, asPEM bool) string {
	t.Helper()
	return writeCerUntil(t, path, cn, asPEM, time.Now().AddDate(2, 0, 0))
}

// writeCerUntil is writeCer for a certificate valid until notAfter.
func writeCerUntil(t *testing.T, path, cn string, asPEM bool, notAfter time.Time) string {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: cn},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: notAfter}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	data := der
	if asPEM {
		data = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	sum := sha1.Sum(der)
	return strings.ToUpper(hex.EncodeToString(sum[:]))
}

// writeSettings fills a testdata template of the scaleout package.
func writeSettings(t *testing.T, path, tmpl string, kv ...string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("scaleout", "testdata", tmpl))
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for i := 0; i+1 < len(kv); i += 2 {
		s = strings.ReplaceAll(s, "{{"+kv[i]+"}}", kv[i+1])
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

type scaleoutDoc struct {
	Healthy  bool `json:"healthy"`
	Hosts    []any
	Findings []struct {
		Code, Host, Peer, Severity, Message, Evidence, Fix string
	} `json:"findings"`
}

func parseScaleout(t *testing.T, r result) scaleoutDoc {
	t.Helper()
	var d scaleoutDoc
	if err := json.Unmarshal([]byte(r.stdout), &d); err != nil {
		t.Fatalf("not JSON: %v\n%s\n%s", err, r.stdout, r.stderr)
	}
	return d
}

// scaleoutFiles writes a master and two workers whose files agree, and
// returns the thumbprints.
func scaleoutFiles(t *testing.T, dir string) (master, w1, w2 string) {
	t.Helper()
	master = writeCer(t, filepath.Join(dir, "SSISScaleOutMaster.cer"), "MASTER01", false)
	w1 = writeCer(t, filepath.Join(dir, "SSISScaleOutWorker-W1.cer"), "W1", true)
	w2 = writeCer(t, filepath.Join(dir, "SSISScaleOutWorker-W2.cer"), "W2", false)
	writeSettings(t, filepath.Join(dir, "MasterSettings.config"), "MasterSettings.config.tmpl", "MASTER", strings.ToLower(master))
	writeSettings(t, filepath.Join(dir, "W1", "WorkerSettings.config"), "WorkerSettings.config.tmpl", "NAME", "W1", "MASTER", master, "WORKER", w1)
	writeSettings(t, filepath.Join(dir, "W2", "WorkerSettings.config"), "WorkerSettings.config.tmpl", "NAME", "W2", "MASTER", master, "WORKER", w2)
	return master, w1, w2
}

var scaleoutCheckArgs = []string{"scaleout", "check", "--json",
	"--master-config", "MasterSettings.config", "--master-cert", "SSISScaleOutMaster.cer",
	"--worker-config", "W1/WorkerSettings.config", "--worker-config", "W2=W2/WorkerSettings.config",
	"--worker-cert", "W1=SSISScaleOutWorker-W1.cer", "--worker-cert", "W2=SSISScaleOutWorker-W2.cer"}

func TestScaleoutCheckAgreeingThenStaleWorker(t *testing.T) {
	dir := t.TempDir()
	master, _, w2 := scaleoutFiles(t, dir)
	r := runBin(t, dir, scaleoutCheckArgs...)
	if r.code != 0 {
		t.Fatalf("agreeing configs: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if d := parseScaleout(t, r); !d.Healthy || len(d.Findings) != 0 {
		t.Fatalf("agreeing configs: %+v", d)
	}

	// W2 still names the old master certificate.
	old := writeCer(t, filepath.Join(dir, "old.cer"), "MASTER01", false)
	writeSettings(t, filepath.Join(dir, "W2", "WorkerSettings.config"), "WorkerSettings.config.tmpl", "NAME", "W2", "MASTER", old, "WORKER", w2)
	r = runBin(t, dir, scaleoutCheckArgs...)
	if r.code != 1 {
		t.Fatalf("stale worker: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	d := parseScaleout(t, r)
	if d.Healthy || len(d.Findings) != 1 {
		t.Fatalf("stale worker: %+v", d)
	}
	f := d.Findings[0]
	if f.Code != "master-thumbprint-mismatch" || f.Host != "W2" || f.Severity != "error" ||
		!strings.Contains(f.Message, "<MasterHttpsCertThumbprint>") || !strings.Contains(f.Message, old) ||
		!strings.Contains(f.Fix, "set <MasterHttpsCertThumbprint> in W2/WorkerSettings.config to "+master) {
		t.Fatalf("finding %+v", f)
	}
	// The same without --json: readable, same exit code.
	args := []string{}
	for _, a := range scaleoutCheckArgs {
		if a != "--json" {
			args = append(args, a)
		}
	}
	r = runBin(t, dir, args...)
	if r.code != 1 || !strings.Contains(r.stdout, "ERROR master-thumbprint-mismatch on W2") || !strings.Contains(r.stdout, master) {
		t.Fatalf("text output: exit %d\n%s", r.code, r.stdout)
	}
	assertClean(t, r)
}

func TestScaleoutCheckSSISDBFromTheSimulator(t *testing.T) {
	dir := t.TempDir()
	master, _, _ := scaleoutFiles(t, dir)
	cl := startTestSim(t)
	old := "01D207B300CA662F479BEB884EFE6CE328F77D53"
	if err := cl.SetSSISDB("HOST_A", sim.DemoSSISDB("MASTER01", old, []string{"W1", "W2"}, time.Now())); err != nil {
		t.Fatal(err)
	}
	args := append(append([]string{}, scaleoutCheckArgs...), "--ssisdb", cl.Instances()[0].Addr, "-U", "sa", "-C")
	r := runWithEnv(t, dir, []string{"MIRRORCERT_PASSWORD_SSISDB=" + e2eSimPassword}, args...)
	if r.code != 1 {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	d := parseScaleout(t, r)
	if len(d.Findings) != 1 {
		t.Fatalf("findings %+v", d.Findings)
	}
	f := d.Findings[0]
	if f.Code != "master-thumbprint-mismatch" || f.Host != "MASTER01" || !strings.Contains(f.Message, "SSISDB catalog.master_properties SSLCERT_THUMBPRINT") ||
		!strings.Contains(f.Message, old) || !strings.Contains(f.Fix, master) {
		t.Fatalf("finding %+v", f)
	}
	if strings.Contains(r.stdout+r.stderr, e2eSimPassword) {
		t.Fatal("the password appears in the output")
	}

	// The master restarted and recorded the new thumbprint: all agree.
	if err := cl.SetSSISDB("HOST_A", sim.DemoSSISDB("MASTER01", master, []string{"W1", "W2"}, time.Now())); err != nil {
		t.Fatal(err)
	}
	r = runWithEnv(t, dir, []string{"MIRRORCERT_PASSWORD_SSISDB=" + e2eSimPassword}, args...)
	if r.code != 0 {
		t.Fatalf("after the fix: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}

	// No password: a clear error, exit 2.
	r = runBin(t, dir, args...)
	if r.code != 2 || !strings.Contains(r.stderr, "MIRRORCERT_PASSWORD_SSISDB") {
		t.Fatalf("no password: exit %d\n%s", r.code, r.stderr)
	}
}

func TestScaleoutCheckBadInput(t *testing.T) {
	dir := t.TempDir()
	scaleoutFiles(t, dir)
	if err := os.WriteFile(filepath.Join(dir, "junk.config"), []byte("<a><b></a>"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"scaleout", "check"}, "nothing to check"},
		{[]string{"scaleout", "check", "--worker-cert", "SSISScaleOutWorker-W1.cer"}, "NAME=FILE"},
		{[]string{"scaleout", "check", "--master-config", "missing.config"}, "missing.config"},
		{[]string{"scaleout", "check", "--master-config", "junk.config"}, "junk.config"},
		{[]string{"scaleout", "check", "--master-cert", "MasterSettings.config"}, "not a certificate"},
		{[]string{"scaleout", "check", "--master-config", "MasterSettings.config", "--master-port", "99999"}, "--master-port"},
		{[]string{"scaleout", "check", "--master-config", "MasterSettings.config", "--ssisdb", "h,1", "-N", "bogus", "-U", "sa"}, "-N"},
		{[]string{"scaleout", "check", "--worker-config", "W1/WorkerSettings.config", "--worker-config", "W1=W2/WorkerSettings.config"}, "two files for worker W1"},
	} {
		r := runBin(t, dir, c.args...)
		if r.code != 2 || !strings.Contains(r.stderr, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", c.args, r.code, r.stderr, c.want)
		}
		assertClean(t, r)
	}
}

func TestScaleoutCheckSSISDBUnreachable(t *testing.T) {
	dir := t.TempDir()
	scaleoutFiles(t, dir)
	r := runWithEnv(t, dir, []string{"MIRRORCERT_PASSWORD_SSISDB=Not-Shown-9x"}, "scaleout", "check", "--json",
		"--master-config", "MasterSettings.config", "--ssisdb", "127.0.0.1,1", "-U", "sa", "-l", "5")
	if r.code != 2 || !strings.Contains(r.stderr, "cannot reach the server") || strings.Contains(r.stdout+r.stderr, "Not-Shown-9x") {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	var d struct {
		Hosts []struct {
			Name      string  `json:"name"`
			Connected bool    `json:"connected"`
			Error     *string `json:"error"`
		} `json:"hosts"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &d); err != nil || len(d.Hosts) != 1 || d.Hosts[0].Connected || d.Hosts[0].Error == nil {
		t.Fatalf("JSON %v %+v\n%s", err, d, r.stdout)
	}
}

func TestScaleoutScriptFiles(t *testing.T) {
	dir := t.TempDir()
	args := []string{"scaleout", "script", "--master", "MASTER01", "--master-port", "8391", "--workers", "W1=10.0.2.8,W2=10.0.2.9", "--change", "both", "-o", "out"}
	r := runBin(t, dir, args...)
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	want := []string{"scaleout-master-MASTER01.ps1", "scaleout-worker-W1.ps1", "scaleout-worker-W2.ps1"}
	if got := listDir(t, filepath.Join(dir, "out")); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("files %v, want %v (and no temporary files)", got, want)
	}
	w1, err := os.ReadFile(filepath.Join(dir, "out", "scaleout-worker-W1.ps1"))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"\ufeff#Requires -RunAsAdministrator", "$WorkerSan = '2.5.29.17={text}DNS=W1&IPAddress=10.0.2.8'", "SSISScaleOutMaster.cer"} {
		if !strings.Contains(string(w1), s) {
			t.Errorf("worker script lacks %q", s)
		}
	}
	before, _ := os.ReadFile(filepath.Join(dir, "out", want[0]))
	r = runBin(t, dir, append(args[:len(args)-2:len(args)-2], "--master", "OTHER", "-o", "out")...)
	if r.code != 2 || !strings.Contains(r.stderr, "already has") || !strings.Contains(r.stderr, "--force") {
		t.Fatalf("second run: exit %d %s", r.code, r.stderr)
	}
	after, _ := os.ReadFile(filepath.Join(dir, "out", want[0]))
	if string(before) != string(after) {
		t.Fatal("an existing script was overwritten")
	}
	for _, bad := range [][]string{
		{"scaleout", "script", "--workers", "W1"},
		{"scaleout", "script", "--master", "M'; calc", "--workers", "W1"},
		{"scaleout", "script", "--master", "M", "--workers", "W1=999.1.1.1"},
		{"scaleout", "script", "--master", "M", "--workers", "W1", "--master-port", "0"},
		{"scaleout", "script", "--master", "M", "--workers", "W1", "--change", "everything"},
	} {
		r := runBin(t, dir, bad...)
		if r.code != 2 || r.stderr == "" {
			t.Errorf("%v: exit %d %q", bad, r.code, r.stderr)
		}
		assertClean(t, r)
	}
}

// `mirrorcert sim --ssisdb` serves the catalog the way `scaleout check
// --ssisdb` reads it: one binary reads the other's over TDS.
func TestSimSSISDBFlagServesTheCatalog(t *testing.T) {
	const pw = "Ssisdb_Passw0rd!"
	cmd, lines, stderr := startSimBin(t, []string{simPasswordEnv + "=" + pw}, "--base-port", "0", "--ssisdb", "--ssisdb-thumbprint", "aa bb cc dd ee ff 00 11 22 33 44 55 66 77 88 99 aa bb cc dd")
	defer func() { _ = cmd.Process.Signal(os.Interrupt); _ = cmd.Wait() }()
	addr := strings.Fields(lines[0])[1]
	dir := t.TempDir()
	master := writeCer(t, filepath.Join(dir, "m.cer"), "HOST_A", false)
	r := runWithEnv(t, dir, []string{"MIRRORCERT_PASSWORD_SSISDB=" + pw}, "scaleout", "check", "--json", "--master-cert", "m.cer", "--ssisdb", addr, "-U", "sa", "-C")
	if r.code != 1 {
		t.Fatalf("exit %d\n%s\n%s\n%s", r.code, r.stdout, r.stderr, stderr.String())
	}
	d := parseScaleout(t, r)
	if len(d.Findings) != 1 || !strings.Contains(d.Findings[0].Message, "AABBCCDDEEFF00112233445566778899AABBCCDD") || !strings.Contains(d.Findings[0].Fix, master) {
		t.Fatalf("findings %+v", d.Findings)
	}
	if bad := runBin(t, dir, "sim", "--ssisdb", "--ssisdb-thumbprint", "xyz"); bad.code != 2 || !strings.Contains(bad.stderr, "--ssisdb-thumbprint") {
		t.Fatalf("bad thumbprint: exit %d %s", bad.code, bad.stderr)
	}
}
