package session

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"os"
	"runtime"
	"strings"
	"sync"
	"time"

	mssql "github.com/microsoft/go-mssqldb"
	"github.com/microsoft/go-mssqldb/msdsn"

	"github.com/mirrorcert/mirrorcert/plan"
)

// appName is what the server sees in sys.dm_exec_sessions.program_name.
const appName = "mirrorcert"

// buildConfig turns a host's plan entry into a driver configuration. The
// password goes straight into the struct: it is never part of a connection
// string, a log line or a process argument.
func buildConfig(h plan.Host, password string) (msdsn.Config, error) {
	addr, err := plan.ParseServer(h.Server)
	if err != nil {
		return msdsn.Config{}, fmt.Errorf("%s: server: %w", h.Name, err)
	}
	host := strings.Trim(addr.Host, "[]") // [IPv6] as sqlcmd writes it
	switch strings.ToLower(host) {
	case ".", "(local)":
		host = "localhost"
	}
	a := h.Auth
	cfg := msdsn.Config{
		Host:         host,
		Instance:     addr.Instance,
		Port:         uint64(addr.Port),
		Database:     "master",
		User:         a.User,
		Password:     password,
		AppName:      appName,
		DisableRetry: true, // a failed batch must never be re-sent behind our back
		Protocols:    []string{"tcp"},
		KeepAlive:    30 * time.Second,
		DialTimeout:  15 * time.Second,
		Parameters:   map[string]string{},
		// ProtocolParameters must be non-nil: the tcp dialer stores the
		// resolved instance port there.
		ProtocolParameters: map[string]interface{}{},
		Encoding:           msdsn.EncodeParameters{Timezone: time.UTC},
	}
	if ws, err := os.Hostname(); err == nil {
		cfg.Workstation = ws
	}
	if a.LoginTimeoutSeconds > 0 {
		cfg.DialTimeout = time.Duration(a.LoginTimeoutSeconds) * time.Second
		cfg.ConnTimeout = 0
	}
	if a.Integrated {
		if err := integratedConfig(&cfg, h); err != nil {
			return msdsn.Config{}, err
		}
	} else if a.User == "" {
		return msdsn.Config{}, fmt.Errorf("%s: no login name: give -U LOGIN (or auth.user in the plan), or -E for integrated authentication", h.Name)
	}

	enc := strings.ToLower(a.Encrypt)
	switch enc {
	case plan.EncryptDisable:
		cfg.Encryption = msdsn.EncryptionDisabled
	case plan.EncryptOptional:
		cfg.Encryption = msdsn.EncryptionOff
	case plan.EncryptMandatory, "":
		cfg.Encryption = msdsn.EncryptionRequired
	case plan.EncryptStrict:
		cfg.Encryption = msdsn.EncryptionStrict
	default:
		return msdsn.Config{}, fmt.Errorf("%s: encrypt %q is not one of disable, optional, mandatory, strict", h.Name, a.Encrypt)
	}
	if cfg.Encryption == msdsn.EncryptionDisabled {
		return cfg, nil
	}
	serverName := host
	if a.HostNameInCertificate != "" {
		serverName = a.HostNameInCertificate
		cfg.HostInCertificateProvided = true
	}
	tc := &tls.Config{
		ServerName: serverName,
		MinVersion: tls.VersionTLS12,
		// SQL Server expects one TLS record per TDS packet; Go's dynamic
		// record sizing splits them.
		DynamicRecordSizingDisabled: true,
	}
	if cfg.Encryption != msdsn.EncryptionStrict {
		// Inside PRELOGIN (TDS 7.x) SQL Server speaks TLS 1.2 at most:
		// 1.3 needs TDS 8 (strict). Offering 1.3 anyway made every
		// connection compute TLS 1.3 key shares (ML-KEM-768 and
		// X25519) that the server's 1.2 answer throws away: a fifth of
		// the TLS handshake's client CPU.
		tc.MaxVersion = tls.VersionTLS12
	}
	// Strict (TDS 8) always validates, as sqlcmd and the Microsoft drivers do.
	if a.TrustServerCertificate && cfg.Encryption != msdsn.EncryptionStrict {
		tc.InsecureSkipVerify = true
		cfg.TrustServerCertificate = true
	}
	if a.CACertificate != "" {
		pemBytes, err := plan.ReadRegularFile(a.CACertificate, plan.MaxCABytes)
		if err != nil {
			return msdsn.Config{}, fmt.Errorf("%s: auth.ca_certificate: %w", h.Name, err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pemBytes) {
			return msdsn.Config{}, fmt.Errorf("%s: auth.ca_certificate %s holds no PEM certificate", h.Name, a.CACertificate)
		}
		tc.RootCAs = pool
	}
	cfg.TLSConfig = tc
	return cfg, nil
}

// integratedConfig sets up -E. On Windows SSPI uses the current user. Elsewhere
// -U DOMAIN\user selects NTLM (with the password from the environment), and
// anything else Kerberos: the ticket cache from kinit (KRB5CCNAME, else the
// default /tmp/krb5cc_<uid>), or user@REALM with a password.
func integratedConfig(cfg *msdsn.Config, h plan.Host) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	if strings.Contains(h.Auth.User, `\`) {
		cfg.Parameters["authenticator"] = "ntlm"
		return nil
	}
	cfg.Parameters["authenticator"] = "krb5"
	if os.Getenv("KRB5CCNAME") == "" {
		cache := fmt.Sprintf("/tmp/krb5cc_%d", os.Getuid())
		if _, err := os.Stat(cache); err == nil {
			cfg.Parameters["krb5-credcachefile"] = cache
		}
	}
	return nil
}

// needsPassword reports whether connecting to h needs a password: not for
// Windows SSPI, nor for a Kerberos ticket (-E without -U).
func needsPassword(h plan.Host) bool {
	if !h.Auth.Integrated {
		return true
	}
	return runtime.GOOS != "windows" && h.Auth.User != ""
}

// explainConnectError turns a driver connection error into one that names the
// host and says what to do. TLS validation failures explain -C and the safer
// alternatives.
func explainConnectError(h plan.Host, err error) error {
	var tlsErr *tls.CertificateVerificationError
	var unknown x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var invalid x509.CertificateInvalidError
	switch {
	case errors.As(err, &tlsErr), errors.As(err, &unknown), errors.As(err, &hostErr), errors.As(err, &invalid),
		strings.Contains(err.Error(), "x509:"), strings.Contains(err.Error(), "failed to verify certificate"):
		return fmt.Errorf("%s (%s): the server's TLS certificate was not accepted: %w. "+
			"Safer fixes first: trust the CA that issued it (install it on this machine, or give its PEM file as auth.ca_certificate in the plan); "+
			"if the certificate is valid but names another host, give that name with -F NAME. "+
			"Only as a last resort, -C trusts any certificate, which lets an impostor server read the passwords mirrorcert sends", h.Name, h.Server, err)
	}
	if h.Auth.Integrated && strings.Contains(strings.ToLower(err.Error()), "krb5") {
		return fmt.Errorf("%s (%s): Kerberos login (-E) failed: %w. Get a ticket with kinit (or set KRB5CCNAME), check /etc/krb5.conf (or KRB5_CONFIG), or use -U DOMAIN\\user for NTLM or -U LOGIN for SQL authentication", h.Name, h.Server, err)
	}
	var me mssql.Error
	if errors.As(err, &me) && me.Number == 18456 {
		return fmt.Errorf("%s (%s): login failed for %q: check -U (or auth.user) and the password in MIRRORCERT_PASSWORD_%s or SQLCMDPASSWORD", h.Name, h.Server, h.Auth.User, EnvName(h.Name))
	}
	var ne net.Error
	var oe *net.OpError
	if errors.As(err, &oe) || errors.As(err, &ne) || strings.Contains(err.Error(), "unable to open tcp connection") {
		return fmt.Errorf("%s (%s): cannot reach the server: %w (check the name and port, the firewall, and that SQL Server accepts TCP connections; -l sets the login timeout)", h.Name, h.Server, err)
	}
	return fmt.Errorf("%s (%s): connect: %w (check the server name, -U and the password, and -N/-C against what the server accepts)", h.Name, h.Server, err)
}

// watchDialer dials TCP and remembers, for the latest connection, a channel
// closed when a read on it fails. go-mssqldb's message queue never reports a
// connection that dies before the first reply packet, so runBatch watches
// this channel to stop waiting.
type watchDialer struct {
	d     net.Dialer
	sniff bool // read the server's PRELOGIN encryption answer
	mu    sync.Mutex
	dead  chan struct{}
	pre   *preloginSniff
	conn  net.Conn // the latest connection, closed by logIn when its ctx ends
}

// DialContext implements mssql.Dialer.
func (w *watchDialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	c, err := w.d.DialContext(ctx, network, addr)
	if err != nil || !strings.HasPrefix(network, "tcp") {
		return c, err
	}
	ch := make(chan struct{})
	var pre *preloginSniff
	if w.sniff {
		pre = newPreloginSniff()
	}
	w.mu.Lock()
	w.dead, w.pre, w.conn = ch, pre, c
	w.mu.Unlock()
	return &watchConn{Conn: c, dead: ch, pre: pre}, nil
}

// logIn opens db's connection, which is the login, bounded by ctx (Ctrl-C,
// and -l when the caller gave ctx that deadline). go-mssqldb reads the
// server's PRELOGIN and login answers without watching the context, so a
// server that accepted the connection and never answered (or another
// service on that port) held the login for ever, Ctrl-C and -l included.
// When ctx ends first, the connection is closed under the driver, which
// then returns. Once logged in nothing is bounded: a batch takes as long
// as it takes (runBatch watches its own context).
func (w *watchDialer) logIn(ctx context.Context, db *sql.DB) (*sql.Conn, error) {
	stop := context.AfterFunc(ctx, w.closeLatest)
	conn, err := db.Conn(ctx)
	if stop() {
		return conn, err
	}
	if err == nil {
		conn.Close() // ctx ended as the login finished: the caller is stopping
	}
	return nil, fmt.Errorf("the login did not finish: %w", context.Cause(ctx))
}

func (w *watchDialer) closeLatest() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.conn != nil {
		w.conn.Close()
	}
}

// serverEncryption is the latest connection's PRELOGIN encryption answer.
func (w *watchDialer) serverEncryption() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.pre == nil {
		return preUnknown
	}
	return int(w.pre.result.Load())
}

// deadCh is the current connection's channel (nil before the first dial).
func (w *watchDialer) deadCh() <-chan struct{} {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.dead
}

type watchConn struct {
	net.Conn
	once sync.Once
	dead chan struct{}
	pre  *preloginSniff
}

func (c *watchConn) Read(b []byte) (int, error) {
	n, err := c.Conn.Read(b)
	c.pre.feed(b[:n])
	if err != nil {
		var ne net.Error
		if !(errors.As(err, &ne) && ne.Timeout()) {
			c.once.Do(func() { close(c.dead) })
		}
	}
	return n, err
}

func (c *watchConn) Close() error {
	c.once.Do(func() { close(c.dead) })
	return c.Conn.Close()
}
