package steps

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/mirrorcert/mirrorcert/plan"
)

// expect maps host ("*" = every host) -> item id with P standing for every
// peer -> status. Every item of the checklist must be covered.
type expect map[string]map[string]Status

func (e expect) lookup(host, id string, peers []string) (Status, bool) {
	for _, h := range []string{host, "*"} {
		m, ok := e[h]
		if !ok {
			continue
		}
		if s, ok := m[id]; ok {
			return s, true
		}
		for _, p := range peers {
			if strings.HasPrefix(id, "inbound/"+p+"/") {
				if s, ok := m["inbound/P/"+strings.TrimPrefix(id, "inbound/"+p+"/")]; ok {
					return s, true
				}
			}
		}
	}
	return "", false
}

var (
	outAll = map[string]Status{IDMasterKey: Done, IDCertificate: Done, IDEndpoint: Done}
	inNone = map[string]Status{"inbound/P/login": Pending, "inbound/P/user": Blocked, "inbound/P/certificate": Blocked, "inbound/P/connect": Blocked}
)

func merge(ms ...map[string]Status) map[string]Status {
	out := map[string]Status{}
	for _, m := range ms {
		for k, v := range m {
			out[k] = v
		}
	}
	return out
}

func TestStateTransitions(t *testing.T) {
	cases := []struct {
		name     string
		transfer string
		states   func(p *plan.Plan) map[string]*State
		want     expect
	}{
		{"full done", plan.TransferInband, allDoneStates, expect{"*": merge(outAll, map[string]Status{
			"inbound/P/login": Done, "inbound/P/user": Done, "inbound/P/certificate": Done, "inbound/P/connect": Done})}},
		{"nothing done", plan.TransferInband, func(p *plan.Plan) map[string]*State {
			return map[string]*State{"HOST_A": {}, "HOST_B": {}, "HOST_W": {}}
		}, expect{"*": merge(inNone, map[string]Status{IDMasterKey: Pending, IDCertificate: Blocked, IDEndpoint: Blocked})}},
		{"no state at all", plan.TransferInband, func(p *plan.Plan) map[string]*State { return nil },
			expect{"*": {IDMasterKey: Unknown, IDCertificate: Unknown, IDEndpoint: Unknown,
				"inbound/P/login": Unknown, "inbound/P/user": Unknown, "inbound/P/certificate": Unknown, "inbound/P/connect": Unknown}}},
		{"outbound done everywhere", plan.TransferInband, func(p *plan.Plan) map[string]*State {
			return map[string]*State{"HOST_A": outboundDone(p, "HOST_A"), "HOST_B": outboundDone(p, "HOST_B"), "HOST_W": outboundDone(p, "HOST_W")}
		}, expect{"*": merge(outAll, map[string]Status{"inbound/P/login": Pending, "inbound/P/user": Blocked,
			"inbound/P/certificate": Blocked, "inbound/P/connect": Blocked})}},
		{"partial: A done, B has logins and users, W unknown", plan.TransferInband, func(p *plan.Plan) map[string]*State {
			b := outboundDone(p, "HOST_B")
			b.Logins = []Login{{Name: "HOST_A_login"}, {Name: "HOST_W_login"}}
			b.Users = []User{{Name: "HOST_A_user", Login: "HOST_A_login"}, {Name: "HOST_W_user", Login: "HOST_W_login"}}
			return map[string]*State{"HOST_A": allDone(p, "HOST_A"), "HOST_B": b}
		}, expect{
			"HOST_A": merge(outAll, map[string]Status{"inbound/P/login": Done, "inbound/P/user": Done, "inbound/P/certificate": Done, "inbound/P/connect": Done}),
			"HOST_B": merge(outAll, map[string]Status{"inbound/P/login": Done, "inbound/P/user": Done, "inbound/P/connect": Pending,
				// From HOST_A: pending with bytes; from the unknown witness: blocked.
				"inbound/HOST_A/certificate": Pending, "inbound/HOST_W/certificate": Blocked}),
			"HOST_W": {IDMasterKey: Unknown, IDCertificate: Unknown, IDEndpoint: Unknown,
				"inbound/P/login": Unknown, "inbound/P/user": Unknown, "inbound/P/certificate": Unknown, "inbound/P/connect": Unknown},
		}},
		{"file mode, nothing done", plan.TransferFile, func(p *plan.Plan) map[string]*State {
			return map[string]*State{"HOST_A": {}, "HOST_B": {}, "HOST_W": {}}
		}, expect{"*": merge(inNone, map[string]Status{IDMasterKey: Pending, IDCertificate: Blocked, IDEndpoint: Blocked, IDBackup: Blocked,
			"inbound/P/copy": Blocked})}},
		{"file mode, outbound and backups done, no copies", plan.TransferFile, func(p *plan.Plan) map[string]*State {
			return map[string]*State{"HOST_A": outboundDone(p, "HOST_A"), "HOST_B": outboundDone(p, "HOST_B"), "HOST_W": outboundDone(p, "HOST_W")}
		}, expect{"*": merge(outAll, inNone, map[string]Status{IDBackup: Done, "inbound/P/copy": Pending})}},
		{"file mode, full done", plan.TransferFile, allDoneStates, expect{"*": merge(outAll, map[string]Status{IDBackup: Done,
			"inbound/P/copy": Done, "inbound/P/login": Done, "inbound/P/user": Done, "inbound/P/certificate": Done, "inbound/P/connect": Done})}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := docsPlan(tc.transfer)
			c := Build(p, tc.states(p), testNow)
			n := 0
			for _, h := range c.Hosts {
				for _, it := range h.Items {
					n++
					want, ok := tc.want.lookup(h.Host, it.ID, p.Peers(h.Host))
					if !ok {
						t.Errorf("%s: no expectation", it.Ref)
						continue
					}
					if it.Status != want {
						t.Errorf("%s = %s (%s), want %s", it.Ref, it.Status, it.Detail, want)
					}
					if it.Status == Blocked && (len(it.BlockedBy) == 0 || !strings.Contains(it.Detail, "waits for "+it.BlockedBy[0].String())) {
						t.Errorf("%s blocked without naming its blocker: %q %v", it.Ref, it.Detail, it.BlockedBy)
					}
					if it.Status == Pending && len(it.Statements) == 0 && !it.Manual ||
						(it.Status == Done || it.Status == Unknown || it.Status == Conflict) && len(it.Statements) > 0 {
						t.Errorf("%s: status %s with %d statements", it.Ref, it.Status, len(it.Statements))
					}
				}
			}
			perHost := 3 + 2*4
			if tc.transfer == plan.TransferFile {
				perHost = 4 + 2*5
			}
			if n != 3*perHost {
				t.Errorf("%d items, want %d", n, 3*perHost)
			}
			if got := c.Complete(); got != strings.Contains(tc.name, "full done") {
				t.Errorf("Complete() = %v", got)
			}
		})
	}
}

func TestItemIDsAndOrderWithinHost(t *testing.T) {
	for _, tc := range []struct {
		transfer string
		want     string
	}{
		{plan.TransferInband, "outbound/master-key outbound/certificate outbound/endpoint " +
			"inbound/HOST_A/login inbound/HOST_A/user inbound/HOST_A/certificate inbound/HOST_A/connect " +
			"inbound/HOST_W/login inbound/HOST_W/user inbound/HOST_W/certificate inbound/HOST_W/connect"},
		{plan.TransferFile, "outbound/master-key outbound/certificate outbound/endpoint outbound/backup " +
			"inbound/HOST_A/copy inbound/HOST_A/login inbound/HOST_A/user inbound/HOST_A/certificate inbound/HOST_A/connect " +
			"inbound/HOST_W/copy inbound/HOST_W/login inbound/HOST_W/user inbound/HOST_W/certificate inbound/HOST_W/connect"},
	} {
		c := Build(docsPlan(tc.transfer), nil, testNow)
		var ids []string
		for _, it := range c.Hosts[1].Items {
			ids = append(ids, it.ID)
			if it.Title == "" || it.Why == "" || it.Changes == "" {
				t.Errorf("%s lacks title/why/changes", it.Ref)
			}
		}
		if got := strings.Join(ids, " "); got != tc.want {
			t.Errorf("%s ids:\n%s\nwant\n%s", tc.transfer, got, tc.want)
		}
		if c.Hosts[1].Host != "HOST_B" || c.Hosts[2].Role != plan.RoleWitness {
			t.Errorf("host lists: %+v", c.Hosts)
		}
	}
}

func TestNeedsAreExplicit(t *testing.T) {
	c := Build(docsPlan(plan.TransferFile), nil, testNow)
	needs := func(host, id string) []Ref { return c.Item(Ref{host, id}).Needs }
	check := func(host, id string, want ...Ref) {
		t.Helper()
		if got := needs(host, id); !reflect.DeepEqual(got, want) {
			t.Errorf("%s:%s needs %v, want %v", host, id, got, want)
		}
	}
	check("HOST_A", IDMasterKey)
	check("HOST_A", IDCertificate, Ref{"HOST_A", IDMasterKey})
	check("HOST_A", IDEndpoint, Ref{"HOST_A", IDCertificate})
	check("HOST_A", IDBackup, Ref{"HOST_A", IDCertificate})
	check("HOST_A", "inbound/HOST_B/copy", Ref{"HOST_B", IDBackup})
	check("HOST_A", "inbound/HOST_B/user", Ref{"HOST_A", "inbound/HOST_B/login"})
	check("HOST_A", "inbound/HOST_B/certificate", Ref{"HOST_A", "inbound/HOST_B/user"}, Ref{"HOST_A", "inbound/HOST_B/copy"})
	check("HOST_A", "inbound/HOST_B/connect", Ref{"HOST_A", IDEndpoint}, Ref{"HOST_A", "inbound/HOST_B/login"})
	ci := Build(docsPlan(plan.TransferInband), nil, testNow)
	if got := ci.Item(Ref{"HOST_A", "inbound/HOST_B/certificate"}).Needs; !reflect.DeepEqual(got, []Ref{{"HOST_A", "inbound/HOST_B/user"}, {"HOST_B", IDCertificate}}) {
		t.Errorf("in-band certificate needs %v", got)
	}
}

func TestBlockedNamesCrossHostBlocker(t *testing.T) {
	p := docsPlan(plan.TransferInband)
	a := outboundDone(p, "HOST_A")
	a.Logins = []Login{{Name: "HOST_B_login"}}
	a.Users = []User{{Name: "HOST_B_user", Login: "HOST_B_login"}}
	c := Build(p, map[string]*State{"HOST_A": a, "HOST_B": {}, "HOST_W": {}}, testNow)
	it := c.Item(Ref{"HOST_A", "inbound/HOST_B/certificate"})
	if it.Status != Blocked || it.Detail != "waits for HOST_B:outbound/certificate" ||
		!reflect.DeepEqual(it.BlockedBy, []Ref{{"HOST_B", IDCertificate}}) {
		t.Errorf("got %s %q %v", it.Status, it.Detail, it.BlockedBy)
	}
}

func TestInbandCertificateUsesPeerBytes(t *testing.T) {
	p := docsPlan(plan.TransferInband)
	a := outboundDone(p, "HOST_A")
	a.Logins = []Login{{Name: "HOST_B_login"}}
	a.Users = []User{{Name: "HOST_B_user", Login: "HOST_B_login"}}
	b := outboundDone(p, "HOST_B")
	c := Build(p, map[string]*State{"HOST_A": a, "HOST_B": b, "HOST_W": {}}, testNow)
	it := c.Item(Ref{"HOST_A", "inbound/HOST_B/certificate"})
	if it.Status != Pending || len(it.Statements) != 1 ||
		it.Statements[0].Text != "CREATE CERTIFICATE [HOST_B_cert]\n    AUTHORIZATION [HOST_B_user]\n    FROM BINARY = 0x3082484F53545F42;" {
		t.Fatalf("got %s %+v", it.Status, it.Statements)
	}
	// Bytes not read (pre-2012 server, or not yet refreshed): blocked, saying so.
	b.Certificates[0].Encoded = nil
	c = Build(p, map[string]*State{"HOST_A": a, "HOST_B": b, "HOST_W": {}}, testNow)
	it = c.Item(Ref{"HOST_A", "inbound/HOST_B/certificate"})
	if it.Status != Blocked || !strings.Contains(it.Detail, "have not been read from HOST_B") || len(it.Statements) != 0 {
		t.Errorf("got %s %q", it.Status, it.Detail)
	}
}

func TestFileModeDetails(t *testing.T) {
	p := docsPlan(plan.TransferFile)
	a := outboundDone(p, "HOST_A")
	a.Files = map[string]bool{} // backup not taken yet
	a.Logins = []Login{{Name: "HOST_B_login"}}
	a.Users = []User{{Name: "HOST_B_user", Login: "HOST_B_login"}}
	a.Files[`C:\HOST_B_cert.cer`] = true
	w := outboundDone(p, "HOST_W")
	w.Files = map[string]bool{}
	w.Certificates = append(w.Certificates, peerCopy(p, "HOST_A")) // imported, file since deleted
	c := Build(p, map[string]*State{"HOST_A": a, "HOST_B": outboundDone(p, "HOST_B"), "HOST_W": w}, testNow)
	bk := c.Item(Ref{"HOST_A", IDBackup})
	if bk.Status != Pending || bk.Statements[0].Text != "BACKUP CERTIFICATE [HOST_A_cert]\n    TO FILE = N'C:\\HOST_A_cert.cer';" {
		t.Errorf("backup: %s %+v", bk.Status, bk.Statements)
	}
	if it := c.Item(Ref{"HOST_A", "inbound/HOST_B/copy"}); it.Status != Done || !it.Manual {
		t.Errorf("copy with file present: %s manual=%v", it.Status, it.Manual)
	}
	if it := c.Item(Ref{"HOST_W", "inbound/HOST_A/copy"}); it.Status != Done {
		t.Errorf("copy with certificate installed: %s %s", it.Status, it.Detail)
	}
	if it := c.Item(Ref{"HOST_B", "inbound/HOST_A/copy"}); it.Status != Blocked || it.Detail != "waits for HOST_A:outbound/backup" {
		t.Errorf("copy before backup: %s %q", it.Status, it.Detail)
	}
	it := c.Item(Ref{"HOST_A", "inbound/HOST_B/certificate"})
	if it.Status != Pending || it.Statements[0].Text != "CREATE CERTIFICATE [HOST_B_cert]\n    AUTHORIZATION [HOST_B_user]\n    FROM FILE = N'C:\\HOST_B_cert.cer';" {
		t.Errorf("from file: %s %+v", it.Status, it.Statements)
	}
	if got := FilesToProbe(p, "HOST_B"); !reflect.DeepEqual(got, []string{`C:\HOST_B_cert.cer`, `C:\HOST_A_cert.cer`, `C:\HOST_W_cert.cer`}) {
		t.Errorf("FilesToProbe = %v", got)
	}
	if got := FilesToProbe(docsPlan(plan.TransferInband), "HOST_B"); got != nil {
		t.Errorf("FilesToProbe in-band = %v", got)
	}
}

func TestPendingStatements(t *testing.T) {
	p := docsPlan(plan.TransferInband)
	empty := map[string]*State{"HOST_A": {}, "HOST_B": {}, "HOST_W": {}}
	c := Build(p, empty, testNow)
	mk := c.Item(Ref{"HOST_A", IDMasterKey}).Statements[0]
	if mk.Text != "CREATE MASTER KEY ENCRYPTION BY PASSWORD = N'$(MASTER_KEY_PASSWORD_HOST_A)';" || mk.Secrets[0].Host != "HOST_A" {
		t.Errorf("master key: %+v", mk)
	}
	cert := c.Item(Ref{"HOST_A", IDCertificate}).Statements[0].Text
	if !strings.Contains(cert, "START_DATE = N'20261122'") || !strings.Contains(cert, "EXPIRY_DATE = N'20291130'") ||
		!strings.Contains(cert, "SUBJECT = N'HOST_A certificate for database mirroring'") {
		t.Errorf("certificate: %s", cert)
	}
	if ep := c.Item(Ref{"HOST_W", IDEndpoint}).Statements[0].Text; !strings.Contains(ep, "ROLE = WITNESS") {
		t.Errorf("witness endpoint: %s", ep)
	}
	if ep := c.Item(Ref{"HOST_A", IDEndpoint}).Statements[0].Text; !strings.Contains(ep, "ROLE = ALL") || !strings.Contains(ep, "LISTENER_PORT = 7024") {
		t.Errorf("partner endpoint: %s", ep)
	}
	login := c.Item(Ref{"HOST_A", "inbound/HOST_W/login"}).Statements[0]
	if login.Secrets[0].Var != "LOGIN_PASSWORD_HOST_W" || login.Secrets[0].Kind != "login" || login.Secrets[0].Host != "HOST_W" {
		t.Errorf("login secret: %+v", login.Secrets)
	}
	// A plan start date wins over the back-dated default.
	p.Certificate.StartDate = time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC)
	c = Build(p, empty, testNow)
	if cert := c.Item(Ref{"HOST_A", IDCertificate}).Statements[0].Text; !strings.Contains(cert, "START_DATE = N'20260115'") {
		t.Errorf("plan start date ignored: %s", cert)
	}
	// Witness without an explicit endpoint role still gets WITNESS.
	p.Hosts[2].EndpointRole = ""
	c = Build(p, empty, testNow)
	if ep := c.Item(Ref{"HOST_W", IDEndpoint}).Statements[0].Text; !strings.Contains(ep, "ROLE = WITNESS") {
		t.Errorf("default witness role: %s", ep)
	}
}

func TestBuildIsDeterministic(t *testing.T) {
	p := docsPlan(plan.TransferFile)
	s := allDoneStates(p)
	s["HOST_B"] = outboundDone(p, "HOST_B")
	if a, b := Build(p, s, testNow), Build(p, s, testNow); !reflect.DeepEqual(a, b) {
		t.Error("two builds of the same input differ")
	}
}
