package sim

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/mirrorcert/mirrorcert/sim/engine"
)

// mirrorNet is the cluster's mirroring transport (engine.MirrorNet): one TCP
// listener per STARTED DATABASE_MIRRORING endpoint, on its instance's own
// address, and outbound connections dialled from that address. The
// handshake's decisions are the engines'; this type moves bytes, resolves
// names and applies the endpoint faults.
type mirrorNet struct {
	c       *Cluster
	timeout time.Duration

	mu     sync.Mutex // guards everything below; taken before any engine lock
	closed bool
	done   chan struct{} // closed by close
	nodes  map[string]*mnode
	eps    map[string]*epListener // by node key
	conns  map[*wireConn]string   // live sockets -> owning node key
	wg     sync.WaitGroup         // every goroutine of the transport
}

// mnode is one instance as the transport knows it.
type mnode struct {
	name    string
	key     string // upper-case name
	addr    string // its loopback address
	tdsPort int
	host    engine.MirrorHost
}

type epListener struct {
	port     int
	ip       string // LISTENER_IP as configured ("" = ALL)
	restarts int64  // the endpoint's MirrorEndpointRestarts when it started listening
	ln       net.Listener
}

func newMirrorNet(c *Cluster, timeout time.Duration) *mirrorNet {
	if timeout <= 0 {
		timeout = engine.DefaultMirrorTimeout
	}
	return &mirrorNet{c: c, timeout: timeout, done: make(chan struct{}),
		nodes: map[string]*mnode{}, eps: map[string]*epListener{}, conns: map[*wireConn]string{}}
}

// register adds an instance; engines that are not MirrorHosts (test
// doubles) take no part in mirroring.
func (n *mirrorNet) register(name, addr string, tdsPort int, eng engine.Instance) {
	host, ok := eng.(engine.MirrorHost)
	if !ok {
		return
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	key := strings.ToUpper(name)
	n.nodes[key] = &mnode{name: name, key: key, addr: addr, tdsPort: tdsPort, host: host}
}

func (n *mirrorNet) node(name string) *mnode {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.nodes[strings.ToUpper(name)]
}

// resolve maps a URL's host, as seen from src, to an instance address:
// localhost forms are src itself; an instance name, an FQDN whose first
// label is an instance name, or an instance's address are that instance.
// Anything else is unknown, like a name DNS cannot resolve.
func (n *mirrorNet) resolve(src *mnode, host string) string {
	h := strings.TrimSuffix(strings.Trim(host, "[]"), ".")
	switch strings.ToLower(h) {
	case "localhost", "localhost.localdomain", "127.0.0.1", "::1":
		return src.addr
	}
	first, _, _ := strings.Cut(h, ".")
	n.mu.Lock()
	defer n.mu.Unlock()
	for _, nd := range n.nodes {
		if strings.EqualFold(h, nd.name) || strings.EqualFold(first, nd.name) || h == nd.addr {
			return nd.addr
		}
	}
	return ""
}

// minHandshake is the least time a handshake is given, however short the
// report timeout: tests set that to a fraction of a second, and a busy
// machine must not turn a slow RSA signature into a refusal.
const minHandshake = 2 * time.Second

func (n *mirrorNet) handshakeTime() time.Duration { return max(n.timeout, minHandshake) }

// parseMirrorURL splits "TCP://host:port" (scheme case-insensitive).
func parseMirrorURL(url string) (host string, port int, err error) {
	if len(url) < 6 || !strings.EqualFold(url[:6], "TCP://") {
		return "", 0, fmt.Errorf("%q is not a TCP://host:port address", url)
	}
	host, p, err := net.SplitHostPort(url[6:])
	if err != nil {
		return "", 0, fmt.Errorf("%q: %v", url, err)
	}
	port, err = strconv.Atoi(p)
	if err != nil || port < 1 || port > 65535 {
		return "", 0, fmt.Errorf("%q: port %q is not 1-65535", url, p)
	}
	return host, port, nil
}

// Connect implements engine.MirrorNet.
func (n *mirrorNet) Connect(ctx context.Context, from engine.Instance, url string) (engine.MirrorLink, error) {
	src := n.node(from.Name())
	if src == nil {
		return nil, &engine.MirrorError{From: from.Name(), URL: url, Kind: engine.MirrorLocal, Detail: "instance takes no part in mirroring"}
	}
	report, cancel := context.WithTimeout(ctx, n.timeout)
	defer cancel()
	hctx, hcancel := context.WithTimeout(ctx, n.handshakeTime())
	link, merr := n.connect(hctx, src, url)
	hcancel()
	if merr == nil {
		return link, nil
	}
	src.host.LogMirrorConnectError(merr)
	// The peer says nothing when it refuses, so SQL Server reports the
	// failure only when its connection attempt times out.
	select {
	case <-report.Done():
	case <-n.done:
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return nil, merr
}

func (n *mirrorNet) connect(ctx context.Context, src *mnode, url string) (*mirrorLink, *engine.MirrorError) {
	fail := func(kind engine.MirrorFailure, format string, args ...any) (*mirrorLink, *engine.MirrorError) {
		return nil, &engine.MirrorError{From: src.name, URL: url, Kind: kind, Detail: fmt.Sprintf(format, args...)}
	}
	host, port, err := parseMirrorURL(url)
	if err != nil {
		return fail(engine.MirrorUnknownHost, "%v", err)
	}
	ip := n.resolve(src, host)
	if ip == "" {
		return fail(engine.MirrorUnknownHost, "no instance is named %q", host)
	}
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(src.addr)}}
	nc, err := d.DialContext(ctx, "tcp", net.JoinHostPort(ip, strconv.Itoa(port)))
	if err != nil {
		if errors.Is(err, syscall.ECONNREFUSED) {
			return fail(engine.MirrorRefused, "%v", err)
		}
		return fail(engine.MirrorTimedOut, "%v", err)
	}
	wc := newWireConn(nc, src.name, n)
	if !n.track(wc, src.key) {
		return fail(engine.MirrorLocal, "the simulator is shutting down")
	}
	if dl, ok := ctx.Deadline(); ok {
		_ = wc.SetDeadline(dl)
	}
	mc, err := src.host.ConnectHandshake(wc, url, ip)
	if err != nil {
		n.untrack(wc)
		var me *engine.MirrorError
		if !errors.As(err, &me) {
			return fail(engine.MirrorDropped, "%v", err)
		}
		// The socket's deadline is the context's: past it, the peer did
		// not drop us, it was too slow.
		if dl, ok := ctx.Deadline(); ok && !time.Now().Before(dl) && me.Kind == engine.MirrorDropped {
			me.Kind = engine.MirrorTimedOut
		}
		return nil, me
	}
	_ = wc.SetDeadline(time.Time{})
	wc.mc.Store(mc)
	return n.startLink(wc, mc.Peer, url), nil
}

// track registers a live socket and, for its goroutine, the wait group;
// false once the transport is closed.
func (n *mirrorNet) track(wc *wireConn, key string) bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.closed {
		wc.Close()
		return false
	}
	n.conns[wc] = key
	return true
}

func (n *mirrorNet) untrack(wc *wireConn) {
	n.mu.Lock()
	delete(n.conns, wc)
	n.mu.Unlock()
	wc.Close()
}

// closeConnsLocked drops every socket of one instance (its endpoint
// stopped, moved or was dropped). mu must be held.
func (n *mirrorNet) closeConnsLocked(key string) {
	for wc, k := range n.conns {
		if k == key {
			wc.Close()
		}
	}
}

// close stops every listener and socket and waits for every goroutine.
func (n *mirrorNet) close() {
	n.mu.Lock()
	if n.closed {
		n.mu.Unlock()
		n.wg.Wait()
		return
	}
	n.closed = true
	close(n.done)
	for _, ep := range n.eps {
		ep.ln.Close()
	}
	for wc := range n.conns {
		wc.Close()
	}
	n.mu.Unlock()
	n.wg.Wait()
}

// goTracked runs fn in a goroutine the wait group counts, unless closed.
func (n *mirrorNet) goTracked(fn func()) bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.closed {
		return false
	}
	n.wg.Add(1)
	go func() {
		defer n.wg.Done()
		fn()
	}()
	return true
}
