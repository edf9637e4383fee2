package scaleout

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestNormalizeThumbprint(t *testing.T) {
	cases := []struct {
		in   string
		want string
		ok   bool
	}{
		{"01d207b300ca662f479beb884efe6ce328f77d53", "01D207B300CA662F479BEB884EFE6CE328F77D53", true},
		{"01 d2 07 b3 00 ca 66 2f 47 9b eb 88 4e fe 6c e3 28 f7 7d 53", "01D207B300CA662F479BEB884EFE6CE328F77D53", true},
		{"\u200e01d207b300ca662f479beb884efe6ce328f77d53", "01D207B300CA662F479BEB884EFE6CE328F77D53", true},
		{"01:D2:07:B3:00:CA:66:2F:47:9B:EB:88:4E:FE:6C:E3:28:F7:7D:53", "01D207B300CA662F479BEB884EFE6CE328F77D53", true},
		{"01d207b300ca662f479beb884efe6ce328f77d5", "", false},
		{"zz d207b300ca662f479beb884efe6ce328f77d53", "", false},
		{"", "", false},
	}
	for _, c := range cases {
		got, ok := NormalizeThumbprint(c.in)
		if ok != c.ok || (ok && got != c.want) {
			t.Errorf("NormalizeThumbprint(%q) = %q, %v; want %q, %v", c.in, got, ok, c.want, c.ok)
		}
	}
	if !SameThumbprint("ab"+strings.Repeat("0", 38), " AB "+strings.Repeat("0", 38)) {
		t.Error("case and spaces must not matter")
	}
	if SameThumbprint("x", "x") {
		t.Error("two non-thumbprints must not compare equal")
	}
}

func TestParseConfigByElementNameAnywhere(t *testing.T) {
	// The documented files, with BOM, CRLF and a default namespace; and
	// the same elements nested one level deeper under another root.
	cf := config(t, "MasterSettings.config", "MasterSettings.config.tmpl", "MASTER", "AB12")
	if v, ok := cf.Get("SSLCertThumbprint"); !ok || v != "AB12" {
		t.Fatalf("SSLCertThumbprint = %q, %v", v, ok)
	}
	if v, _ := cf.Get("portnumber"); v != "8391" {
		t.Fatalf("PortNumber = %q", v)
	}
	nested := `<configuration><x:appSettings xmlns:x="urn:other"><x:Settings>
	  <x:MasterHttpsCertThumbprint>
	     CD34
	  </x:MasterHttpsCertThumbprint></x:Settings></x:appSettings></configuration>`
	cf, err := ParseConfig("w.config", []byte(nested))
	if err != nil {
		t.Fatal(err)
	}
	if v, ok := cf.Get("MasterHttpsCertThumbprint"); !ok || v != "CD34" {
		t.Fatalf("nested MasterHttpsCertThumbprint = %q, %v", v, ok)
	}
	if _, ok := cf.Get("Settings"); ok {
		t.Error("an element with children is not a value")
	}
	for _, bad := range []string{"", "not xml", "<a><b></a>"} {
		if _, err := ParseConfig("bad.config", []byte(bad)); err == nil {
			t.Errorf("ParseConfig(%q) succeeded", bad)
		} else if !strings.Contains(err.Error(), "bad.config") {
			t.Errorf("error %q does not name the file", err)
		}
	}
}

func TestParseNetsh(t *testing.T) {
	out := string(fill(t, "netsh-show-sslcert-8391.txt.tmpl", "HASH", "01d207b300ca662f479beb884efe6ce328f77d53"))
	bs, known := ParseNetshSSLCert(out)
	if !known || len(bs) != 1 {
		t.Fatalf("got %+v known=%v", bs, known)
	}
	b := bs[0]
	if b.IPPort != "0.0.0.0:8391" || b.CertHash != "01d207b300ca662f479beb884efe6ce328f77d53" ||
		b.AppID != "{a1f96506-93e0-4c91-9171-05a2f6739e13}" || b.StoreName != "Root" {
		t.Fatalf("binding = %+v", b)
	}
	if _, ok := BindingFor(bs, "0.0.0.0:8391"); !ok {
		t.Error("BindingFor did not find the port")
	}
	none, err := os.ReadFile(filepath.Join("testdata", "netsh-show-sslcert-none.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if bs, known := ParseNetshSSLCert(string(none)); !known || len(bs) != 0 {
		t.Fatalf("no binding: got %+v known=%v", bs, known)
	}
	de, err := os.ReadFile(filepath.Join("testdata", "netsh-show-sslcert-de.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if _, known := ParseNetshSSLCert(string(de)); known {
		t.Fatal("German netsh output must be reported as unreadable, not as a binding without hash")
	}
	// Two bindings: each keeps its own fields.
	two := out + strings.ReplaceAll(strings.ReplaceAll(out, "0.0.0.0:8391", "0.0.0.0:443"), "01d207b3", "ffffffff")
	bs, _ = ParseNetshSSLCert(two)
	if len(bs) != 2 || bs[1].IPPort != "0.0.0.0:443" || !strings.HasPrefix(bs[1].CertHash, "ffffffff") || bs[0].CertHash[:8] != "01d207b3" {
		t.Fatalf("two bindings: %+v", bs)
	}
}

func TestParseCertDERAndPEM(t *testing.T) {
	der := makeCert(t, certSpec{cns: []string{"WorkerMachine", "10.0.2.8"}, dns: []string{"worker.corp.example"}, ips: []string{"10.0.2.8"}})
	a, err := ParseCert("w.cer", der)
	if err != nil {
		t.Fatal(err)
	}
	b, err := ParseCert("w.pem", pemOf(der))
	if err != nil {
		t.Fatal(err)
	}
	if a.Thumbprint != b.Thumbprint || len(a.Thumbprint) != 40 {
		t.Fatalf("thumbprints %s / %s", a.Thumbprint, b.Thumbprint)
	}
	if len(a.CNs) != 2 || a.CNs[0] != "WorkerMachine" {
		t.Fatalf("CNs = %v", a.CNs)
	}
	for _, h := range []string{"workermachine", "10.0.2.8", "WORKER.corp.example."} {
		if !a.Covers(h) {
			t.Errorf("certificate should cover %s", h)
		}
	}
	if a.Covers("10.0.2.9") || a.Covers("other") {
		t.Error("covers a name it does not have")
	}
	if _, err := ParseCert("junk.cer", []byte("junk")); err == nil || !strings.Contains(err.Error(), "junk.cer") {
		t.Fatalf("junk: %v", err)
	}
}
