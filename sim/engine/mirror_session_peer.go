package engine

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// The receiving side of session messages: what a mirror, a principal or a
// witness does when its partner's engine calls it over an authenticated
// link (see mirror_session.go for the calling side).

// sessionMessage answers one message; Error carries the number the caller
// raises.
func (in *instance) sessionMessage(c *MirrorConn, m MirrorMessage) MirrorMessage {
	if strings.HasPrefix(m.Kind, "AG ") {
		return in.agMessage(c, m)
	}
	ok := MirrorMessage{Kind: m.Kind, Database: m.Database}
	refuse := func(n int32) MirrorMessage { ok.Error = n; return ok }
	if m.Kind == "SET PARTNER" {
		return in.onSetPartner(m)
	}
	if m.Kind == "SET WITNESS" {
		return in.onSetWitness(m)
	}
	var d *database
	var mm *dbMirror
	in.locked(func() {
		if d = in.cat.db(m.Database); d != nil {
			mm = d.st().mirror
		}
	})
	if m.Kind == "WITNESS FAILOVER" {
		in.locked(func() {
			for _, w := range in.cat.hadr.witnessed {
				if strings.EqualFold(w.database, m.Database) {
					w.principal, w.mirror, w.roleSeq = w.mirror, w.principal, w.roleSeq+1
				}
			}
		})
		return ok
	}
	if m.Kind == "PARTNER OFF" || m.Kind == "WITNESS OFF" {
		if w := in.dropWitnessed(m.Database); w {
			return ok
		}
	}
	if mm == nil {
		return refuse(1416)
	}
	switch m.Kind {
	case "PARTNER OFF":
		in.endSession(d, mm)
	case "WITNESS":
		ctx, cancel := mirrorCtx()
		defer cancel()
		link, err := in.mirrorConnect(ctx, m.Args["witness"])
		in.locked(func() {
			mm.witness = m.Args["witness"]
			if err == nil {
				mm.witnessLink = link
			}
		})
	case "WITNESS OFF":
		var link MirrorLink
		in.locked(func() { link, mm.witness, mm.witnessLink = mm.witnessLink, "", nil })
		if link != nil {
			link.Close()
		}
	case "SAFETY":
		level, _ := strconv.Atoi(m.Args["safety"])
		in.locked(func() { mm.setSafety(level) })
	case "SUSPEND", "RESUME":
		in.locked(func() { mm.suspended = m.Kind == "SUSPEND" })
	case "FAILOVER":
		in.locked(func() { in.becomePrincipalLocked(d, mm) })
	case "RECONNECT":
		in.locked(func() { in.reconnectLocked(d, mm, true) })
	default:
		return refuse(1416)
	}
	return ok
}

// onSetPartner is the mirror's side of the principal's SET PARTNER: check
// the restored copy against the principal's log, then connect back.
func (in *instance) onSetPartner(m MirrorMessage) MirrorMessage {
	reply := MirrorMessage{Kind: m.Kind, Database: m.Database}
	lsn, _ := strconv.ParseInt(m.Args["lsn"], 10, 64)
	chain, _ := strconv.ParseInt(m.Args["chain"], 10, 64)
	var d *database
	var partnerURL string
	in.locked(func() {
		d = in.cat.db(m.Database)
		var s *dbState
		if d != nil {
			s = d.st()
		}
		switch {
		case d == nil || s.mirror == nil:
			reply.Error = 1416 // the mirror has not run its SET PARTNER
		case s.mirror.active:
			reply.Error = 1405
		case s.state != "RESTORING":
			reply.Error = 1419
		case s.recovery != "FULL":
			reply.Error = 1465
		case s.family != m.Args["family"] || s.lsn > lsn:
			reply.Error = 1412
		case s.lsn < chain || s.logBackups == 0:
			reply.Error = 1478
		default:
			partnerURL = s.mirror.partner
		}
	})
	if reply.Error != 0 {
		return reply
	}
	ctx, cancel := mirrorCtx()
	defer cancel()
	link, err := in.mirrorConnect(ctx, partnerURL)
	if err != nil {
		reply.Error = 1418
		return reply
	}
	in.locked(func() {
		s := d.st()
		if s.mirror == nil || s.mirror.active || s.state != "RESTORING" {
			reply.Error = 1416 // changed meanwhile (SET PARTNER OFF, RESTORE ... WITH RECOVERY)
			return
		}
		s.lsn = lsn
		s.mirror = &dbMirror{active: true, guid: m.Args["guid"], role: 2, roleSeq: 1, safety: 2, safetySeq: 1,
			partner: partnerURL, partnerInstance: m.Args["server"], timeout: 10,
			syncAt: time.Now().Add(mirrorSyncDelay), link: link}
		in.logLocked("spid44s", fmt.Sprintf("Database mirroring is active with database '%s' as the mirror copy. This is an informational message only. No user action is required.", d.name))
	})
	if reply.Error != 0 {
		link.Close()
		return reply
	}
	reply.Args = map[string]string{"server": in.opts.Name, "partner": partnerURL}
	return reply
}

// onSetWitness is the witness's side of SET WITNESS: its endpoint must
// take the WITNESS role, and it must reach both partners.
func (in *instance) onSetWitness(m MirrorMessage) MirrorMessage {
	reply := MirrorMessage{Kind: m.Kind, Database: m.Database}
	in.locked(func() {
		if e := in.mirrorEndpointLocked(); e == nil || e.role == 1 {
			reply.Error = 1456 // a PARTNER-only endpoint cannot serve as witness
		}
		for _, w := range in.cat.hadr.witnessed {
			if w.guid == m.Args["guid"] {
				reply.Error = 1405
			}
		}
	})
	if reply.Error != 0 {
		return reply
	}
	ctx, cancel := mirrorCtx()
	defer cancel()
	var links []MirrorLink
	for _, url := range []string{m.Args["principal_url"], m.Args["mirror_url"]} {
		link, err := in.mirrorConnect(ctx, url)
		if err != nil {
			for _, l := range links {
				l.Close()
			}
			reply.Error = 1456
			return reply
		}
		links = append(links, link)
	}
	safety, _ := strconv.Atoi(m.Args["safety"])
	in.locked(func() {
		in.cat.hadr.witnessed = append(in.cat.hadr.witnessed, &witnessed{database: m.Database,
			principal: m.Args["principal"], mirror: m.Args["mirror"], guid: m.Args["guid"], family: m.Args["family"],
			safety: safety, safetySeq: 1, roleSeq: 1, syncAt: time.Now().Add(mirrorSyncDelay), links: links})
	})
	return reply
}

// dropWitnessed ends the witness's part in a database's session; it
// reports whether there was one.
func (in *instance) dropWitnessed(db string) bool {
	var gone []*witnessed
	in.locked(func() {
		in.cat.hadr.witnessed = without(in.cat.hadr.witnessed, func(w *witnessed) bool {
			if strings.EqualFold(w.database, db) {
				gone = append(gone, w)
				return true
			}
			return false
		})
	})
	for _, w := range gone {
		for _, l := range w.links {
			l.Close()
		}
	}
	return len(gone) > 0
}
