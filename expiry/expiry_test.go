package expiry

import (
	"errors"
	"strings"
	"testing"
	"time"
)

var now = time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)

func day(n int) time.Time { return time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC).AddDate(0, 0, n) }

func TestBuildClassifiesAndSorts(t *testing.T) {
	insts := []Instance{
		{Server: "a,1433", Host: "HOST_A", EndpointCerts: []int{257}, Certs: []Certificate{
			{Name: "HOST_A_cert", ID: 257, Owner: "dbo", PvtKeyEncryption: "MK", Expiry: day(300), Thumbprint: []byte{0xab, 0x01}},
			{Name: "HOST_B_cert", ID: 258, Owner: "HOST_B_user", OwnerLogin: "HOST_B_login", PvtKeyEncryption: "NA", Expiry: day(20)},
			{Name: "TDE_cert", ID: 259, Owner: "dbo", PvtKeyEncryption: "MK", Expiry: day(1)},    // not mirroring's
			{Name: "public_cert", ID: 260, Owner: "dbo", PvtKeyEncryption: "NA", Expiry: day(2)}, // dbo-owned: not a peer copy
			{Name: "odd", ID: 261, Owner: "weird", OwnerLogin: "W_login", PvtKeyEncryption: "NA", Expiry: day(-3)},
		}},
		{Server: "b,1433", Err: errors.New("cannot reach")},
	}
	r := Build(insts, now)
	var got []string
	for _, e := range r.Entries {
		got = append(got, e.Name+"/"+e.Kind+"/"+e.Peer)
	}
	if strings.Join(got, " ") != "odd/peer/W HOST_B_cert/peer/HOST_B HOST_A_cert/endpoint/" {
		t.Fatalf("entries = %v", got)
	}
	if r.Entries[2].Thumbprint != "AB01" {
		t.Fatalf("thumbprint %q", r.Entries[2].Thumbprint)
	}
	if len(r.Unreachable) != 1 || r.Unreachable[0].Server != "b,1433" || len(r.Read) != 1 {
		t.Fatalf("unreachable %+v read %v", r.Unreachable, r.Read)
	}
	if !r.AnyWithin(0) { // "odd" has expired
		t.Fatal("an expired certificate must count whatever the window")
	}
}

func TestDaysLeftRoundsTowardsThePast(t *testing.T) {
	for _, tc := range []struct {
		d    time.Duration
		want int
	}{
		{23 * time.Hour, 0}, {24 * time.Hour, 1}, {47 * time.Hour, 1},
		{-time.Hour, -1}, {-24 * time.Hour, -1}, {-25 * time.Hour, -2}, {0, 0},
	} {
		if got := daysLeft(tc.d); got != tc.want {
			t.Errorf("daysLeft(%v) = %d, want %d", tc.d, got, tc.want)
		}
	}
}

func TestUrgency(t *testing.T) {
	e := func(d time.Duration) Entry { return Entry{Seconds: d.Seconds()} }
	if UrgencyOf(e(-time.Second), 60) != Expired || UrgencyOf(e(0), 60) != Expired {
		t.Fatal("expired")
	}
	if UrgencyOf(e(59*24*time.Hour), 60) != Expiring || UrgencyOf(e(60*24*time.Hour), 60) != Expiring {
		t.Fatal("within the window")
	}
	if UrgencyOf(e(61*24*time.Hour), 60) != OK {
		t.Fatal("outside the window")
	}
}

func TestPrometheusEscapesLabels(t *testing.T) {
	r := Report{Entries: []Entry{{Server: `x\y`, Host: "h", Name: "n\"a\nme", Kind: KindEndpoint, Seconds: 86400.4}},
		Read: []string{`x\y`}, Unreachable: []Unreachable{{Server: "down,1", Err: "e"}}}
	var b strings.Builder
	if err := WritePrometheus(&b, r); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		`mirrorcert_certificate_expiry_seconds{instance="x\\y",host="h",name="n\"a\nme",kind="endpoint",peer="",thumbprint=""} 86400` + "\n",
		`mirrorcert_instance_up{instance="x\\y"} 1` + "\n",
		`mirrorcert_instance_up{instance="down,1"} 0` + "\n",
		"# TYPE mirrorcert_certificate_expiry_seconds gauge\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in\n%s", want, out)
		}
	}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if strings.ContainsRune(line, '\r') {
			t.Fatalf("raw control character in %q", line)
		}
	}
}

func TestTableColoursByUrgencyAndCleansNames(t *testing.T) {
	r := Build([]Instance{{Server: "s", Host: "s", EndpointCerts: []int{1, 2}, Certs: []Certificate{
		{Name: "old\x1b[31m", ID: 1, Expiry: day(-1)}, {Name: "soon", ID: 2, Expiry: day(10)},
	}}}, now)
	var b strings.Builder
	clean := func(s string) string { return strings.ReplaceAll(s, "\x1b", "?") }
	colour := func(u Urgency, s string) string {
		return map[Urgency]string{Expired: "X:", Expiring: "W:", OK: "-:"}[u] + s
	}
	if err := WriteTable(&b, r, 60, now, clean, colour); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if strings.Contains(out, "\x1b") {
		t.Fatalf("escape reached the table:\n%q", out)
	}
	lines := strings.Split(out, "\n")
	if !strings.HasPrefix(lines[1], "X:s") || !strings.HasPrefix(lines[2], "W:s") {
		t.Fatalf("rows not coloured by urgency:\n%s", out)
	}
	if !strings.Contains(out, "1 expired, 1 expiring within 60 days") || !strings.Contains(out, "mirrorcert rotate") {
		t.Fatalf("summary:\n%s", out)
	}
}

func TestInGroup(t *testing.T) {
	regs := []RegisteredServer{
		{Group: "", Name: "root1"}, {Group: "Prod", Name: "p1"}, {Group: "Prod/East", Name: "pe1"},
		{Group: "Prod/East/Web", Name: "pew1"}, {Group: "Test/East", Name: "te1"},
	}
	names := func(rs []RegisteredServer) string {
		var s []string
		for _, r := range rs {
			s = append(s, r.Name)
		}
		return strings.Join(s, ",")
	}
	for _, tc := range []struct{ group, want string }{
		{"", "root1,p1,pe1,pew1,te1"},
		{"prod", "p1,pe1,pew1"},
		{"East", "pe1,pew1,te1"},
		{"Prod/East", "pe1,pew1"},
		{"/Prod/East/", "pe1,pew1"},
		{"East/Web", ""}, // a path must start at the root
	} {
		got, err := InGroup(regs, tc.group)
		if tc.want == "" {
			if err == nil || !strings.Contains(err.Error(), "the groups are: Prod, Prod/East, Prod/East/Web, Test/East") {
				t.Errorf("%q: err %v", tc.group, err)
			}
			continue
		}
		if err != nil || names(got) != tc.want {
			t.Errorf("InGroup(%q) = %s, %v; want %s", tc.group, names(got), err, tc.want)
		}
	}
}
