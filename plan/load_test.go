package plan

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// now is the fixed clock of every test: expiry checks depend on it.
var testNow = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

// base is a valid plan; cases edit it by replacing text, so each line number
// below is the line in base (or in the replacement).
const base = `hosts:
  - name: HOST_A
    server: sqla.corp.example,1433
    role: partner
  - name: HOST_B
    server: sqlb.corp.example
    role: partner
  - name: HOST_W
    server: sqlw.corp.example\WIT
    role: witness
auth:
  user: sa
  encrypt: mandatory
endpoint:
  name: Endpoint_Mirroring
  port: 7024
  encryption: AES
certificate:
  expiry: 2029-11-30
transfer: inband
`

// edit returns base with old replaced by new, failing the test if old is absent.
func edit(t *testing.T, old, new string) string {
	t.Helper()
	if !strings.Contains(base, old) {
		t.Fatalf("base plan has no %q", old)
	}
	return strings.Replace(base, old, new, 1)
}

func problemsOf(t *testing.T, err error) []Problem {
	t.Helper()
	var pe *Error
	if !errors.As(err, &pe) {
		t.Fatalf("error %v (%T) is not a *plan.Error", err, err)
	}
	return pe.Problems
}

func TestParseValid(t *testing.T) {
	p, err := Parse([]byte(base), "plan.yaml", testNow)
	if err != nil {
		t.Fatal(err)
	}
	if p.Mode != ModeMirroring || p.Transfer != TransferInband {
		t.Errorf("mode/transfer = %q/%q", p.Mode, p.Transfer)
	}
	if len(p.Hosts) != 3 {
		t.Fatalf("hosts = %d", len(p.Hosts))
	}
	w := p.Hosts[2]
	if w.EndpointRole != "WITNESS" || p.Hosts[0].EndpointRole != "ALL" {
		t.Errorf("endpoint roles: A=%q W=%q", p.Hosts[0].EndpointRole, w.EndpointRole)
	}
	if w.Address != "sqlw.corp.example" {
		t.Errorf("W address = %q, want the server's host part", w.Address)
	}
	if w.Auth.User != "sa" || w.Auth.Encrypt != EncryptMandatory {
		t.Errorf("W auth = %+v, want the plan-wide block", w.Auth)
	}
	if len(p.Warnings) != 0 {
		t.Errorf("warnings: %v", p.Warnings)
	}
}

func TestDefaults(t *testing.T) {
	src := `hosts:
  - {name: A, server: a, role: partner}
  - {name: B, server: b, role: partner}
certificate: {expiry: 2030-01-01}
`
	p, err := Parse([]byte(src), "p.yaml", testNow)
	if err != nil {
		t.Fatal(err)
	}
	want := Endpoint{Name: "Endpoint_Mirroring", Port: 7024, Encryption: "AES"}
	if p.Endpoint != want {
		t.Errorf("endpoint = %+v, want %+v", p.Endpoint, want)
	}
	if p.Transfer != TransferInband || p.Mode != ModeMirroring {
		t.Errorf("transfer/mode = %q/%q", p.Transfer, p.Mode)
	}
	a := p.Hosts[0].Auth
	if !a.Integrated || a.User != "" || a.Encrypt != EncryptMandatory {
		t.Errorf("auth = %+v, want integrated (sqlcmd's default without -U) and encrypt mandatory", a)
	}
	if p.Certificate.Subject != DefaultSubject || p.Certificate.FileDir != `C:\` {
		t.Errorf("certificate = %+v", p.Certificate)
	}
	if p.CertFile("A") != `C:\A_cert.cer` {
		t.Errorf("CertFile = %q", p.CertFile("A"))
	}
}

func TestHostAuthOverrides(t *testing.T) {
	src := edit(t, "    role: witness\n", `    role: witness
    auth:
      integrated: true
      trust_server_certificate: false
      login_timeout: 30
`)
	src = strings.Replace(src, "  encrypt: mandatory\n", "  encrypt: strict\n  trust_server_certificate: true\n", 1)
	p, err := Parse([]byte(src), "p.yaml", testNow)
	if err != nil {
		t.Fatal(err)
	}
	w, a := p.Hosts[2].Auth, p.Hosts[0].Auth
	if w.User != "" || !w.Integrated || w.TrustServerCertificate || w.LoginTimeoutSeconds != 30 || w.Encrypt != EncryptStrict {
		t.Errorf("witness auth = %+v: the host block must replace user, keep an explicit false, inherit encrypt", w)
	}
	if a.User != "sa" || !a.TrustServerCertificate || a.Integrated {
		t.Errorf("HOST_A auth = %+v, want the plan-wide block", a)
	}
}

func TestProblems(t *testing.T) {
	long := strings.Repeat("N", 200)
	cases := []struct {
		name      string
		src       string
		field     string
		line      int
		msg       string // substring
		wantCount int    // 0 means exactly one problem
	}{
		{"duplicate host", edit(t, "name: HOST_B", "name: host_a"), "hosts[1].name", 5, "already the name of hosts[0] (line 2)", 0},
		{"three partners", edit(t, "    role: witness", "    role: partner"), "hosts[2].role", 10, "third partner", 0},
		{"two witnesses", edit(t, "server: sqlb.corp.example\n    role: partner", "server: sqlb.corp.example\n    role: witness"), "hosts[2].role", 10, "second witness", 0},
		{"one partner", edit(t, "server: sqlb.corp.example\n    role: partner", "server: sqlb.corp.example\n    role: mirror"), "hosts[1].role", 7, `"mirror" is not a role`, 0},
		{"missing role", edit(t, "server: sqlb.corp.example\n    role: partner\n", "server: sqlb.corp.example\n"), "hosts[1].role", 5, "missing; use partner", 0},
		{"replica in mirroring", edit(t, "    role: witness", "    role: replica"), "hosts[2].role", 10, "mode: ag", 0},
		{"bad server port", edit(t, "sqla.corp.example,1433", "sqla.corp.example,70000"), "hosts[0].server", 3, "1 to 65535", 0},
		{"server colon port", edit(t, "sqla.corp.example,1433", "sqla.corp.example:1433"), "hosts[0].server", 3, "after a comma", 0},
		{"server connection string", edit(t, "sqla.corp.example,1433", "server=sqla;password=hunter2"), "hosts[0].server", 3, "connection string", 0},
		{"server empty instance", edit(t, `sqlw.corp.example\WIT`, `sqlw.corp.example\`), "hosts[2].server", 9, "instance name", 0},
		{"missing server", edit(t, "    server: sqlb.corp.example\n", ""), "hosts[1].server", 5, "missing", 0},
		{"bad endpoint port", edit(t, "port: 7024", "port: 0"), "endpoint.port", 16, "not a TCP port", 0},
		{"port not a number", edit(t, "port: 7024", "port: seventy"), "endpoint.port", 16, "not a whole number", 0},
		{"unknown key", edit(t, "  expiry: 2029-11-30", "  expirey: 2029-11-30"), "certificate.expirey", 19, `did you mean "expiry"`, 0},
		{"unknown top key", edit(t, "transfer: inband", "transfers: inband"), "transfers", 20, `did you mean "transfer"`, 0},
		{"unknown key far", edit(t, "transfer: inband", "zzzzzzzz: 1"), "zzzzzzzz", 20, "valid keys here: mode, hosts", 0},
		{"duplicate key", edit(t, "  port: 7024\n", "  port: 7024\n  port: 7025\n"), "endpoint.port", 17, "set twice (first on line 16)", 0},
		{"password key", edit(t, "  user: sa\n", "  user: sa\n  password: hunter2\n"), "auth.password", 13, "MIRRORCERT_PASSWORD_<HOST>", 0},
		{"pwd key in host", edit(t, "    role: witness\n", "    role: witness\n    auth: {master_key_pwd: x}\n"), "hosts[2].auth.master_key_pwd", 11, "SQLCMDPASSWORD", 0},
		{"past expiry", edit(t, "2029-11-30", "2020-01-31"), "certificate.expiry", 19, "in the past", 0},
		{"missing expiry", edit(t, "certificate:\n  expiry: 2029-11-30\n", "certificate:\n  subject: x\n"), "certificate.expiry", 18, "missing", 0},
		{"bad date", edit(t, "2029-11-30", "30/11/2029"), "certificate.expiry", 19, "YYYY-MM-DD", 0},
		{"start after expiry", edit(t, "  expiry: 2029-11-30\n", "  expiry: 2029-11-30\n  start_date: 2030-01-01\n"), "certificate.start_date", 20, "not before the expiry", 0},
		{"long name", edit(t, "name: HOST_B", "name: "+long), "hosts[1].name", 5, "at most 128", 0},
		{"name starts with digit", edit(t, "name: HOST_B", "name: 2HOST"), "hosts[1].name", 5, "must start with a letter", 0},
		{"name with bracket", edit(t, "name: HOST_B", "name: \"B]; DROP LOGIN sa--\""), "hosts[1].name", 5, "only letters, digits and _", 0},
		{"missing name", edit(t, "  - name: HOST_B\n    server: sqlb.corp.example", "  - server: sqlb.corp.example"), "hosts[1].name", 5, "missing", 0},
		{"long endpoint name", edit(t, "name: Endpoint_Mirroring", "name: "+strings.Repeat("e", 129)), "endpoint.name", 15, "at most 128", 0},
		{"long subject", edit(t, "  expiry: 2029-11-30\n", "  expiry: 2029-11-30\n  subject: "+strings.Repeat("s", 125)+"{host}\n"), "certificate.subject", 20, "at most 128", 0},
		{"bad transfer", edit(t, "transfer: inband", "transfer: ftp"), "transfer", 20, "inband", 0},
		{"bad encryption", edit(t, "encryption: AES", "encryption: DES"), "endpoint.encryption", 17, "not an algorithm", 0},
		{"bad encrypt", edit(t, "encrypt: mandatory", "encrypt: required"), "auth.encrypt", 13, "disable, optional, mandatory or strict", 0},
		{"user and integrated", edit(t, "  user: sa\n", "  user: sa\n  integrated: true\n"), "auth.integrated", 13, "exclude each other", 0},
		{"bad bool", edit(t, "  user: sa\n", "  user: sa\n  trust_server_certificate: maybe\n"), "auth.trust_server_certificate", 13, "not true or false", 0},
		{"negative timeout", edit(t, "  user: sa\n", "  user: sa\n  login_timeout: -5\n"), "auth.login_timeout", 13, "out of range", 0},
		{"missing ca file", edit(t, "  user: sa\n", "  user: sa\n  ca_certificate: nowhere.pem\n"), "auth.ca_certificate", 13, "cannot read the CA certificate", 0},
		{"witness endpoint role partner", edit(t, "    role: witness\n", "    role: witness\n    endpoint_role: partner\n"), "hosts[2].endpoint_role", 11, "WITNESS or ALL", 0},
		{"bad endpoint role", edit(t, "    role: witness\n", "    role: witness\n    endpoint_role: boss\n"), "hosts[2].endpoint_role", 11, "ALL, PARTNER or WITNESS", 0},
		{"bad mode", "mode: cluster\n" + base, "mode", 1, "not a mode", 0},
		{"hosts not a list", "hosts: HOST_A\ncertificate: {expiry: 2029-11-30}\n", "hosts", 1, "list of hosts", 0},
		{"missing hosts", "certificate: {expiry: 2029-11-30}\n", "hosts", 1, "missing", 0},
		// yaml.v3 places a tab error on the line where the block began.
		{"yaml syntax", "hosts:\n  - name: A\n\t server: b\n", "", 2, "not valid YAML", 0},
		{"two documents", base + "---\nhosts: []\n", "", 21, "one YAML document", 0},
		{"empty", "", "", 0, "empty", 0},
		{"host as a value", "hosts:\n  - HOST_A\n  - {name: B, server: b, role: partner}\n  - {name: C, server: c, role: partner}\ncertificate: {expiry: 2029-11-30}\n",
			"hosts[0]", 2, "expected hosts[0] to be a mapping", 0},
		{"null", "~\n", "", 1, "empty", 0},
		{"a list", "- HOST_A\n- HOST_B\n", "", 1, "expected the plan to be a mapping", 0},
		{"address with scheme", edit(t, "    role: witness\n", "    role: witness\n    address: tcp://w:7024\n"), "hosts[2].address", 11, "mirrorcert adds TCP://", 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse([]byte(c.src), "plan.yaml", testNow)
			if err == nil {
				t.Fatalf("no error for\n%s", c.src)
			}
			ps := problemsOf(t, err)
			want := 1
			if c.wantCount > 0 {
				want = c.wantCount
			}
			if len(ps) != want {
				t.Errorf("%d problems, want %d:\n%v", len(ps), want, err)
			}
			p := ps[0]
			if p.Field != c.field || p.Line != c.line || !strings.Contains(p.Msg, c.msg) {
				t.Errorf("got %s\nwant field %q line %d message containing %q", p, c.field, c.line, c.msg)
			}
			if c.line > 0 && !strings.Contains(err.Error(), "plan.yaml:") {
				t.Errorf("error does not name the file: %v", err)
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Errorf("error repeats a secret: %v", err)
			}
		})
	}
}

func TestProblemsAreAllReported(t *testing.T) {
	src := edit(t, "port: 7024", "port: 99999")
	src = strings.Replace(src, "2029-11-30", "2001-01-01", 1)
	src = strings.Replace(src, "name: HOST_B", "name: HOST_A", 1)
	_, err := Parse([]byte(src), "p.yaml", testNow)
	ps := problemsOf(t, err)
	var got []string
	for _, p := range ps {
		got = append(got, p.Field)
	}
	want := []string{"hosts[1].name", "endpoint.port", "certificate.expiry"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("fields %v, want %v in file order", got, want)
	}
	if n := strings.Count(err.Error(), "\n"); n != 2 {
		t.Errorf("want one problem per line, got:\n%v", err)
	}
}

func TestExpiryWarning(t *testing.T) {
	p, err := Parse([]byte(edit(t, "2029-11-30", "2027-06-01")), "p.yaml", testNow)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Warnings) != 1 || !strings.Contains(p.Warnings[0], "p.yaml:19: certificate.expiry") ||
		!strings.Contains(p.Warnings[0], "less than a year") {
		t.Errorf("warnings = %q", p.Warnings)
	}
	// Exactly one year ahead is fine.
	p, err = Parse([]byte(edit(t, "2029-11-30", "2027-11-24")), "p.yaml", testNow)
	if err != nil || len(p.Warnings) != 0 {
		t.Errorf("err %v warnings %q", err, p.Warnings)
	}
}

func TestSubjectLinuxWarning(t *testing.T) {
	src := edit(t, "  expiry: 2029-11-30\n", "  expiry: 2029-11-30\n  subject: "+strings.Repeat("s", 60)+" {host}\n")
	p, err := Parse([]byte(src), "p.yaml", testNow)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Warnings) != 1 || !strings.Contains(p.Warnings[0], "Linux") {
		t.Errorf("warnings = %q", p.Warnings)
	}
}

func TestMaxHostName(t *testing.T) {
	// 122 characters + "_login" is exactly 128: allowed; one more is not.
	// The subject is only the host name, so that it is not the limit.
	ok := edit(t, "name: HOST_B", "name: "+strings.Repeat("B", 122))
	ok = strings.Replace(ok, "  expiry: 2029-11-30\n", "  expiry: 2029-11-30\n  subject: \"{host}\"\n", 1)
	if _, err := Parse([]byte(ok), "p.yaml", testNow); err != nil {
		t.Errorf("122-character name rejected: %v", err)
	}
	bad := edit(t, "name: HOST_B", "name: "+strings.Repeat("B", 123))
	if _, err := Parse([]byte(bad), "p.yaml", testNow); err == nil {
		t.Error("123-character name accepted")
	}
}

func TestAGMode(t *testing.T) {
	hosts := func(n int, role string) string {
		var b strings.Builder
		b.WriteString("mode: ag\nhosts:\n")
		for i := range n {
			b.WriteString("  - name: R" + string(rune('A'+i)) + "\n    server: r" + string(rune('a'+i)) + "\n    role: " + role + "\n")
		}
		b.WriteString("certificate: {expiry: 2029-11-30}\n")
		return b.String()
	}
	for _, c := range []struct {
		n     int
		role  string
		field string // "" = valid
	}{
		{2, "replica", ""}, {9, "replica", ""}, {4, "partner", ""},
		{1, "replica", "hosts"}, {10, "replica", "hosts[9]"}, {3, "witness", "hosts[0].role"},
	} {
		p, err := Parse([]byte(hosts(c.n, c.role)), "ag.yaml", testNow)
		if c.field == "" {
			if err != nil {
				t.Errorf("%d %s: %v", c.n, c.role, err)
				continue
			}
			for _, h := range p.Hosts {
				if h.Role != RoleReplica || h.EndpointRole != "ALL" {
					t.Errorf("%d %s: host %+v, want replica/ALL", c.n, c.role, h)
				}
			}
			continue
		}
		if err == nil {
			t.Errorf("%d %s: accepted", c.n, c.role)
			continue
		}
		if ps := problemsOf(t, err); ps[0].Field != c.field {
			t.Errorf("%d %s: %v, want field %s", c.n, c.role, err, c.field)
		}
	}
}

func TestAliasesAndCase(t *testing.T) {
	src := `mode: MIRRORING
hosts:
  - {name: A, server: a, role: Partner, auth: &own {user: dba}}
  - {name: B, server: b, role: PARTNER, auth: *own}
endpoint: {encryption: "aes  rc4"}
certificate: {expiry: 2029-11-30}
transfer: FILE
`
	p, err := Parse([]byte(src), "p.yaml", testNow)
	if err != nil {
		t.Fatal(err)
	}
	if p.Hosts[1].Auth.User != "dba" || p.Hosts[1].Role != RolePartner || p.Endpoint.Encryption != "AES RC4" || p.Transfer != TransferFile {
		t.Errorf("plan = %+v", p)
	}
}

func TestCARelativeToPlan(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "ca.pem"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "plan.yaml")
	src := edit(t, "  user: sa\n", "  user: sa\n  ca_certificate: ca.pem\n")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	p, err := Load(path, testNow)
	if err != nil {
		t.Fatal(err)
	}
	if p.Hosts[0].Auth.CACertificate != filepath.Join(dir, "ca.pem") {
		t.Errorf("CA = %q", p.Hosts[0].Auth.CACertificate)
	}
}

func TestLoadMissingFile(t *testing.T) {
	_, err := Load(filepath.Join(t.TempDir(), "nope.yaml"), testNow)
	if err == nil || !strings.Contains(err.Error(), "nope.yaml") {
		t.Errorf("err = %v", err)
	}
}
