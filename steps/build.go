package steps

import (
	"strings"
	"time"

	"github.com/mirrorcert/mirrorcert/plan"
	"github.com/mirrorcert/mirrorcert/steps/tsql"
)

// expiryWarning is how close to expiry a certificate gets a warning: long
// enough to schedule a rotation in a change window.
const expiryWarning = 30 * 24 * time.Hour

// builder carries what every item computation needs.
type builder struct {
	p      *plan.Plan
	states map[string]*State
	now    time.Time
	start  time.Time // START_DATE for new certificates
	file   bool      // file transfer mode
	// denied holds, per host read with too few rights, why (rights.go);
	// such a host's state is set aside as if it had not been read.
	denied map[string]string
	// fromBinary memoises each peer's CREATE CERTIFICATE ... FROM BINARY:
	// every other host installs the same one, and its text carries the
	// certificate in hex (about 1.6 KB), so it is made once per Build, not
	// once per host and peer.
	fromBinary map[string][]tsql.Statement
}

// Build derives the whole checklist from the plan and the observed state of
// every host. states[h] == nil means host h was not read: its items are
// Unknown and items elsewhere that need them are Blocked. Build is pure: the
// same inputs give the same checklist.
func Build(p *plan.Plan, states map[string]*State, now time.Time) Checklist {
	return build(p, states, now, nil)
}

func build(p *plan.Plan, states map[string]*State, now time.Time, m *Memo) Checklist {
	b := newBuilder(p, states, now)
	m = m.begin(p, now)
	facts := b.allPeerFacts()
	var c Checklist
	for _, h := range p.Hosts {
		c.Hosts = append(c.Hosts, b.hostList(h, states, facts, m))
	}
	m.end()
	resolve(&c)
	return c
}

func newBuilder(p *plan.Plan, states map[string]*State, now time.Time) *builder {
	b := &builder{p: p, now: now.UTC(), file: p.Transfer == plan.TransferFile, fromBinary: map[string][]tsql.Statement{}}
	b.states, b.denied = setAsideDenied(states)
	b.start = p.Certificate.StartDate
	if b.start.IsZero() {
		// Back-dated a day: a START_DATE of "today" in UTC is still in the
		// future for a host west of UTC, and the certificate would be
		// rejected as not yet valid.
		y, m, d := b.now.Date()
		b.start = time.Date(y, m, d, 0, 0, 0, 0, time.UTC).AddDate(0, 0, -1)
	}
	return b
}

func (b *builder) allPeerFacts() map[string]peerFacts {
	facts := make(map[string]peerFacts, len(b.p.Hosts))
	for _, h := range b.p.Hosts {
		facts[h.Name] = b.peerFacts(h.Name)
	}
	return facts
}

// hostList is h's items, before resolve: its own, then per peer in plan
// order. states is the caller's (the memo keys on its pointers).
func (b *builder) hostList(h plan.Host, states map[string]*State, facts map[string]peerFacts, m *Memo) HostList {
	peers := b.p.Peers(h.Name)
	hl := HostList{Host: h.Name, Role: h.Role, Items: make([]Item, 0, 4+5*len(peers))}
	self := states[h.Name]
	hl.Items = m.appendGroup(hl.Items, memoKey{host: h.Name, self: self}, func() []Item { return b.outbound(h) })
	for _, peer := range peers {
		pf := facts[peer]
		key := memoKey{host: h.Name, peer: peer, self: self, facts: pf}
		hl.Items = m.appendGroup(hl.Items, key, func() []Item { return b.inbound(h, peer, pf) })
	}
	return hl
}

// resolve turns Pending items whose needs are not all Done into Blocked,
// naming the blockers. Done, Conflict and Unknown items keep their status:
// an object that exists is there whatever its prerequisites look like.
func resolve(c *Checklist) {
	n := 0
	for _, h := range c.Hosts {
		n += len(h.Items)
	}
	status := make(map[Ref]Status, n)
	for _, h := range c.Hosts {
		for _, it := range h.Items {
			status[it.Ref] = it.Status
		}
	}
	for hi := range c.Hosts {
		for ii := range c.Hosts[hi].Items {
			it := &c.Hosts[hi].Items[ii]
			if it.Status == Conflict && it.Conflict != nil {
				blockRemedy(it.Conflict, status)
			}
			if it.Status != Pending && it.Status != Blocked {
				continue
			}
			for _, n := range it.Needs {
				if status[n] != Done && !containsRef(it.BlockedBy, n) {
					it.BlockedBy = append(it.BlockedBy, n)
				}
			}
			if len(it.BlockedBy) == 0 {
				continue
			}
			names := make([]string, len(it.BlockedBy))
			for i, r := range it.BlockedBy {
				names[i] = r.String()
			}
			wait := "waits for " + strings.Join(names, ", ")
			if it.Status == Blocked && it.Detail != "" {
				wait += "; " + it.Detail
			}
			it.Status, it.Detail = Blocked, wait
		}
	}
}

// blockRemedy records which of a remedy's needs are not done yet and says
// in the conflict's Fix what must happen first: a remedy offered too early
// fails on the server (ALTER ENDPOINT naming a certificate that does not
// exist yet: 15151).
func blockRemedy(c *ConflictInfo, status map[Ref]Status) {
	c.RemedyBlockedBy = nil
	for _, n := range c.RemedyNeeds {
		if status[n] != Done && !containsRef(c.RemedyBlockedBy, n) {
			c.RemedyBlockedBy = append(c.RemedyBlockedBy, n)
		}
	}
	if len(c.RemedyBlockedBy) == 0 {
		return
	}
	names := make([]string, len(c.RemedyBlockedBy))
	for i, r := range c.RemedyBlockedBy {
		names[i] = r.String()
	}
	c.Fix += " First run " + strings.Join(names, ", ") + "; the fix is offered once that is done."
}

func containsRef(rs []Ref, r Ref) bool {
	for _, x := range rs {
		if x == r {
			return true
		}
	}
	return false
}

// state returns the state of host h, or nil when it was not read.
func (b *builder) state(h string) *State {
	if b.states == nil {
		return nil
	}
	return b.states[h]
}

// unknown marks it as not read: its host is not connected, or the login
// lacks the rights to see or change it.
func (b *builder) unknown(it *Item) {
	it.Status = Unknown
	it.Detail = it.Host + " is not connected, so its state is unknown"
	if why := b.denied[it.Host]; why != "" {
		it.Detail = why
	}
	it.Statements = nil
}

// validity reports a certificate's date problems: a conflict text when it
// is expired or not yet valid, else a warning when it expires soon.
func (b *builder) validity(host string, c *Certificate) (conflict, warning string) {
	switch {
	case !c.ExpiryDate.IsZero() && !b.now.Before(c.ExpiryDate):
		return c.Name + " on " + host + " expired on " + day(c.ExpiryDate) +
			"; existing mirroring connections keep working, new ones are refused (errors 28036/28055 in the log)", ""
	case !c.StartDate.IsZero() && b.now.Before(c.StartDate):
		return c.Name + " on " + host + " is not valid until " + day(c.StartDate) +
			" (UTC); until then connections that use it are refused", ""
	case !c.ExpiryDate.IsZero() && c.ExpiryDate.Sub(b.now) < expiryWarning:
		return "", c.Name + " on " + host + " expires on " + day(c.ExpiryDate) + "; plan its rotation now"
	}
	return "", ""
}

func day(t time.Time) string { return t.UTC().Format("2006-01-02") }

// endpointRole is the planned ROLE of h's endpoint.
func endpointRole(h plan.Host) string {
	if h.EndpointRole != "" {
		return strings.ToUpper(h.EndpointRole)
	}
	if h.Role == plan.RoleWitness {
		return "WITNESS"
	}
	return "ALL"
}

// endpointName is the endpoint that exists on a host, which wins over the
// planned name because an instance has only one mirroring endpoint.
func (b *builder) endpointName(s *State) string {
	if s != nil && s.Endpoint != nil {
		return s.Endpoint.Name
	}
	return b.p.Endpoint.Name
}

// subject is the planned certificate subject for host h.
func (b *builder) subject(h string) string {
	s := b.p.Certificate.Subject
	if s == "" {
		s = plan.DefaultSubject
	}
	return strings.ReplaceAll(s, "{host}", h)
}

// mergeConflicts folds several findings into one ConflictInfo.
func mergeConflicts(cs []ConflictInfo) *ConflictInfo {
	if len(cs) == 0 {
		return nil
	}
	out := cs[0]
	for _, c := range cs[1:] {
		out.What += "; " + c.What
		out.Fix += " " + c.Fix
		out.Remedy = append(out.Remedy, c.Remedy...)
		out.RemedyNeeds = append(out.RemedyNeeds, c.RemedyNeeds...)
		if out.Object == "" {
			out.Object = c.Object
		}
	}
	return &out
}

// certName is host's own certificate as its endpoint shows it. After a
// rotation (mirrorcert rotate) the endpoint authenticates with
// <planned name>_<yyyymmdd> and the planned one is gone; that certificate is
// then the one every item checks, on the host and as the copy on each peer,
// so a rotated setup still reads as complete. Anything else an endpoint
// uses (another name, a copy without private key) stays a conflict against
// the planned name.
func (b *builder) certName(host string) string {
	return CertNameFor(b.p, b.states[host], host)
}

// CertNameFor is host's own certificate name as its state s shows it (see
// builder.certName): the rotated <planned>_<suffix> its endpoint uses, or
// the planned name. checks follows the same rule through it.
func CertNameFor(p *plan.Plan, s *State, host string) string {
	planned := p.CertName(host)
	if s == nil || s.Endpoint == nil || s.Endpoint.CertificateName == "" {
		return planned
	}
	used := s.Endpoint.CertificateName
	if !strings.HasPrefix(strings.ToLower(used), strings.ToLower(planned)+"_") {
		return planned
	}
	if c := s.Cert(used); c == nil || c.PvtKeyEncryption != "MK" {
		return planned
	}
	return used
}
