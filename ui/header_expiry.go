package ui

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/mirrorcert/mirrorcert/expiry"
	"github.com/mirrorcert/mirrorcert/steps"
	"github.com/mirrorcert/mirrorcert/ui/styles"
)

// Expiry windows of the header: yellow within warnDays (verify's
// cert-expiring window, expiry's default), red within errorDays or once
// expired.
const (
	warnDays  = 60
	errorDays = 7
)

// soonestExpiry is the certificate of the plan that expires first: each
// host's endpoint certificate and the peer copies, from the states read.
// It is pure: now is when the states were read.
func soonestExpiry(states map[string]*steps.State, order []string, now time.Time) (expiry.Entry, bool) {
	var insts []expiry.Instance
	for _, h := range order {
		st := states[h]
		if st == nil {
			continue
		}
		in := expiry.Instance{Server: h, Host: h}
		for _, c := range st.Certificates {
			in.Certs = append(in.Certs, expiry.Certificate{Name: c.Name, ID: c.ID, Owner: c.Owner,
				PvtKeyEncryption: c.PvtKeyEncryption, Expiry: c.ExpiryDate, Thumbprint: c.Thumbprint})
			if st.Endpoint != nil && st.Endpoint.CertificateName != "" && strings.EqualFold(st.Endpoint.CertificateName, c.Name) {
				in.EndpointCerts = append(in.EndpointCerts, c.ID)
			}
		}
		insts = append(insts, in)
	}
	r := expiry.Build(insts, now)
	if len(r.Entries) == 0 {
		return expiry.Entry{}, false
	}
	return r.Entries[0], true
}

// expiryText says when e expires, in days from the snapshot's time: a
// certificate created today for a year "expires in 365 days", one that has
// 4 days and 23 hours left "expires in 5 days" (days are counted up, as a
// calendar does; expiry's days_left counts whole days down).
func expiryText(e expiry.Entry) string {
	const day = 24 * 3600
	if e.Seconds <= 0 {
		switch ago := int(-e.Seconds / day); ago {
		case 0:
			return e.Name + " expired today"
		case 1:
			return e.Name + " expired yesterday"
		default:
			return fmt.Sprintf("%s expired %d days ago", e.Name, ago)
		}
	}
	if d := int(math.Ceil(e.Seconds / day)); d > 1 {
		return fmt.Sprintf("%s expires in %d days", e.Name, d)
	}
	return e.Name + " expires within a day"
}

// viewExpiry is the header's soonest expiry, coloured by urgency: "" before
// anything was read.
func (m *Model) viewExpiry() string {
	e, ok := soonestExpiry(m.snap.States, m.hostOrder(), m.snap.Taken)
	if !ok {
		return ""
	}
	text := expiryText(e)
	if e.Kind == expiry.KindPeer {
		text += " (copy on " + e.Host + ")"
	}
	text = styles.Clean(text)
	level := expiryLevel(e)
	if level > 0 && m.rotator() != nil && (m.rot == nil || !m.rot.built) {
		// Where the trainee looks first: say how to act on it.
		text += m.st.Glyphs.Sep + "R rotates"
	}
	text += " "
	switch level {
	case 2:
		return m.st.Error.Render(text)
	case 1:
		return m.st.Warn.Render(text)
	}
	return m.st.Subtle.Render(text)
}

// expiryLevel is how urgent e is for the header: 2 expired or within
// errorDays (red), 1 within warnDays (yellow), 0 fine.
func expiryLevel(e expiry.Entry) int {
	switch {
	case e.Seconds <= float64(errorDays)*24*3600:
		return 2
	case expiry.UrgencyOf(e, warnDays) == expiry.Expiring:
		return 1
	}
	return 0
}
