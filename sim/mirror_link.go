package sim

import (
	"context"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/mirrorcert/mirrorcert/sim/engine"
)

// mirrorLink is the connecting side of an authenticated connection
// (engine.MirrorLink). One reader goroutine owns the socket's reads, so a
// peer that closes the connection is noticed (Done) even between calls.
type mirrorLink struct {
	wc      *wireConn
	peer    string
	url     string
	callMu  sync.Mutex
	replies chan engine.MirrorMessage
	done    chan struct{}
}

func (n *mirrorNet) startLink(wc *wireConn, peer, url string) *mirrorLink {
	l := &mirrorLink{wc: wc, peer: peer, url: url, replies: make(chan engine.MirrorMessage, 1), done: make(chan struct{})}
	if !n.goTracked(func() {
		defer close(l.done)
		defer n.untrack(wc)
		for {
			m, err := engine.ReadMirrorFrame(wc)
			if err != nil {
				return
			}
			select {
			case l.replies <- m:
			default: // nobody asked: a protocol error, end the link
				return
			}
		}
	}) {
		wc.Close()
		close(l.done)
	}
	return l
}

// Call implements engine.MirrorLink.
func (l *mirrorLink) Call(ctx context.Context, m engine.MirrorMessage) (engine.MirrorMessage, error) {
	l.callMu.Lock()
	defer l.callMu.Unlock()
	select {
	case <-l.done:
		return engine.MirrorMessage{}, engine.ErrMirrorLinkClosed
	default:
	}
	if dl, ok := ctx.Deadline(); ok {
		_ = l.wc.SetWriteDeadline(dl)
	}
	if err := engine.WriteMirrorFrame(l.wc, m); err != nil {
		l.Close()
		return engine.MirrorMessage{}, engine.ErrMirrorLinkClosed
	}
	_ = l.wc.SetWriteDeadline(time.Time{})
	select {
	case r := <-l.replies:
		return r, nil
	case <-l.done:
		return engine.MirrorMessage{}, engine.ErrMirrorLinkClosed
	case <-ctx.Done():
		// The answer may still come and would pair with the next call:
		// a link that lost track of its replies is closed.
		l.Close()
		return engine.MirrorMessage{}, ctx.Err()
	}
}

func (l *mirrorLink) Peer() string          { return l.peer }
func (l *mirrorLink) URL() string           { return l.url }
func (l *mirrorLink) Done() <-chan struct{} { return l.done }

// Close implements engine.MirrorLink; it returns once the reader has ended.
func (l *mirrorLink) Close() error {
	l.wc.Close()
	<-l.done
	return nil
}

// EndpointChanged implements engine.MirrorNet.
func (n *mirrorNet) EndpointChanged(inst engine.Instance) { n.reconcile(inst.Name()) }

// reconcileAll re-applies every instance's listener (after SetFaults).
func (n *mirrorNet) reconcileAll() {
	n.mu.Lock()
	var names []string
	for _, nd := range n.nodes {
		names = append(names, nd.name)
	}
	n.mu.Unlock()
	for _, name := range names {
		n.reconcile(name)
	}
}

// reconcile makes the instance's listener match its endpoint: listening
// when STARTED (and not blocked by a fault), on the endpoint's port. A
// stopped, dropped or moved endpoint also loses its live connections; a
// blocked port keeps them, as a firewall rule does for established ones.
func (n *mirrorNet) reconcile(name string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	nd := n.nodes[strings.ToUpper(name)]
	if nd == nil || n.closed {
		return
	}
	port, started, ok := nd.host.MirrorListener()
	restarts := nd.host.MirrorEndpointRestarts()
	up := ok && started
	want := up && !n.c.faults.Load().endpointBlocked(nd.name)
	ip := ""
	if ok {
		ip = nd.host.MirrorListenIP()
	}
	cur := n.eps[nd.key]
	if cur != nil && want && cur.port == port && cur.restarts == restarts && cur.ip == ip {
		return
	}
	if cur != nil {
		cur.ln.Close()
		delete(n.eps, nd.key)
		if !up || cur.port != port || cur.restarts != restarts || cur.ip != ip {
			n.closeConnsLocked(nd.key)
		}
	}
	if !want {
		return
	}
	if ip != "" && ip != nd.addr {
		// LISTENER_IP names an address this host does not have.
		nd.host.MirrorListenIPFailed(ip, port)
		return
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(nd.addr, strconv.Itoa(port)))
	if err != nil {
		if port != nd.tdsPort { // the engine logged 9692 for its own TDS port
			nd.host.MirrorListenFailed(port)
		}
		if n.c.logf != nil {
			n.c.logf("%s: mirroring endpoint cannot listen on %s:%d: %v", nd.name, nd.addr, port, err)
		}
		return
	}
	n.eps[nd.key] = &epListener{port: port, ip: ip, restarts: restarts, ln: ln}
	n.wg.Add(1)
	go func() {
		defer n.wg.Done()
		n.acceptLoop(nd, ln)
	}()
}

func (n *mirrorNet) acceptLoop(nd *mnode, ln net.Listener) {
	for {
		nc, err := ln.Accept()
		if err != nil {
			return // closed (endpoint stopped, fault, shutdown)
		}
		wc := newWireConn(nc, nd.name, n)
		if !n.track(wc, nd.key) {
			return
		}
		if !n.goTracked(func() { n.serveInbound(nd, wc) }) {
			n.untrack(wc)
			return
		}
	}
}

// serveInbound runs the accepting handshake, then answers the peer's
// messages until it goes away.
func (n *mirrorNet) serveInbound(nd *mnode, wc *wireConn) {
	defer n.untrack(wc)
	remote := ""
	if a, ok := wc.RemoteAddr().(*net.TCPAddr); ok {
		remote = a.IP.String()
	}
	_ = wc.SetDeadline(time.Now().Add(n.handshakeTime()))
	mc, err := nd.host.AcceptHandshake(wc, remote)
	if err != nil {
		return // refused: closed without a word
	}
	_ = wc.SetDeadline(time.Time{})
	wc.mc.Store(mc)
	for {
		m, err := engine.ReadMirrorFrame(wc)
		if err != nil {
			return
		}
		if err := engine.WriteMirrorFrame(wc, nd.host.DeliverMirror(mc, m)); err != nil {
			return
		}
	}
}
