package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"github.com/mirrorcert/mirrorcert/expiry"
	"github.com/mirrorcert/mirrorcert/plan"
	"github.com/mirrorcert/mirrorcert/session"
)

// expiryOpts are `mirrorcert expiry`'s flags.
type expiryOpts struct {
	plans       []string
	servers     string
	cms         string
	cmsGroup    string
	warnDays    int
	asJSON      bool
	format      string
	concurrency int
	caFile      string
	cf          connFlags
}

// newExpiryCmd is `mirrorcert expiry`: every endpoint certificate and every
// peer copy on every instance a DBA owns, soonest expiry first.
func newExpiryCmd() *cobra.Command {
	var o expiryOpts
	cmd := &cobra.Command{
		Use:   "expiry [--plan FILE]... [--servers FILE] [--cms SERVER] [--warn-days N] [--json | --format prometheus]",
		Short: "List every endpoint and peer certificate on every instance, soonest expiry first; exit 0 none expires within N days, 1 some do, 2 error",
		Long: `expiry reads every instance given and lists the certificate each mirroring endpoint
authenticates with and every copy of another host's certificate (kind peer), soonest expiry first.
It changes nothing.

Instances come from any mix of:
  --plan FILE      the hosts of a plan (repeatable)
  --servers FILE   one sqlcmd -S form per line (host[\instance][,port]); # starts a comment
  --cms SERVER     the registered servers of a Central Management Server (msdb's shared
                   registered servers, as SSMS shows them); --cms-group NAME keeps one group
                   and the groups below it
The connection flags apply to --servers, --cms and the servers it lists, and override a plan's
auth. Passwords come from MIRRORCERT_PASSWORD_<HOST> for plan hosts, then SQLCMDPASSWORD, then
one prompt.

Exit status: 0 when nothing expires within --warn-days, 1 when something does (or has),
2 on an error, including an instance that could not be read when nothing expires.

--format prometheus writes the node exporter's textfile format: one gauge of seconds to expiry per
certificate (mirrorcert_certificate_expiry_seconds) and mirrorcert_instance_up per instance.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runExpiry(cmd, &o)
		},
	}
	f := cmd.Flags()
	f.StringArrayVar(&o.plans, "plan", nil, "plan file whose hosts to read (repeatable)")
	f.StringVar(&o.servers, "servers", "", "file with one server per line (sqlcmd -S form; # comments)")
	f.StringVar(&o.cms, "cms", "", "Central Management Server whose registered servers to read")
	f.StringVar(&o.cmsGroup, "cms-group", "", "with --cms: only this server group (a name, or a path such as Prod/East) and its subgroups")
	f.IntVar(&o.warnDays, "warn-days", 60, "warn about certificates expiring within this many days")
	f.BoolVar(&o.asJSON, "json", false, "print JSON (same as --format json)")
	f.StringVar(&o.format, "format", "table", "output: table | json | prometheus")
	f.IntVar(&o.concurrency, "concurrency", 32, "instances read at once")
	f.StringVar(&o.caFile, "ca-certificate", "", "PEM file of the CA to trust for TLS to --servers and --cms instances")
	o.cf.register(cmd)
	return cmd
}

// expiryTarget is one instance to read and how to get its password.
type expiryTarget struct {
	t   session.Target
	pwd func(string) (string, error)
}

func runExpiry(cmd *cobra.Command, o *expiryOpts) error {
	stderr := cmd.ErrOrStderr()
	format := strings.ToLower(o.format)
	if o.asJSON {
		if cmd.Flags().Changed("format") && format != "json" {
			return exitCode(2, fmt.Errorf("expiry: --json and --format %s contradict each other; give one", o.format))
		}
		format = "json"
	}
	switch format {
	case "table", "json", "prometheus":
	default:
		return exitCode(2, fmt.Errorf("expiry: --format %q: use table, json or prometheus", o.format))
	}
	if o.warnDays < 0 {
		return exitCode(2, fmt.Errorf("expiry: --warn-days %d: give a number of days, 0 or more", o.warnDays))
	}
	if o.concurrency < 1 || o.concurrency > 1024 {
		return exitCode(2, fmt.Errorf("expiry: --concurrency %d: give 1 to 1024", o.concurrency))
	}
	if len(o.plans) == 0 && o.servers == "" && o.cms == "" {
		return exitCode(2, errors.New("expiry: nothing to read: give --plan FILE, --servers FILE or --cms SERVER"))
	}
	if o.cmsGroup != "" && o.cms == "" {
		return exitCode(2, errors.New("expiry: --cms-group needs --cms SERVER"))
	}
	if err := o.cf.override(&plan.Plan{}); err != nil {
		return exitCode(2, fmt.Errorf("expiry: %w", err))
	}
	auth, err := o.flagAuth()
	if err != nil {
		return exitCode(2, err)
	}
	if o.servers != "" || o.cms != "" {
		warnCleartextLogin(stderr, auth, "every --servers/--cms instance")
	}
	shared := sharedPassword(stderr)
	var targets []expiryTarget
	seen := map[string]bool{}
	add := func(t expiryTarget) {
		key := strings.ToLower(strings.TrimSpace(t.t.Server))
		if !seen[key] {
			seen[key] = true
			targets = append(targets, t)
		}
	}
	for _, path := range o.plans {
		p, err := loadPlan(path, &o.cf, stderr, "expiry")
		if err != nil {
			return exitCode(2, err)
		}
		pw := passwordSource(stderr, p)
		for _, h := range p.Hosts {
			add(expiryTarget{t: session.Target{Name: h.Name, Server: h.Server, Auth: h.Auth}, pwd: pw})
		}
	}
	if o.servers != "" {
		list, err := readServersFile(o.servers)
		if err != nil {
			return exitCode(2, err)
		}
		for _, s := range list {
			add(expiryTarget{t: session.Target{Name: s, Server: s, Auth: auth}, pwd: shared})
		}
	}
	ctx := cmd.Context()
	if o.cms != "" {
		if _, err := plan.ParseServer(o.cms); err != nil {
			return exitCode(2, fmt.Errorf("expiry: --cms %q: %w", o.cms, err))
		}
		regs, err := session.ReadRegisteredServers(ctx, session.Target{Name: o.cms, Server: o.cms, Auth: auth}, shared)
		if err != nil {
			return exitCode(2, err)
		}
		regs, err = expiry.InGroup(regs, o.cmsGroup)
		if err != nil {
			return exitCode(2, fmt.Errorf("expiry: --cms-group: %w", err))
		}
		for _, r := range regs {
			add(expiryTarget{t: session.Target{Name: r.Name, Server: r.Server, Auth: auth}, pwd: shared})
		}
	}
	if len(targets) == 0 {
		return exitCode(2, errors.New("expiry: the sources given list no instance"))
	}
	now := time.Now().UTC()
	insts := readAll(ctx, targets, o.concurrency)
	rep := expiry.Build(insts, now)
	out := cmd.OutOrStdout()
	switch format {
	case "json":
		err = writeJSON(out, expiryDoc(rep))
	case "prometheus":
		err = expiry.WritePrometheus(out, rep)
	default:
		err = expiry.WriteTable(out, rep, o.warnDays, now, printable, urgencyColour(out))
	}
	if err != nil {
		return exitCode(2, err)
	}
	switch {
	case rep.AnyWithin(o.warnDays):
		return exitCode(1, silentError{})
	case len(rep.Unreachable) > 0:
		return exitCode(2, fmt.Errorf("%d instance(s) could not be read, so their certificates are not listed", len(rep.Unreachable)))
	}
	return nil
}

// flagAuth is the connection settings for --servers and --cms instances:
// the flags, with the same defaults as a plan (mandatory encryption).
func (o *expiryOpts) flagAuth() (plan.Auth, error) {
	a := plan.Auth{
		User:                   o.cf.user,
		Integrated:             o.cf.integrated,
		Encrypt:                strings.ToLower(o.cf.encrypt),
		TrustServerCertificate: o.cf.trust,
		HostNameInCertificate:  o.cf.hostInCert,
		LoginTimeoutSeconds:    o.cf.loginTimeout,
		CACertificate:          o.caFile,
	}
	if a.Encrypt == "" {
		a.Encrypt = plan.EncryptMandatory
	}
	if (o.servers != "" || o.cms != "") && a.User == "" && !a.Integrated {
		return a, errors.New("expiry: --servers and --cms need a login: give -U LOGIN (password in SQLCMDPASSWORD), or -E")
	}
	if a.LoginTimeoutSeconds == 0 {
		a.LoginTimeoutSeconds = 15 // one dead instance must not hold the listing for the driver's default
	}
	return a, nil
}

// readAll reads every target, at most n at once; each has its own login
// timeout, so an unreachable instance costs its own slot and no more.
func readAll(ctx context.Context, targets []expiryTarget, n int) []expiry.Instance {
	out := make([]expiry.Instance, len(targets))
	sem := make(chan struct{}, n)
	var wg sync.WaitGroup
	for i, t := range targets {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			out[i] = session.ReadCertificates(ctx, t.t, t.pwd)
		}()
	}
	wg.Wait()
	return out
}

// sharedPassword is the password for --servers and --cms instances:
// SQLCMDPASSWORD, else asked once on the terminal and used for all.
func sharedPassword(stderr io.Writer) func(string) (string, error) {
	var once sync.Once
	var pw string
	var err error
	return func(string) (string, error) {
		once.Do(func() {
			if v := os.Getenv("SQLCMDPASSWORD"); v != "" {
				pw = v
				return
			}
			fd := os.Stdin.Fd()
			if !term.IsTerminal(fd) {
				err = errors.New("no password: set SQLCMDPASSWORD (standard input is not a terminal, so mirrorcert cannot ask)")
				return
			}
			fmt.Fprint(stderr, "Password for the servers listed: ")
			var b []byte
			b, err = term.ReadPassword(fd)
			fmt.Fprintln(stderr)
			pw = string(b)
		})
		return pw, err
	}
}

// maxServersFile bounds --servers: a list of instances, never megabytes.
const maxServersFile = 1 << 20

// readServersFile reads --servers: one sqlcmd -S form per line, blank lines
// and # comments ignored. Every bad line is named with its number.
func readServersFile(path string) ([]string, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("--servers: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("--servers %s: not a regular file; give a text file with one server per line", path)
	}
	if fi.Size() > maxServersFile {
		return nil, fmt.Errorf("--servers %s: %d bytes is more than a server list can be (at most %d)", path, fi.Size(), maxServersFile)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("--servers: %w", err)
	}
	defer f.Close()
	var out []string
	var bad []string
	sc := bufio.NewScanner(io.LimitReader(f, maxServersFile))
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		if _, err := plan.ParseServer(line); err != nil {
			bad = append(bad, fmt.Sprintf("%s:%d: %q: %v", path, n, printable(line), err))
			continue
		}
		out = append(out, line)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("--servers %s: %w", path, err)
	}
	if len(bad) > 0 {
		return nil, errors.New(strings.Join(bad, "\n"))
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("--servers %s lists no server; write one sqlcmd -S form per line, e.g. sqla.corp.example,1433", path)
	}
	return out, nil
}

// expiryJSON is the `expiry --json` contract of DESIGN.md.
type expiryJSON struct {
	Certificates []expiryCertJSON        `json:"certificates"`
	Unreachable  []expiryUnreachableJSON `json:"unreachable"`
}

type expiryCertJSON struct {
	Server     string `json:"server"`
	Host       string `json:"host"`
	Name       string `json:"name"`
	Kind       string `json:"kind"`
	Peer       string `json:"peer"`
	Thumbprint string `json:"thumbprint"`
	Expiry     string `json:"expiry"`
	DaysLeft   int    `json:"days_left"`
}

type expiryUnreachableJSON struct {
	Server string `json:"server"`
	Error  string `json:"error"`
}

func expiryDoc(r expiry.Report) expiryJSON {
	doc := expiryJSON{Certificates: []expiryCertJSON{}, Unreachable: []expiryUnreachableJSON{}}
	for _, e := range r.Entries {
		doc.Certificates = append(doc.Certificates, expiryCertJSON{
			Server: e.Server, Host: printable(e.Host), Name: printable(e.Name), Kind: e.Kind, Peer: printable(e.Peer),
			Thumbprint: e.Thumbprint, Expiry: e.Expiry.Format(time.RFC3339), DaysLeft: e.DaysLeft,
		})
	}
	for _, u := range r.Unreachable {
		doc.Unreachable = append(doc.Unreachable, expiryUnreachableJSON{Server: u.Server, Error: printable(u.Err)})
	}
	return doc
}

// urgencyColour colours table rows on a terminal (red expired, yellow
// expiring), and not at all when NO_COLOR is set or the output is a file.
func urgencyColour(w io.Writer) expiry.Colour {
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(f.Fd()) || os.Getenv("NO_COLOR") != "" {
		return nil
	}
	return func(u expiry.Urgency, s string) string {
		switch u {
		case expiry.Expired:
			return "\x1b[1;31m" + s + "\x1b[0m"
		case expiry.Expiring:
			return "\x1b[33m" + s + "\x1b[0m"
		}
		return s
	}
}
