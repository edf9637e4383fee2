package start

import (
	"fmt"
	"strings"

	"github.com/mirrorcert/mirrorcert/plan"
	"github.com/mirrorcert/mirrorcert/steps"
	"github.com/mirrorcert/mirrorcert/steps/checks"
	"github.com/mirrorcert/mirrorcert/steps/tsql"
)

// roles picks the principal (first partner), the mirror (second) and the
// witness of a mirroring plan.
func roles(p *plan.Plan) (principal, mirror, witness string) {
	for _, h := range p.Hosts {
		switch {
		case h.Role == plan.RoleWitness:
			witness = h.Name
		case principal == "":
			principal = h.Name
		case mirror == "":
			mirror = h.Name
		}
	}
	return
}

// BackupFiles are the full and log backup files start writes for db.
func BackupFiles(dir, db string) (full, log string) {
	return fileIn(dir, db+"_mirrorcert_full.bak"), fileIn(dir, db+"_mirrorcert_log.trn")
}

func buildMirroring(o Options) Sequence {
	p := o.Plan
	P, M, W := roles(p)
	db := o.Database
	seq := Sequence{Database: db}
	hp, hm := o.Hosts[P], o.Hosts[M]
	if hp == nil || hp.State == nil || hm == nil || hm.State == nil {
		seq.State = "not read: " + P + " and " + M + " must both be connected"
		return seq
	}
	full, logf := BackupFiles(o.BackupDir, db)
	seq.Files = []string{full, logf}
	pm := hp.Mirror(db)
	running := pm != nil
	restoring := hm.Mirror(db) != nil
	if d := hm.Database(db); d != nil && strings.EqualFold(d.State, "RESTORING") {
		restoring = true
	}
	has := func(host, f string) bool { return o.Files[host][f] }
	seq.Running = running
	seq.Preflight = mirroringPreflight(o, P, M, pm, running, restoring)

	done := func(st *Step, ok bool, why string) {
		if ok {
			st.Status, st.Detail = steps.Done, why
		}
	}
	backup := Step{Ref: steps.Ref{Host: P, ID: IDBackup}, Title: "Back up " + db + " (full and log) to " + o.BackupDir}
	if !has(P, full) {
		backup.Statements = append(backup.Statements, tsql.BackupDatabase(db, full))
	}
	if !has(P, logf) {
		backup.Statements = append(backup.Statements, tsql.BackupLog(db, logf))
	}
	backup.Detail = "writes " + full + " and " + logf + " on " + P
	done(&backup, running || restoring || len(backup.Statements) == 0, "backups are there, or the mirror is already restored")
	seq.Steps = append(seq.Steps, backup)
	if !shared(o.BackupDir) {
		cp := Step{Ref: steps.Ref{Host: M, ID: IDCopy}, Title: "Copy the backup files to " + M, Manual: true,
			Detail: fmt.Sprintf("%s is not a share every host reaches: copy %s and %s from %s to the same folder on %s, then run start again",
				o.BackupDir, full, logf, P, M)}
		done(&cp, running || restoring || (has(M, full) && has(M, logf)), "the files are on "+M)
		seq.Steps = append(seq.Steps, cp)
	}
	restore := Step{Ref: steps.Ref{Host: M, ID: IDRestore}, Title: "Restore " + db + " WITH NORECOVERY on " + M,
		Statements: []tsql.Statement{tsql.RestoreDatabase(db, full), tsql.RestoreLog(db, logf)},
		Detail:     "restores the full and the log backup; " + db + " stays RESTORING, ready to mirror"}
	done(&restore, running || restoring, db+" is RESTORING on "+M)
	seq.Steps = append(seq.Steps, restore)
	mp := Step{Ref: steps.Ref{Host: M, ID: IDPartner}, Title: "SET PARTNER on the mirror " + M,
		Statements: []tsql.Statement{tsql.SetPartner(db, urlOf(p, o.Hosts, P))},
		Detail:     "the mirror first: it waits for the principal"}
	// The mirror's SET PARTNER shows nowhere until the principal's joins
	// it: having run it in this sequence is what says it is done.
	done(&mp, running || o.Ran[mp.Ref], "the session runs, or the mirror waits for the principal")
	seq.Steps = append(seq.Steps, mp)
	pp := Step{Ref: steps.Ref{Host: P, ID: IDPartner}, Title: "SET PARTNER on the principal " + P,
		Statements: []tsql.Statement{tsql.SetPartner(db, urlOf(p, o.Hosts, M))},
		Detail:     "the principal connects to the mirror, and the mirror back"}
	done(&pp, running, "the session runs")
	seq.Steps = append(seq.Steps, pp)
	if W != "" {
		w := Step{Ref: steps.Ref{Host: P, ID: IDWitness}, Title: "SET WITNESS on the principal " + P,
			Statements: []tsql.Statement{tsql.SetWitness(db, urlOf(p, o.Hosts, W))},
			Detail:     "with SAFETY FULL the witness makes automatic failover possible"}
		done(&w, pm != nil && pm.Witness != "", "the witness is set")
		seq.Steps = append(seq.Steps, w)
	}
	chain(&seq)
	seq.State, seq.Synchronized = mirroringState(pm, W != "")
	// A session with someone else is not this plan's session, however
	// synchronized it is.
	seq.Synchronized = seq.Synchronized && !seq.Blocked()
	return seq
}

// mirroringState is the session's state in one line, and whether it is
// synchronized (with the witness connected, when there is one).
func mirroringState(pm *checks.Mirror, witness bool) (string, bool) {
	if pm == nil {
		return "no session yet", false
	}
	s := "session " + pm.State + ", " + strings.ToLower(pm.Role) + " here"
	if pm.Witness != "" {
		s += ", witness " + pm.WitnessState
	}
	ok := strings.EqualFold(pm.State, "SYNCHRONIZED") && (!witness || strings.EqualFold(pm.WitnessState, "CONNECTED"))
	return s, ok
}

func mirroringPreflight(o Options, P, M string, pm *checks.Mirror, running, restoring bool) []checks.Finding {
	db := o.Database
	hp, hm := o.Hosts[P], o.Hosts[M]
	var fs []checks.Finding
	if running {
		if !urlNames(o, pm.Partner, M) && !urlNames(o, pm.Partner, P) {
			fs = append(fs, checks.Finding{Code: CodeSessionExists, Host: P, Severity: checks.Error,
				Message:  fmt.Sprintf("%s on %s is already mirrored, with %s, which is not %s: mirrorcert does not touch an existing session.", db, P, pm.Partner, M),
				Evidence: []string{fmt.Sprintf("%s sys.database_mirroring: %s role=%s state=%s partner=%s", P, db, pm.Role, pm.State, pm.Partner)},
				FixNote:  "If that session is to go, remove it yourself (ALTER DATABASE ... SET PARTNER OFF) and run start again."})
		}
		return fs // a running session is left as it is; nothing else to check
	}
	fs = append(fs, preflightChecks(o)...)
	d := hp.Database(db)
	switch {
	case d == nil:
		fs = append(fs, checks.Finding{Code: CodeDatabaseMissing, Host: P, Severity: checks.Error,
			Message:  fmt.Sprintf("database %s does not exist on the principal %s.", db, P),
			Evidence: []string{P + " sys.databases: no row named " + db},
			FixNote:  "Check the name (mirroring needs the same name on both partners), or create or restore it on " + P + " first."})
	case !strings.EqualFold(d.State, "ONLINE"):
		fs = append(fs, checks.Finding{Code: CodeDatabaseNotOnline, Host: P, Severity: checks.Error,
			Message:  fmt.Sprintf("database %s on %s is %s; the principal's copy must be ONLINE.", db, P, d.State),
			Evidence: []string{fmt.Sprintf("%s sys.databases: %s state_desc=%s", P, db, d.State)}})
	case !strings.EqualFold(d.Recovery, "FULL"):
		fs = append(fs, checks.Finding{Code: CodeRecoveryNotFull, Host: P, Severity: checks.Error,
			Message:  fmt.Sprintf("database %s on %s uses the %s recovery model; mirroring needs FULL (1465).", db, P, d.Recovery),
			Evidence: []string{fmt.Sprintf("%s sys.databases: %s recovery_model_desc=%s", P, db, d.Recovery)},
			Fix:      []tsql.Statement{tsql.SetRecoveryFull(db)},
			FixNote:  "The log is then kept until backed up: schedule log backups."})
	}
	if md := hm.Database(db); md != nil && !restoring {
		fs = append(fs, checks.Finding{Code: CodeMirrorDatabaseOnline, Host: M, Peer: P, Severity: checks.Error,
			Message:  fmt.Sprintf("%s already has a database %s (%s); a mirror's copy must be restored WITH NORECOVERY, and mirrorcert never drops a database.", M, db, md.State),
			Evidence: []string{fmt.Sprintf("%s sys.databases: %s state_desc=%s", M, db, md.State)},
			FixNote:  "If that copy is disposable, drop or rename it yourself, then run start again."})
	}
	vp, vm := majorVersion(hp.State.ProductVersion), majorVersion(hm.State.ProductVersion)
	if vp > 0 && vm > 0 && vp != vm {
		f := checks.Finding{Code: CodeVersionIncompatible, Host: M, Peer: P, Severity: checks.Warning,
			Message:  fmt.Sprintf("the mirror %s runs SQL Server %s and the principal %s %s: mirroring wants the same version; a newer mirror is only for a rolling upgrade.", M, hm.State.ProductVersion, P, hp.State.ProductVersion),
			Evidence: []string{P + " ProductVersion " + hp.State.ProductVersion, M + " ProductVersion " + hm.State.ProductVersion}}
		if vm < vp {
			f.Severity = checks.Error
			f.Message = fmt.Sprintf("the mirror %s runs an older SQL Server (%s) than the principal %s (%s): a backup cannot be restored on an older version.", M, hm.State.ProductVersion, P, hp.State.ProductVersion)
		}
		fs = append(fs, f)
	}
	return fs
}

// urlNames reports whether a TCP:// URL a server shows (partner, witness)
// names host: by its plan name, its address, its server's host part or
// its @@SERVERNAME, each also as the first label of a domain name, as a
// session set up by hand would name it.
func urlNames(o Options, url, host string) bool {
	rest, ok := strings.CutPrefix(strings.ToUpper(strings.TrimSpace(url)), "TCP://")
	if !ok {
		return false
	}
	name, _, _ := strings.Cut(rest, ":")
	h := o.Plan.Host(host)
	if h == nil {
		return false
	}
	cands := []string{h.Name, h.Address, serverHost(h.Server)}
	if x := o.Hosts[host]; x != nil && x.State != nil && x.State.ServerName != "" {
		sn, _, _ := strings.Cut(x.State.ServerName, `\`)
		cands = append(cands, sn)
	}
	first, _, _ := strings.Cut(name, ".")
	for _, c := range cands {
		c = strings.ToUpper(c)
		if c == "" {
			continue
		}
		if name == c || (!isIP(name) && first == strings.SplitN(c, ".", 2)[0]) {
			return true
		}
	}
	return false
}

// serverHost is the host part of a sqlcmd -S value: host[\instance][,port].
func serverHost(server string) string {
	s, _, _ := strings.Cut(server, ",")
	s, _, _ = strings.Cut(s, `\`)
	return strings.TrimPrefix(strings.TrimSpace(s), "tcp:")
}

func isIP(s string) bool {
	for _, r := range s {
		if (r < '0' || r > '9') && r != '.' && r != ':' {
			return false
		}
	}
	return s != ""
}
