package ui

import (
	"strings"
	"testing"
	"time"

	"github.com/mirrorcert/mirrorcert/expiry"
	"github.com/mirrorcert/mirrorcert/steps"
)

func TestSoonestExpiryAmongEndpointAndPeerCertificates(t *testing.T) {
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	states := map[string]*steps.State{
		"HOST_A": {Endpoint: &steps.Endpoint{CertificateName: "HOST_A_cert"}, Certificates: []steps.Certificate{
			{Name: "HOST_A_cert", ID: 1, PvtKeyEncryption: "MK", Owner: "dbo", ExpiryDate: now.Add(300 * day)},
			// A TDE certificate expiring first is not the plan's: ignored.
			{Name: "TDE_cert", ID: 2, PvtKeyEncryption: "MK", Owner: "dbo", ExpiryDate: now.Add(1 * day)},
			{Name: "HOST_B_cert", ID: 3, PvtKeyEncryption: "NA", Owner: "HOST_B_user", ExpiryDate: now.Add(40 * day)},
		}},
		"HOST_B": {Endpoint: &steps.Endpoint{CertificateName: "HOST_B_cert"}, Certificates: []steps.Certificate{
			{Name: "HOST_B_cert", ID: 7, PvtKeyEncryption: "MK", Owner: "dbo", ExpiryDate: now.Add(50 * day)},
		}},
		"HOST_W": nil, // not read
	}
	e, ok := soonestExpiry(states, []string{"HOST_A", "HOST_B", "HOST_W"}, now)
	if !ok || e.Name != "HOST_B_cert" || e.Host != "HOST_A" || e.Kind != expiry.KindPeer {
		t.Fatalf("soonest = %+v, %v; want HOST_A's copy of HOST_B_cert", e, ok)
	}
	if _, ok := soonestExpiry(nil, []string{"HOST_A"}, now); ok {
		t.Fatal("an expiry before anything was read")
	}
}

func TestExpiryTextAndLevel(t *testing.T) {
	h := 3600.0
	for _, c := range []struct {
		seconds float64
		text    string
		level   int
	}{
		{(4*24 + 23) * h, "C expires in 5 days", 2},
		{7 * 24 * h, "C expires in 7 days", 2},
		{8 * 24 * h, "C expires in 8 days", 1},
		{60 * 24 * h, "C expires in 60 days", 1},
		{61 * 24 * h, "C expires in 61 days", 0},
		{5 * h, "C expires within a day", 2},
		{-5 * h, "C expired today", 2},
		{-30 * h, "C expired yesterday", 2},
		{-80 * h, "C expired 3 days ago", 2},
	} {
		e := expiry.Entry{Name: "C", Seconds: c.seconds}
		if got := expiryText(e); got != c.text {
			t.Errorf("%v s: %q, want %q", c.seconds, got, c.text)
		}
		if got := expiryLevel(e); got != c.level {
			t.Errorf("%v s: level %d, want %d", c.seconds, got, c.level)
		}
	}
}

func TestHeaderShowsTheExpiryColouredAsItNears(t *testing.T) {
	f := newFakeRotator("HOST_A", "HOST_B")
	m := sized(New(Options{Backend: f, PlanLabel: "test"}), 120, 40) // in colour
	m, _ = settle(t, m, m.Init())
	mustShow(t, m, "header", "HOST_A_cert expires in 5 days")
	line := strings.Split(m.Render(), "\n")[2]
	if !strings.Contains(line, m.st.Error.Render("HOST_A_cert expires in 5 days · R rotates ")) {
		t.Fatalf("5 days left is not drawn in the error style: %q", line)
	}
	// Within the warning window but not the last week: the warning style,
	// in the light and the dark palettes alike.
	f.rmu.Lock()
	f.states["HOST_A"].Certificates[0].ExpiryDate = f.taken.AddDate(0, 0, 30)
	f.rmu.Unlock()
	for _, dark := range []bool{false, true} {
		m.setDark(dark)
		m = press(t, m, "r")
		line = strings.Split(m.Render(), "\n")[2]
		if !strings.Contains(line, m.st.Warn.Render("HOST_A_cert expires in 30 days · R rotates ")) {
			t.Fatalf("30 days left (dark %v) is not drawn in the warning style: %q", dark, line)
		}
	}
}
