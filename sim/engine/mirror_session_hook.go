package engine

// deliverSession handles the session-level kinds (SET PARTNER, ...):
// mirror_session_peer.go answers them.
func (in *instance) deliverSession(c *MirrorConn, m MirrorMessage) MirrorMessage {
	return in.sessionMessage(c, m)
}
