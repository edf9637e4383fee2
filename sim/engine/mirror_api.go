package engine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"
)

// The mirroring transport, as the engine sees it. MIRRORING.md beside this
// file explains the split: package sim owns sockets, name resolution and
// faults (it implements MirrorNet); this package owns the handshake's
// decisions (it needs the catalog and the private keys) and the sessions.

// MirrorNet connects an instance's DATABASE_MIRRORING endpoint to a peer's.
// Package sim implements it over real TCP sockets; Options.MirrorNet hands it
// to the instance. Never call it while holding instance.mu: the peer's
// engine (possibly this one) takes its own lock during the handshake.
type MirrorNet interface {
	// Connect resolves url ("TCP://host:port"), opens a TCP connection from
	// from's instance address and runs the handshake over it. A nil error
	// means the peer accepted this instance in this direction; the link then
	// stays open (and listed in sys.dm_db_mirroring_connections on both sides)
	// until either side closes it. On failure Connect returns a *MirrorError
	// only once the transport's connect timeout has passed since the call
	// (a peer that drops a bad handshake sends no answer, so SQL Server only
	// learns of it by timing out) or ctx has ended, and the failure is
	// already in from's error log (1474). Map it to 1418 / 1456. A
	// handshake that is merely slow gets at least 2 s, whatever the timeout.
	Connect(ctx context.Context, from Instance, url string) (MirrorLink, error)
	// EndpointChanged tells the transport that inst's DATABASE_MIRRORING
	// endpoint was created, altered or dropped, so it starts, moves or stops
	// its listener at once. The engine calls it after releasing its lock.
	EndpointChanged(inst Instance)
}

// MirrorLink is one authenticated outbound connection.
type MirrorLink interface {
	// Call sends m to the peer's engine (MirrorHost.DeliverMirror on the
	// accepting instance) and waits for its reply. Calls on one link are
	// serialised. An error means the link is broken (and now closed).
	Call(ctx context.Context, m MirrorMessage) (MirrorMessage, error)
	// Peer is the accepting instance's server name.
	Peer() string
	// URL is the URL the link was opened with, as given to Connect.
	URL() string
	// Done is closed once the link is closed, by either side or the network.
	Done() <-chan struct{}
	// Close closes the link; the peer sees its inbound connection end.
	Close() error
}

// MirrorMessage is a session-level message between two instances' engines
// (e.g. Kind "SET PARTNER" for Database "Sales"). The transport carries it
// over the authenticated socket as JSON; its meaning is the sessions'.
type MirrorMessage struct {
	Kind     string            `json:"kind"`
	Database string            `json:"database,omitempty"`
	Args     map[string]string `json:"args,omitempty"`
	// Error is a SQL Server error number the receiver raises (0 = success).
	Error int32 `json:"error,omitempty"`
}

// MirrorHost is what the transport needs of an instance; every Instance New
// returns implements it (package sim type-asserts). It is not part of
// Instance so that test doubles of Instance need not implement it.
type MirrorHost interface {
	Instance
	// MirrorListener reports where the DATABASE_MIRRORING endpoint listens:
	// its port, and whether it is STARTED. ok is false without an endpoint.
	MirrorListener() (port int, started bool, ok bool)
	// MirrorEndpointRestarts changes whenever an ALTER ENDPOINT changes the
	// endpoint's authentication, encryption or role: SQL Server restarts the
	// listener then, and every live connection of the endpoint drops (the
	// sessions reconnect under the new settings).
	MirrorEndpointRestarts() int64
	// MirrorListenFailed logs that the transport could not bind the port
	// (error 9692), as SQL Server does when another process holds it.
	MirrorListenFailed(port int)
	// MirrorListenIP is the endpoint's LISTENER_IP ("" for ALL).
	MirrorListenIP() string
	// MirrorListenIPFailed logs that LISTENER_IP is not an address of this
	// instance, so nothing listens (error 26023, as SQL Server logs it).
	MirrorListenIPFailed(ip string, port int)
	// AcceptHandshake runs the accepting side of the handshake on rw, which
	// came from remoteIP. On refusal it logs 28047/28048 and returns an error:
	// the transport then closes the connection without a word.
	AcceptHandshake(rw io.ReadWriter, remoteIP string) (*MirrorConn, error)
	// ConnectHandshake runs the connecting side on rw, to peerIP for url.
	// Failures are returned as *MirrorError; the transport logs them with
	// LogMirrorConnectError.
	ConnectHandshake(rw io.ReadWriter, url, peerIP string) (*MirrorConn, error)
	// DeliverMirror hands a message that arrived on the accepted connection
	// c to the engine and returns the reply.
	DeliverMirror(c *MirrorConn, m MirrorMessage) MirrorMessage
	// LogMirrorConnectError writes the connecting side's error-log lines
	// (1474, and 9642 for a handshake the peer dropped) for a failed attempt.
	LogMirrorConnectError(err *MirrorError)
}

// MirrorFailure classifies why an outbound connection failed.
type MirrorFailure int

// The kinds of MirrorError, each logged as SQL Server logs it (1474 error
// codes 2 and 4 and the Windows socket errors in the text).
const (
	// MirrorUnknownHost: the name in the URL resolves to no instance.
	MirrorUnknownHost MirrorFailure = iota + 1
	// MirrorRefused: nothing listens at the address (endpoint STOPPED,
	// DISABLED, dropped, or the port is blocked).
	MirrorRefused
	// MirrorDropped: the peer closed the connection during the handshake,
	// i.e. it refused this instance (its error log says why).
	MirrorDropped
	// MirrorTimedOut: no answer within the timeout (latency faults).
	MirrorTimedOut
	// MirrorLocal: this instance cannot connect out at all (no STARTED
	// endpoint, or its endpoint certificate is unusable: 28055 is logged).
	MirrorLocal
)

// MirrorError is a failed outbound connection.
type MirrorError struct {
	From   string // connecting instance
	URL    string // as given to Connect
	Kind   MirrorFailure
	Detail string // for logs and tests; never shown as SQL Server's text
}

func (e *MirrorError) Error() string {
	return fmt.Sprintf("%s: mirroring connection to %s failed: %s", e.From, e.URL, e.Detail)
}

// ErrMirrorLinkClosed is returned by Call on a closed link.
var ErrMirrorLinkClosed = errors.New("mirroring link closed")

// DefaultMirrorTimeout is how long a failed Connect takes before it returns.
const DefaultMirrorTimeout = 3 * time.Second
