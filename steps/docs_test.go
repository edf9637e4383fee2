package steps

import (
	"regexp"
	"strings"
	"testing"

	"github.com/mirrorcert/mirrorcert/plan"
)

// docOutbound and docInbound are the documentation's example statements
// (procedure.md: outbound on HOST_A, inbound on HOST_A for HOST_B), with
// the example's expiry set to the plan's 2029-11-30. {H} is the host, {P}
// the peer.
var docOutbound = []string{
	`CREATE MASTER KEY ENCRYPTION BY PASSWORD = '<strong, unique per host>';`,
	`CREATE CERTIFICATE {H}_cert WITH SUBJECT = '{H} certificate for database mirroring', EXPIRY_DATE = '11/30/2029';`,
	`CREATE ENDPOINT Endpoint_Mirroring
	   STATE = STARTED
	   AS TCP ( LISTENER_PORT = 7024, LISTENER_IP = ALL )
	   FOR DATABASE_MIRRORING (
	      AUTHENTICATION = CERTIFICATE {H}_cert,
	      ENCRYPTION = REQUIRED ALGORITHM AES,
	      ROLE = ALL );`,
	`BACKUP CERTIFICATE {H}_cert TO FILE = 'C:\{H}_cert.cer';`,
}

var docInbound = []string{
	`CREATE LOGIN {P}_login WITH PASSWORD = '<strong>';`,
	`CREATE USER {P}_user FOR LOGIN {P}_login;`,
	`CREATE CERTIFICATE {P}_cert AUTHORIZATION {P}_user FROM FILE = 'C:\{P}_cert.cer';`,
	`GRANT CONNECT ON ENDPOINT::Endpoint_Mirroring TO [{P}_login];`,
}

var (
	reStart    = regexp.MustCompile(`,\s*START_DATE\s*=\s*N?'[^']*'`)
	reDate     = regexp.MustCompile(`'(\d{4})(\d{2})(\d{2})'`)
	rePassword = regexp.MustCompile(`PASSWORD\s*=\s*N?'[^']*'`)
	reNPrefix  = regexp.MustCompile(`\bN'`)
	reBrackets = regexp.MustCompile(`\[([^\]]*)\]`)
	reSpace    = regexp.MustCompile(`\s+`)
	rePunct    = regexp.MustCompile(`\s*([(),=;])\s*`)
)

// normalise removes what may legitimately differ from the documentation:
// bracket quoting, N prefixes, layout, the password placeholder, the date
// format ('YYYYMMDD' reads the same in every language, the docs' US form
// does not) and the START_DATE mirrorcert adds so that hosts west of UTC
// do not get a not-yet-valid certificate.
func normalise(s string) string {
	s = reStart.ReplaceAllString(s, "")
	s = reDate.ReplaceAllString(s, "'$2/$3/$1'")
	s = rePassword.ReplaceAllString(s, "PASSWORD = '<password>'")
	s = reNPrefix.ReplaceAllString(s, "'")
	s = reBrackets.ReplaceAllString(s, "$1")
	s = reSpace.ReplaceAllString(strings.TrimSpace(s), " ")
	return rePunct.ReplaceAllString(s, "$1")
}

func TestStatementsMatchTheDocumentation(t *testing.T) {
	p := docsPlan(plan.TransferFile)
	empty := map[string]*State{"HOST_A": {}, "HOST_B": {}, "HOST_W": {}}
	c := Build(p, empty, testNow)
	for _, hl := range c.Hosts {
		var want []string
		for _, d := range docOutbound {
			d = strings.ReplaceAll(d, "{H}", hl.Host)
			if hl.Host == "HOST_W" {
				// The docs' example uses ROLE = ALL everywhere; a witness
				// gets ROLE = WITNESS by design (the plan can say ALL).
				d = strings.Replace(d, "ROLE = ALL", "ROLE = WITNESS", 1)
			}
			want = append(want, d)
		}
		for _, peer := range p.Peers(hl.Host) {
			for _, d := range docInbound {
				want = append(want, strings.ReplaceAll(d, "{P}", peer))
			}
		}
		var got []string
		for _, it := range hl.Items {
			for _, st := range it.Statements {
				got = append(got, st.Text)
			}
		}
		if len(got) != len(want) {
			t.Fatalf("%s: %d statements, the documentation has %d", hl.Host, len(got), len(want))
		}
		for i := range want {
			if g, w := normalise(got[i]), normalise(want[i]); g != w {
				t.Errorf("%s statement %d:\n got %s\nwant %s", hl.Host, i+1, g, w)
			}
		}
	}
}

func TestNormaliseIsNotBlind(t *testing.T) {
	// The comparison must still see a wrong name, port, role or owner.
	base := normalise(docInbound[2])
	for _, bad := range []string{
		`CREATE CERTIFICATE {P}_cert AUTHORIZATION dbo FROM FILE = 'C:\{P}_cert.cer';`,
		`CREATE CERTIFICATE {P}_cert FROM FILE = 'C:\{P}_cert.cer';`,
		`CREATE CERTIFICATE [{P}_cert]] AUTHORIZATION {P}_user FROM FILE = 'C:\{P}_cert.cer';`,
	} {
		if normalise(bad) == base {
			t.Errorf("normalise hides the difference in %q", bad)
		}
	}
}
