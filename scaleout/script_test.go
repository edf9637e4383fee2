package scaleout

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden scripts in testdata")

var goldenMeta = Meta{Version: "test", Date: time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)}

func mustPlan(t *testing.T, in PlanInput) *Plan {
	t.Helper()
	p, err := NewPlan(in)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// The done-when of the issue: master + 2 workers, every value filled in,
// the documented commands in the documented order. The goldens are the
// review copy; the assertions below say what must hold whatever the text.
func TestScriptsGolden(t *testing.T) {
	for _, change := range []string{"master", "worker", "both"} {
		p := mustPlan(t, PlanInput{Master: "MASTER01,ssis-master.corp.example", Port: 8391, Workers: "W1=10.0.2.8,W2=10.0.2.9", Change: change})
		scripts := p.Scripts()
		if len(scripts) != 3 {
			t.Fatalf("%s: %d scripts, want master + 2 workers", change, len(scripts))
		}
		for _, s := range scripts {
			got := p.Render(s, goldenMeta)
			path := filepath.Join("testdata", "golden", change, s.File)
			if *update {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				continue
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./scaleout -update to write the goldens)", err)
			}
			if got != string(want) {
				t.Errorf("%s differs from %s (go test ./scaleout -update, then review the diff)", s.File, path)
			}
		}
	}
}

// inOrder checks that each needle appears after the previous one.
func inOrder(t *testing.T, name, text string, needles ...string) {
	t.Helper()
	at := 0
	for _, n := range needles {
		i := strings.Index(text[at:], n)
		if i < 0 {
			t.Errorf("%s: %q missing after position %d", name, n, at)
			return
		}
		at += i + len(n)
	}
}

func TestMasterScriptDocumentedOrderAndValues(t *testing.T) {
	p := mustPlan(t, PlanInput{Master: "MASTER01", Port: 9000, Workers: "W1=10.0.2.8,W2", SQLVersion: "150"})
	m := p.Render(p.Scripts()[0], goldenMeta)
	inOrder(t, "master", m,
		"$IpPort = '0.0.0.0:9000'",
		"$MasterService = 'SSISScaleOutMaster150'",
		`$MasterConfig = 'C:\Program Files\Microsoft SQL Server\150\DTS\Binn\MasterSettings.config'`,
		"New-SelfSignedCertificate -Subject $Subject", // helper: create
		"Export-Certificate",
		"netsh http show sslcert", // helper: read the binding
		"'http', 'delete', 'sslcert'",
		"'http', 'add', 'sslcert', ('ipport=' + $IpPort), ('certhash=' + $Thumbprint), 'certstorename=Root', ('appid=' + $appid)",
		"Step-CreateCertificate -Id 'master/create-certificate'", // steps, in order
		"netsh http show sslcert ipport=0.0.0.0:9000",
		"netsh http delete sslcert ipport=0.0.0.0:9000",
		"netsh http add sslcert ipport=0.0.0.0:9000 certhash=<thumbprint> certstorename=Root appid=<the original appid>",
		"Step-BindCertificate",
		"Step-SetConfig -Id 'master/config' -Path $MasterConfig -Element 'SSLCertThumbprint' -Value $script:MasterThumbprint",
		"Restart-Service -Name SSISScaleOutMaster150",
		"Step-RestartService -Id 'master/restart-service'",
		"Next: copy SSISScaleOutMaster.cer",
	)
	if strings.Contains(m, "trust-worker") {
		t.Error("a master-only change must not wait for worker certificates")
	}
	w1 := p.Render(p.Scripts()[1], goldenMeta)
	inOrder(t, "worker", w1,
		"$MasterCerFile = Join-Path $PSScriptRoot 'SSISScaleOutMaster.cer'",
		"Step-ImportCertificate -Id 'worker/W1/trust-master' -CerFile $MasterCerFile",
		"$script:MasterThumbprint = Get-CerThumbprint $MasterCerFile",
		"-Element 'MasterHttpsCertThumbprint' -Value $script:MasterThumbprint",
		"Step-RestartService -Id 'worker/W1/restart-service' -Name $WorkerService",
	)
	if strings.Contains(w1, "create-certificate'") {
		t.Error("a master-only change must not replace worker certificates")
	}
}

func TestWorkerScriptDocumentedOrder(t *testing.T) {
	p := mustPlan(t, PlanInput{Master: "MASTER01", Workers: "W1=10.0.2.8", Change: "worker", WorkerAccount: `CORP\svc-ssis`})
	m := p.Render(p.Scripts()[0], goldenMeta)
	if strings.Contains(m, "Step-BindCertificate -Id") || !strings.Contains(m, "Step-ImportCertificate -Id 'master/trust-worker/W1' -CerFile $WorkerCerFiles[0]") {
		t.Error("a worker-only change: the master only trusts the new worker certificate")
	}
	w := p.Render(p.Scripts()[1], goldenMeta)
	inOrder(t, "worker", w,
		"$WorkerSubject = 'CN=W1, CN=10.0.2.8'",
		"$WorkerSan = '2.5.29.17={text}DNS=W1&IPAddress=10.0.2.8'",
		`$WorkerAccount = 'CORP\svc-ssis'`,
		"Step-CreateCertificate -Id 'worker/W1/create-certificate' -Store 'My'", // 1
		"Step-ImportCertificate -Id 'worker/W1/trust-own-certificate'",          // 2
		"Step-GrantKeyAccess",                                                   // 3
		"Step-RemoveOldCertificate",
		"-Element 'WorkerHttpsCertThumbprint' -Value $script:WorkerThumbprint", // 4
		"Step-WaitForMaster",                                                   // 5: on the master
		"Step-RestartService -Id 'worker/W1/restart-service'",                  // 6
	)
}

func TestScriptsHoldNoSecretAndQuoteOnce(t *testing.T) {
	p := mustPlan(t, PlanInput{Master: "MASTER01", Workers: "W1", Change: "both"})
	for _, s := range p.Scripts() {
		text := p.Render(s, goldenMeta)
		for _, bad := range []string{"Password", "pfx", "PFX", "ConvertTo-SecureString", "Export-PfxCertificate", "Invoke-Expression", "$(", "\"$"} {
			if strings.Contains(text, bad) {
				t.Errorf("%s contains %q", s.File, bad)
			}
		}
	}
}

// psUnquote reads one PowerShell single-quoted literal at the start of s
// the way PowerShell does (any of the four single quotes opens and closes
// it; two in a row are one literal quote) and returns its value and what
// follows.
func psUnquote(t *testing.T, s string) (string, string) {
	t.Helper()
	isQ := func(r rune) bool { return strings.ContainsRune("'\u2018\u2019\u201A\u201B", r) }
	rs := []rune(s)
	if len(rs) == 0 || !isQ(rs[0]) {
		t.Fatalf("not a single-quoted literal: %q", s)
	}
	var b strings.Builder
	for i := 1; i < len(rs); i++ {
		if isQ(rs[i]) {
			if i+1 < len(rs) && isQ(rs[i+1]) {
				b.WriteRune(rs[i+1])
				i++
				continue
			}
			return b.String(), string(rs[i+1:])
		}
		b.WriteRune(rs[i])
	}
	t.Fatalf("unterminated literal %q", s)
	return "", ""
}

func TestPSQuoteHostile(t *testing.T) {
	for _, v := range []string{
		"", "plain", "it's", "''", `C:\Program Files\x`, "$(Remove-Item C:\\)", "`n", "a\u2019; Remove-Item C:\\ #",
		"\u2018\u2019\u201A\u201B", "#> Write-Host pwned <#", "@(1)", `"double"`,
	} {
		lit := PSQuote(v)
		got, rest := psUnquote(t, lit)
		if got != v || rest != "" {
			t.Errorf("PSQuote(%q) = %s reads back as %q with %q left over", v, lit, got, rest)
		}
	}
}

func TestHostileBinnAndAccountStayInsideTheirLiteral(t *testing.T) {
	binn := "C:\\x\u2019; Remove-Item -Recurse C:\\ #> <# $(calc)"
	p := mustPlan(t, PlanInput{Master: "M", Workers: "W1", Change: "both", BinnDir: binn, WorkerAccount: "CORP\\o'brien"})
	for _, s := range p.Scripts() {
		text := p.Render(s, goldenMeta)
		for _, line := range strings.Split(text, "\n") {
			if strings.Contains(line, "Remove-Item -Recurse") || strings.Contains(line, "o'brien") || strings.Contains(line, "o''brien") {
				trimmed := strings.TrimSpace(line)
				if strings.HasPrefix(trimmed, "#") {
					continue // comments: shown, never run
				}
				name, val, ok := strings.Cut(trimmed, " = ")
				if !ok || !strings.HasPrefix(name, "$") {
					t.Fatalf("%s: a hostile value is outside the value block: %q", s.File, line)
				}
				got, rest := psUnquote(t, val)
				if rest != "" || !(strings.HasPrefix(got, binn) || got == "CORP\\o'brien") {
					t.Fatalf("%s: %s reads back as %q, rest %q", s.File, name, got, rest)
				}
			}
		}
	}
}

func TestNewPlanRejects(t *testing.T) {
	cases := []struct {
		in   PlanInput
		want string
	}{
		{PlanInput{Workers: "W1"}, "--master NAME is required"},
		{PlanInput{Master: "m;calc", Workers: "W1"}, "not a host name"},
		{PlanInput{Master: "M", Workers: "W1", Port: 70000}, "--master-port 70000"},
		{PlanInput{Master: "M", Workers: "W1", Port: -1}, "--master-port -1"},
		{PlanInput{Master: "M", Change: "worker"}, "--workers"},
		{PlanInput{Master: "M", Change: "both"}, "--workers"},
		{PlanInput{Master: "M", Workers: "W1=10.0.0.300"}, "W1=\"10.0.0.300\""},
		{PlanInput{Master: "M", Workers: "W1=0.0.0.0"}, "IP address"},
		{PlanInput{Master: "M", Workers: "10.0.0.1"}, "give the machine name"},
		{PlanInput{Master: "M", Workers: "W1,w1"}, "given twice"},
		{PlanInput{Master: "M", Workers: "W'1"}, "not a host name"},
		{PlanInput{Master: "M", Workers: "W1", Change: "all"}, "--change \"all\""},
		{PlanInput{Master: "M", Workers: "W1", SQLVersion: "13"}, "--sql-version"},
		{PlanInput{Master: "M", Workers: "W1", BinnDir: "C:\\a\nb"}, "control character"},
		{PlanInput{Master: "M", Workers: "W1", WorkerAccount: "a\u2028b"}, "control character"},
		{PlanInput{Master: "M", Workers: "W1", ValidYears: 50}, "--valid-years"},
	}
	for _, c := range cases {
		_, err := NewPlan(c.in)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("NewPlan(%+v) = %v, want an error with %q", c.in, err, c.want)
		}
	}
	if p := mustPlan(t, PlanInput{Master: "M"}); len(p.Scripts()) != 1 || !strings.Contains(p.Render(p.Scripts()[0], goldenMeta), "No worker was given") {
		t.Error("a master change without workers: the master's script alone, saying the workers need it too")
	}
	p := mustPlan(t, PlanInput{Master: "master01.corp.example,10.0.2.4,MASTER01.corp.example", Workers: " W1 , W2=fe80::1 "})
	if len(p.MasterNames) != 2 || p.Workers[1].IP != "fe80::1" || p.Change != ChangeMaster || p.Port != 8391 {
		t.Fatalf("plan %+v", p)
	}
	if got := sanExtension(p.MasterNames); got != "2.5.29.17={text}DNS=master01.corp.example&IPAddress=10.0.2.4" {
		t.Errorf("SAN %q", got)
	}
}
