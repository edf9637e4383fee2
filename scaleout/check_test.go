package scaleout

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// world is a consistent Scale Out: a master and two workers whose files all
// agree. Tests break one thing at a time.
type world struct {
	master, w1, w2 *CertInfo
	in             Inputs
}

func newWorld(t *testing.T) *world {
	t.Helper()
	w := &world{
		master: certInfo(t, "SSISScaleOutMaster.cer", certSpec{cns: []string{"MASTER01"}}),
		w1:     certInfo(t, "SSISScaleOutWorker-W1.cer", certSpec{cns: []string{"W1", "10.0.2.8"}}),
		w2:     certInfo(t, "SSISScaleOutWorker-W2.cer", certSpec{cns: []string{"W2"}}),
	}
	w.in = Inputs{
		Master:       "MASTER01",
		MasterConfig: config(t, `C:\master\MasterSettings.config`, "MasterSettings.config.tmpl", "MASTER", strings.ToLower(w.master.Thumbprint)),
		MasterCert:   w.master,
		Workers: []WorkerInput{
			{Name: "W1", Cert: w.w1, Config: config(t, "W1/WorkerSettings.config", "WorkerSettings.config.tmpl", "NAME", "W1", "MASTER", w.master.Thumbprint, "WORKER", w.w1.Thumbprint)},
			{Name: "W2", Cert: w.w2, Config: config(t, "W2/WorkerSettings.config", "WorkerSettings.config.tmpl", "NAME", "W2", "MASTER", w.master.Thumbprint, "WORKER", w.w2.Thumbprint)},
		},
		Now: testNow,
	}
	return w
}

func find(fs []Finding, code, host string) *Finding {
	for i := range fs {
		if fs[i].Code == code && fs[i].Host == host {
			return &fs[i]
		}
	}
	return nil
}

func TestCheckAgreeingConfigsHaveNoFinding(t *testing.T) {
	w := newWorld(t)
	if fs := Check(w.in); len(fs) != 0 {
		t.Fatalf("findings on a consistent Scale Out: %+v", fs)
	}
}

func TestCheckWorkerStillNamesOldMasterThumbprint(t *testing.T) {
	w := newWorld(t)
	old := certInfo(t, "old.cer", certSpec{cns: []string{"MASTER01"}})
	w.in.Workers[1].Config = config(t, "W2/WorkerSettings.config", "WorkerSettings.config.tmpl", "NAME", "W2", "MASTER", old.Thumbprint, "WORKER", w.w2.Thumbprint)
	fs := Check(w.in)
	if len(fs) != 1 {
		t.Fatalf("want one finding, got %v", codes(fs))
	}
	f := fs[0]
	if f.Code != CodeMasterThumbprint || f.Host != "W2" || f.Peer != "MASTER01" || f.Severity != SevError {
		t.Fatalf("finding = %+v", f)
	}
	for _, want := range []string{"W2/WorkerSettings.config", "<MasterHttpsCertThumbprint>", old.Thumbprint, w.master.Thumbprint} {
		if !strings.Contains(f.Message, want) {
			t.Errorf("message %q lacks %q", f.Message, want)
		}
	}
	if !strings.Contains(f.Fix, "set <MasterHttpsCertThumbprint> in W2/WorkerSettings.config to "+w.master.Thumbprint) || !strings.Contains(f.Fix, "restart the Scale Out Worker") {
		t.Errorf("fix = %q", f.Fix)
	}
}

func TestCheckReferenceWithoutMasterCert(t *testing.T) {
	// Without the .cer, MasterSettings.config is the reference: a worker
	// that differs is the one reported, never the master.
	w := newWorld(t)
	w.in.MasterCert = nil
	other := certInfo(t, "x.cer", certSpec{cns: []string{"MASTER01"}})
	w.in.Workers[0].Config = config(t, "W1.config", "WorkerSettings.config.tmpl", "NAME", "W1", "MASTER", other.Thumbprint, "WORKER", w.w1.Thumbprint)
	fs := Check(w.in)
	if got := codes(fs); !slices.Equal(got, []string{"master-thumbprint-mismatch@W1"}) {
		t.Fatalf("findings %v", got)
	}
	if !strings.Contains(fs[0].Message, "<SSLCertThumbprint>") {
		t.Errorf("message should name the reference element: %q", fs[0].Message)
	}
}

func TestCheckMasterConfigAndWorkerCert(t *testing.T) {
	w := newWorld(t)
	other := certInfo(t, "x.cer", certSpec{cns: []string{"W1"}})
	w.in.MasterConfig = config(t, "MasterSettings.config", "MasterSettings.config.tmpl", "MASTER", other.Thumbprint)
	w.in.Workers[0].Config = config(t, "W1.config", "WorkerSettings.config.tmpl", "NAME", "W1", "MASTER", w.master.Thumbprint, "WORKER", other.Thumbprint)
	fs := Check(w.in)
	m := find(fs, CodeMasterThumbprint, "MASTER01")
	if m == nil || !strings.Contains(m.Fix, "set <SSLCertThumbprint> in MasterSettings.config to "+w.master.Thumbprint) || m.Peer != "" {
		t.Fatalf("master finding %+v in %v", m, codes(fs))
	}
	wf := find(fs, CodeWorkerThumbprint, "W1")
	if wf == nil || !strings.Contains(wf.Fix, "<WorkerHttpsCertThumbprint>") || !strings.Contains(wf.Fix, w.w1.Thumbprint) {
		t.Fatalf("worker finding %+v in %v", wf, codes(fs))
	}
}

func TestCheckInvisibleCharacterAndMissingElement(t *testing.T) {
	w := newWorld(t)
	w.in.Workers[0].Config = config(t, "W1.config", "WorkerSettings.config.tmpl", "NAME", "W1", "MASTER", "\u200e"+w.master.Thumbprint, "WORKER", w.w1.Thumbprint)
	cf, err := ParseConfig("W2.config", []byte(`<WorkerSettings><MasterEndpoint>https://MASTER01:8391</MasterEndpoint></WorkerSettings>`))
	if err != nil {
		t.Fatal(err)
	}
	w.in.Workers[1].Config = cf
	fs := Check(w.in)
	bad := find(fs, CodeThumbprintBad, "W1")
	if bad == nil || !strings.Contains(bad.Message, "U+200E") || !strings.Contains(bad.Fix, w.master.Thumbprint) {
		t.Fatalf("invisible mark: %+v in %v", bad, codes(fs))
	}
	if find(fs, CodeMasterThumbprint, "W1") != nil {
		t.Error("the same value was reported twice")
	}
	miss := find(fs, CodeElementMissing, "W2")
	if miss == nil || !strings.Contains(miss.Message, "MasterHttpsCertThumbprint") {
		t.Fatalf("missing element: %v", codes(fs))
	}
}

func TestCheckMasterCertNamesAndPort(t *testing.T) {
	w := newWorld(t)
	w.in.MasterCert = certInfo(t, "m.cer", certSpec{cns: []string{"MASTER01"}, dns: []string{"master01.corp.example"}})
	w.in.MasterConfig = nil
	w.in.Workers[0].Config = config(t, "W1.config", "WorkerSettings.config.tmpl", "NAME", "W1", "MASTER", w.in.MasterCert.Thumbprint, "WORKER", w.w1.Thumbprint)
	w.in.Workers[1].Config = config(t, "W2.config", "WorkerSettings.config.tmpl", "NAME", "W2", "MASTER", w.in.MasterCert.Thumbprint, "WORKER", w.w2.Thumbprint)
	// W2 connects to an alias that is not in the certificate, on the wrong port.
	raw := strings.ReplaceAll(string(fill(t, "WorkerSettings.config.tmpl", "NAME", "W2", "MASTER", w.in.MasterCert.Thumbprint, "WORKER", w.w2.Thumbprint)),
		"https://MASTER01:8391", "https://ssis-master.corp.example:8392")
	cf, err := ParseConfig("W2.config", []byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	w.in.Workers[1].Config = cf
	fs := Check(w.in)
	if got := codes(fs); !slices.Equal(got, []string{"master-cert-name-mismatch@W2", "master-port-mismatch@W2"}) {
		t.Fatalf("findings %v", got)
	}
	if !strings.Contains(fs[0].Evidence, "MASTER01, master01.corp.example") || !strings.Contains(fs[0].Fix, "CN=ssis-master.corp.example") {
		t.Errorf("name finding %+v", fs[0])
	}
}

func TestCheckSSISDB(t *testing.T) {
	w := newWorld(t)
	old := certInfo(t, "old.cer", certSpec{cns: []string{"MASTER01"}})
	w.in.SSISDB = &SSISDBInfo{Server: "MASTER01", Properties: map[string]string{"SSLCERT_THUMBPRINT": old.Thumbprint},
		Workers: []WorkerAgent{
			{ID: "6583054A-E915-4C2A-80E4-C765E79EF61D", MachineName: "W1", IsEnabled: true, LastOnline: testNow.Add(-time.Minute)},
			{ID: "00000000-0000-0000-0000-000000000002", MachineName: "W2", IsEnabled: true, LastOnline: testNow.Add(-3 * time.Hour)},
		}}
	fs := Check(w.in)
	if got := codes(fs); !slices.Equal(got, []string{"master-thumbprint-mismatch@MASTER01", "worker-offline@W2"}) {
		t.Fatalf("findings %v", got)
	}
	if !strings.Contains(fs[0].Message, "catalog.master_properties SSLCERT_THUMBPRINT") || !strings.Contains(fs[0].Fix, "N'"+w.master.Thumbprint+"'") {
		t.Errorf("ssisdb finding %+v", fs[0])
	}
	if !strings.Contains(fs[1].Evidence, "LastOnlineTime = 2026-11-30T06:00:00Z") {
		t.Errorf("offline evidence %q", fs[1].Evidence)
	}
	w.in.SSISDB = &SSISDBInfo{Server: "S", Properties: map[string]string{}}
	fs = Check(w.in)
	if find(fs, CodeSSISDBProperty, "MASTER01") == nil || find(fs, CodeWorkerNotInCatalog, "W1") == nil {
		t.Fatalf("empty catalog: %v", codes(fs))
	}
}

func TestCheckLocalMasterBindingAndStores(t *testing.T) {
	w := newWorld(t)
	out := string(fill(t, "netsh-show-sslcert-8391.txt.tmpl", "HASH", "00"+w.master.Thumbprint[2:]))
	bs, known := ParseNetshSSLCert(out)
	if !known {
		t.Fatal("recorded output unreadable")
	}
	w.in.Local = &LocalInfo{Machine: "MASTER01", IsMaster: true, Bindings: bs, BindingsRead: true, Root: []CertInfo{*w.master, *w.w1}}
	fs := Check(w.in)
	if got := codes(fs); !slices.Equal(got, []string{"master-thumbprint-mismatch@MASTER01", "worker-cert-not-trusted@MASTER01"}) {
		t.Fatalf("findings %v", got)
	}
	if !strings.Contains(fs[0].Fix, "appid={a1f96506-93e0-4c91-9171-05a2f6739e13}") || !strings.Contains(fs[0].Fix, "certhash="+w.master.Thumbprint) {
		t.Errorf("binding fix %q", fs[0].Fix)
	}
	if fs[1].Peer != "W2" {
		t.Errorf("untrusted worker %+v", fs[1])
	}
	w.in.Local.Bindings = nil
	if f := find(Check(w.in), CodeBindingMissing, "MASTER01"); f == nil {
		t.Fatal("missing binding not reported")
	}
}

func TestCheckLocalWorkerStores(t *testing.T) {
	w := newWorld(t)
	w.in.Local = &LocalInfo{Machine: "W1", IsWorker: true}
	fs := Check(w.in)
	if got := codes(fs); !slices.Equal(got, []string{"cert-not-in-store@W1", "master-cert-not-trusted@W1"}) {
		t.Fatalf("findings %v", got)
	}
	w.in.Local.Root = []CertInfo{*w.master}
	w.in.Local.My = []CertInfo{*w.w1}
	if fs := Check(w.in); len(fs) != 0 {
		t.Fatalf("findings with the stores right: %v", codes(fs))
	}
}

func TestCheckExpiry(t *testing.T) {
	w := newWorld(t)
	w.in.MasterCert.NotAfter = testNow.AddDate(0, 0, -1)
	w.in.Workers[0].Cert.NotAfter = testNow.AddDate(0, 0, 20)
	w.in.Workers[1].Cert.NotBefore = testNow.Add(time.Hour)
	fs := Check(w.in)
	if got := codes(fs); !slices.Equal(got, []string{"cert-expired@MASTER01", "cert-not-yet-valid@W2", "cert-expiring@W1"}) {
		t.Fatalf("findings %v", got)
	}
	if !strings.Contains(fs[2].Message, "in 20 days") {
		t.Errorf("expiring %q", fs[2].Message)
	}
	// No window (--warn-days 0): the expired and not-yet-valid stay, the
	// expiring one is no finding.
	w.in.WarnDays = -1
	if got := codes(Check(w.in)); !slices.Equal(got, []string{"cert-expired@MASTER01", "cert-not-yet-valid@W2"}) {
		t.Fatalf("findings with no warning window %v", got)
	}
}
