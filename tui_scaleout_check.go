package main

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mirrorcert/mirrorcert/scaleout"
	"github.com/mirrorcert/mirrorcert/steps"
	"github.com/mirrorcert/mirrorcert/steps/checks"
	"github.com/mirrorcert/mirrorcert/ui"
)

// scaleoutChecks is what v runs in the Scale Out TUI (and what runs by
// itself once every step is done): mirrorcert scaleout check, with the
// same inputs, read again at every run since the operator changes them.
type scaleoutChecks struct {
	opts scaleoutCheckOpts
	// password is the --ssisdb login's, asked before the TUI started
	// (nil: integrated authentication or no --ssisdb).
	password func(string) (string, error)
}

// registerScaleoutCheckFlags adds check's input flags to the TUI command.
func registerScaleoutCheckFlags(cmd *cobra.Command, o *scaleoutCheckOpts) {
	f := cmd.Flags()
	f.StringVar(&o.masterConfig, "master-config", "", "checks: the master's MasterSettings.config")
	f.StringVar(&o.masterCert, "master-cert", "", "checks: the master's certificate (.cer, DER or PEM)")
	f.StringArrayVar(&o.workerConfigs, "worker-config", nil, "checks: a worker's WorkerSettings.config, as [NAME=]FILE (repeatable)")
	f.StringArrayVar(&o.workerCerts, "worker-cert", nil, "checks: a worker's certificate, as NAME=FILE (repeatable)")
	f.StringVar(&o.ssisdb, "ssisdb", "", "checks: the master's SQL Server (host[\\instance][,port]): read SSISDB's master_properties and worker_agents")
	f.IntVar(&o.warnDays, "warn-days", 60, "checks: warn about certificates expiring within this many days")
	f.BoolVar(&o.noLocal, "no-local", false, "checks: on Windows, do not read this machine's stores and netsh binding")
	o.conn.register(cmd)
}

// newScaleoutChecks validates the check's inputs now (bad input is exit 2
// before the TUI starts) and asks the --ssisdb password once.
func newScaleoutChecks(cmd *cobra.Command, o scaleoutCheckOpts) (*scaleoutChecks, error) {
	if _, err := scaleoutInputs(&o); err != nil {
		return nil, err
	}
	c := &scaleoutChecks{opts: o}
	if o.ssisdb == "" {
		return c, nil
	}
	h, p, err := ssisdbHost(&o)
	if err != nil {
		return nil, fmt.Errorf("--ssisdb %s: %w", o.ssisdb, err)
	}
	if !h.Auth.Integrated {
		pw, err := passwordSource(cmd.ErrOrStderr(), p)(h.Name)
		if err != nil {
			return nil, fmt.Errorf("--ssisdb %s: %w", o.ssisdb, err)
		}
		c.password = func(string) (string, error) { return pw, nil }
	}
	return c, nil
}

// empty reports whether nothing was given to check.
func (c *scaleoutChecks) empty() bool {
	o := &c.opts
	return o.masterConfig == "" && o.masterCert == "" && len(o.workerConfigs) == 0 && len(o.workerCerts) == 0 &&
		o.ssisdb == "" && (o.noLocal || runtime.GOOS != "windows")
}

// run is scaleout check: read every input, then compare.
func (c *scaleoutChecks) run(ctx context.Context) ([]scaleout.Finding, error) {
	if c.empty() {
		return nil, errors.New("nothing to check: quit and start mirrorcert scaleout again with --master-config, --worker-config NAME=FILE, --master-cert, --worker-cert NAME=FILE or --ssisdb SERVER")
	}
	in, err := scaleoutInputs(&c.opts)
	if err != nil {
		return nil, err
	}
	if c.opts.ssisdb != "" {
		info, h, err := readSSISDB(ctx, &c.opts, nil, c.password)
		if err != nil {
			return nil, fmt.Errorf("--ssisdb %s: %w", h.Server, err)
		}
		in.SSISDB = info
	}
	if in.Master == "" {
		in.Master = masterFromEndpoints(in.Workers)
	}
	if runtime.GOOS == "windows" && !c.opts.noLocal {
		li, err := probeLocal(ctx, in)
		if err != nil {
			return nil, fmt.Errorf("this machine: %w (or give --no-local)", err)
		}
		in.Local = li
	}
	return scaleout.Check(*in), nil
}

// Verify implements ui.Verifier: the findings replace the last ones.
func (b *scaleoutBackend) Verify(ctx context.Context) error {
	if b.checks == nil {
		return errors.New("no checks configured")
	}
	fs, err := b.checks.run(ctx)
	if err != nil {
		return err
	}
	b.mu.Lock()
	b.checked, b.findings = true, fs
	b.mu.Unlock()
	return nil
}

// StartSession implements ui.Verifier; Scale Out has no session (the
// TUI is told so by its CheckProfile and never offers S).
func (b *scaleoutBackend) StartSession(context.Context, string, string) error {
	return errors.New("SSIS Scale Out has no session to start")
}

// PollSession implements ui.Verifier.
func (b *scaleoutBackend) PollSession(context.Context) error { return nil }

// SessionState implements ui.Verifier.
func (b *scaleoutBackend) SessionState() (string, bool) { return "", false }

// columnOf is the checklist column a finding shows in: its machine's,
// else "" (a machine the procedure does not name gets a column of its own).
func (b *scaleoutBackend) columnOf(host string) string {
	for _, s := range b.scripts {
		if strings.EqualFold(b.hostName(s), host) {
			return b.hostName(s)
		}
	}
	for _, s := range b.scripts {
		if strings.EqualFold(s.Machine, host) {
			return b.hostName(s)
		}
	}
	return ""
}

// addChecks puts the last findings under Checks in each machine's list;
// mu must be held.
func (b *scaleoutBackend) addChecks(snap *ui.Snapshot) {
	if !b.checked {
		return
	}
	seen := map[string]int{}
	for _, f := range b.findings {
		col := b.columnOf(f.Host)
		if col == "" {
			col = f.Host
			if !hasColumn(snap, col) {
				snap.Hosts = append(snap.Hosts, ui.HostInfo{Name: col, Server: "named by the check's files", Role: "checked", Connected: true})
				snap.Checklist.Hosts = append(snap.Checklist.Hosts, steps.HostList{Host: col, Role: "checked"})
			}
		}
		id := checks.IDPrefix + f.Code
		title := f.Code
		if f.Peer != "" {
			id += "/" + f.Peer
			title += " (" + f.Peer + ")"
		}
		// Several findings may share a code (two expiring certificates):
		// each keeps a row of its own.
		seen[col+"\x00"+id]++
		if n := seen[col+"\x00"+id]; n > 1 {
			id += fmt.Sprintf("/%d", n)
		}
		it := steps.Item{Ref: steps.Ref{Host: col, ID: id}, Title: title, Detail: f.Message, Why: f.Evidence, Changes: sentence(f.Fix)}
		if f.Severity == scaleout.SevWarning {
			it.Status = steps.Done
			it.Warnings = []string{f.Message + " Fix: " + sentence(f.Fix)}
		} else {
			it.Status, it.Manual = steps.Pending, true
		}
		for i := range snap.Checklist.Hosts {
			if snap.Checklist.Hosts[i].Host == col {
				snap.Checklist.Hosts[i].Items = append(snap.Checklist.Hosts[i].Items, it)
			}
		}
	}
}

func hasColumn(snap *ui.Snapshot, host string) bool {
	for _, h := range snap.Checklist.Hosts {
		if h.Host == host {
			return true
		}
	}
	return false
}

func sentence(s string) string {
	s = strings.TrimSpace(s)
	if s == "" || strings.HasSuffix(s, ".") || strings.HasSuffix(s, ";") {
		return s
	}
	return s + "."
}

// scaleoutCheckProfile words v for the Scale Out check.
func scaleoutCheckProfile() ui.CheckProfile {
	return ui.CheckProfile{
		Running:    "Checking every Scale Out thumbprint (as mirrorcert scaleout check does)",
		Healthy:    "Checks: every Scale Out thumbprint agrees (config files, certificates, SSISDB, netsh)",
		Next:       "v runs mirrorcert scaleout check again",
		Found:      "enter shows the evidence and the fix; fix it on that machine, then y checks again",
		ManualHint: "Do it on that machine, then press y: the check runs again.",
		NoSession:  true,
		Auto:       true,
	}
}

var _ ui.Verifier = (*scaleoutBackend)(nil)
