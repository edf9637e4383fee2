// Package sim runs simulated SQL Server instances on loopback: each one an
// engine.Instance (its own master catalog and file sandbox) served over TDS
// by package tds. It backs `mirrorcert demo`, `mirrorcert sim` and every test
// that needs a server. It imports nothing of the product.
package sim

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mirrorcert/mirrorcert/sim/engine"
	"github.com/mirrorcert/mirrorcert/sim/tds"
)

// DefaultNames are the instances of the documentation's example: two
// partners and a witness.
func DefaultNames() []string { return []string{"HOST_A", "HOST_B", "HOST_W"} }

// Config configures a cluster.
type Config struct {
	// BasePort is the first instance's port; the others follow (P, P+1,
	// ...). 0 picks free ephemeral ports.
	BasePort int
	// Names of the instances, in port order. Default HOST_A, HOST_B, HOST_W.
	Names []string
	// Password of login sa on every instance; a strong one is generated
	// when empty (see Cluster.Password).
	Password string
	// Latency delays every response.
	Latency time.Duration
	// Faults is a fault SPEC (see FAULTS.md); empty means none.
	Faults string
	// Dir is the root of the per-instance file sandboxes (Dir/NAME). When
	// empty a temporary directory is made and removed by Close.
	Dir string
	// CertFile and KeyFile give the TLS certificate (PEM); when empty a
	// self-signed one for localhost/127.0.0.1 is generated.
	CertFile, KeyFile string
	// ProductVersion reported by every instance; default 16.0.4135.4.
	ProductVersion string
	// Versions overrides ProductVersion per instance (upper-case name ->
	// ProductVersion), as ParseServerVersions returns.
	Versions map[string]string
	// Collations sets an instance's collation (upper-case name -> e.g.
	// Latin1_General_100_CS_AS); default SQL_Latin1_General_CP1_CI_AS.
	Collations map[string]string
	// Logf, if set, receives connection-level events (never secrets).
	Logf func(format string, args ...any)
	// MirrorTimeout is how long a failed mirroring connection takes to
	// report (SET PARTNER's 1418); default engine.DefaultMirrorTimeout.
	MirrorTimeout time.Duration
	// SSISDB, if set, is served by the first instance as database SSISDB
	// (the Scale Out Master's catalog; see ssisdb.go).
	SSISDB *SSISDB

	// CMS makes the first instance a Central Management Server on which
	// every other instance is registered (group "Mirroring", registered by
	// its name, server name its 127.0.0.1,PORT form), for `mirrorcert
	// expiry --cms`.
	CMS bool

	// newEngine replaces engine.New in tests of this package.
	newEngine func(engine.Options) (engine.Instance, error)
}

// Info locates one running instance.
type Info struct {
	Name string
	Port int
	Addr string // "127.0.0.1,PORT", the sqlcmd -S form
	// Address is the instance's own loopback address (127.0.X.N): its
	// mirroring endpoint listens there and it serves TDS there on Port too.
	Address string
}

// Cluster is a set of running simulated instances.
type Cluster struct {
	password  string
	cert      *tds.Certificate
	dir       string
	removeDir bool
	insts     []*instance
	faults    atomic.Pointer[faultSet]
	latency   atomic.Int64
	stopCtx   func() bool
	closeOnce sync.Once
	closeErr  error
	logf      func(string, ...any)
	mnet      *mirrorNet // mirror_net.go
	block     *addrBlock // mirror_addr.go
	cms       atomic.Pointer[engine.CMS]
}

type instance struct {
	info      Info
	eng       engine.Instance
	srv       *tds.Server
	served    chan error
	listeners int // Serve calls beyond the first (own address)
}

// PortInUseError reports a port another process holds.
type PortInUseError struct {
	Port int
	Name string
}

func (e *PortInUseError) Error() string {
	return fmt.Sprintf("port %d (for %s) is already in use: choose other ports with --base-port", e.Port, e.Name)
}

// validName is compiled on first use: every command pays package init.
var validName = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]{0,63}$`) })

// Start starts every instance and returns once all are listening. The
// cluster also closes when ctx is cancelled.
func Start(ctx context.Context, cfg Config) (*Cluster, error) {
	names := cfg.Names
	if len(names) == 0 {
		names = DefaultNames()
	}
	seen := map[string]bool{}
	for _, n := range names {
		if !validName().MatchString(n) {
			return nil, fmt.Errorf("instance name %q: use a letter then letters, digits or _ (at most 64), e.g. HOST_A", n)
		}
		if seen[strings.ToUpper(n)] {
			return nil, fmt.Errorf("instance name %q is given twice", n)
		}
		seen[strings.ToUpper(n)] = true
	}
	if cfg.BasePort < 0 || cfg.BasePort+len(names)-1 > 65535 {
		return nil, fmt.Errorf("base port %d: the ports %d..%d must lie within 1..65535 (or use 0 for free ports)", cfg.BasePort, cfg.BasePort, cfg.BasePort+len(names)-1)
	}
	if cfg.Latency < 0 {
		return nil, fmt.Errorf("latency %v: must not be negative", cfg.Latency)
	}
	faults, err := ParseFaults(cfg.Faults)
	if err != nil {
		return nil, err
	}
	if (cfg.CertFile == "") != (cfg.KeyFile == "") {
		return nil, errors.New("give both a certificate file and a key file (--cert and --key), or neither")
	}
	password := cfg.Password
	if password == "" {
		if password, err = GeneratePassword(); err != nil {
			return nil, err
		}
	}
	newEngine := cfg.newEngine
	if newEngine == nil {
		newEngine = engine.New
	}

	c := &Cluster{password: password, logf: cfg.Logf}
	c.mnet = newMirrorNet(c, cfg.MirrorTimeout)
	c.faults.Store(faults)
	c.latency.Store(int64(cfg.Latency))
	ok := false
	defer func() {
		if !ok {
			c.shutdown()
		}
	}()

	if cfg.CertFile != "" {
		c.cert, err = tds.LoadCertificate(cfg.CertFile, cfg.KeyFile)
	} else {
		c.cert, err = tds.GenerateCertificate()
	}
	if err != nil {
		return nil, err
	}
	c.dir = cfg.Dir
	if c.dir == "" {
		if c.dir, err = os.MkdirTemp("", "mirrorcert-sim-*"); err != nil {
			return nil, fmt.Errorf("make the sandbox directory: %w", err)
		}
		c.removeDir = true
	}

	if c.block, err = reserveBlock(len(names)); err != nil {
		return nil, err
	}
	for i, name := range names {
		port := 0
		if cfg.BasePort > 0 {
			port = cfg.BasePort + i
		}
		l, own, err := c.block.listenTDS(name, port, i)
		if err != nil {
			return nil, err
		}
		port = l.Addr().(*net.TCPAddr).Port
		root := filepath.Join(c.dir, name)
		if err := os.MkdirAll(root, 0o755); err != nil {
			l.Close()
			closeIf(own)
			return nil, fmt.Errorf("%s: make the sandbox directory: %w", name, err)
		}
		version := cfg.ProductVersion
		if v := cfg.Versions[strings.ToUpper(name)]; v != "" {
			version = v
		}
		eo := engine.Options{
			Name:           name,
			ProductVersion: version,
			Collation:      cfg.Collations[strings.ToUpper(name)],
			FileRoot:       root,
			// One share for the whole cluster: \\srv\share\x is the same file
			// from every instance. Instance names start with a letter, so
			// ".share" never collides with an instance's directory.
			ShareRoot:  filepath.Join(c.dir, ".share"),
			SAPassword: password,
			Port:       port,
			MirrorNet:  c.mnet,
			Address:    c.block.address(i),
		}
		if cfg.CMS && i == 0 {
			eo.CMS = c.cms.Load
		}
		eng, err := newEngine(eo)
		if err != nil {
			l.Close()
			closeIf(own)
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		inst := &instance{
			info:   Info{Name: name, Port: port, Addr: "127.0.0.1," + strconv.Itoa(port), Address: c.block.address(i)},
			eng:    eng,
			served: make(chan error, 2),
		}
		c.mnet.register(name, inst.info.Address, port, eng)
		inst.srv = tds.NewServer(eng, tds.Options{
			Certificate:    &c.cert.TLS,
			ProductVersion: version,
			Hook:           c.hook(name),
			Logf:           cfg.Logf,
		})
		c.insts = append(c.insts, inst)
		go func() { inst.served <- inst.srv.Serve(l) }()
		if own != nil {
			inst.listeners++
			go func() { inst.served <- inst.srv.Serve(own) }()
		}
	}
	if cfg.SSISDB != nil {
		if err := c.SetSSISDB(names[0], *cfg.SSISDB); err != nil {
			return nil, err
		}
	}
	if cfg.CMS {
		c.cms.Store(registeredServers(c.Instances()))
	}
	c.stopCtx = context.AfterFunc(ctx, func() { _ = c.Close() })
	ok = true
	return c, nil
}

// hook gives an instance's requests the cluster's latency and faults.
func (c *Cluster) hook(name string) func(tds.Request) tds.Decision {
	return func(req tds.Request) tds.Decision {
		d, fired := c.faults.Load().decide(name, req)
		if fired && c.logf != nil {
			switch {
			case d.Drop:
				c.logf("%s: fault: dropping connection %d at batch %d", name, req.ConnID, req.Seq)
			case d.Fail != nil:
				c.logf("%s: fault: failing batch %d with error %d", name, req.Seq, d.Fail.Number)
			}
		}
		d.Delay = time.Duration(c.latency.Load())
		return d
	}
}

// Instances lists the running instances in port order.
func (c *Cluster) Instances() []Info {
	out := make([]Info, len(c.insts))
	for i, in := range c.insts {
		out[i] = in.info
	}
	return out
}

// Password is the sa password of every instance.
func (c *Cluster) Password() string { return c.password }

// CACertPEM is the TLS certificate clients must trust (TDS 8 strict, or
// encryption without TrustServerCertificate).
func (c *Cluster) CACertPEM() []byte { return append([]byte(nil), c.cert.CertPEM...) }

// Dir is the root of the per-instance file sandboxes.
func (c *Cluster) Dir() string { return c.dir }

// Engine returns the named instance's engine (nil if there is none), for
// tests that inspect the catalog directly.
func (c *Cluster) Engine(name string) engine.Instance {
	if in := c.find(name); in != nil {
		return in.eng
	}
	return nil
}

func (c *Cluster) find(name string) *instance {
	for _, in := range c.insts {
		if strings.EqualFold(in.info.Name, name) {
			return in
		}
	}
	return nil
}

// CopyFile copies serverPath (as typed in T-SQL, e.g. C:\HOST_A_cert.cer)
// from one instance's sandbox to the same path on another, as an operator
// copies a certificate backup between servers. It never overwrites.
func (c *Cluster) CopyFile(from, to, serverPath string) error {
	src, dst := c.find(from), c.find(to)
	switch {
	case src == nil:
		return fmt.Errorf("copy file: no instance named %q", from)
	case dst == nil:
		return fmt.Errorf("copy file: no instance named %q", to)
	case src == dst:
		return fmt.Errorf("copy file: source and target are both %s", src.info.Name)
	}
	return engine.CopyFile(src.eng, serverPath, dst.eng, serverPath)
}

// SetFaults replaces the fault rules at runtime (empty clears them), so a
// test can fix the cause of a failure and retry.
func (c *Cluster) SetFaults(spec string) error {
	fs, err := ParseFaults(spec)
	if err != nil {
		return err
	}
	c.faults.Store(fs)
	c.mnet.reconcileAll()
	return nil
}

// SetLatency changes the response delay at runtime.
func (c *Cluster) SetLatency(d time.Duration) {
	c.latency.Store(int64(max(d, 0)))
}

// Close stops every listener, closes every connection, waits for every
// goroutine, and removes the sandbox directory if Start made it.
func (c *Cluster) Close() error {
	c.closeOnce.Do(func() {
		if c.stopCtx != nil {
			c.stopCtx()
		}
		c.closeErr = c.shutdown()
	})
	return c.closeErr
}

func (c *Cluster) shutdown() error {
	var errs []error
	c.mnet.close()
	for _, in := range c.insts {
		if err := in.srv.Close(); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", in.info.Name, err))
		}
		for range 1 + in.listeners {
			<-in.served
		}
	}
	c.block.release()
	if c.removeDir && c.dir != "" {
		if err := os.RemoveAll(c.dir); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
