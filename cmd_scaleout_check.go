package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/mirrorcert/mirrorcert/plan"
	"github.com/mirrorcert/mirrorcert/scaleout"
	"github.com/mirrorcert/mirrorcert/scaleout/local"
	"github.com/mirrorcert/mirrorcert/session"
)

// scaleoutCheckJSON is verify's --json shape: healthy, hosts, findings.
type scaleoutCheckJSON struct {
	Healthy  bool               `json:"healthy"`
	Hosts    []scaleoutHostJSON `json:"hosts"`
	Findings []scaleout.Finding `json:"findings"`
}

type scaleoutHostJSON struct {
	Name      string  `json:"name"`
	Server    string  `json:"server"`
	Connected bool    `json:"connected"`
	Error     *string `json:"error"`
}

type scaleoutCheckOpts struct {
	master, masterConfig, masterCert, ssisdb string
	port, warnDays                           int
	workerConfigs, workerCerts               []string
	asJSON, noLocal                          bool
	conn                                     connFlags
}

func newScaleoutCheckCmd() *cobra.Command {
	var o scaleoutCheckOpts
	cmd := &cobra.Command{
		Use:   "check [--master-config F] [--master-cert F] [--worker-config [NAME=]F]... [--worker-cert NAME=F]... [--ssisdb SERVER] [--json]",
		Short: "Check that every Scale Out thumbprint agrees; exit 0 yes, 1 findings, 2 error",
		Long: `Compare the master certificate's thumbprint wherever it is written down: the master's .cer,
MasterSettings.config <SSLCertThumbprint>, each WorkerSettings.config <MasterHttpsCertThumbprint>,
SSISDB catalog.master_properties SSLCERT_THUMBPRINT (--ssisdb) and, on the master itself, the
netsh http binding of the master port. Also: each <WorkerHttpsCertThumbprint> is its worker's .cer,
the master certificate names the host in each <MasterEndpoint>, no certificate is expired or
expiring, and (on Windows) the certificates are in the LocalMachine stores the services use.

Each finding names the file and element (or view and property), the value found, the value to set
and the fix. --json prints verify's shape. Exit 0 when all agree, 1 with findings, 2 on bad input.

A worker's name comes from --worker-config NAME=FILE, else its <DisplayName>, else the file's
folder. .cer files may be DER or PEM. For --ssisdb the password comes from
MIRRORCERT_PASSWORD_SSISDB, then SQLCMDPASSWORD, then a prompt.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runScaleoutCheck(cmd, &o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.master, "master", "", "the master's machine name, used in findings (default: from SSISDB or the workers' MasterEndpoint)")
	f.IntVar(&o.port, "master-port", 0, "the master port (default: MasterSettings.config <PortNumber>, else 8391)")
	f.StringVar(&o.masterConfig, "master-config", "", "the master's MasterSettings.config")
	f.StringVar(&o.masterCert, "master-cert", "", "the master's certificate (.cer, DER or PEM)")
	f.StringArrayVar(&o.workerConfigs, "worker-config", nil, "a worker's WorkerSettings.config, as [NAME=]FILE (repeatable)")
	f.StringArrayVar(&o.workerCerts, "worker-cert", nil, "a worker's certificate, as NAME=FILE (repeatable)")
	f.StringVar(&o.ssisdb, "ssisdb", "", "the master's SQL Server (host[\\instance][,port]): read SSISDB's master_properties and worker_agents")
	f.IntVar(&o.warnDays, "warn-days", 60, "warn about certificates expiring within this many days")
	f.BoolVar(&o.asJSON, "json", false, "print verify's JSON: {healthy, hosts, findings}")
	f.BoolVar(&o.noLocal, "no-local", false, "on Windows, do not read this machine's stores and netsh binding")
	o.conn.register(cmd)
	return cmd
}

func runScaleoutCheck(cmd *cobra.Command, o *scaleoutCheckOpts) error {
	in, err := scaleoutInputs(o)
	if err != nil {
		return exitCode(2, fmt.Errorf("scaleout check: %w", err))
	}
	if in.MasterConfig == nil && in.MasterCert == nil && len(in.Workers) == 0 && o.ssisdb == "" && (o.noLocal || runtime.GOOS != "windows") {
		return exitCode(2, errors.New("scaleout check: nothing to check: give --master-config, --master-cert, --worker-config, --worker-cert or --ssisdb"))
	}
	var hosts []scaleoutHostJSON
	if o.ssisdb != "" {
		info, h, err := readSSISDB(cmd.Context(), o, cmd.ErrOrStderr(), nil)
		hj := scaleoutHostJSON{Name: "SSISDB", Server: o.ssisdb, Connected: err == nil}
		if err != nil {
			msg := err.Error()
			hj.Error = &msg
			if o.asJSON {
				_ = writeJSON(cmd.OutOrStdout(), scaleoutCheckJSON{Hosts: []scaleoutHostJSON{hj}, Findings: []scaleout.Finding{}})
			}
			return exitCode(2, fmt.Errorf("scaleout check: --ssisdb %s: %w", h.Server, err))
		}
		in.SSISDB = info
		hosts = append(hosts, hj)
		if in.Master == "" {
			in.Master = info.Properties["MACHINE_NAME"]
		}
	}
	if in.Master == "" {
		in.Master = masterFromEndpoints(in.Workers)
	}
	if runtime.GOOS == "windows" && !o.noLocal {
		li, err := probeLocal(cmd.Context(), in)
		if err != nil {
			return exitCode(2, fmt.Errorf("scaleout check: this machine: %w (or give --no-local)", err))
		}
		in.Local = li
		hosts = append(hosts, scaleoutHostJSON{Name: li.Machine, Server: "local", Connected: true})
	}
	fs := scaleout.Check(*in)
	doc := scaleoutCheckJSON{Healthy: scaleout.Healthy(fs), Hosts: hosts, Findings: fs}
	if doc.Hosts == nil {
		doc.Hosts = []scaleoutHostJSON{}
	}
	if doc.Findings == nil {
		doc.Findings = []scaleout.Finding{}
	}
	out := cmd.OutOrStdout()
	if o.asJSON {
		err = writeJSON(out, doc)
	} else {
		err = writeScaleoutFindings(out, doc)
	}
	if err != nil {
		return exitCode(2, err)
	}
	if !doc.Healthy {
		return exitCode(1, silentError{})
	}
	return nil
}

func writeScaleoutFindings(w io.Writer, doc scaleoutCheckJSON) error {
	if doc.Healthy {
		_, err := fmt.Fprintln(w, "All Scale Out thumbprints agree.")
		return err
	}
	for _, f := range doc.Findings {
		who := f.Host
		if f.Peer != "" {
			who += " (peer " + f.Peer + ")"
		}
		// Names and values come from the files read (a worker's
		// <DisplayName>, its <MasterEndpoint>): control characters
		// must not reach the terminal, as in verify's text.
		fmt.Fprintf(w, "%s %s on %s\n  %s\n  evidence: %s\n  fix: %s\n", strings.ToUpper(f.Severity), f.Code,
			printable(who), printable(f.Message), printable(f.Evidence), printable(f.Fix))
	}
	_, err := fmt.Fprintf(w, "%d finding(s).\n", len(doc.Findings))
	return err
}

// scaleoutInputs reads every file given; any unreadable one is bad input.
func scaleoutInputs(o *scaleoutCheckOpts) (*scaleout.Inputs, error) {
	if o.port < 0 || o.port > 65535 {
		return nil, fmt.Errorf("--master-port %d: use 1..65535", o.port)
	}
	if o.warnDays < 0 {
		return nil, fmt.Errorf("--warn-days %d: a number of days, 0 or more", o.warnDays)
	}
	warn := o.warnDays
	if warn == 0 {
		warn = -1 // no warning window: Inputs' zero is its default, 60
	}
	in := &scaleout.Inputs{Master: o.master, Port: o.port, Now: time.Now().UTC(), WarnDays: warn}
	var err error
	if o.masterConfig != "" {
		if in.MasterConfig, err = readConfig(o.masterConfig); err != nil {
			return nil, fmt.Errorf("--master-config: %w", err)
		}
	}
	if o.masterCert != "" {
		if in.MasterCert, err = readCert(o.masterCert); err != nil {
			return nil, fmt.Errorf("--master-cert: %w", err)
		}
	}
	byName := map[string]int{}
	worker := func(name string) *scaleout.WorkerInput {
		k := strings.ToUpper(name)
		if i, ok := byName[k]; ok {
			return &in.Workers[i]
		}
		byName[k] = len(in.Workers)
		in.Workers = append(in.Workers, scaleout.WorkerInput{Name: name})
		return &in.Workers[len(in.Workers)-1]
	}
	for _, arg := range o.workerConfigs {
		name, file, named := strings.Cut(arg, "=")
		if !named {
			name, file = "", arg
		}
		cf, err := readConfig(file)
		if err != nil {
			return nil, fmt.Errorf("--worker-config %s: %w", arg, err)
		}
		if name == "" {
			if dn, ok := cf.Get(scaleout.ElemDisplayName); ok && dn != "" {
				name = dn
			} else {
				name = filepath.Base(filepath.Dir(file))
			}
		}
		w := worker(name)
		if w.Config != nil {
			return nil, fmt.Errorf("--worker-config: two files for worker %s (%s and %s): name them NAME=FILE", name, w.Config.Path, file)
		}
		w.Config = cf
	}
	for _, arg := range o.workerCerts {
		name, file, ok := strings.Cut(arg, "=")
		if !ok || name == "" || file == "" {
			return nil, fmt.Errorf("--worker-cert %q: give it as NAME=FILE, e.g. W1=SSISScaleOutWorker-W1.cer", arg)
		}
		ci, err := readCert(file)
		if err != nil {
			return nil, fmt.Errorf("--worker-cert %s: %w", arg, err)
		}
		worker(name).Cert = ci
	}
	return in, nil
}

// maxScaleoutFile bounds a .config or .cer file: a few kilobytes each;
// more is the wrong file.
const maxScaleoutFile = 1 << 20

// readConfig and readCert read only regular files of a sane size: a FIFO
// or a device such as /dev/zero would block or never end.
func readConfig(path string) (*scaleout.ConfigFile, error) {
	data, err := plan.ReadRegularFile(path, maxScaleoutFile)
	if err != nil {
		return nil, err
	}
	return scaleout.ParseConfig(path, data)
}

func readCert(path string) (*scaleout.CertInfo, error) {
	data, err := plan.ReadRegularFile(path, maxScaleoutFile)
	if err != nil {
		return nil, err
	}
	return scaleout.ParseCert(path, data)
}

// masterFromEndpoints names the master by the host the workers connect to.
func masterFromEndpoints(ws []scaleout.WorkerInput) string {
	for _, w := range ws {
		if w.Config == nil {
			continue
		}
		if ep, ok := w.Config.Get(scaleout.ElemMasterEndpoint); ok {
			if _, rest, ok := strings.Cut(ep, "://"); ok {
				host, _, _ := strings.Cut(rest, "/")
				if i := strings.LastIndex(host, ":"); i > 0 && !strings.HasSuffix(host, "]") {
					host = host[:i]
				}
				if host != "" {
					return host
				}
			}
		}
	}
	return ""
}

// ssisdbHost is --ssisdb as a plan host with the usual connection flags.
func ssisdbHost(o *scaleoutCheckOpts) (plan.Host, *plan.Plan, error) {
	h := plan.Host{Name: "SSISDB", Server: o.ssisdb, Auth: plan.Auth{Encrypt: plan.EncryptMandatory}}
	if _, err := plan.ParseServer(h.Server); err != nil {
		return h, nil, fmt.Errorf("server: %w", err)
	}
	p := &plan.Plan{Hosts: []plan.Host{h}}
	if err := o.conn.override(p); err != nil {
		return h, nil, err
	}
	h = p.Hosts[0]
	if !h.Auth.Integrated && h.Auth.User == "" {
		return h, nil, errors.New("give -U LOGIN (password from MIRRORCERT_PASSWORD_SSISDB or SQLCMDPASSWORD) or -E for integrated authentication")
	}
	return h, p, nil
}

// readSSISDB reads the master's catalog with the usual connection flags.
// password nil asks as the other commands do (environment, then prompt).
// stderr nil (the TUI, whose screen it would garble) says nothing.
func readSSISDB(ctx context.Context, o *scaleoutCheckOpts, stderr io.Writer, password func(string) (string, error)) (*scaleout.SSISDBInfo, plan.Host, error) {
	h, p, err := ssisdbHost(o)
	if err != nil {
		return nil, h, err
	}
	if stderr != nil {
		warnCleartextLogin(stderr, h.Auth, "--ssisdb "+h.Server)
	}
	if password == nil {
		password = passwordSource(stderr, p)
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	info, err := session.ReadSSISDB(ctx, h, password)
	return info, h, err
}

// probeLocal reads this Windows machine: which roles it has (by the config
// files present), the master port's netsh binding, and its stores.
func probeLocal(ctx context.Context, in *scaleout.Inputs) (*scaleout.LocalInfo, error) {
	machine, _ := os.Hostname()
	if cn := os.Getenv("COMPUTERNAME"); cn != "" {
		machine = cn
	}
	masters, workers, err := local.ConfigPaths(os.DirFS(programFiles()))
	if err != nil {
		return nil, err
	}
	isMaster := len(masters) > 0 || strings.EqualFold(machine, in.Master)
	isWorker := len(workers) > 0
	if isMaster && in.MasterConfig == nil && len(masters) > 0 {
		if in.MasterConfig, err = readConfig(filepath.Join(programFiles(), filepath.FromSlash(masters[0]))); err != nil {
			return nil, err
		}
	}
	if isWorker {
		have := false
		for _, w := range in.Workers {
			have = have || strings.EqualFold(w.Name, machine)
		}
		if !have {
			cf, err := readConfig(filepath.Join(programFiles(), filepath.FromSlash(workers[0])))
			if err != nil {
				return nil, err
			}
			in.Workers = append(in.Workers, scaleout.WorkerInput{Name: machine, Config: cf})
		}
	}
	port := in.Port
	if port == 0 {
		port = scaleout.DefaultPort
		if in.MasterConfig != nil {
			if v, ok := in.MasterConfig.Get(scaleout.ElemPortNumber); ok {
				fmt.Sscanf(v, "%d", &port)
			}
		}
	}
	return local.Probe(ctx, local.ExecRunner{}, machine, port, isMaster, isWorker)
}

func programFiles() string {
	if pf := os.Getenv("ProgramFiles"); pf != "" {
		return pf
	}
	return `C:\Program Files`
}
