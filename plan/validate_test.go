package plan

import (
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func memPlan() *Plan {
	return &Plan{
		Hosts: []Host{
			{Name: "HOST_A", Server: "sqla", Role: RolePartner},
			{Name: "HOST_B", Server: `sqlb\INST,1500`, Role: RolePartner, Auth: Auth{User: "dba", TrustServerCertificate: true}},
			{Name: "HOST_W", Server: "sqlw", Role: RoleWitness},
		},
		Auth:        Auth{User: "sa", Encrypt: EncryptStrict},
		Certificate: Certificate{Expiry: time.Date(2029, 11, 30, 0, 0, 0, 0, time.UTC)},
	}
}

func TestValidateInMemory(t *testing.T) {
	p := memPlan()
	if err := Validate(p, testNow); err != nil {
		t.Fatal(err)
	}
	b := p.Hosts[1].Auth
	if b.User != "dba" || !b.TrustServerCertificate || b.Encrypt != EncryptStrict {
		t.Errorf("HOST_B auth = %+v, want its own user and trust, plan-wide encrypt", b)
	}
	if a := p.Hosts[0].Auth; a.User != "sa" || a.Encrypt != EncryptStrict {
		t.Errorf("HOST_A auth = %+v", a)
	}
	if p.Endpoint.Port != 7024 || p.Hosts[2].EndpointRole != "WITNESS" || p.Hosts[1].Address != "sqlb" {
		t.Errorf("defaults not filled: %+v", p)
	}

	p = memPlan()
	p.Hosts[2].Name = "host_b"
	p.Endpoint.Port = 70000
	err := Validate(p, testNow)
	ps := problemsOf(t, err)
	if len(ps) != 2 || ps[0].Line != 0 || strings.Contains(err.Error(), "line") {
		t.Errorf("in-memory problems should have no lines: %v", err)
	}
	if !strings.Contains(err.Error(), "hosts[2].name: host_b is already the name of hosts[1]") {
		t.Errorf("err = %v", err)
	}
}

func TestSaveRoundTrip(t *testing.T) {
	for _, src := range []string{
		base,
		edit(t, "    role: witness\n", "    role: witness\n    endpoint_role: ALL\n    address: w.example\n    auth:\n      integrated: true\n      trust_server_certificate: true\n"),
		"mode: ag\nhosts:\n  - {name: R1, server: a}\n  - {name: R2, server: b, auth: {encrypt: disable}}\n" +
			"certificate: {expiry: 2030-02-01, start_date: 2026-01-01, subject: \"x {host}\", file_dir: /var/opt/mssql/}\ntransfer: file\n",
	} {
		want, err := Parse([]byte(src), "", testNow)
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(t.TempDir(), "saved.yaml")
		if err := want.Save(path); err != nil {
			t.Fatal(err)
		}
		got, err := Load(path, testNow)
		if err != nil {
			t.Fatalf("saved plan does not load: %v", err)
		}
		got.Path, want.Path = "", ""
		if !reflect.DeepEqual(got, want) {
			t.Errorf("round trip differs:\n got %+v\nwant %+v", got, want)
		}
	}
}

func TestParseServer(t *testing.T) {
	for _, c := range []struct {
		in   string
		want Server
		err  string
	}{
		{"sqla", Server{Host: "sqla"}, ""},
		{"sqla.corp.example,1433", Server{Host: "sqla.corp.example", Port: 1433}, ""},
		{`sqla\INST01`, Server{Host: "sqla", Instance: "INST01"}, ""},
		{`tcp:sqla\INST01,50000`, Server{Host: "sqla", Instance: "INST01", Port: 50000}, ""},
		{"127.0.0.1,14330", Server{Host: "127.0.0.1", Port: 14330}, ""},
		{"[::1],1433", Server{Host: "[::1]", Port: 1433}, ""},
		{".", Server{Host: "."}, ""},
		{"(local)", Server{Host: "(local)"}, ""},
		{"", Server{}, "missing"},
		{"sqla,0", Server{}, "1 to 65535"},
		{"sqla,65536", Server{}, "1 to 65535"},
		{"sqla,abc", Server{}, "1 to 65535"},
		{"sqla:1433", Server{}, "comma"},
		{`sqla\`, Server{}, "instance name"},
		{`sqla\` + strings.Repeat("i", 17), Server{}, "1 to 16"},
		{"sql a", Server{}, "only letters"},
		{",1433", Server{}, "host part is empty"},
		{"sqlserver://sa:pw@sqla", Server{}, "connection string"},
		{"[::1", Server{}, "closing brackets"},
	} {
		got, err := ParseServer(c.in)
		if c.err == "" {
			if err != nil || got != c.want {
				t.Errorf("ParseServer(%q) = %+v, %v; want %+v", c.in, got, err, c.want)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), c.err) {
			t.Errorf("ParseServer(%q) error %v, want one containing %q", c.in, err, c.err)
		}
		if strings.Contains(c.in, "pw@") && err != nil && strings.Contains(err.Error(), "pw@") {
			t.Errorf("error repeats a connection string: %v", err)
		}
	}
}

func TestUnknownKeyMsg(t *testing.T) {
	for _, c := range []struct{ key, want string }{
		{"servr", `did you mean "server"`},
		{"endpoint_rol", `did you mean "endpoint_role"`},
		{"Name", `did you mean "name"`},
		{"qqqqqqqqqq", "valid keys here: name, server"},
	} {
		if got := unknownKeyMsg(c.key, hostKeys()); !strings.Contains(got, c.want) {
			t.Errorf("unknownKeyMsg(%q) = %q, want %q", c.key, got, c.want)
		}
	}
}

func TestIsSecretKey(t *testing.T) {
	for _, k := range []string{"password", "Password", "pasword", "passwd", "pwd", "pw", "sa_pw", "master-key-pw",
		"login_secret", "PASSWORD_HOST_A", "pword"} {
		if !isSecretKey(k) {
			t.Errorf("%q not treated as a secret", k)
		}
	}
	// A false positive costs little (such a key is unknown anyway), but the
	// valid keys must never trip it.
	keys := append([]string{"pwr", "power", "spw"}, topKeys()...)
	keys = append(keys, hostKeys()...)
	keys = append(keys, authKeys()...)
	keys = append(keys, endpointKeys()...)
	keys = append(keys, certificateKeys()...)
	for _, k := range keys {
		if isSecretKey(k) {
			t.Errorf("%q treated as a secret", k)
		}
	}
}
