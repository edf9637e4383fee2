package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"github.com/mirrorcert/mirrorcert/plan"
	"github.com/mirrorcert/mirrorcert/session"
)

// connFlags are the sqlcmd-style connection flags shared by the commands that
// connect (status, apply, the TUI, demo). A flag given on the command line
// overrides the plan's auth for every host.
type connFlags struct {
	user          string
	integrated    bool
	encrypt       string
	trust         bool
	hostInCert    string
	loginTimeout  int
	transcriptDir string
	logFile       string
	// allowCleartext lets steps carrying passwords run on connections that
	// are not encrypted (never the default).
	allowCleartext bool
	cmd            *cobra.Command
}

// register adds the flags to cmd.
func (f *connFlags) register(cmd *cobra.Command) {
	f.cmd = cmd
	fs := cmd.Flags()
	fs.StringVarP(&f.user, "user", "U", "", "SQL login for every host (overrides the plan's auth.user)")
	fs.BoolVarP(&f.integrated, "integrated", "E", false, "integrated authentication: SSPI on Windows; elsewhere Kerberos (kinit ticket), or NTLM with -U DOMAIN\\user")
	fs.StringVarP(&f.encrypt, "encrypt", "N", "", "connection encryption: disable | optional | mandatory | strict")
	fs.BoolVarP(&f.trust, "trust-server-certificate", "C", false, "trust the server's TLS certificate without validation (last resort: see the error text for safer fixes)")
	fs.StringVarP(&f.hostInCert, "host-name-in-certificate", "F", "", "host name expected in the server's TLS certificate")
	fs.IntVarP(&f.loginTimeout, "login-timeout", "l", 0, "login timeout in seconds (0: the driver's default)")
	fs.StringVar(&f.transcriptDir, "transcript-dir", "", "directory for transcript.jsonl and executed-HOST.sql (default: under $XDG_STATE_HOME/mirrorcert)")
	fs.StringVar(&f.logFile, "log-file", "", "write diagnostics (secrets masked) to this file")
}

// registerCleartext adds --allow-cleartext-secrets, only to the commands
// that send passwords in steps (apply, the TUI).
func (f *connFlags) registerCleartext(cmd *cobra.Command) {
	cmd.Flags().BoolVar(&f.allowCleartext, "allow-cleartext-secrets", false, "let steps that carry passwords run on connections that are not encrypted (-N optional or disable); anyone on the network path can read them")
}

// override merges the flags that were given into every host's auth.
func (f *connFlags) override(p *plan.Plan) error {
	changed := func(name string) bool { return f.cmd != nil && f.cmd.Flags().Changed(name) }
	if changed("encrypt") {
		switch strings.ToLower(f.encrypt) {
		case plan.EncryptDisable, plan.EncryptOptional, plan.EncryptMandatory, plan.EncryptStrict:
		default:
			return fmt.Errorf("-N %q: use disable, optional, mandatory or strict", f.encrypt)
		}
	}
	if f.loginTimeout < 0 {
		return fmt.Errorf("-l %d: the login timeout is a number of seconds, 0 or more", f.loginTimeout)
	}
	set := func(a *plan.Auth) {
		if changed("user") {
			a.User = f.user
			if !changed("integrated") {
				a.Integrated = false
			}
		}
		if changed("integrated") {
			a.Integrated = f.integrated
		}
		if changed("encrypt") {
			a.Encrypt = strings.ToLower(f.encrypt)
		}
		if changed("trust-server-certificate") {
			a.TrustServerCertificate = f.trust
		}
		if changed("host-name-in-certificate") {
			a.HostNameInCertificate = f.hostInCert
		}
		if changed("login-timeout") {
			a.LoginTimeoutSeconds = f.loginTimeout
		}
	}
	set(&p.Auth)
	for i := range p.Hosts {
		set(&p.Hosts[i].Auth)
	}
	return nil
}

// logger opens --log-file (0600, appended) or discards diagnostics.
func (f *connFlags) logger() (*slog.Logger, io.Closer, error) {
	if f.logFile == "" {
		return slog.New(slog.NewTextHandler(io.Discard, nil)), io.NopCloser(nil), nil
	}
	if dir := filepath.Dir(f.logFile); dir != "" {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, nil, fmt.Errorf("--log-file: %w", err)
		}
	}
	lf, err := os.OpenFile(f.logFile, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return nil, nil, fmt.Errorf("--log-file: %w", err)
	}
	return slog.New(slog.NewJSONHandler(lf, &slog.HandlerOptions{Level: slog.LevelDebug})), lf, nil
}

// passwordSource returns the Options.Passwords function: the environment,
// then a prompt without echo when stdin is a terminal. Prompts are serialised
// because hosts connect concurrently.
func passwordSource(stderr io.Writer, p *plan.Plan) func(host string) (string, error) {
	var mu sync.Mutex
	return func(host string) (string, error) {
		if pw, ok := session.PasswordFromEnv(nil, host); ok {
			return pw, nil
		}
		fd := os.Stdin.Fd()
		if !term.IsTerminal(fd) {
			return "", fmt.Errorf("no password for %s: set MIRRORCERT_PASSWORD_%s (or SQLCMDPASSWORD for every host); standard input is not a terminal, so mirrorcert cannot ask", host, session.EnvName(host))
		}
		mu.Lock()
		defer mu.Unlock()
		user, server := "", ""
		if h := p.Host(host); h != nil {
			user, server = h.Auth.User, h.Server
		}
		fmt.Fprintf(stderr, "Password for %s on %s (%s): ", user, host, server)
		b, err := term.ReadPassword(fd)
		fmt.Fprintln(stderr)
		if err != nil {
			return "", fmt.Errorf("read password for %s: %w", host, err)
		}
		return string(b), nil
	}
}

// loadPlan loads --plan and applies the connection flags.
func loadPlan(path string, f *connFlags, stderr io.Writer, cmdName string) (*plan.Plan, error) {
	if path == "" {
		return nil, fmt.Errorf("%s: --plan FILE is required (see examples/sim.yaml)", cmdName)
	}
	p, err := plan.Load(path, time.Now().UTC())
	if err != nil {
		return nil, err
	}
	for _, w := range p.Warnings {
		fmt.Fprintln(stderr, "mirrorcert: warning:", w)
	}
	if err := f.override(p); err != nil {
		return nil, fmt.Errorf("%s: %w", cmdName, err)
	}
	return p, nil
}

// openSession connects to every host of p with the flags' settings. The
// returned close function closes the session and the log file.
func openSession(ctx context.Context, p *plan.Plan, f *connFlags, stderr io.Writer, mk func(string) (string, bool, error)) (*session.Session, func() error, error) {
	log, lc, err := f.logger()
	if err != nil {
		return nil, nil, err
	}
	s := session.Open(ctx, session.Options{
		Plan:              p,
		Passwords:         passwordSource(stderr, p),
		MasterKeyPassword: mk,
		TranscriptDir:     f.transcriptDir,
		Logger:            log,

		AllowCleartextSecrets: f.allowCleartext,
	})
	for _, h := range s.Hosts() {
		if w := session.CleartextWarning(h, p); w != "" {
			fmt.Fprintln(stderr, "mirrorcert: warning:", w)
		}
	}
	closeAll := func() error {
		return errors.Join(s.Close(), lc.Close())
	}
	return s, closeAll, nil
}

// openReachable is openSession for commands that change or compare every
// host (start, rotate): a host that cannot be read ends the command with
// exit 2 before anything is sent. why says why every host is needed.
func openReachable(ctx context.Context, p *plan.Plan, f *connFlags, stderr io.Writer, mk func(string) (string, bool, error), why string) (*session.Session, func() error, error) {
	s, closeAll, err := openSession(ctx, p, f, stderr, mk)
	if err != nil {
		return nil, nil, exitCode(2, err)
	}
	for _, h := range s.Hosts() {
		if h.Err != nil {
			closeAll()
			msg := s.Redactor().Redact(h.Err.Error())
			if why != "" {
				msg += "; " + why
			}
			return nil, nil, exitCode(2, errors.New(msg))
		}
	}
	return s, closeAll, nil
}
