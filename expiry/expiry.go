// Package expiry turns what was read from many instances into the list of
// endpoint and peer certificates, soonest expiry first. It is pure: no I/O,
// and the clock is passed in.
package expiry

import (
	"cmp"
	"encoding/hex"
	"slices"
	"strings"
	"time"
)

// Kinds of certificate listed.
const (
	KindEndpoint = "endpoint" // the certificate a mirroring endpoint authenticates with
	KindPeer     = "peer"     // another host's public certificate, owned by the user standing for it
)

// Certificate is a row of master.sys.certificates with its owner.
type Certificate struct {
	Name       string
	ID         int
	Owner      string // database principal owning it
	OwnerLogin string // the login that user maps to, "" if none
	// PvtKeyEncryption is pvt_key_encryption_type: MK, PW, SK or NA (no private key).
	PvtKeyEncryption string
	Expiry           time.Time
	Thumbprint       []byte
}

// Instance is what one instance showed, or why it could not be read.
type Instance struct {
	Server string // the name mirrorcert connected with (sqlcmd -S form)
	Host   string // @@SERVERNAME, or the plan's host name
	Certs  []Certificate
	// EndpointCerts are the certificate_ids certificate-authenticated
	// mirroring endpoints use.
	EndpointCerts []int
	Err           error
}

// Entry is one certificate in the report.
type Entry struct {
	Server     string
	Host       string
	Name       string
	Kind       string
	Peer       string // for a peer copy: whose certificate it is
	Thumbprint string // upper-case hex, as SSMS shows it
	Expiry     time.Time
	// DaysLeft is whole days until expiry, negative once expired.
	DaysLeft int
	// Seconds until expiry, negative once expired.
	Seconds float64
}

// Unreachable is an instance that could not be read.
type Unreachable struct {
	Server string
	Err    string
}

// Report is the whole listing.
type Report struct {
	Entries     []Entry
	Unreachable []Unreachable
	// Read lists the instances read (their Server), in the order given.
	Read []string
}

// Build lists every endpoint certificate and every peer copy of every
// instance read, soonest expiry first. A certificate with a private key that
// no endpoint uses (a TDE or signing certificate, or a rotated-out one) is not
// listed: its expiry breaks nothing in mirroring.
func Build(insts []Instance, now time.Time) Report {
	r := Report{Entries: []Entry{}, Unreachable: []Unreachable{}, Read: []string{}}
	for _, in := range insts {
		if in.Err != nil {
			r.Unreachable = append(r.Unreachable, Unreachable{Server: in.Server, Err: in.Err.Error()})
			continue
		}
		r.Read = append(r.Read, in.Server)
		for _, c := range in.Certs {
			kind, peer := classify(c, in.EndpointCerts)
			if kind == "" {
				continue
			}
			left := c.Expiry.Sub(now)
			r.Entries = append(r.Entries, Entry{
				Server: in.Server, Host: in.Host, Name: c.Name, Kind: kind, Peer: peer,
				Thumbprint: strings.ToUpper(hex.EncodeToString(c.Thumbprint)),
				Expiry:     c.Expiry.UTC(),
				DaysLeft:   daysLeft(left),
				Seconds:    left.Seconds(),
			})
		}
	}
	slices.SortStableFunc(r.Entries, func(a, b Entry) int {
		return cmp.Or(a.Expiry.Compare(b.Expiry), cmp.Compare(a.Server, b.Server), cmp.Compare(a.Name, b.Name))
	})
	slices.SortStableFunc(r.Unreachable, func(a, b Unreachable) int { return cmp.Compare(a.Server, b.Server) })
	return r
}

// classify says whether c is an endpoint certificate, a peer copy, or
// neither (""), and for a peer copy whose it is.
func classify(c Certificate, endpointCerts []int) (kind, peer string) {
	if slices.Contains(endpointCerts, c.ID) {
		return KindEndpoint, ""
	}
	// A peer's copy has no private key and belongs to the user that stands
	// for the peer (the procedure's <host>_user); dbo-owned public
	// certificates are someone else's business.
	if !strings.EqualFold(strings.TrimSpace(c.PvtKeyEncryption), "NA") {
		return "", ""
	}
	owner := c.Owner
	if owner == "" || strings.EqualFold(owner, "dbo") {
		return "", ""
	}
	return KindPeer, whose(owner, c.OwnerLogin)
}

// whose names the host a peer copy stands for: the owner user's name without
// the procedure's _user suffix, else the login's without _login, else the
// user's name as it is.
func whose(user, login string) string {
	if h, ok := cutSuffixFold(user, "_user"); ok && h != "" {
		return h
	}
	if h, ok := cutSuffixFold(login, "_login"); ok && h != "" {
		return h
	}
	return user
}

func cutSuffixFold(s, suffix string) (string, bool) {
	if len(s) >= len(suffix) && strings.EqualFold(s[len(s)-len(suffix):], suffix) {
		return s[:len(s)-len(suffix)], true
	}
	return s, false
}

// daysLeft counts whole days, rounding towards the past: a certificate that
// expires in 23 hours has 0 days left, one that expired an hour ago -1.
func daysLeft(d time.Duration) int {
	days := int(d / (24 * time.Hour))
	if d < 0 && d%(24*time.Hour) != 0 {
		days--
	}
	return days
}

// Urgency of an entry against a warning window.
type Urgency int

// Urgencies, least urgent first.
const (
	OK Urgency = iota
	Expiring
	Expired
)

// UrgencyOf classifies e: expired, expiring within warnDays, or fine.
func UrgencyOf(e Entry, warnDays int) Urgency {
	switch {
	case e.Seconds <= 0:
		return Expired
	case e.Seconds <= float64(warnDays)*24*3600:
		return Expiring
	}
	return OK
}

// AnyWithin reports whether some certificate expires within warnDays (or has).
func (r Report) AnyWithin(warnDays int) bool {
	for _, e := range r.Entries {
		if UrgencyOf(e, warnDays) != OK {
			return true
		}
	}
	return false
}
