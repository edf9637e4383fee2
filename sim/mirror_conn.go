package sim

import (
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mirrorcert/mirrorcert/sim/engine"
)

// wireConn is a mirroring socket as one instance sees it: it delays each
// write by the instance's endpoint-latency fault and counts traffic on the
// engine's MirrorConn once the handshake has made one.
type wireConn struct {
	net.Conn
	owner  string // instance writing on this side
	n      *mirrorNet
	mc     atomic.Pointer[engine.MirrorConn]
	closed chan struct{}
	once   sync.Once
}

func newWireConn(c net.Conn, owner string, n *mirrorNet) *wireConn {
	return &wireConn{Conn: c, owner: owner, n: n, closed: make(chan struct{})}
}

func (w *wireConn) Write(b []byte) (int, error) {
	if d := w.n.c.faults.Load().endpointLatency(w.owner); d > 0 {
		t := time.NewTimer(d)
		select {
		case <-t.C:
		case <-w.closed:
			t.Stop()
			return 0, net.ErrClosed
		}
	}
	n, err := w.Conn.Write(b)
	if mc := w.mc.Load(); mc != nil && n > 0 {
		mc.Sent(n)
	}
	return n, err
}

func (w *wireConn) Read(b []byte) (int, error) {
	n, err := w.Conn.Read(b)
	if mc := w.mc.Load(); mc != nil && n > 0 {
		mc.Received(n)
	}
	return n, err
}

// Close closes the socket and drops the engine's record of it.
func (w *wireConn) Close() error {
	var err error
	w.once.Do(func() {
		close(w.closed)
		err = w.Conn.Close()
		if mc := w.mc.Load(); mc != nil {
			mc.Close()
		}
	})
	return err
}
