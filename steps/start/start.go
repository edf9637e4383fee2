// Package start derives the sequence that starts a database mirroring
// session (or a CLUSTER_TYPE = NONE availability group) from the observed
// state of every host: which steps are done, which one runs next, and what
// must be right first. It is pure like steps: the session observes and
// runs, this package decides. Every step is derived from what the servers
// show, so running the sequence again resumes where it stopped and changes
// nothing once the session runs.
package start

import (
	"strings"
	"time"

	"github.com/mirrorcert/mirrorcert/plan"
	"github.com/mirrorcert/mirrorcert/steps"
	"github.com/mirrorcert/mirrorcert/steps/checks"
	"github.com/mirrorcert/mirrorcert/steps/tsql"
)

// Step ids, per host (the start --json "id").
const (
	IDBackup      = "start/backup"
	IDCopy        = "start/copy" // manual: --backup-dir is not shared
	IDRestore     = "start/restore"
	IDPartner     = "start/partner"
	IDWitness     = "start/witness"
	IDAGCreate    = "start/ag-create"
	IDAGJoin      = "start/ag-join"
	IDAGDatabase  = "start/ag-add-database"
	IDSynchronize = "start/synchronized"
)

// Preflight finding codes, beside checks' codes.
const (
	CodeDatabaseMissing      = "database-missing"
	CodeDatabaseNotOnline    = "database-not-online"
	CodeRecoveryNotFull      = "recovery-not-full"
	CodeMirrorDatabaseOnline = "mirror-database-online"
	CodeVersionIncompatible  = "version-incompatible"
	CodeSessionExists        = "session-exists"
)

// Options are the inputs of Build.
type Options struct {
	Plan      *plan.Plan
	Hosts     map[string]*checks.Host
	Database  string
	BackupDir string // as every server sees it; a UNC path (\\server\share) is shared
	Group     string // availability group name (mode ag)
	// Files are the backup files found on each host (path -> exists), as
	// probed; absent means not probed (taken as not there).
	Files map[string]map[string]bool
	AG    map[string]*AGHost // mode ag: what each host shows of groups
	Now   time.Time
	// Ran are the steps run without error in this sequence so far; a step
	// whose effect no view shows (the mirror's SET PARTNER) is done once run.
	Ran map[steps.Ref]bool
	// WarnWithin is passed to the checks (cert-expiring).
	WarnWithin time.Duration
}

// AGHost is what one host shows of availability groups.
type AGHost struct {
	Groups    []string
	Replicas  []AGReplica // full only on the primary
	Databases []string    // local databases in Group
}

// AGReplica is a row of sys.availability_replicas with its state.
type AGReplica struct {
	Group, Server, URL string
	Role, Connected    string // role_desc, connected_state_desc
	ErrNumber          int
	ErrDescription     string
}

// Step is one step of the sequence.
type Step struct {
	steps.Ref
	Title      string
	Status     steps.Status // Done, Pending, Blocked
	BlockedBy  []steps.Ref  // set when Blocked
	Detail     string
	Statements []tsql.Statement
	Manual     bool // the operator does it (copying backup files) and confirms
}

// Sequence is the whole start sequence as the hosts show it now.
type Sequence struct {
	Database string
	Steps    []Step
	// Preflight are the findings that must be fixed before anything runs
	// (errors) or should be known (warnings).
	Preflight []checks.Finding
	// Running is true once the session (or group) exists; Synchronized once
	// it is synchronized (mirroring: with the witness connected).
	Running, Synchronized bool
	// State says in one line how the session stands, for headers and logs.
	State string
	// Files are the backup files the sequence writes.
	Files []string
}

// Blocked reports whether a preflight error stops the sequence.
func (s *Sequence) Blocked() bool {
	for _, f := range s.Preflight {
		if f.Severity == checks.Error {
			return true
		}
	}
	return false
}

// Next returns the step to run now, or nil when none can run (all done,
// a manual step waits, or preflight blocks).
func (s *Sequence) Next() *Step {
	for i := range s.Steps {
		if s.Steps[i].Status == steps.Pending {
			return &s.Steps[i]
		}
	}
	return nil
}

// Build derives the sequence.
func Build(o Options) Sequence {
	if o.Plan.Mode == plan.ModeAG {
		return buildAG(o)
	}
	return buildMirroring(o)
}

// preflightChecks are verify's findings, as warnings: they predict where
// the start will fail, but only the attempt writes the handshake failure
// into the other server's error log, which is the evidence the diagnosis
// quotes. So they are shown first and do not stop the backups and restores,
// which a second run keeps; what would make the start unsafe or impossible
// (the database, the mirror's copy, an existing session) does stop it.
func preflightChecks(o Options) []checks.Finding {
	fs := checks.Run(checks.Input{Plan: o.Plan, Hosts: o.Hosts, Now: o.Now, WarnWithin: o.WarnWithin})
	for i := range fs {
		fs[i].Severity = checks.Warning
	}
	return fs
}

// chain sets the statuses of a linear sequence: done steps stay done, the
// first step not done is pending (or blocked when preflight blocks), and
// every later one waits for the step before it. BlockedBy names what each
// waits for (a preflight finding's checklist item when preflight blocks),
// so the TUI's A can run the whole chain and knows what it cannot run.
func chain(seq *Sequence) {
	var blockers []steps.Ref
	for _, f := range seq.Preflight {
		if f.Severity == checks.Error {
			blockers = append(blockers, steps.Ref{Host: f.Host, ID: checks.ItemID(f)})
		}
	}
	var prev *Step
	first := true
	for i := range seq.Steps {
		st := &seq.Steps[i]
		if st.Status == steps.Done {
			continue
		}
		switch {
		case len(blockers) > 0:
			st.Status, st.BlockedBy = steps.Blocked, blockers
			st.Detail = "waits for the preflight findings to be fixed; " + st.Detail
		case first:
			st.Status = steps.Pending
		default:
			st.Status, st.BlockedBy = steps.Blocked, []steps.Ref{prev.Ref}
			st.Detail = "waits for " + prev.Ref.String() + "; " + st.Detail
		}
		first = false
		prev = st
	}
}

// fileIn joins a folder and a file name the way the server's OS does:
// backslash for Windows paths and UNC shares, slash otherwise.
func fileIn(dir, name string) string {
	sep := `\`
	if strings.HasPrefix(dir, "/") {
		sep = "/"
	}
	if strings.HasSuffix(dir, sep) {
		return dir + name
	}
	return dir + sep + name
}

// shared reports whether dir is a network share every host reaches.
func shared(dir string) bool { return strings.HasPrefix(dir, `\\`) || strings.HasPrefix(dir, "//") }

// urlOf is host's endpoint URL: the plan's address and the port its
// endpoint listens on.
func urlOf(p *plan.Plan, hs map[string]*checks.Host, host string) string {
	h := p.Host(host)
	port := p.Endpoint.Port
	if x := hs[host]; x != nil && x.State != nil && x.State.Endpoint != nil && x.State.Endpoint.Port > 0 {
		port = x.State.Endpoint.Port
	}
	addr := h.Address
	if addr == "" {
		addr = h.Name
	}
	return tsql.MirroringURL(addr, port)
}

func majorVersion(v string) int {
	n := 0
	for _, r := range v {
		if r < '0' || r > '9' {
			break
		}
		n = n*10 + int(r-'0')
	}
	return n
}

// Items returns the sequence as checklist items per host, so the TUI shows
// and runs them like any step.
func (s *Sequence) Items() map[string][]steps.Item {
	out := map[string][]steps.Item{}
	for _, st := range s.Steps {
		it := steps.Item{Ref: st.Ref, Title: st.Title, Status: st.Status, Detail: st.Detail, Manual: st.Manual,
			Why: "Starting the " + s.Database + " session: " + st.Detail, Statements: st.Statements, BlockedBy: st.BlockedBy}
		out[st.Host] = append(out[st.Host], it)
	}
	return out
}
