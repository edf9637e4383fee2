package steps

import (
	"fmt"

	"github.com/mirrorcert/mirrorcert/plan"
	"github.com/mirrorcert/mirrorcert/steps/tsql"
)

// inbound returns the items on host h that let peer connect to it: login,
// user, the peer's certificate, CONNECT, and in file mode the manual copy.
func (b *builder) inbound(h plan.Host, peer string, pf peerFacts) []Item {
	s := b.state(h.Name)
	var items []Item
	if b.file {
		items = append(items, b.copyItem(h, peer, s, pf))
	}
	items = append(items, b.login(h, peer, s), b.user(h, peer, s), b.peerCert(h, peer, s, pf), b.connect(h, peer, s))
	if s == nil {
		for i := range items {
			b.unknown(&items[i])
		}
	}
	return items
}

func (b *builder) login(h plan.Host, peer string, s *State) Item {
	name := b.p.LoginName(peer)
	sec := tsql.LoginSecret(peer)
	it := Item{
		Ref:   Ref{h.Name, InboundID(peer, KindLogin)},
		Title: "Login " + name,
		Why: "Connections from " + peer + " are mapped to this login through " + peer + "'s certificate; " +
			"nobody signs in with it directly.",
		Changes: "Creates SQL login " + name + " on " + h.Name + " with a random password generated when the step runs (" +
			sec.Var + " in exported scripts); nobody signs in with it, " + peer + "'s certificate does.",
	}
	if s == nil {
		return it
	}
	for _, l := range s.Logins {
		if s.SameServerName(l.Name, name) {
			it.Status, it.Detail = Done, "login "+name+" exists"
			return it
		}
	}
	it.Status, it.Detail = Pending, "login "+name+" does not exist yet"
	it.Statements = []tsql.Statement{tsql.CreateLogin(name, sec)}
	return it
}

func (b *builder) user(h plan.Host, peer string, s *State) Item {
	name, login := b.p.UserName(peer), b.p.LoginName(peer)
	it := Item{
		Ref:     Ref{h.Name, InboundID(peer, KindUser)},
		Title:   "User " + name,
		Why:     "A certificate belongs to a database user; this user ties " + peer + "'s certificate to login " + login + ".",
		Changes: "Creates user " + name + " in master for login " + login + ".",
		Needs:   []Ref{{h.Name, InboundID(peer, KindLogin)}},
	}
	if s == nil {
		return it
	}
	var byName, byLogin *User
	for i := range s.Users {
		u := &s.Users[i]
		if s.SameMasterName(u.Name, name) {
			byName = u
		}
		if u.Login != "" && s.SameServerName(u.Login, login) && byLogin == nil {
			byLogin = u
		}
	}
	switch {
	case byName != nil && byName.Login != "" && s.SameServerName(byName.Login, login):
		it.Status, it.Detail = Done, "user "+name+" exists for login "+login
		return it
	case byName != nil:
		mapped := "no login"
		if byName.Login != "" {
			mapped = "login " + byName.Login
		}
		it.Conflict = &ConflictInfo{
			What: fmt.Sprintf("user %s already exists in master but belongs to %s, not %s", name, mapped, login),
			Fix: fmt.Sprintf("If that user was made for %s, remap it: ALTER USER %s WITH LOGIN = %s. "+
				"Otherwise it belongs to something else: leave it and use different object names.",
				peer, tsql.QuoteIdent(name), tsql.QuoteIdent(login)),
		}
	case byLogin != nil:
		it.Conflict = &ConflictInfo{
			What: fmt.Sprintf("login %s already has a user in master, %s, so a second user %s cannot be created for it (error 15063)", login, byLogin.Name, name),
			Fix: fmt.Sprintf("If %s was made for %s, rename it: ALTER USER %s WITH NAME = %s. Otherwise drop the login and let mirrorcert recreate both.",
				byLogin.Name, peer, tsql.QuoteIdent(byLogin.Name), tsql.QuoteIdent(name)),
		}
	default:
		it.Status, it.Detail = Pending, "user "+name+" does not exist yet"
		it.Statements = []tsql.Statement{tsql.CreateUser(name, login)}
		return it
	}
	it.Status, it.Detail = Conflict, it.Conflict.What
	return it
}

func (b *builder) copyItem(h plan.Host, peer string, s *State, pf peerFacts) Item {
	file := b.p.CertFile(peer)
	it := Item{
		Ref:   Ref{h.Name, InboundID(peer, KindCopy)},
		Title: "Copy " + peer + "'s certificate file here",
		Why:   "In file mode " + h.Name + " reads " + peer + "'s public certificate from its own disk.",
		Changes: "Nothing on the server: copy " + file + " from " + peer + " to " + file + " on " + h.Name +
			" by a means you trust (the file is public, but a swapped one would let someone else in).",
		Needs:  []Ref{{peer, IDBackup}},
		Manual: true,
	}
	share := IsShare(b.p.Certificate.FileDir)
	if share {
		// Every host reads the same share: the file peer writes there is
		// the file h reads, so there is nothing to copy.
		it.Title = peer + "'s certificate file on the share"
		it.Changes = "Nothing: " + file + " is on a share every host reads, so " + h.Name + " reads it where " + peer + " wrote it; no copy is needed."
		it.Manual = false
	}
	if s == nil {
		return it
	}
	switch {
	case s.Files[file]:
		it.Status, it.Detail = Done, file+" is on "+h.Name
		if share {
			it.Detail = file + " is on the share, readable from " + h.Name + "; no copy needed"
		}
	case s.Cert(pf.certName) != nil:
		it.Status, it.Detail = Done, pf.certName+" is already installed on "+h.Name
	case share && pf.read && pf.backupFile:
		// peer sees its backup at the share path, and a share is the same
		// folder from every host.
		it.Status, it.Detail = Done, file+" is on the share, where "+peer+" wrote it; no copy needed"
	case share:
		it.Status, it.Detail = Pending, file+" appears on the share once "+peer+" has backed up its certificate; no copy needed"
	default:
		it.Status, it.Detail = Pending, file+" is not on "+h.Name+" yet"
	}
	return it
}

func (b *builder) peerCert(h plan.Host, peer string, s *State, pf peerFacts) Item {
	name, owner := pf.certName, b.p.UserName(peer)
	it := Item{
		Ref:   Ref{h.Name, InboundID(peer, KindCertificate)},
		Title: "Certificate " + name + " from " + peer,
		Why: h.Name + " accepts a connection from " + peer + " only if " + peer + " proves it holds the private key " +
			"of a certificate stored here; its owner decides which login the connection runs as.",
		Needs: []Ref{{h.Name, InboundID(peer, KindUser)}},
	}
	if b.file {
		it.Needs = append(it.Needs, Ref{h.Name, InboundID(peer, KindCopy)})
		it.Changes = "Creates " + name + " in master from " + b.p.CertFile(peer) + " (public part only), owned by " + owner + "."
	} else {
		it.Needs = append(it.Needs, Ref{peer, IDCertificate})
		it.Changes = "Creates " + name + " in master from the public bytes read from " + peer + " (no private key), owned by " + owner + "."
	}
	if s == nil {
		return it
	}
	c := s.Cert(name)
	if c == nil {
		it.Status, it.Detail = Pending, name+" is not installed on "+h.Name+" yet"
		switch {
		case b.file:
			it.Statements = []tsql.Statement{tsql.CreatePeerCertificateFromFile(name, owner, b.p.CertFile(peer))}
		case pf.own && pf.hasEncoded:
			st, ok := b.fromBinary[peer]
			if !ok {
				st = []tsql.Statement{tsql.CreatePeerCertificateFromBinary(name, owner, []byte(pf.encoded))}
				b.fromBinary[peer] = st
			}
			it.Statements = st[:1:1]
		case pf.own:
			// The peer's certificate exists but its bytes were not read
			// (CERTENCODED needs SQL Server 2012 or later).
			it.Status = Blocked
			it.BlockedBy = []Ref{{peer, IDCertificate}}
			it.Detail = "the public bytes of " + name + " have not been read from " + peer +
				" (CERTENCODED needs SQL Server 2012 or later); refresh, or use transfer: file"
		}
		return it
	}
	dropIt := []tsql.Statement{tsql.DropCertificate(name)}
	var found []ConflictInfo
	if c.PvtKeyEncryption != "NA" && c.PvtKeyEncryption != "" {
		found = append(found, ConflictInfo{
			What:   name + " on " + h.Name + " has a private key, so it was made here and is not " + peer + "'s certificate",
			Fix:    "Drop it and let mirrorcert install " + peer + "'s own certificate.",
			Remedy: dropIt, Object: name,
		})
	} else if pf.read && !pf.own {
		found = append(found, ConflictInfo{
			What:   peer + " has no certificate " + name + " of its own, so the copy on " + h.Name + " is left over from an earlier setup",
			Fix:    "Drop the stale copy; mirrorcert installs the new one once " + peer + " has created it.",
			Remedy: dropIt, Object: name,
		})
	} else if pf.own && len(pf.thumbprint) > 0 && len(c.Thumbprint) > 0 && pf.thumbprint != string(c.Thumbprint) {
		found = append(found, ConflictInfo{
			What: fmt.Sprintf("%s on %s (thumbprint %s) is not the certificate %s uses (thumbprint %s); %s's connections will be refused (error 28035/28045)",
				name, h.Name, tsql.Binary(c.Thumbprint), peer, tsql.Binary([]byte(pf.thumbprint)), peer),
			Fix:    "Drop the stale copy and let mirrorcert install the current one.",
			Remedy: dropIt, Object: name,
		})
	}
	// An owner the state query could not resolve ("") is not evidence of a
	// wrong one.
	if c.Owner != "" && !s.SameMasterName(c.Owner, owner) {
		ci := ConflictInfo{
			What: fmt.Sprintf("%s is owned by %s, not %s, so %s's connections would run as another login", name, c.Owner, owner, peer),
			Fix:  "Hand it to " + owner + ".",
		}
		if len(found) == 0 {
			ci.Remedy, ci.Object = []tsql.Statement{tsql.AlterCertificateOwner(name, owner)}, name
			// The new owner is the peer's user, which must exist first.
			ci.RemedyNeeds = []Ref{{h.Name, InboundID(peer, KindUser)}}
		} else {
			// It is dropped above; handing a dropped certificate over
			// would fail (15151), and the new copy gets the right owner.
			ci.Fix = "Dropping it settles this too: the new copy is created owned by " + owner + "."
		}
		found = append(found, ci)
	}
	conflict, warning := b.validity(h.Name, c)
	if conflict != "" {
		found = append(found, ConflictInfo{
			What: conflict,
			Fix:  peer + " needs a new certificate: create it on " + peer + ", install it here owned by " + owner + ", then drop this one.",
		})
	}
	if len(found) > 0 {
		it.Status = Conflict
		it.Conflict = mergeConflicts(found)
		it.Detail = it.Conflict.What
		return it
	}
	it.Status, it.Detail = Done, name+" is installed, owned by "+owner
	if warning != "" {
		it.Warnings = append(it.Warnings, warning)
	}
	if !pf.read {
		it.Warnings = append(it.Warnings, "thumbprint not compared with "+peer+"'s own certificate: "+peer+" is not connected")
	}
	return it
}

func (b *builder) connect(h plan.Host, peer string, s *State) Item {
	login := b.p.LoginName(peer)
	ep := b.endpointName(s)
	it := Item{
		Ref:     Ref{h.Name, InboundID(peer, KindConnect)},
		Title:   "CONNECT for " + login,
		Why:     "Proving its identity is not enough: " + peer + "'s login also needs permission to connect to the endpoint (error 28034 otherwise).",
		Changes: "Grants CONNECT on endpoint " + ep + " to " + login + ".",
		Needs:   []Ref{{h.Name, IDEndpoint}, {h.Name, InboundID(peer, KindLogin)}},
	}
	if s == nil {
		return it
	}
	for _, g := range s.ConnectGrants {
		if s.SameServerName(g, login) {
			it.Status, it.Detail = Done, login+" may connect to "+ep
			return it
		}
	}
	it.Status, it.Detail = Pending, login+" has no CONNECT on "+ep+" yet"
	it.Statements = []tsql.Statement{tsql.GrantConnect(ep, login)}
	return it
}

// peerFacts is everything a host's items for a peer read from the peer's
// own state. The items read the peer only through it, so that Memo can
// key them on it: the peer's later reads (its logins, users, grants) do
// not remake its items on every other host, only a change of these does.
type peerFacts struct {
	read       bool   // the peer's state was read (and not set aside)
	certName   string // the peer's certificate as its endpoint shows it
	own        bool   // the peer has that certificate
	hasEncoded bool   // its public bytes were read (CERTENCODED)
	encoded    string
	thumbprint string
	backupFile bool // the peer sees its certificate backup (file mode)
}

func (b *builder) peerFacts(peer string) peerFacts {
	pf := peerFacts{certName: b.certName(peer)}
	ps := b.state(peer)
	if ps == nil {
		return pf
	}
	pf.read = true
	pf.backupFile = ps.Files[b.p.CertFile(peer)]
	if own := ps.Cert(pf.certName); own != nil {
		pf.own, pf.hasEncoded = true, own.Encoded != nil
		pf.encoded, pf.thumbprint = string(own.Encoded), string(own.Thumbprint)
	}
	return pf
}
