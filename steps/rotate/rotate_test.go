package rotate

import (
	"strings"
	"testing"
	"time"

	"github.com/mirrorcert/mirrorcert/plan"
	"github.com/mirrorcert/mirrorcert/steps"
)

var now = time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
var newExpiry = time.Date(2028, 6, 30, 0, 0, 0, 0, time.UTC)

func testPlan() *plan.Plan {
	auth := plan.Auth{User: "sa", Encrypt: plan.EncryptMandatory}
	return &plan.Plan{
		Mode: plan.ModeMirroring,
		Hosts: []plan.Host{
			{Name: "HOST_A", Server: "a", Role: plan.RolePartner, EndpointRole: "ALL", Auth: auth},
			{Name: "HOST_B", Server: "b", Role: plan.RolePartner, EndpointRole: "ALL", Auth: auth},
			{Name: "HOST_W", Server: "w", Role: plan.RoleWitness, EndpointRole: "WITNESS", Auth: auth},
		},
		Endpoint:    plan.Endpoint{Name: "Endpoint_Mirroring", Port: 7024, Encryption: "AES"},
		Certificate: plan.Certificate{Expiry: time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC)},
		Transfer:    plan.TransferInband,
	}
}

func tp(s string) []byte { t := make([]byte, 20); copy(t, s); return t }

// configured is three hosts fully set up, as apply leaves them.
func configured(p *plan.Plan) map[string]*steps.State {
	out := map[string]*steps.State{}
	id := 256
	for _, h := range p.Hosts {
		id++
		s := &steps.State{MasterKey: true}
		s.Certificates = append(s.Certificates, steps.Certificate{Name: p.CertName(h.Name), ID: id, Owner: "dbo", PvtKeyEncryption: "MK",
			Subject: h.Name + " certificate", ExpiryDate: p.Certificate.Expiry, Thumbprint: tp(h.Name), Encoded: []byte("der-" + h.Name)})
		s.Endpoint = &steps.Endpoint{Name: "Endpoint_Mirroring", State: "STARTED", Auth: "CERTIFICATE", CertificateName: p.CertName(h.Name), Port: 7024}
		for _, peer := range p.Peers(h.Name) {
			id++
			s.Certificates = append(s.Certificates, steps.Certificate{Name: p.CertName(peer), ID: id, Owner: p.UserName(peer), PvtKeyEncryption: "NA",
				ExpiryDate: p.Certificate.Expiry, Thumbprint: tp(peer)})
		}
		out[h.Name] = s
	}
	return out
}

func statusOf(t *testing.T, q Sequence) string {
	t.Helper()
	var b []string
	for _, s := range q.Steps {
		b = append(b, s.Host+":"+s.ID+"="+string(s.Status))
	}
	return strings.Join(b, " ")
}

func build(t *testing.T, p *plan.Plan, states map[string]*steps.State, live map[string]*Live) Sequence {
	t.Helper()
	q, err := Build(Input{Plan: p, Host: "HOST_A", Expiry: newExpiry, Now: now, States: states, Live: live})
	if err != nil {
		t.Fatal(err)
	}
	return q
}

func TestRotationStageByStage(t *testing.T) {
	p := testPlan()
	states := configured(p)
	newName := "HOST_A_cert_20280630"

	q := build(t, p, states, nil)
	if q.NewName != newName || q.OldName != "HOST_A_cert" {
		t.Fatalf("names %q %q", q.NewName, q.OldName)
	}
	want := "HOST_A:rotate/create=pending HOST_B:rotate/import=blocked HOST_W:rotate/import=blocked HOST_A:rotate/endpoint=blocked " +
		"HOST_B:rotate/verify=blocked HOST_W:rotate/verify=blocked HOST_A:rotate/drop-old=blocked HOST_B:rotate/drop-old=blocked HOST_W:rotate/drop-old=blocked"
	if got := statusOf(t, q); got != want {
		t.Fatalf("stage 0:\n got %s\nwant %s", got, want)
	}
	create := q.Steps[0].Statements[0].Text
	for _, w := range []string{"CREATE CERTIFICATE [HOST_A_cert_20280630]", "WITH SUBJECT = N'HOST_A certificate'", "START_DATE = N'20261129'", "EXPIRY_DATE = N'20280630'"} {
		if !strings.Contains(create, w) {
			t.Fatalf("create statement lacks %q:\n%s", w, create)
		}
	}

	// 1. The new certificate exists on HOST_A.
	a := states["HOST_A"]
	a.Certificates = append(a.Certificates, steps.Certificate{Name: newName, ID: 300, Owner: "dbo", PvtKeyEncryption: "MK",
		ExpiryDate: newExpiry, Thumbprint: tp("new"), Encoded: []byte("der-new")})
	q = build(t, p, states, nil)
	imp := q.Steps[1]
	if imp.Status != Pending || !strings.Contains(imp.Statements[0].Text, "CREATE CERTIFICATE [HOST_A_cert_20280630]\n    AUTHORIZATION [HOST_A_user]\n    FROM BINARY = 0x6465722D6E6577") {
		t.Fatalf("import: %+v", imp)
	}

	// 2. Installed on both peers.
	for i, peer := range []string{"HOST_B", "HOST_W"} {
		states[peer].Certificates = append(states[peer].Certificates, steps.Certificate{Name: newName, ID: 400 + i, Owner: "HOST_A_user", PvtKeyEncryption: "NA", Thumbprint: tp("new")})
	}
	q = build(t, p, states, nil)
	sw := q.Steps[3]
	if sw.ID != IDEndpoint || sw.Status != Pending || !sw.Live || !strings.Contains(sw.Statements[0].Text, "AUTHENTICATION = CERTIFICATE [HOST_A_cert_20280630]") {
		t.Fatalf("switch: %+v", sw)
	}

	// 3. Switched; the connections from HOST_A still use the old copy.
	a.Endpoint.CertificateName = newName
	live := map[string]*Live{
		"HOST_A": {Read: true, Sessions: []Session{{Database: "Sales", State: "SYNCHRONIZED"}}},
		"HOST_B": {Read: true, Sessions: []Session{{Database: "Sales", State: "SYNCHRONIZED"}},
			Connections: []Connection{{Accept: true, Principal: "HOST_A_user", PeerCertID: 259}, {Accept: false, Principal: "HOST_A_user", PeerCertID: 0}}},
		"HOST_W": {Read: true, Connections: []Connection{{Accept: true, Principal: "HOST_A_user", PeerCertID: 262}}},
	}
	q = build(t, p, states, live)
	if got := statusOf(t, q); !strings.Contains(got, "HOST_B:rotate/verify=waiting HOST_W:rotate/verify=waiting HOST_A:rotate/drop-old=blocked") {
		t.Fatalf("after switch, old connections: %s", got)
	}
	// Reconnected with the new copies (ids 400, 401), but HOST_B still synchronizing.
	live["HOST_B"].Connections[0].PeerCertID = 400
	live["HOST_W"].Connections[0].PeerCertID = 401
	live["HOST_B"].Sessions[0].State = "SYNCHRONIZING"
	q = build(t, p, states, live)
	if q.Steps[4].Status != Waiting || !strings.Contains(q.Steps[4].Detail, "SYNCHRONIZING") {
		t.Fatalf("verify while synchronizing: %+v", q.Steps[4])
	}
	live["HOST_B"].Sessions[0].State = "SYNCHRONIZED"
	q = build(t, p, states, live)
	want = "HOST_A:rotate/create=done HOST_B:rotate/import=done HOST_W:rotate/import=done HOST_A:rotate/endpoint=done " +
		"HOST_B:rotate/verify=done HOST_W:rotate/verify=done HOST_A:rotate/drop-old=pending HOST_B:rotate/drop-old=pending HOST_W:rotate/drop-old=pending"
	if got := statusOf(t, q); got != want {
		t.Fatalf("verified:\n got %s\nwant %s", got, want)
	}
	for _, s := range q.Steps[6:] {
		if len(s.Statements) != 1 || s.Statements[0].Text != "DROP CERTIFICATE [HOST_A_cert];" {
			t.Fatalf("drop on %s: %+v", s.Host, s.Statements)
		}
	}

	// 4. Interrupted after dropping on HOST_A only: the peers' copies still
	// say which certificate was the old one.
	a.Certificates = without(a.Certificates, "HOST_A_cert")
	q = build(t, p, states, live)
	if got := statusOf(t, q); !strings.HasSuffix(got, "HOST_A:rotate/drop-old=done HOST_B:rotate/drop-old=pending HOST_W:rotate/drop-old=pending") {
		t.Fatalf("after host drop: %s", got)
	}
	for _, peer := range []string{"HOST_B", "HOST_W"} {
		states[peer].Certificates = without(states[peer].Certificates, "HOST_A_cert")
	}
	q = build(t, p, states, live)
	if !q.Complete() || len(q.Next()) != 0 {
		t.Fatalf("not complete: %s", statusOf(t, q))
	}
	// Other certificates are never candidates: HOST_B's and HOST_W's own
	// and their copies were left alone throughout.
	if states["HOST_B"].Cert("HOST_W_cert") == nil || states["HOST_B"].Cert("HOST_B_cert") == nil {
		t.Fatal("fixture broken")
	}
}

func without(cs []steps.Certificate, name string) []steps.Certificate {
	var out []steps.Certificate
	for _, c := range cs {
		if c.Name != name {
			out = append(out, c)
		}
	}
	return out
}

func TestNoSessionVerifiesAtOnce(t *testing.T) {
	p := testPlan()
	states := configured(p)
	a := states["HOST_A"]
	a.Certificates = append(a.Certificates, steps.Certificate{Name: "HOST_A_cert_20280630", ID: 300, Owner: "dbo", PvtKeyEncryption: "MK", Thumbprint: tp("new")})
	for _, peer := range []string{"HOST_B", "HOST_W"} {
		states[peer].Certificates = append(states[peer].Certificates, steps.Certificate{Name: "HOST_A_cert_20280630", ID: 400, Owner: "HOST_A_user", PvtKeyEncryption: "NA", Thumbprint: tp("new")})
	}
	a.Endpoint.CertificateName = "HOST_A_cert_20280630"
	live := map[string]*Live{"HOST_A": {Read: true}, "HOST_B": {Read: true}, "HOST_W": {Read: true}}
	q := build(t, p, states, live)
	if q.Steps[4].Status != Done || !strings.Contains(q.Steps[4].Detail, "no mirroring session") {
		t.Fatalf("verify without a session: %+v", q.Steps[4])
	}
	// Views not read: never claimed verified.
	live["HOST_W"].Read = false
	q = build(t, p, states, live)
	if q.Steps[5].Status != Waiting {
		t.Fatalf("unread views: %+v", q.Steps[5])
	}
}

func TestImportKeepsTheOldCopysOwner(t *testing.T) {
	p := testPlan()
	states := configured(p)
	// HOST_B's copy of HOST_A's certificate was set up by hand, owned by another user.
	for i := range states["HOST_B"].Certificates {
		if states["HOST_B"].Certificates[i].Name == "HOST_A_cert" {
			states["HOST_B"].Certificates[i].Owner = "legacy_mirror_user"
		}
	}
	states["HOST_A"].Certificates = append(states["HOST_A"].Certificates, steps.Certificate{Name: "HOST_A_cert_20280630", ID: 300, Owner: "dbo", PvtKeyEncryption: "MK", Thumbprint: tp("new"), Encoded: []byte{1}})
	q := build(t, p, states, nil)
	if !strings.Contains(q.Steps[1].Statements[0].Text, "AUTHORIZATION [legacy_mirror_user]") {
		t.Fatalf("import owner: %s", q.Steps[1].Statements[0].Text)
	}
	// A same-named certificate with another thumbprint is never overwritten.
	states["HOST_W"].Certificates = append(states["HOST_W"].Certificates, steps.Certificate{Name: "HOST_A_cert_20280630", ID: 500, Owner: "HOST_A_user", PvtKeyEncryption: "NA", Thumbprint: tp("stale")})
	q = build(t, p, states, nil)
	if q.Steps[2].Status != Conflict || q.Steps[3].Status != Blocked {
		t.Fatalf("stale same-named copy: %s", statusOf(t, q))
	}
}

func TestBuildRefuses(t *testing.T) {
	p := testPlan()
	states := configured(p)
	for _, tc := range []struct {
		host   string
		expiry time.Time
		mut    func(map[string]*steps.State)
		want   string
	}{
		{"HOST_Z", newExpiry, nil, `--host "HOST_Z" is not in the plan; its hosts are HOST_A, HOST_B, HOST_W`},
		{"HOST_A", now.AddDate(0, 0, -1), nil, "is not in the future"},
		{"HOST_A", newExpiry, func(m map[string]*steps.State) { m["HOST_A"].Endpoint = nil }, "no certificate-authenticated mirroring endpoint"},
		{"HOST_A", newExpiry, func(m map[string]*steps.State) { delete(m, "HOST_W") }, "HOST_W could not be read"},
	} {
		st := configured(p)
		if tc.mut != nil {
			tc.mut(st)
		}
		_, err := Build(Input{Plan: p, Host: tc.host, Expiry: tc.expiry, Now: now, States: st})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err %v, want %q", tc.want, err, tc.want)
		}
	}
	_ = states
}

func TestStageWaitingStuck(t *testing.T) {
	q := Sequence{Steps: []Step{
		{Host: "A", ID: IDCreate, Status: Done},
		{Host: "B", ID: IDImport, Status: Pending},
		{Host: "W", ID: IDImport, Status: Pending},
		{Host: "A", ID: IDEndpoint, Status: Blocked, Detail: "waits"},
		{Host: "A", ID: IDDropOld, Status: Pending},
	}}
	st := q.Stage()
	if len(st) != 2 || st[0].Host != "B" || st[1].Host != "W" {
		t.Fatalf("Stage = %+v, want the two imports only", st)
	}
	if q.Waiting() {
		t.Fatal("Waiting with no waiting step")
	}
	if got := q.Stuck(); got != "rotate/import on B: " {
		t.Fatalf("Stuck = %q", got)
	}
	q.Steps[3].Status = Waiting
	if !q.Waiting() || q.Stuck() != "rotate/endpoint on A: waits" {
		t.Fatalf("Waiting/Stuck with a waiting step: %v %q", q.Waiting(), q.Stuck())
	}
	if (Sequence{Steps: []Step{{Status: Done}}}).Stage() != nil {
		t.Fatal("Stage of a complete sequence is not empty")
	}
}
