package engine

import (
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// MirrorConn is one live mirroring connection of an instance, inbound or
// outbound: a row of sys.dm_db_mirroring_connections. The transport counts
// traffic on it and closes it; the engine's sessions read Peer and Login.
type MirrorConn struct {
	ID          string // connection_id
	StreamID    string // transport_stream_id
	Peer        string // the peer instance's server name (as it introduced itself)
	PeerAddr    string // the peer's IP address
	IsAccept    bool   // inbound
	Login       string // accepting side: the login the peer's certificate maps to
	Principal   string // accepting side: the certificate's owner (principal_name)
	PeerCertID  int32  // certificate_id of the peer's certificate in this master; 0 if none
	AuthMethod  string // CERTIFICATE
	Algorithm   string // AES, RC4 or NONE
	ConnectTime time.Time

	bytesSent, bytesRecv, sends, recvs atomic.Int64
	lastActivity                       atomic.Int64 // unix nanoseconds
	closeOnce                          sync.Once
	owner                              *instance
}

// mirrorState is an instance's live mirroring connections. mu guards conns;
// it is separate from the catalog lock so the DMV and the transport's
// bookkeeping never wait on DDL.
type mirrorState struct {
	mu    sync.Mutex
	conns []*MirrorConn
}

// Sent counts n bytes written to the peer in one send.
func (c *MirrorConn) Sent(n int) {
	c.bytesSent.Add(int64(n))
	c.sends.Add(1)
	c.touch()
}

// Received counts n bytes read from the peer in one receive.
func (c *MirrorConn) Received(n int) {
	c.bytesRecv.Add(int64(n))
	c.recvs.Add(1)
	c.touch()
}

func (c *MirrorConn) touch() { c.lastActivity.Store(c.owner.now().UnixNano()) }

// Close removes the connection from the instance's list (the transport
// closes the socket); further calls do nothing.
func (c *MirrorConn) Close() {
	c.closeOnce.Do(func() {
		m := &c.owner.mirror
		m.mu.Lock()
		m.conns = without(m.conns, func(o *MirrorConn) bool { return o == c })
		m.mu.Unlock()
	})
}

// MirrorConnections lists the live connections (for tests and sessions).
func (in *instance) MirrorConnections() []*MirrorConn {
	in.mirror.mu.Lock()
	defer in.mirror.mu.Unlock()
	return append([]*MirrorConn(nil), in.mirror.conns...)
}

// addMirrorConn registers a connection that passed the handshake.
func (in *instance) addMirrorConn(c *MirrorConn) *MirrorConn {
	c.owner = in
	c.ID = newGUID()
	c.StreamID = newGUID()
	c.ConnectTime = in.now()
	c.touch()
	in.mirror.mu.Lock()
	in.mirror.conns = append(in.mirror.conns, c)
	in.mirror.mu.Unlock()
	return c
}

func newGUID() string {
	b := randomBytes(16)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%X-%X-%X-%X-%X", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// mirroringConnectionsView is sys.dm_db_mirroring_connections. Columns
// follow the documentation; uniqueidentifier columns are shown as their
// string form and smallint ones as int, the types the engine carries.
func (in *instance) mirroringConnectionsView() ([]Column, [][]any, bool) {
	cols := []Column{
		col("connection_id", NVarChar, 36, false), col("transport_stream_id", NVarChar, 36, false),
		col("state", Int, 0, true), col("state_desc", NVarChar, 60, true),
		col("connect_time", DateTime, 0, true), col("login_time", DateTime, 0, true),
		col("authentication_method", NVarChar, 128, true), col("principal_name", NVarChar, 128, true),
		col("remote_user_name", NVarChar, 128, true), col("last_activity_time", DateTime, 0, true),
		col("is_accept", Bit, 0, false), col("login_state", Int, 0, true), col("login_state_desc", NVarChar, 60, true),
		col("peer_certificate_id", Int, 0, true), col("encryption_algorithm", Int, 0, true),
		col("encryption_algorithm_desc", NVarChar, 60, true),
		col("receives_posted", Int, 0, true), col("is_receive_flow_controlled", Bit, 0, false),
		col("sends_posted", Int, 0, true), col("is_send_flow_controlled", Bit, 0, false),
		col("total_bytes_sent", BigInt, 0, true), col("total_bytes_received", BigInt, 0, true),
		col("total_fragments_sent", BigInt, 0, true), col("total_fragments_received", BigInt, 0, true),
		col("total_sends", BigInt, 0, true), col("total_receives", BigInt, 0, true),
		col("peer_arbitration_id", NVarChar, 36, true),
	}
	var rows [][]any
	for _, c := range in.MirrorConnections() {
		var principal any
		if c.Principal != "" {
			principal = c.Principal
		}
		alg, algDesc := int64(0), "NONE"
		switch c.Algorithm {
		case "RC4":
			alg, algDesc = 1, "RC4"
		case "AES":
			alg, algDesc = 2, "AES"
		}
		sends, recvs := c.sends.Load(), c.recvs.Load()
		rows = append(rows, []any{c.ID, c.StreamID, int64(4), "LOGGED_IN", c.ConnectTime, c.ConnectTime,
			c.AuthMethod, principal, nil, time.Unix(0, c.lastActivity.Load()).UTC(),
			c.IsAccept, int64(12), "ONLINE", int64(c.PeerCertID), alg, algDesc,
			int64(0), false, int64(0), false,
			c.bytesSent.Load(), c.bytesRecv.Load(), sends, recvs, sends, recvs, nil})
	}
	return cols, rows, true
}

// checkServerStateLocked refuses a dynamic management view to a login
// without sysadmin or VIEW SERVER STATE, as SQL Server does (error 300),
// rather than showing it an empty list. mu must be held.
func (in *instance) checkServerStateLocked(s *session, view string) {
	if !strings.HasPrefix(view, "dm_") {
		return
	}
	l := in.cat.login(s.login)
	if l == nil {
		panic(newErr(300, "VIEW SERVER STATE permission was denied on object 'server', database 'master'."))
	}
	if l.sysadmin {
		return
	}
	for _, p := range in.cat.perms {
		if p.class == 100 && p.name == "VIEW SERVER STATE" && p.grantee == l.id && (p.state == "G" || p.state == "W") {
			return
		}
	}
	panic(newErr(300, "VIEW SERVER STATE permission was denied on object 'server', database 'master'."))
}
