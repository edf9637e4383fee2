package checks

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/mirrorcert/mirrorcert/steps"
)

// cause is what one error-log line says went wrong.
type cause struct {
	num int
	// onHost are codes of findings on the logging host that explain the
	// line; onPeer codes of findings on the other side.
	onHost, onPeer []string
	likely         string // likely causes, for a line nothing explains
	consequence    bool   // 1474/9642: the connecting side's echo of a refusal elsewhere
}

// The log patterns are compiled on first use, not in every command's init.
var (
	reLogin  = lazyRegexp(`(?i)the login '([^']*)' does not have connect`)
	reClient = lazyRegexp(`(?i)\[CLIENT: *([^\]\s]+) *\]`)
	reURL    = lazyRegexp(`(?i)tcp://([^:/'\s]+)`)
	reFar    = lazyRegexp(`(?i)far endpoint address: '([^']*)'`)
)

func lazyRegexp(expr string) func() *regexp.Regexp {
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(expr) })
}

var (
	certCodes    = []string{CodeCertExpired, CodeCertNotYetValid, CodeCertNoPrivateKey, CodeEndpointWrongCert, CodeEndpointMissing}
	inboundCodes = []string{CodePeerLoginMissing, CodePeerUserMissing, CodePeerCertMissing, CodePeerCertMismatch, CodeConnectMissing}
	linkCodes    = []string{CodeEncryptionIncompatible, CodeEndpointNotCertificate, CodeEndpointStopped, CodeEndpointRole, CodeEndpointUnreachable}
)

// classify reads a line's message number and meaning from its text: the
// logged form of 28027-28055 sits inside "login attempt failed with error"
// (28047/28048) without the number.
func classify(text string) (cause, bool) {
	t := strings.ToLower(text)
	all := slices.Concat(certCodes, inboundCodes, linkCodes)
	switch {
	case strings.Contains(t, "does not have connect permission"):
		return cause{num: 28034, onHost: []string{CodeConnectMissing, CodePeerLoginMissing},
			likely: "the login the peer's certificate maps to has no GRANT CONNECT on this endpoint"}, true
	case strings.Contains(t, "does not match the one in master"):
		return cause{num: 28045, onHost: []string{CodePeerCertMismatch, CodePeerCertMissing, CodePeerLoginMissing, CodePeerUserMissing}, onPeer: []string{CodeEndpointWrongCert},
			likely: "the copy of the peer's certificate here is not the one the peer uses (an old copy after a rotation)"}, true
	case strings.Contains(t, "certificate used by the peer is invalid"):
		return cause{num: 28035, onHost: []string{CodePeerCertMismatch, CodePeerCertMissing, CodePeerUserMissing, CodePeerLoginMissing}, onPeer: certCodes,
			likely: "the peer's certificate is expired or not yet valid, or the copy here does not match it"}, true
	case strings.Contains(t, "certificate used by this endpoint was not found"):
		return cause{num: 28036, onHost: certCodes,
			likely: "this endpoint's certificate is expired, not yet valid, dropped, or its private key is not protected by the master key"}, true
	case strings.Contains(t, "initializing the private key"):
		return cause{num: 28037, onHost: []string{CodeCertNoPrivateKey},
			likely: "the endpoint certificate's private key cannot be opened by the master key (restored master key without its service-master-key encryption?)"}, true
	case strings.Contains(t, "not valid for endpoint authentication"):
		return cause{num: 28055, onHost: certCodes,
			likely: "the endpoint certificate is outside its validity dates or its private key is not encrypted by the master key"}, true
	case strings.Contains(t, "no compatible"):
		return cause{num: 28027, onHost: []string{CodeEncryptionIncompatible, CodeEndpointNotCertificate}, onPeer: []string{CodeEncryptionIncompatible, CodeEndpointNotCertificate},
			likely: "the two endpoints' ENCRYPTION settings or authentication methods (Windows against certificate) do not match"}, true
	case strings.Contains(t, "database mirroring connection error"):
		return cause{num: 1474, onHost: certCodes, onPeer: all, consequence: true,
			likely: "the peer refused or dropped the connection (its error log says why), or the network path between the servers is blocked"}, true
	case strings.Contains(t, "transport connection endpoint"):
		return cause{num: 9642, onHost: all, onPeer: all, consequence: true,
			likely: "a mirroring transport connection failed; see the lines around it in both error logs"}, true
	case strings.Contains(t, "handshake failed") || (strings.Contains(t, "login attempt") && strings.Contains(t, "failed")):
		return cause{num: 28047, onHost: all, onPeer: all,
			likely: "a mirroring handshake failed for a reason mirrorcert does not recognise; read the line"}, true
	}
	return cause{}, false
}

// lineRef is a deduplicated line read on host.
type lineRef struct {
	host string
	line LogLine
	c    cause
	peer string // "" when unknown
	who  string // login named in the line (28034)
	tied bool
	// stale says why the line is history, "" when it is not.
	stale string
	// echoOf is the refusal on the peer this connector line echoes, when
	// that refusal is history: the echo is shown with it, not on its own.
	echoOf *lineRef
}

// logs ties every error-log line to the findings it proves, and turns the
// rest into handshake-failed findings.
func (c *checker) logs() {
	var refs []*lineRef
	for _, h := range c.in.Plan.Hosts {
		x := c.host(h.Name)
		if x == nil || x.State == nil {
			continue
		}
		for _, l := range dedupe(x.Log) {
			k, ok := classify(l.Text)
			if !ok {
				continue
			}
			r := &lineRef{host: h.Name, line: l, c: k}
			if m := reLogin().FindStringSubmatch(l.Text); m != nil {
				r.who = strings.TrimSuffix(m[1], ".")
			}
			r.peer = c.linePeer(h.Name, l.Text, r.who)
			r.stale = c.staleness(r, x)
			refs = append(refs, r)
		}
	}
	// The refusals first, so a finding's evidence starts with the line that
	// names the cause, then the connecting side's echoes.
	slices.SortStableFunc(refs, func(a, b *lineRef) int {
		if a.c.consequence == b.c.consequence {
			return 0
		}
		if b.c.consequence {
			return -1
		}
		return 1
	})
	for _, r := range refs {
		r.tied = c.tie(r)
	}
	// An echo on the connecting side shares the fate of the refusal logged
	// by the peer about this host.
	for _, r := range refs {
		if !r.c.consequence || r.tied || r.stale != "" || r.peer == "" {
			continue
		}
		for _, a := range refs {
			if a.c.consequence || a.host != r.peer || a.peer != r.host {
				continue
			}
			if a.stale != "" && !r.line.Time.After(a.line.Time.Add(time.Minute)) {
				r.stale = "it echoes " + a.host + "'s refusal at " + stamp(a.line.Time) + ", which " + a.stale
				if !a.tied {
					r.echoOf = a
				}
			}
		}
	}
	made := map[*lineRef]int{}
	for _, r := range refs {
		if r.tied || r.echoOf != nil {
			continue
		}
		made[r] = len(c.out)
		f := Finding{Code: CodeHandshakeFailed, Host: r.host, Peer: r.peer, Evidence: []string{quote(r)}}
		if r.stale != "" {
			f.Severity = Warning
			f.Message = fmt.Sprintf("%s's error log has a mirroring failure (%d) from %s that predates the last change to the objects involved: %s. Kept for the record; it needs no action unless it recurs.",
				r.host, r.c.num, stamp(r.line.Time), r.stale)
		} else {
			f.Message = fmt.Sprintf("%s's error log has a mirroring failure (%d) that no catalog finding explains. Likely: %s.", r.host, r.c.num, r.c.likely)
			f.FixNote = "Read the neighbouring lines in both servers' error logs; re-run verify after changing anything."
		}
		c.add(f)
	}
	for _, r := range refs {
		if i, ok := made[r.echoOf]; ok && r.echoOf != nil {
			c.out[i].Evidence = append(c.out[i].Evidence, quote(r))
		}
	}
}

// tie attaches r to every finding it proves and reports whether any.
func (c *checker) tie(r *lineRef) bool {
	tied := false
	for i := range c.out {
		f := &c.out[i]
		if f.Code == CodeHandshakeFailed {
			continue
		}
		onHost := sameName(f.Host, r.host) && slices.Contains(r.c.onHost, f.Code) &&
			(r.peer == "" || f.Peer == "" || sameName(f.Peer, r.peer))
		onPeer := r.peer != "" && sameName(f.Host, r.peer) && slices.Contains(r.c.onPeer, f.Code) &&
			(f.Peer == "" || sameName(f.Peer, r.host))
		if onHost || onPeer {
			f.Evidence = append(f.Evidence, quote(r))
			tied = true
		}
	}
	return tied
}

// linePeer finds the host a line is about: the [CLIENT: address] of an
// acceptor line, the TCP:// URL of a connector line, or the login named.
func (c *checker) linePeer(host, text, who string) string {
	var addrs []string
	if m := reClient().FindStringSubmatch(text); m != nil {
		addrs = append(addrs, m[1])
	}
	if m := reURL().FindStringSubmatch(text); m != nil {
		addrs = append(addrs, m[1])
	}
	if m := reFar().FindStringSubmatch(text); m != nil && m[1] != "" {
		if u := reURL().FindStringSubmatch(m[1]); u != nil {
			addrs = append(addrs, u[1])
		}
	}
	for _, a := range addrs {
		for _, h := range c.in.Plan.Hosts {
			if h.Name == host {
				continue
			}
			if strings.EqualFold(a, h.Address) || strings.EqualFold(a, h.Name) || strings.EqualFold(a, serverHost(h.Server)) {
				return h.Name
			}
		}
	}
	if who != "" {
		for _, h := range c.in.Plan.Hosts {
			if h.Name != host && sameServer(c.state(host), c.in.Plan.LoginName(h.Name), who) {
				return h.Name
			}
		}
	}
	return ""
}

// serverHost is the host part of a sqlcmd -S server (host[\instance][,port]).
func serverHost(s string) string {
	s, _, _ = strings.Cut(s, ",")
	s, _, _ = strings.Cut(s, `\`)
	return strings.TrimPrefix(strings.TrimSpace(s), "tcp:")
}

// staleness says why a line is history, or "": it is older than a change
// mirrorcert made on the host or than the login it names, or the catalog
// now contradicts it (the GRANT it asks for is there), which means the
// change came after it.
func (c *checker) staleness(r *lineRef, x *Host) string {
	t := r.line.Time
	if !x.Changed.IsZero() && t.Before(x.Changed) {
		return "mirrorcert changed " + r.host + " at " + stamp(x.Changed)
	}
	if r.who != "" {
		if m, ok := x.LoginChanged[r.who]; ok && t.Before(m) {
			return "login " + r.who + " changed at " + stamp(m)
		}
	}
	s := x.State
	switch r.c.num {
	case 28034:
		if r.who != "" && login(s, r.who) != nil && hasConnect(s, r.who) {
			return "the catalog now shows CONNECT granted to " + r.who + ", so the grant came after it"
		}
	case 28036, 28055, 28037:
		if ct := c.ownCert(r.host, s); ct != nil && c.certValid(ct) && s.Endpoint != nil && strings.Contains(strings.ToUpper(s.Endpoint.Auth), "CERTIFICATE") {
			return "the endpoint's certificate " + ct.Name + " is valid now, so it changed after it"
		}
	case 28045, 28035:
		if r.peer != "" && c.copyMatches(r.host, r.peer) {
			return "the copy of " + r.peer + "'s certificate now matches, so it changed after it"
		}
	case 28027:
		if r.peer != "" && c.linkOK(r.host, r.peer) {
			return "the two endpoints' settings are compatible now, so they changed after it"
		}
	}
	return ""
}

func (c *checker) certValid(ct *steps.Certificate) bool {
	return ct.PvtKeyEncryption == "MK" && (ct.ExpiryDate.IsZero() || c.now.Before(ct.ExpiryDate)) &&
		(ct.StartDate.IsZero() || !c.now.Before(ct.StartDate))
}

// copyMatches reports whether host holds peer's current certificate.
func (c *checker) copyMatches(host, peer string) bool {
	s, ps := c.state(host), c.state(peer)
	if s == nil || ps == nil {
		return false
	}
	own := c.ownCert(peer, ps)
	if own == nil || len(own.Thumbprint) == 0 {
		return false
	}
	for _, ct := range s.Certificates {
		if string(ct.Thumbprint) == string(own.Thumbprint) {
			return true
		}
	}
	return false
}

// linkOK reports whether the two endpoints can negotiate now.
func (c *checker) linkOK(a, b string) bool {
	sa, sb := c.state(a), c.state(b)
	if sa == nil || sb == nil || sa.Endpoint == nil || sb.Endpoint == nil {
		return false
	}
	am, aa := encryptionOf(sa.Endpoint)
	bm, ba := encryptionOf(sb.Endpoint)
	return negotiate(am, aa, bm, ba) == "" &&
		strings.Contains(strings.ToUpper(sa.Endpoint.Auth), "CERTIFICATE") && strings.Contains(strings.ToUpper(sb.Endpoint.Auth), "CERTIFICATE")
}

// dedupe folds identical lines (a connector retries every few seconds) into
// the latest one with a count.
func dedupe(ls []LogLine) []LogLine {
	idx := map[string]int{}
	var out []LogLine
	for _, l := range ls {
		n := max(l.Count, 1)
		if i, ok := idx[l.Text]; ok {
			out[i].Count += n
			if l.Time.After(out[i].Time) {
				out[i].Time = l.Time
			}
			continue
		}
		idx[l.Text] = len(out)
		l.Count = n
		out = append(out, l)
	}
	return out
}

func stamp(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05") + " UTC" }

// quote renders a line as evidence: where and when it was logged, the text,
// how often, and whether it is history.
func quote(r *lineRef) string {
	s := fmt.Sprintf("%s error log %s: %s", r.host, stamp(r.line.Time), r.line.Text)
	if r.line.Count > 1 {
		s += fmt.Sprintf(" (%d times, latest shown)", r.line.Count)
	}
	if r.stale != "" {
		s += " [older than the last change: " + r.stale + "]"
	}
	return s
}
