package engine

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Database mirroring sessions: ALTER DATABASE ... SET PARTNER / WITNESS on
// this instance. The partners talk over MirrorLinks (mirror_api.go); the
// peer's side of every exchange is in mirror_session_peer.go. Locks: the
// catalog lock is never held across a Connect or a Call.

// mirrorSyncDelay is how long a new SAFETY FULL session stays SYNCHRONIZING
// before it reports SYNCHRONIZED (the mirror "catching up").
const mirrorSyncDelay = 200 * time.Millisecond

// mirrorCallTimeout bounds one exchange with a peer; a peer that connects
// back waits out its own transport timeout within it.
const mirrorCallTimeout = 30 * time.Second

// mirrorText is the sys.messages text of an error sessions raise; %s is
// the database name, or the address for 1418 and 1456.
func mirrorText(num int32) string {
	switch num {
	case 1404:
		return "The command failed because the database mirror is busy. Reissue the command later."
	case 1405:
		return "The database \"%s\" is already enabled for database mirroring."
	case 1412:
		return "The remote copy of database \"%s\" has not been rolled forward to a point in time that is encompassed in the local copy of the database log."
	case 1416:
		return "Database \"%s\" is not configured for database mirroring."
	case 1418:
		return "The server network address \"%s\" can not be reached or does not exist. Check the network address name and that the ports for the local and remote endpoints are operational."
	case 1419:
		return "The remote copy of database \"%s\" cannot be opened. Check the database name and ensure that it is in the restoring state, and then reissue the command."
	case 1422:
		return "The mirror server instance is not caught up to the recent changes to database \"%s\". Unable to fail over."
	case 1449:
		return "ALTER DATABASE command failed due to an invalid server connection string."
	case 1452:
		return "The partner server instance name must be distinct from the server instance that manages the database. The ALTER DATABASE SET PARTNER command failed."
	case 1455:
		return "The database mirroring service cannot be forced for database \"%s\" because the database is not in the correct state to become the principal database."
	case 1456:
		return "The ALTER DATABASE command could not be sent to the remote server instance '%s'. The database mirroring configuration was not changed. Verify that the server is connected, and try again."
	case 1465:
		return "Database mirroring cannot be enabled because the \"%s\" database is not in full recovery mode on both partners."
	case 1478:
		return "The mirror database, \"%s\", has insufficient transaction log data to preserve the log backup chain of the principal database. This may happen if a log backup from the principal database has not been taken or has not been restored on the mirror database."
	}
	return ""
}

// mirrorErr builds error num; arg fills the text's %s when it has one.
func mirrorErr(num int32, arg string) *sqlError {
	text := mirrorText(num)
	if text == "" {
		text = "Database mirroring error %s." // a peer's number we hold no text for
	}
	if strings.Contains(text, "%s") {
		text = fmt.Sprintf(text, arg)
	}
	return newErr(num, "%s", text)
}

// mirrorURL is compiled on first use: every command pays package init.
var mirrorURL = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?i)^TCP://([^:/\s]+):([0-9]{1,5})$`) })

// validMirrorURL checks TCP://host:port (1449 otherwise).
func validMirrorURL(url string) (host string, port int, ok bool) {
	m := mirrorURL().FindStringSubmatch(url)
	if m == nil {
		return "", 0, false
	}
	port, _ = strconv.Atoi(m[2])
	return m[1], port, port > 0 && port <= 65535
}

// isSelfURL reports whether url names this instance's own endpoint (1452).
// Only the server name is recognised here; addresses resolve in the
// transport, which would connect this instance to itself.
func (in *instance) isSelfURLLocked(host string, port int) bool {
	e := in.mirrorEndpointLocked()
	name := strings.SplitN(host, ".", 2)[0]
	return e != nil && int(e.port) == port && strings.EqualFold(name, in.opts.Name)
}

func (r *runner) mirrorStmt(d *database, st *alterDatabaseStmt) {
	switch {
	case st.Option == "PARTNER" && st.Value == "":
		r.setPartner(d, strings.TrimSpace(st.Arg))
	case st.Option == "WITNESS" && st.Value == "":
		r.setWitness(d, strings.TrimSpace(st.Arg))
	case st.Option == "WITNESS":
		r.witnessOff(d)
	default:
		r.partnerOption(d, st)
	}
}

func mirrorCtx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), mirrorCallTimeout)
}

// setPartner is SET PARTNER = 'TCP://...'. On a RESTORING database this is
// the mirror's half: it records the principal's address and waits. On an
// ONLINE one it is the principal's half: connect to the mirror, which
// checks its copy and connects back.
func (r *runner) setPartner(d *database, url string) {
	in := r.s.inst
	host, port, ok := validMirrorURL(url)
	if !ok {
		panic(mirrorErr(1449, ""))
	}
	principal := false
	var args map[string]string
	in.locked(func() {
		s := d.st()
		if s.mirror != nil && s.mirror.active {
			panic(mirrorErr(1405, d.name))
		}
		if in.isSelfURLLocked(host, port) {
			panic(mirrorErr(1452, ""))
		}
		if s.state == "RESTORING" {
			s.mirror = &dbMirror{role: 2, partner: url}
			return
		}
		if s.recovery != "FULL" {
			panic(mirrorErr(1465, d.name))
		}
		principal = true
		args = map[string]string{"family": s.family, "lsn": strconv.FormatInt(s.lsn, 10),
			"chain": strconv.FormatInt(s.chainStart, 10), "server": in.opts.Name, "guid": sessionGUID()}
	})
	if !principal {
		return
	}
	ctx, cancel := mirrorCtx()
	defer cancel()
	link, err := in.mirrorConnect(ctx, url)
	if err != nil {
		panic(mirrorErr(1418, url))
	}
	reply, err := link.Call(ctx, MirrorMessage{Kind: "SET PARTNER", Database: d.name, Args: args})
	if err != nil || reply.Error != 0 {
		link.Close()
		if err != nil {
			panic(mirrorErr(1418, url))
		}
		arg := d.name
		if reply.Error == 1418 || reply.Error == 1456 {
			arg = url
		}
		panic(mirrorErr(reply.Error, arg))
	}
	in.locked(func() {
		s := d.st()
		if s.mirror != nil && s.mirror.active {
			link.Close()
			panic(mirrorErr(1405, d.name))
		}
		s.mirror = &dbMirror{active: true, guid: args["guid"], role: 1, roleSeq: 1, safety: 2, safetySeq: 1,
			partner: url, partnerInstance: reply.Args["server"], self: reply.Args["partner"], timeout: 10,
			syncAt: time.Now().Add(mirrorSyncDelay), link: link}
		in.logLocked("spid44s", fmt.Sprintf("Database mirroring is active with database '%s' as the principal copy. This is an informational message only. No user action is required.", d.name))
	})
}

// partnerLink is the session's current link to the partner (it changes
// when the session reconnects).
func (in *instance) partnerLink(m *dbMirror) MirrorLink {
	var l MirrorLink
	in.locked(func() { l = m.link })
	return l
}

// activeMirror returns the database's session or raises 1416.
func (in *instance) activeMirror(d *database) *dbMirror {
	var m *dbMirror
	in.locked(func() { m = d.st().mirror })
	if m == nil || !m.active {
		panic(mirrorErr(1416, d.name))
	}
	return m
}

// tell sends a session message to the partner over this side's link; a
// broken link is reported as err.
func tell(link MirrorLink, kind, db string, args map[string]string) (MirrorMessage, error) {
	if !linkUp(link) {
		return MirrorMessage{}, ErrMirrorLinkClosed
	}
	ctx, cancel := mirrorCtx()
	defer cancel()
	return link.Call(ctx, MirrorMessage{Kind: kind, Database: db, Args: args})
}

// setWitness is SET WITNESS = 'TCP://...' on the principal: the witness
// must accept the principal and connect back to both partners.
func (r *runner) setWitness(d *database, url string) {
	in := r.s.inst
	if _, _, ok := validMirrorURL(url); !ok {
		panic(mirrorErr(1449, ""))
	}
	m := in.activeMirror(d)
	var args map[string]string
	in.locked(func() {
		if m.role != 1 {
			panic(mirrorErr(1404, ""))
		}
		if m.witness != "" {
			panic(mirrorErr(1405, d.name))
		}
		args = map[string]string{"principal": in.opts.Name, "mirror": m.partnerInstance, "principal_url": m.self,
			"mirror_url": m.partner, "guid": m.guid, "family": d.st().family, "safety": strconv.Itoa(m.safety)}
	})
	ctx, cancel := mirrorCtx()
	defer cancel()
	link, err := in.mirrorConnect(ctx, url)
	if err != nil {
		panic(mirrorErr(1456, url))
	}
	reply, err := link.Call(ctx, MirrorMessage{Kind: "SET WITNESS", Database: d.name, Args: args})
	if err != nil || reply.Error != 0 {
		link.Close()
		panic(mirrorErr(1456, url))
	}
	// The mirror connects to the witness too; if it cannot, its witness
	// state shows DISCONNECTED, as on SQL Server.
	_, _ = tell(in.partnerLink(m), "WITNESS", d.name, map[string]string{"witness": url})
	in.locked(func() {
		m.witness, m.witnessLink = url, link
		m.safetySeq++
	})
}

func (r *runner) witnessOff(d *database) {
	in := r.s.inst
	m := in.activeMirror(d)
	var link MirrorLink
	in.locked(func() {
		if m.role != 1 {
			panic(mirrorErr(1404, ""))
		}
		link = m.witnessLink
		m.witness, m.witnessLink = "", nil
	})
	if link != nil {
		_, _ = tell(link, "WITNESS OFF", d.name, nil)
		link.Close()
	}
	_, _ = tell(in.partnerLink(m), "WITNESS OFF", d.name, nil)
}

// partnerOption runs SET PARTNER OFF | FAILOVER | SAFETY | SUSPEND |
// RESUME | TIMEOUT | FORCE_SERVICE_ALLOW_DATA_LOSS.
func (r *runner) partnerOption(d *database, st *alterDatabaseStmt) {
	in := r.s.inst
	if st.Value == "OFF" {
		var m *dbMirror
		in.locked(func() { m = d.st().mirror })
		if m == nil {
			panic(mirrorErr(1416, d.name))
		}
		_, _ = tell(in.partnerLink(m), "PARTNER OFF", d.name, nil)
		in.endSession(d, m)
		return
	}
	m := in.activeMirror(d)
	principalOnly := func() {
		in.locked(func() {
			if m.role != 1 {
				panic(mirrorErr(1404, ""))
			}
		})
	}
	switch st.Value {
	case "SAFETY":
		principalOnly()
		level := map[string]int{"OFF": 1, "FULL": 2}[st.Arg]
		if _, err := tell(in.partnerLink(m), "SAFETY", d.name, map[string]string{"safety": strconv.Itoa(level)}); err != nil {
			panic(mirrorErr(1404, ""))
		}
		in.locked(func() { m.setSafety(level) })
	case "TIMEOUT":
		principalOnly()
		in.locked(func() { m.timeout = int32(max(min(st.N, 1<<31-1), 5)) })
	case "SUSPEND", "RESUME":
		_, _ = tell(in.partnerLink(m), st.Value, d.name, nil)
		in.locked(func() { m.suspended = st.Value == "SUSPEND" })
	case "FAILOVER":
		principalOnly()
		var ready bool
		in.locked(func() { state, _ := m.stateNow(); ready = state == 4 && m.safety == 2 })
		if !ready {
			panic(mirrorErr(1422, d.name))
		}
		if reply, err := tell(in.partnerLink(m), "FAILOVER", d.name, nil); err != nil || reply.Error != 0 {
			panic(mirrorErr(1422, d.name))
		}
		var witnessLink MirrorLink
		in.locked(func() {
			in.becomeMirrorLocked(d, m)
			witnessLink = m.witnessLink
		})
		// The witness follows the roles (principal_server_name swaps).
		_, _ = tell(witnessLink, "WITNESS FAILOVER", d.name, nil)
	case "FORCE_SERVICE_ALLOW_DATA_LOSS":
		in.locked(func() {
			if m.role != 2 || linkUp(m.link) {
				panic(mirrorErr(1455, d.name))
			}
			in.becomePrincipalLocked(d, m)
			m.suspended = true
		})
	}
}

func (m *dbMirror) setSafety(level int) {
	if m.safety != level {
		m.safety = level
		m.safetySeq++
		m.syncAt = time.Now().Add(mirrorSyncDelay)
	}
}

// becomeMirrorLocked turns this side's copy into the mirror; mu held.
func (in *instance) becomeMirrorLocked(d *database, m *dbMirror) {
	m.role, m.roleSeq = 2, m.roleSeq+1
	d.st().state = "RESTORING"
	in.logLocked("spid44s", fmt.Sprintf("The mirrored database \"%s\" is changing roles from \"PRINCIPAL\" to \"MIRROR\" due to Failover.", d.name))
}

// becomePrincipalLocked turns this side's copy into the principal; mu held.
func (in *instance) becomePrincipalLocked(d *database, m *dbMirror) {
	m.role, m.roleSeq = 1, m.roleSeq+1
	d.st().state = "ONLINE"
	in.logLocked("spid44s", fmt.Sprintf("The mirrored database \"%s\" is changing roles from \"MIRROR\" to \"PRINCIPAL\" due to Failover from partner.", d.name))
}

// endSession removes this side's session and closes its links; the
// principal also tells the witness, which then lets go of the session.
func (in *instance) endSession(d *database, m *dbMirror) {
	var link, witnessLink MirrorLink
	var principal bool
	in.locked(func() {
		link, witnessLink, principal = m.link, m.witnessLink, m.role == 1
		if d.st().mirror == m {
			d.st().mirror = nil
			if m.active {
				in.logLocked("spid44s", fmt.Sprintf("Database mirroring has been terminated for database '%s'. This is an informational message only. No user action is required.", d.name))
			}
		}
	})
	if witnessLink != nil {
		if principal {
			_, _ = tell(witnessLink, "PARTNER OFF", d.name, nil)
		}
		witnessLink.Close()
	}
	if link != nil {
		link.Close()
	}
}
