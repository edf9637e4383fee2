package rotate

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/mirrorcert/mirrorcert/plan"
	"github.com/mirrorcert/mirrorcert/steps"
	"github.com/mirrorcert/mirrorcert/steps/tsql"
)

// This file holds how the rotation reads its evidence: whose copy is whose,
// and what the peers' live connections prove.

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
