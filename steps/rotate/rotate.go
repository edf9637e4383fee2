// Package rotate plans the replacement of one host's endpoint certificate on
// every host while the mirroring session stays up. Like the checklist it is
// pure: from the plan and what was read from every host it derives each
// step's status and T-SQL, so an interrupted rotation resumes from whatever
// the servers show.
//
// The sequence (community practice, see shared/reference/procedure.md):
//  1. create the new certificate on the host (master key protects it);
//  2. install its public part on every peer, owned by the SAME user as the
//     copy of the old one, so that either certificate authenticates the host;
//  3. point the host's endpoint at the new certificate (the one step that
//     touches a live endpoint: its listener restarts and sessions reconnect);
//  4. verify on every peer that the connections from the host now
//     authenticate with the new copy and the sessions are synchronized;
//  5. only then drop the old certificate on the host and every peer.
package rotate

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/mirrorcert/mirrorcert/plan"
	"github.com/mirrorcert/mirrorcert/steps"
	"github.com/mirrorcert/mirrorcert/steps/tsql"
)

// Step ids, one per step and host.
const (
	IDCreate   = "rotate/create"
	IDImport   = "rotate/import"
	IDEndpoint = "rotate/endpoint"
	IDVerify   = "rotate/verify"
	IDDropOld  = "rotate/drop-old"
)

// Status of a step.
type Status string

// Statuses.
const (
	Done     Status = "done"
	Pending  Status = "pending"  // can run now
	Blocked  Status = "blocked"  // waits for an earlier step
	Waiting  Status = "waiting"  // nothing to run: waits for the servers (a reconnect)
	Conflict Status = "conflict" // something found needs the operator
)

// Live is what a host shows of running sessions: the rotation's evidence.
type Live struct {
	// Read is false when the views could not be read (then nothing is
	// claimed about sessions on this host).
	Read        bool
	Connections []Connection
	Sessions    []Session
}

// Connection is a row of sys.dm_db_mirroring_connections.
type Connection struct {
	Accept     bool   // is_accept: the peer connected to us
	Principal  string // principal_name: who the peer was authenticated as
	PeerCertID int    // peer_certificate_id: the certificate that authenticated it
	State      string
}

// Session is a mirrored database (sys.database_mirroring) or an
// availability replica's connection state, as far as rotation cares.
type Session struct {
	Database string
	State    string // SYNCHRONIZED, SYNCHRONIZING, DISCONNECTED, SUSPENDED, ...
	Partner  string // TCP:// URL or replica name; "" when unknown
}

// Input is everything the plan of a rotation is derived from.
type Input struct {
	Plan   *plan.Plan
	Host   string    // the host whose certificate is replaced
	Expiry time.Time // the new certificate's expiry (UTC date)
	Now    time.Time
	States map[string]*steps.State
	Live   map[string]*Live
}

// Step is one host's part of one step of the rotation.
type Step struct {
	Host       string
	ID         string
	Title      string
	Status     Status
	Detail     string
	Statements []tsql.Statement
	// Live marks the step that alters a live endpoint: it needs the
	// operator's confirmation (or --yes) after the failover warning.
	Live bool
}

// Sequence is the whole rotation.
type Sequence struct {
	Host    string
	NewName string // <host>_cert_<yyyymmdd of the expiry>
	OldName string // the certificate the endpoint used before ("" once unknown)
	Steps   []Step
}

// Complete reports whether every step is done.
func (q Sequence) Complete() bool {
	for _, s := range q.Steps {
		if s.Status != Done {
			return false
		}
	}
	return true
}

// Next returns the steps that can run now (pending), in order.
func (q Sequence) Next() []Step {
	var out []Step
	for _, s := range q.Steps {
		if s.Status == Pending {
			out = append(out, s)
		}
	}
	return out
}

// NewName is the name of host's certificate expiring on expiry.
func NewName(p *plan.Plan, host string, expiry time.Time) string {
	return p.CertName(host) + "_" + expiry.UTC().Format("20060102")
}

// Build derives the rotation from what the hosts show. Its error is for
// input that cannot be rotated at all (an unknown host, an expiry in the
// past, a host without a certificate-authenticated endpoint, a host not
// read); everything else is a step status.
func Build(in Input) (Sequence, error) {
	p := in.Plan
	h := p.Host(in.Host)
	if h == nil {
		var names []string
		for _, x := range p.Hosts {
			names = append(names, x.Name)
		}
		return Sequence{}, fmt.Errorf("--host %q is not in the plan; its hosts are %s", in.Host, strings.Join(names, ", "))
	}
	host := h.Name
	expiry := in.Expiry.UTC().Truncate(24 * time.Hour)
	if !expiry.After(in.Now) {
		return Sequence{}, fmt.Errorf("--expiry %s is not in the future; give the date the new certificate should expire, e.g. %s",
			expiry.Format("2006-01-02"), in.Now.AddDate(1, 0, 0).Format("2006-01-02"))
	}
	newName := NewName(p, host, expiry)
	if len(newName) > 128 {
		return Sequence{}, fmt.Errorf("the new certificate's name %q is longer than SQL Server's 128 characters", newName)
	}
	st := in.States[host]
	if st == nil {
		return Sequence{}, fmt.Errorf("%s could not be read, so its certificate cannot be rotated now", host)
	}
	ep := st.Endpoint
	if ep == nil || ep.CertificateName == "" {
		return Sequence{}, fmt.Errorf("%s has no certificate-authenticated mirroring endpoint, so there is nothing to rotate: configure it first (mirrorcert apply)", host)
	}
	for _, peer := range p.Peers(host) {
		if in.States[peer] == nil {
			return Sequence{}, fmt.Errorf("%s could not be read; rotation changes every host, so all must be reachable", peer)
		}
	}
	q := Sequence{Host: host, NewName: newName}
	cur := st.Cert(ep.CertificateName) // the endpoint's certificate now
	if !sameName(ep.CertificateName, newName) {
		q.OldName = ep.CertificateName
	}
	newCert := st.Cert(newName)

	// 1. Create.
	create := Step{Host: host, ID: IDCreate, Title: "Create certificate " + newName + " on " + host}
	switch {
	case newCert == nil:
		start := in.Now.UTC().Truncate(24*time.Hour).AddDate(0, 0, -1) // back-dated: clocks differ, and UTC midnight may not have come everywhere
		create.Status = Pending
		create.Detail = fmt.Sprintf("creates %s valid from %s to %s (UTC), its private key protected by the master key", newName, start.Format("2006-01-02"), expiry.Format("2006-01-02"))
		subject := host + " certificate for database mirroring, rotated " + in.Now.UTC().Format("2006-01-02")
		if cur != nil && cur.Subject != "" {
			subject = cur.Subject
		}
		create.Statements = []tsql.Statement{tsql.CreateCertificate(newName, subject, start, expiry)}
	case newCert.PvtKeyEncryption != "MK":
		create.Status = Conflict
		create.Detail = fmt.Sprintf("%s exists on %s but its private key is not protected by the master key (%s), so an endpoint cannot use it; drop it or choose another --expiry", newName, host, keyDesc(newCert.PvtKeyEncryption))
	default:
		create.Status, create.Detail = Done, fmt.Sprintf("%s exists, valid until %s", newName, newCert.ExpiryDate.UTC().Format("2006-01-02"))
	}
	q.Steps = append(q.Steps, create)

	// 2. Import on every peer, owned by the user that owns the copy of the
	// current certificate there.
	importsDone := true
	for _, peer := range p.Peers(host) {
		ps := in.States[peer]
		s := Step{Host: peer, ID: IDImport, Title: "Install " + newName + " on " + peer}
		owner := ownerOn(p, ps, host, cur)
		var have *steps.Certificate
		if newCert != nil {
			have = byThumbprint(ps, newCert.Thumbprint)
		}
		sameNamed := ps.Cert(newName)
		switch {
		case have != nil && have.Owner != "" && !sameName(have.Owner, owner):
			s.Status = Conflict
			s.Detail = fmt.Sprintf("%s's copy %s is owned by %s, not %s, so %s's connections would run as another login", host, have.Name, have.Owner, owner, host)
			s.Statements = []tsql.Statement{tsql.AlterCertificateOwner(have.Name, owner)}
		case have != nil:
			s.Status, s.Detail = Done, fmt.Sprintf("%s is installed, owned by %s", have.Name, owner)
		case sameNamed != nil:
			s.Status = Conflict
			s.Detail = fmt.Sprintf("%s already has a certificate named %s that is not %s's new one (other thumbprint); drop it or rotate with another --expiry", peer, newName, host)
		case newCert == nil:
			s.Status, s.Detail = Blocked, "waits for "+newName+" on "+host
		case newCert.Encoded == nil:
			s.Status = Blocked
			s.Detail = "the public bytes of " + newName + " could not be read from " + host + " (CERTENCODED needs SQL Server 2012 or later)"
		default:
			s.Status = Pending
			s.Detail = fmt.Sprintf("installs the public part of %s, owned by %s (the owner of %s's current certificate there), so both certificates authenticate %s", newName, owner, host, host)
			s.Statements = []tsql.Statement{tsql.CreatePeerCertificateFromBinary(newName, owner, newCert.Encoded)}
		}
		if s.Status != Done {
			importsDone = false
		}
		q.Steps = append(q.Steps, s)
	}

	// 3. Switch the endpoint.
	sw := Step{Host: host, ID: IDEndpoint, Title: "Point endpoint " + ep.Name + " at " + newName, Live: true}
	switched := sameName(ep.CertificateName, newName)
	switch {
	case switched:
		sw.Status, sw.Detail = Done, fmt.Sprintf("endpoint %s authenticates with %s", ep.Name, newName)
	case create.Status != Done || !importsDone:
		sw.Status, sw.Detail = Blocked, "waits until "+newName+" exists on "+host+" and on every peer"
	default:
		sw.Status = Pending
		sw.Detail = fmt.Sprintf("ALTER ENDPOINT restarts %s's listener: every mirroring connection of %s drops and reconnects, authenticated by %s. "+
			"With a witness and SAFETY FULL, a principal whose connections stay down longer than the partner timeout (10 s by default) "+
			"can be failed over automatically. Do it in a quiet window.", ep.Name, host, newName)
		sw.Statements = []tsql.Statement{tsql.AlterEndpointAuth(ep.Name, newName)}
	}
	q.Steps = append(q.Steps, sw)

	// 4. Verify on every peer.
	verified := true
	anySession := false
	for _, name := range append([]string{host}, p.Peers(host)...) {
		if l := in.Live[name]; l != nil && len(l.Sessions) > 0 {
			anySession = true
		}
	}
	for _, peer := range p.Peers(host) {
		s := Step{Host: peer, ID: IDVerify, Title: "Verify " + host + "'s connections to " + peer}
		s.Status, s.Detail = verifyPeer(in, host, peer, newCert, switched, anySession)
		if s.Status != Done {
			verified = false
		}
		q.Steps = append(q.Steps, s)
	}

	// 5. Drop the old certificate everywhere, once verified. Old copies are
	// the other certificates owned by the host's user on each peer; on the
	// host, the originals of those (same thumbprint). Nothing else is
	// touched: a TDE or signing certificate never matches. The host goes
	// first: its old original is found through the peers' copies, so an
	// interruption between the two must leave the copies.
	var oldPrints [][]byte
	var peerDrops []Step
	for _, peer := range p.Peers(host) {
		ps := in.States[peer]
		owner := ownerOn(p, ps, host, cur)
		var drops []tsql.Statement
		var names []string
		for _, c := range ps.Certificates {
			if !sameName(c.Owner, owner) || c.PvtKeyEncryption != "NA" || (newCert != nil && bytes.Equal(c.Thumbprint, newCert.Thumbprint)) {
				continue
			}
			if !switched && cur != nil && !bytes.Equal(c.Thumbprint, cur.Thumbprint) {
				continue // before the switch, only the current copy is known to be the host's
			}
			oldPrints = append(oldPrints, c.Thumbprint)
			drops = append(drops, tsql.DropCertificate(c.Name))
			names = append(names, c.Name)
		}
		peerDrops = append(peerDrops, dropStep(peer, names, drops, verified && switched))
	}
	var drops []tsql.Statement
	var names []string
	for _, c := range st.Certificates {
		if sameName(c.Name, ep.CertificateName) || sameName(c.Name, newName) {
			continue
		}
		if slices.ContainsFunc(oldPrints, func(tp []byte) bool { return bytes.Equal(tp, c.Thumbprint) }) {
			drops = append(drops, tsql.DropCertificate(c.Name))
			names = append(names, c.Name)
		}
	}
	if !switched && cur != nil {
		// Before the switch the old original is the endpoint's own.
		names, drops = []string{cur.Name}, []tsql.Statement{tsql.DropCertificate(cur.Name)}
	}
	q.Steps = append(q.Steps, dropStep(host, names, drops, verified && switched))
	q.Steps = append(q.Steps, peerDrops...)
	return q, nil
}

func dropStep(host string, names []string, drops []tsql.Statement, ready bool) Step {
	s := Step{Host: host, ID: IDDropOld, Title: "Drop the old certificate on " + host}
	switch {
	case len(drops) == 0:
		s.Status, s.Detail = Done, "no old certificate left on "+host
	case !ready:
		s.Status, s.Detail = Blocked, "waits until every peer authenticates the new certificate; "+strings.Join(names, ", ")+" stays until then"
	default:
		s.Status, s.Detail, s.Statements = Pending, "drops "+strings.Join(names, ", ")+": nothing authenticates with it any more", drops
	}
	return s
}

// verifyPeer decides whether peer sees host's connections authenticated by
// the new certificate and its sessions synchronized.
func verifyPeer(in Input, host, peer string, newCert *steps.Certificate, switched, anySession bool) (Status, string) {
	if !switched {
		return Blocked, "waits for the endpoint switch on " + host
	}
	l := in.Live[peer]
	if l == nil || !l.Read {
		return Waiting, "the mirroring views of " + peer + " could not be read; re-run to verify"
	}
	if !anySession {
		return Done, "no mirroring session is running, so there is no connection to check; the next one authenticates with the new certificate"
	}
	ps := in.States[peer]
	var copyID int
	if newCert != nil {
		if c := byThumbprint(ps, newCert.Thumbprint); c != nil {
			copyID = c.ID
		}
	}
	owner := ownerOn(in.Plan, ps, host, newCert)
	login := in.Plan.LoginName(host)
	fromHost, onNew := 0, 0
	for _, c := range l.Connections {
		if !c.Accept || !(sameName(c.Principal, owner) || sameName(c.Principal, login)) {
			continue
		}
		fromHost++
		if copyID != 0 && c.PeerCertID == copyID {
			onNew++
		}
	}
	switch {
	case fromHost == 0:
		return Waiting, "no connection from " + host + " is open on " + peer + " yet; waiting for it to reconnect"
	case onNew < fromHost:
		return Waiting, fmt.Sprintf("%d of %d connection(s) from %s still authenticate with the old certificate", fromHost-onNew, fromHost, host)
	}
	for _, name := range []string{host, peer} {
		if l := in.Live[name]; l != nil {
			for _, s := range l.Sessions {
				if !strings.EqualFold(s.State, "SYNCHRONIZED") {
					return Waiting, fmt.Sprintf("%s on %s is %s, not SYNCHRONIZED yet", s.Database, name, s.State)
				}
			}
		}
	}
	return Done, fmt.Sprintf("%d connection(s) from %s authenticate with the new certificate, and the sessions are synchronized", fromHost, host)
}

// ownerOn is the user on peer that stands for host: the owner of peer's copy
// of host's certificate c (matched by thumbprint), else of the copy named as
// the plan names it, else the plan's user name.
func ownerOn(p *plan.Plan, ps *steps.State, host string, c *steps.Certificate) string {
	if c != nil {
		if x := byThumbprint(ps, c.Thumbprint); x != nil && x.Owner != "" {
			return x.Owner
		}
	}
	if x := ps.Cert(p.CertName(host)); x != nil && x.Owner != "" && x.PvtKeyEncryption == "NA" {
		return x.Owner
	}
	return p.UserName(host)
}

func byThumbprint(s *steps.State, tp []byte) *steps.Certificate {
	if s == nil || len(tp) == 0 {
		return nil
	}
	for i := range s.Certificates {
		if bytes.Equal(s.Certificates[i].Thumbprint, tp) {
			return &s.Certificates[i]
		}
	}
	return nil
}

func keyDesc(enc string) string {
	switch enc {
	case "NA":
		return "it has no private key"
	case "PW":
		return "a password protects it"
	}
	return enc
}

// sameName compares object names as a case-insensitive collation does, the
// default of SQL Server installations.
func sameName(a, b string) bool { return strings.EqualFold(a, b) }

// Stage is what a driver runs next: the pending steps of the first stage
// that has any (the imports on every peer, the drops on every host). Steps
// of one stage are independent of each other; after them everything is
// read back and the sequence built again. Both the CLI and the TUI drive a
// rotation by it.
func (q Sequence) Stage() []Step {
	next := q.Next()
	if len(next) == 0 {
		return nil
	}
	var out []Step
	for _, s := range next {
		if s.ID == next[0].ID {
			out = append(out, s)
		}
	}
	return out
}

// Waiting reports whether some step waits for the servers (a reconnect):
// reading again later may let the rotation go on.
func (q Sequence) Waiting() bool {
	for _, s := range q.Steps {
		if s.Status == Waiting {
			return true
		}
	}
	return false
}

// Stuck describes the first step that holds the rotation up: a conflict or
// a wait first, else the first step not done.
func (q Sequence) Stuck() string {
	for _, s := range q.Steps {
		if s.Status == Conflict || s.Status == Waiting {
			return fmt.Sprintf("%s on %s: %s", s.ID, s.Host, s.Detail)
		}
	}
	for _, s := range q.Steps {
		if s.Status != Done {
			return fmt.Sprintf("%s on %s: %s", s.ID, s.Host, s.Detail)
		}
	}
	return "nothing"
}
