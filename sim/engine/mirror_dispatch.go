package engine

// DeliverMirror implements MirrorHost: a session message arrived on the
// accepted connection c (already authenticated: c.Login, c.Peer). The
// sessions' handlers answer by Kind. This file belongs to the sessions work
// (sim-sessions branch); the transport only needs "PING".
func (in *instance) DeliverMirror(c *MirrorConn, m MirrorMessage) MirrorMessage {
	switch m.Kind {
	case "PING":
		return MirrorMessage{Kind: "PONG", Args: map[string]string{"server": in.opts.Name, "login": c.Login}}
	}
	return in.deliverSession(c, m)
}
