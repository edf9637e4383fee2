// Package tds serves a simulated SQL Server instance (an engine.Instance)
// over the Tabular Data Stream protocol: TDS 7.4 with PRELOGIN-negotiated TLS
// (login-only or full encryption) and TDS 8 strict (TLS first, ALPN
// "tds/8.0"). Real drivers (go-mssqldb, FreeTDS, tedious) connect to it over
// TCP exactly as they would to SQL Server.
package tds

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mirrorcert/mirrorcert/sim/engine"
)

// DefaultProductVersion is reported when Options.ProductVersion is empty
// (SQL Server 2022 CU).
const DefaultProductVersion = "16.0.4135.4"

// loginTimeout bounds the unauthenticated phase so a silent client cannot
// hold a connection (and its goroutine) forever.
const loginTimeout = 30 * time.Second

// RequestKind says what a request is.
type RequestKind int

// Request kinds passed to Options.Hook.
const (
	KindBatch    RequestKind = iota // SQL batch
	KindRPC                         // RPC (sp_executesql)
	KindTransMgr                    // transaction-manager request
)

// Request describes a request about to run, for Options.Hook.
type Request struct {
	ConnID uint64 // unique per connection within the server
	// Seq counts the batches and RPCs on this connection, 1 for the first;
	// transaction-manager requests do not count.
	Seq  int
	Kind RequestKind
	SQL  string // batch text, or the sp_executesql statement(s)
}

// Decision is what Options.Hook wants done with a request.
type Decision struct {
	Delay time.Duration   // wait this long before running (cancellable by ATTENTION)
	Drop  bool            // close the connection without running or answering
	Fail  *engine.Message // answer with this error instead of running
}

// Options configure a Server.
type Options struct {
	// Certificate enables TLS: PRELOGIN-negotiated encryption and TDS 8
	// strict. Without it the server answers ENCRYPT_NOT_SUP.
	Certificate *tls.Certificate
	// ProductVersion is reported in PRELOGIN and LOGINACK.
	ProductVersion string
	// Hook, if set, is consulted before each request runs; it is how the
	// cluster injects latency and faults.
	Hook func(Request) Decision
	// Logf, if set, receives one line per connection-level event (protocol
	// errors, dropped connections). It never receives passwords.
	Logf func(format string, args ...any)
}

// Server serves one engine.Instance on any number of listeners.
type Server struct {
	inst engine.Instance
	opts Options

	ctx    context.Context
	cancel context.CancelFunc

	mu        sync.Mutex
	closed    bool
	listeners map[net.Listener]struct{}
	conns     map[net.Conn]struct{}
	wg        sync.WaitGroup

	nextConn atomic.Uint64
	nextTran atomic.Uint64
}

// ErrServerClosed is returned by Serve after Close.
var ErrServerClosed = errors.New("tds: server closed")

// NewServer returns a server for inst. Call Serve to accept connections and
// Close to stop.
func NewServer(inst engine.Instance, opts Options) *Server {
	if opts.ProductVersion == "" {
		opts.ProductVersion = DefaultProductVersion
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &Server{
		inst:      inst,
		opts:      opts,
		ctx:       ctx,
		cancel:    cancel,
		listeners: map[net.Listener]struct{}{},
		conns:     map[net.Conn]struct{}{},
	}
}

// Serve accepts connections on l until Close. It always returns a non-nil
// error: ErrServerClosed after Close, or the accept error.
func (s *Server) Serve(l net.Listener) error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		l.Close()
		return ErrServerClosed
	}
	s.listeners[l] = struct{}{}
	s.wg.Add(1)
	s.mu.Unlock()
	defer s.wg.Done()

	var backoff time.Duration
	for {
		nc, err := l.Accept()
		if err != nil {
			if s.isClosed() {
				return ErrServerClosed
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				// Transient (e.g. too many open files): back off briefly.
				backoff = min(max(2*backoff, 5*time.Millisecond), time.Second)
				select {
				case <-time.After(backoff):
					continue
				case <-s.ctx.Done():
					return ErrServerClosed
				}
			}
			return err
		}
		backoff = 0
		if !s.track(nc) {
			nc.Close()
			return ErrServerClosed
		}
		go func() {
			defer s.wg.Done()
			defer s.untrack(nc)
			s.handle(nc)
		}()
	}
}

func (s *Server) isClosed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closed
}

// track registers a connection (and its goroutine in the wait group) unless
// the server is closing.
func (s *Server) track(nc net.Conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	s.conns[nc] = struct{}{}
	s.wg.Add(1)
	return true
}

func (s *Server) untrack(nc net.Conn) {
	s.mu.Lock()
	delete(s.conns, nc)
	s.mu.Unlock()
	nc.Close()
}

// Close stops every listener, closes every connection and waits until all
// of the server's goroutines have returned.
func (s *Server) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		s.wg.Wait()
		return nil
	}
	s.closed = true
	s.cancel()
	var errs []error
	for l := range s.listeners {
		if err := l.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
			errs = append(errs, err)
		}
	}
	for c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
	return errors.Join(errs...)
}

func (s *Server) logf(format string, args ...any) {
	if s.opts.Logf != nil {
		s.opts.Logf(format, args...)
	}
}

// handle runs one connection: login, then requests until it ends.
func (s *Server) handle(nc net.Conn) {
	id := s.nextConn.Add(1)
	c := &conn{
		s:    s,
		raw:  nc,
		id:   id,
		spid: uint16(50 + id%30000),
	}
	defer func() {
		// An engine bug must cost one connection, never the process.
		if r := recover(); r != nil {
			s.logf("%s: connection %d: internal error: %v", s.inst.Name(), id, r)
		}
	}()
	_ = nc.SetDeadline(time.Now().Add(loginTimeout))
	if err := c.login(); err != nil {
		if !s.isClosed() {
			s.logf("%s: connection %d from %s: login: %v", s.inst.Name(), id, nc.RemoteAddr(), err)
		}
		return
	}
	_ = nc.SetDeadline(time.Time{})
	s.logf("%s: connection %d from %s: login %s (%s)", s.inst.Name(), id, nc.RemoteAddr(), c.login7, c.security)
	if err := c.serve(); err != nil && !s.isClosed() {
		s.logf("%s: connection %d: %v", s.inst.Name(), id, err)
	}
}

// errLoginRefused ends a connection whose login was answered with an error.
var errLoginRefused = errors.New("login refused")

func loginFailed(user string) engine.Message {
	return engine.Message{Number: 18456, State: 1, Class: 14, Text: fmt.Sprintf("Login failed for user '%s'.", user), Line: 1}
}
