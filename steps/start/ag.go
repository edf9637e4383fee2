package start

import (
	"fmt"
	"slices"
	"strings"

	"github.com/mirrorcert/mirrorcert/steps"
	"github.com/mirrorcert/mirrorcert/steps/checks"
	"github.com/mirrorcert/mirrorcert/steps/tsql"
)

// buildAG derives the availability-group sequence: a full backup on the
// primary (the first host), CREATE AVAILABILITY GROUP with every replica's
// endpoint and GRANT CREATE ANY DATABASE there, JOIN and the same GRANT on
// every other replica, then ADD DATABASE, which seeds the secondaries
// automatically.
func buildAG(o Options) Sequence {
	p := o.Plan
	db, g := o.Database, o.Group
	seq := Sequence{Database: db}
	primary := p.Hosts[0].Name
	hp := o.Hosts[primary]
	if hp == nil || hp.State == nil {
		seq.State = "not read: the primary " + primary + " must be connected"
		return seq
	}
	inGroup := func(host string) bool {
		a := o.AG[host]
		return a != nil && slices.ContainsFunc(a.Groups, func(x string) bool { return strings.EqualFold(x, g) })
	}
	dbIn := func(host string) bool {
		a := o.AG[host]
		return a != nil && slices.ContainsFunc(a.Databases, func(x string) bool { return strings.EqualFold(x, db) })
	}
	seq.Running = inGroup(primary)
	full, _ := BackupFiles(o.BackupDir, db)
	seq.Files = []string{full}
	if !seq.Running {
		seq.Preflight = preflightChecks(o)
		seq.Preflight = append(seq.Preflight, agDatabasePreflight(o, primary)...)
	}
	done := func(st *Step, ok bool, why string) {
		if ok {
			st.Status, st.Detail = steps.Done, why
		}
	}
	backup := Step{Ref: steps.Ref{Host: primary, ID: IDBackup}, Title: "Back up " + db + " to " + o.BackupDir,
		Statements: []tsql.Statement{tsql.BackupDatabase(db, full)},
		Detail:     "a database joins a group only after a full backup"}
	done(&backup, dbIn(primary) || o.Files[primary][full], "a full backup is there")
	seq.Steps = append(seq.Steps, backup)
	var replicas []tsql.AGReplica
	for _, h := range p.Hosts {
		server := h.Name
		if x := o.Hosts[h.Name]; x != nil && x.State != nil && x.State.ServerName != "" {
			server = x.State.ServerName
		}
		replicas = append(replicas, tsql.AGReplica{Server: server, URL: urlOf(p, o.Hosts, h.Name)})
	}
	create := Step{Ref: steps.Ref{Host: primary, ID: IDAGCreate}, Title: "Create availability group " + g + " (CLUSTER_TYPE = NONE)",
		Statements: []tsql.Statement{tsql.CreateAG(g, replicas), tsql.GrantCreateAnyDatabase(g)},
		Detail:     fmt.Sprintf("%d replicas, each at its endpoint URL; automatic seeding", len(replicas))}
	done(&create, seq.Running, g+" exists on "+primary)
	seq.Steps = append(seq.Steps, create)
	for _, h := range p.Hosts[1:] {
		j := Step{Ref: steps.Ref{Host: h.Name, ID: IDAGJoin}, Title: "Join " + h.Name + " to " + g,
			Statements: []tsql.Statement{tsql.JoinAG(g), tsql.GrantCreateAnyDatabase(g)},
			Detail:     "joins as a secondary and lets seeding create " + db}
		done(&j, inGroup(h.Name), h.Name+" is in "+g)
		seq.Steps = append(seq.Steps, j)
	}
	add := Step{Ref: steps.Ref{Host: primary, ID: IDAGDatabase}, Title: "Add " + db + " to " + g,
		Statements: []tsql.Statement{tsql.AddDatabaseToAG(g, db)},
		Detail:     "seeds " + db + " to every secondary"}
	done(&add, dbIn(primary), db+" is in "+g)
	seq.Steps = append(seq.Steps, add)
	chain(&seq)
	seq.State, seq.Synchronized = agState(o, primary, dbIn)
	return seq
}

// agState says how the group stands: every replica connected (as the
// primary sees them) and the database seeded on every secondary.
func agState(o Options, primary string, dbIn func(string) bool) (string, bool) {
	a := o.AG[primary]
	if a == nil || len(a.Replicas) == 0 {
		return "no availability group yet", false
	}
	var parts []string
	ok := true
	for _, r := range a.Replicas {
		if !strings.EqualFold(r.Group, o.Group) {
			continue
		}
		s := r.Server + " " + r.Role + " " + r.Connected
		if r.ErrNumber != 0 {
			s += fmt.Sprintf(" (last error %d: %s)", r.ErrNumber, r.ErrDescription)
		}
		parts = append(parts, s)
		if !strings.EqualFold(r.Connected, "CONNECTED") {
			ok = false
		}
	}
	for _, h := range o.Plan.Hosts {
		if !dbIn(h.Name) {
			ok = false
		}
	}
	return strings.Join(parts, "; "), ok && len(parts) == len(o.Plan.Hosts)
}

func agDatabasePreflight(o Options, primary string) []checks.Finding {
	db := o.Database
	d := o.Hosts[primary].Database(db)
	switch {
	case d == nil:
		return []checks.Finding{{Code: CodeDatabaseMissing, Host: primary, Severity: checks.Error,
			Message:  fmt.Sprintf("database %s does not exist on the primary %s.", db, primary),
			Evidence: []string{primary + " sys.databases: no row named " + db}}}
	case !strings.EqualFold(d.Recovery, "FULL"):
		return []checks.Finding{{Code: CodeRecoveryNotFull, Host: primary, Severity: checks.Error,
			Message:  fmt.Sprintf("database %s on %s uses the %s recovery model; an availability group needs FULL.", db, primary, d.Recovery),
			Evidence: []string{fmt.Sprintf("%s sys.databases: %s recovery_model_desc=%s", primary, db, d.Recovery)},
			Fix:      []tsql.Statement{tsql.SetRecoveryFull(db)}}}
	}
	var fs []checks.Finding
	for _, h := range o.Plan.Hosts[1:] {
		x := o.Hosts[h.Name]
		if x == nil {
			continue
		}
		if md := x.Database(db); md != nil && strings.EqualFold(md.State, "ONLINE") {
			a := o.AG[h.Name]
			if a != nil && slices.ContainsFunc(a.Databases, func(s string) bool { return strings.EqualFold(s, db) }) {
				continue
			}
			fs = append(fs, checks.Finding{Code: CodeMirrorDatabaseOnline, Host: h.Name, Peer: primary, Severity: checks.Error,
				Message:  fmt.Sprintf("%s already has a database %s (ONLINE) outside the group; automatic seeding cannot create it, and mirrorcert never drops a database.", h.Name, db),
				Evidence: []string{fmt.Sprintf("%s sys.databases: %s state_desc=%s", h.Name, db, md.State)},
				FixNote:  "If that copy is disposable, drop or rename it yourself, then run start again."})
		}
	}
	return fs
}
