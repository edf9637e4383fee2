package session

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	mssql "github.com/microsoft/go-mssqldb"

	"github.com/mirrorcert/mirrorcert/plan"
	"github.com/mirrorcert/mirrorcert/steps"
)

// Session holds a live connection to every host of a plan.
type Session struct {
	plan    *plan.Plan
	opts    Options
	now     func() time.Time
	log     *slog.Logger
	red     *Redactor
	secrets *secretStore
	tr      *transcript
	order   []string
	hosts   map[string]*hostConn

	mu      sync.Mutex
	states  map[string]*steps.State
	failed  map[steps.Ref]error // last run failed and the item is not done yet
	changed chan struct{}       // closed and replaced on every state change
	cache   checklistCache      // the checklist of the current states
	// changedAt is when mirrorcert last sent a change to each host:
	// error-log lines older than that are history (verify).
	changedAt map[string]time.Time

	roundTrips atomic.Int64
	logins     atomic.Int64
	builds     atomic.Int64 // checklists built (steps.Build)
}

// hostConn is one host's pinned connection. mu serialises everything that
// uses conn: a TDS connection runs one request at a time.
type hostConn struct {
	mu   sync.Mutex
	host plan.Host
	db   *sql.DB
	conn *sql.Conn
	dead <-chan struct{} // closed when conn's TCP connection fails

	// guarded by Session.mu
	connected bool
	err       error
	version   string
	legacy    bool // before SQL Server 2012: no CERTENCODED
	encrypted bool // the current connection is encrypted after the login
	trips     int64
}

// Open starts a session: it connects to every host concurrently and reads
// each one's state, and returns when every host has been tried. A host that
// fails is reported in Hosts() and does not stop the others.
func Open(ctx context.Context, o Options) *Session {
	s := &Session{
		plan:    o.Plan,
		opts:    o,
		now:     o.Now,
		log:     o.Logger,
		red:     NewRedactor(),
		hosts:   map[string]*hostConn{},
		states:  map[string]*steps.State{},
		failed:  map[steps.Ref]error{},
		changed: make(chan struct{}),
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	mk := o.MasterKeyPassword
	if mk == nil {
		mk = MasterKeyFromEnv(nil, o.Rand)
	}
	s.secrets = &secretStore{masterKey: mk, rnd: o.Rand, red: s.red, mk: map[string]mkSecret{}}
	dir := o.TranscriptDir
	if dir == "" {
		dir = DefaultTranscriptDir(s.now())
	}
	s.tr = newTranscript(dir, s.red)
	if s.plan == nil {
		return s
	}
	for _, h := range s.plan.Hosts {
		s.order = append(s.order, h.Name)
		s.hosts[h.Name] = &hostConn{host: h}
	}
	var wg sync.WaitGroup
	for _, name := range s.order {
		wg.Go(func() {
			if err := s.Connect(ctx, name); err != nil {
				return
			}
			_, _ = s.Refresh(ctx, name)
		})
	}
	wg.Wait()
	// A host before SQL Server 2012 switches the plan to the file route, which
	// probes certificate files: re-read the hosts read before that was known.
	if s.effectivePlan() != s.plan {
		s.RefreshAll(ctx)
	}
	return s
}

// ForgetMasterKeyPassword drops the master key password the session holds
// for host, so the next master-key step asks its MasterKeyPassword source
// again: the operator typed a new one, say after 15118 (not complex enough).
// The session also forgets on its own when a master-key step fails.
func (s *Session) ForgetMasterKeyPassword(host string) { s.secrets.forget(host) }

// Plan returns the plan the session works on.
func (s *Session) Plan() *plan.Plan { return s.plan }

// Redactor returns the session's redactor, so callers can mask their own
// output with every secret the session knows.
func (s *Session) Redactor() *Redactor { return s.red }

// TranscriptDir is where the transcript goes.
func (s *Session) TranscriptDir() string { return s.tr.dir }

// Connect (re)connects one host. An existing connection is closed first.
func (s *Session) Connect(ctx context.Context, host string) error {
	hc := s.hosts[host]
	if hc == nil {
		return fmt.Errorf("unknown host %q: the plan's hosts are %s", host, strings.Join(s.order, ", "))
	}
	hc.mu.Lock()
	defer hc.mu.Unlock()
	err := s.connectLocked(ctx, hc)
	s.mu.Lock()
	hc.connected = err == nil
	hc.err = err
	s.mu.Unlock()
	return err
}

func (s *Session) connectLocked(ctx context.Context, hc *hostConn) error {
	hc.closeLocked()
	h := hc.host
	pw := ""
	if needsPassword(h) {
		get := s.opts.Passwords
		if get == nil {
			get = func(host string) (string, error) {
				if v, ok := PasswordFromEnv(nil, host); ok {
					return v, nil
				}
				return "", fmt.Errorf("no password for %s: set MIRRORCERT_PASSWORD_%s or SQLCMDPASSWORD", host, EnvName(host))
			}
		}
		var err error
		pw, err = get(h.Name)
		if err != nil {
			return s.red.RedactError(err)
		}
		s.red.Add(pw)
	}
	cfg, err := buildConfig(h, pw)
	if err != nil {
		return err
	}
	connector := mssql.NewConnectorConfig(cfg)
	wd := &watchDialer{d: net.Dialer{KeepAlive: 30 * time.Second}, sniff: true}
	connector.Dialer = wd
	db := sql.OpenDB(connector)
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	cctx := ctx
	if h.Auth.LoginTimeoutSeconds > 0 {
		var cancel context.CancelFunc
		cctx, cancel = context.WithTimeout(ctx, time.Duration(h.Auth.LoginTimeoutSeconds)*time.Second)
		defer cancel()
	}
	s.logins.Add(1)
	// db.Conn logs in (the connector's Connect); no extra ping, which would
	// cost a round trip.
	conn, err := wd.logIn(cctx, db)
	if err != nil {
		db.Close()
		err = s.red.RedactError(explainConnectError(h, s.red.RedactServerError(err)))
		s.log.Warn("connect failed", "host", h.Name, "err", err.Error())
		return err
	}
	hc.db, hc.conn, hc.dead = db, conn, wd.deadCh()
	s.mu.Lock()
	hc.encrypted = connectionEncrypted(cfg.Encryption, wd.serverEncryption())
	s.mu.Unlock()
	s.log.Info("connected", "host", h.Name, "server", h.Server)
	return nil
}

func (hc *hostConn) closeLocked() {
	if hc.conn != nil {
		hc.conn.Close()
		hc.conn = nil
	}
	if hc.db != nil {
		hc.db.Close()
		hc.db = nil
	}
}

// Hosts returns every host's connection status, in plan order.
func (s *Session) Hosts() []HostStatus {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]HostStatus, 0, len(s.order))
	for _, name := range s.order {
		hc := s.hosts[name]
		out = append(out, HostStatus{
			Name: name, Server: hc.host.Server, Role: hc.host.Role,
			Connected: hc.connected, Err: hc.err, Version: hc.version, Encrypted: hc.connected && hc.encrypted,
		})
	}
	return out
}

// States returns a copy of the last states read (nil for hosts not read).
func (s *Session) States() map[string]*steps.State {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]*steps.State, len(s.order))
	for _, name := range s.order {
		out[name] = s.states[name]
	}
	return out
}

// Stats returns the round trips and logins so far.
func (s *Session) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := Stats{RoundTrips: s.roundTrips.Load(), Logins: s.logins.Load(), PerHost: map[string]int64{}, ChecklistBuilds: s.builds.Load()}
	for name, hc := range s.hosts {
		st.PerHost[name] = hc.trips
	}
	return st
}

// effectivePlan is the plan steps sees: the file route when any host is older
// than SQL Server 2012, because CERTENCODED does not exist there.
func (s *Session) effectivePlan() *plan.Plan {
	if s.plan == nil || s.plan.Transfer == plan.TransferFile {
		return s.plan
	}
	s.mu.Lock()
	legacy := s.legacyHostsLocked()
	s.mu.Unlock()
	if len(legacy) == 0 {
		return s.plan
	}
	p := *s.plan
	p.Transfer = plan.TransferFile
	return &p
}

func (s *Session) legacyHostsLocked() []string {
	var out []string
	for _, name := range s.order {
		if s.hosts[name].legacy {
			out = append(out, name)
		}
	}
	return out
}

// buildChecklist builds the checklist from the current states. Items whose
// last run failed show Failed with the error until the state shows them done.
// Checklist caches it per state change.
func (s *Session) buildChecklist(now time.Time, memo *steps.Memo) steps.Checklist {
	p := s.effectivePlan()
	states := s.States()
	c := steps.BuildMemo(p, states, now, memo)
	s.mu.Lock()
	defer s.mu.Unlock()
	legacy := s.legacyHostsLocked()
	for hi := range c.Hosts {
		for ii := range c.Hosts[hi].Items {
			it := &c.Hosts[hi].Items[ii]
			s.markFailedLocked(it)
			if len(legacy) > 0 && p != s.plan && fileRouteItem(it.ID) {
				why := fmt.Sprintf("%s runs a SQL Server version before 2012 (11.x), which has no CERTENCODED: certificates are handed over by file (BACKUP CERTIFICATE, copy, CREATE CERTIFICATE FROM FILE) instead of in-band",
					strings.Join(legacy, ", "))
				it.Warnings = append(it.Warnings, why)
				it.Detail += " (file route: " + strings.Join(legacy, ", ") + " is older than SQL Server 2012)"
			}
		}
	}
	return c
}

// markFailedLocked shows the failure of it's last run, if any. Only a
// still-pending item shows it: once the state says done, blocked or
// conflicting, that is the news.
func (s *Session) markFailedLocked(it *steps.Item) {
	if err, ok := s.failed[it.Ref]; ok && it.Status == steps.Pending {
		it.Status = steps.Failed
		it.Detail = s.red.Redact(err.Error())
	}
}

// fileRouteItem reports whether an item exists or differs because of the
// file route: the backup, the copies and the peer certificates.
func fileRouteItem(id string) bool {
	return id == steps.IDBackup || strings.HasSuffix(id, "/"+steps.KindCopy) ||
		(strings.HasPrefix(id, "inbound/") && strings.HasSuffix(id, "/"+steps.KindCertificate))
}

// notifyLocked wakes everyone waiting for a state change (Apply's hosts).
func (s *Session) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// Close closes every connection and the transcript.
func (s *Session) Close() error {
	for _, name := range s.order {
		hc := s.hosts[name]
		hc.mu.Lock()
		hc.closeLocked()
		hc.mu.Unlock()
		s.mu.Lock()
		hc.connected = false
		s.mu.Unlock()
	}
	return s.tr.Close()
}
