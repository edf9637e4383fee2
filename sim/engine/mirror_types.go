package engine

import "time"

// dbMirror is a database's mirroring session as this partner sees it.
type dbMirror struct {
	// active is false while a mirror waits for its principal (after its own
	// SET PARTNER): sys.database_mirroring still shows NULLs then.
	active          bool
	guid            string
	role            int // 1 PRINCIPAL, 2 MIRROR
	roleSeq         int32
	safety          int // 1 OFF, 2 FULL
	safetySeq       int32
	partner         string // the partner's URL
	partnerInstance string
	self            string // this partner's own URL, as the other partner was given it
	witness         string // the witness's URL, "" without one
	timeout         int32
	suspended       bool
	// syncAt is when the mirror has caught up (SAFETY FULL); until then the
	// session is SYNCHRONIZING. Monotonic wall time, not the instance clock,
	// so a fixed test clock still lets the session progress.
	syncAt      time.Time
	link        MirrorLink // outbound connection to the partner
	witnessLink MirrorLink // outbound connection to the witness
	// reconnecting is set while an attempt runs; lastTry throttles them
	// (mirror_reconnect.go).
	reconnecting bool
	lastTry      time.Time
}

// linkUp reports whether l is open.
func linkUp(l MirrorLink) bool {
	if l == nil {
		return false
	}
	select {
	case <-l.Done():
		return false
	default:
		return true
	}
}

// stateNow is mirroring_state and its description.
func (m *dbMirror) stateNow() (int, string) {
	switch {
	case m.suspended:
		return 0, "SUSPENDED"
	case !linkUp(m.link):
		return 1, "DISCONNECTED"
	case m.safety == 1 || time.Now().Before(m.syncAt):
		// Asynchronous sessions stay SYNCHRONIZING, as on SQL Server.
		return 2, "SYNCHRONIZING"
	}
	return 4, "SYNCHRONIZED"
}

// witnessStateNow is 1 CONNECTED or 2 DISCONNECTED.
func (m *dbMirror) witnessStateNow() int {
	if linkUp(m.witnessLink) {
		return 1
	}
	return 2
}

// witnessed is a session this instance is the witness of.
type witnessed struct {
	database, principal, mirror string
	guid, family                string
	safety                      int
	safetySeq, roleSeq          int32
	suspended                   bool
	syncAt                      time.Time
	links                       []MirrorLink // to both partners
}

func (w *witnessed) synchronized() bool {
	return !w.suspended && !time.Now().Before(w.syncAt) && len(w.links) == 2 && linkUp(w.links[0]) && linkUp(w.links[1])
}
