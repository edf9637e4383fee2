package engine

// deliverSession handles the session-level kinds (SET PARTNER, ...). The
// sessions work replaces this body; until then every other kind is refused
// with 1416 (not configured for database mirroring).
func (in *instance) deliverSession(c *MirrorConn, m MirrorMessage) MirrorMessage {
	_ = c
	return MirrorMessage{Kind: m.Kind, Database: m.Database, Error: 1416}
}
