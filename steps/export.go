package steps

import (
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/mirrorcert/mirrorcert/plan"
	"github.com/mirrorcert/mirrorcert/steps/tsql"
)

// ExportMeta is what an exported script's header records.
type ExportMeta struct {
	Version string    // mirrorcert version
	Date    time.Time // when the script was generated; also the "now" for START_DATE
}

// errBackupExists is the error BACKUP CERTIFICATE raises when its file is
// already there.
const errBackupExists = 15240

// exporter builds sqlcmd scripts from a file-mode checklist of a plan whose
// hosts have nothing yet: offline there are no peer certificate bytes, so
// the file route is the only one a script can take.
type exporter struct {
	p    *plan.Plan
	meta ExportMeta
	c    Checklist
	vars map[string]bool // declared sqlcmd variables
}

func newExporter(p *plan.Plan, meta ExportMeta) (*exporter, error) {
	fp := *p
	fp.Transfer = plan.TransferFile
	empty := map[string]*State{}
	owner := map[string]string{}
	e := &exporter{p: &fp, meta: meta, vars: map[string]bool{}}
	for _, h := range p.Hosts {
		empty[h.Name] = &State{}
		// Two host names that differ only in characters a sqlcmd variable
		// cannot hold would share a password variable.
		for _, s := range []tsql.Secret{tsql.MasterKeySecret(h.Name), tsql.LoginSecret(h.Name)} {
			if other, ok := owner[s.Var]; ok && other != h.Name {
				return nil, fmt.Errorf("hosts %s and %s would share the sqlcmd variable %s; rename one of them", other, h.Name, s.Var)
			}
			owner[s.Var] = h.Name
			e.vars[s.Var] = true
		}
	}
	e.c = Build(&fp, empty, meta.Date)
	return e, nil
}

// ExportHost returns HOST.sql for one host: its outbound part, then its
// inbound part for every peer, every statement guarded so a re-run is safe.
// It runs under sqlcmd -i in SQLCMD mode.
func ExportHost(p *plan.Plan, host string, meta ExportMeta) (string, error) {
	h := p.Host(host)
	if h == nil {
		return "", fmt.Errorf("host %q is not in the plan", host)
	}
	e, err := newExporter(p, meta)
	if err != nil {
		return "", err
	}
	var w scriptWriter
	e.header(&w, "host "+h.Name+" ("+describe(*h)+"), server "+h.Server)
	run, err := runWith(*h)
	if err != nil {
		return "", err
	}
	vars := e.hostVars(*h)
	e.secretsHeader(&w, vars, run, h.Name+".sql")
	if IsShare(e.p.Certificate.FileDir) {
		w.line(tsql.Comment("Run every host's script: a peer's certificate is read from the share once that peer's script has written it."))
	} else {
		w.line(tsql.Comment("Run every host's outbound part before any inbound part: the inbound part reads the peers' certificate files."))
	}
	w.line(tsql.OnErrorExit)
	w.blank()
	w.line(tsql.Use(tsql.Master))
	w.line(tsql.BatchEnd)
	w.batch(tsql.RequireSecrets(vars))
	if err := e.preChecks(&w, *h); err != nil {
		return "", err
	}
	w.blank()
	w.line(tsql.Comment("==== Outbound: what " + h.Name + " needs to prove its identity ===="))
	if err := e.items(&w, h.Name, "outbound/"); err != nil {
		return "", err
	}
	w.blank()
	w.line(tsql.Comment("==== Certificate hand-over ===="))
	e.handOver(&w, h.Name)
	for _, peer := range p.Peers(h.Name) {
		w.blank()
		w.line(tsql.Comment("==== Inbound: let " + peer + " connect to " + h.Name + " ===="))
		if err := e.items(&w, h.Name, "inbound/"+peer+"/"); err != nil {
			return "", err
		}
	}
	e.verify(&w, *h)
	return w.String(), nil
}

// verify ends HOST.sql with read-only queries that show the result, and the
// endpoint URL the mirroring session will use.
func (e *exporter) verify(w *scriptWriter, h plan.Host) {
	w.blank()
	w.line(tsql.Comment("==== Check the result (read-only) ===="))
	for _, st := range []tsql.Statement{tsql.SelectEndpoint(), tsql.SelectCertificates(), tsql.SelectConnectGrants()} {
		w.batch(st.Text)
	}
	if h.Address != "" {
		w.line(tsql.Comment(fmt.Sprintf("Peers reach %s at TCP://%s:%d (SET PARTNER / SET WITNESS) once every host has run its script.",
			h.Name, h.Address, e.p.Endpoint.Port)))
	}
}

// ExportAll returns all.sql: :CONNECT blocks in an order that works, every
// host's outbound part, then the certificate hand-over, then every inbound
// part.
func ExportAll(p *plan.Plan, meta ExportMeta) (string, error) {
	e, err := newExporter(p, meta)
	if err != nil {
		return "", err
	}
	var w scriptWriter
	var names []string
	for _, h := range p.Hosts {
		names = append(names, h.Name+" ("+describe(h)+", "+h.Server+")")
	}
	e.header(&w, "all hosts: "+strings.Join(names, ", "))
	var vars []string
	for _, h := range p.Hosts {
		vars = append(vars, tsql.MasterKeySecret(h.Name).Var)
	}
	for _, h := range p.Hosts {
		vars = append(vars, tsql.LoginSecret(h.Name).Var)
	}
	run, err := runWith(p.Hosts[0])
	if err != nil {
		return "", err
	}
	e.secretsHeader(&w, vars, run, "all.sql")
	w.line(tsql.Comment("Each :CONNECT signs in with the plan's user; sqlcmd takes the password from SQLCMDPASSWORD or asks."))
	w.line(tsql.OnErrorExit)
	connect := func(h plan.Host) error {
		user := h.Auth.User
		if h.Auth.Integrated {
			user = ""
		}
		line, err := tsql.Connect(h.Server, user)
		if err != nil {
			return fmt.Errorf("host %s: %w", h.Name, err)
		}
		w.blank()
		w.line(line)
		w.line(tsql.Use(tsql.Master))
		w.line(tsql.BatchEnd)
		return nil
	}
	w.blank()
	w.line(tsql.Comment("==== Part 0: checks on every host, before anything is created anywhere ===="))
	for i, h := range p.Hosts {
		if err := connect(h); err != nil {
			return "", err
		}
		if i == 0 {
			w.batch(tsql.RequireSecrets(vars))
		}
		if err := e.preChecks(&w, h); err != nil {
			return "", err
		}
	}
	w.blank()
	w.line(tsql.Comment("==== Part 1: outbound, on every host ===="))
	for _, h := range p.Hosts {
		if err := connect(h); err != nil {
			return "", err
		}
		w.line(tsql.Comment(h.Name + ": outbound"))
		if err := e.items(&w, h.Name, "outbound/"); err != nil {
			return "", err
		}
	}
	w.blank()
	w.line(tsql.Comment("==== Part 2: certificate hand-over ===="))
	if IsShare(e.p.Certificate.FileDir) {
		w.line(tsql.Comment(e.p.Certificate.FileDir + " is a share every host reads: nothing to copy."))
	} else {
		w.line(tsql.Comment("This script cannot copy files. Unless " + filepath.ToSlash(e.p.Certificate.FileDir) +
			" is a share every host reads, stop here (or let the first inbound certificate fail), copy the files, and run it again:"))
		w.line(tsql.Comment("everything already done is skipped."))
	}
	for _, h := range p.Hosts {
		e.handOver(&w, h.Name)
	}
	w.blank()
	w.line(tsql.Comment("==== Part 3: inbound, on every host ===="))
	for _, h := range p.Hosts {
		if err := connect(h); err != nil {
			return "", err
		}
		for _, peer := range p.Peers(h.Name) {
			w.line(tsql.Comment(h.Name + ": let " + peer + " connect"))
			if err := e.items(&w, h.Name, "inbound/"+peer+"/"); err != nil {
				return "", err
			}
		}
	}
	return w.String(), nil
}

// header writes the opening comment block.
func (e *exporter) header(w *scriptWriter, subject string) {
	w.line(tsql.Comment("mirrorcert " + e.meta.Version + ": certificate authentication for database mirroring endpoints"))
	w.line(tsql.Comment("For " + subject))
	w.line(tsql.Comment("Generated " + e.meta.Date.UTC().Format("2006-01-02 15:04 MST") + " by mirrorcert " + e.meta.Version +
		"; it connected to nothing."))
	if e.p.Path != "" {
		w.line(tsql.Comment("Plan: " + filepath.Base(e.p.Path)))
	}
	w.line(tsql.Comment("Offline there are no peer certificate bytes, so this script takes the file route: BACKUP CERTIFICATE"))
	w.line(tsql.Comment("TO FILE on each host, a copy by you, CREATE CERTIFICATE FROM FILE on the peers (mirrorcert itself copies in-band)."))
	w.line(tsql.Comment("Every statement is guarded (IF NOT EXISTS ...), so running the script again is safe. It first checks each host for"))
	w.line(tsql.Comment("what would make the setup fail (an endpoint without our certificate, an expired or unusable certificate, a"))
	w.line(tsql.Comment("wrong peer copy, a login mapped to another user) and stops with the reason before changing anything there."))
}

// hostVars lists the secrets HOST.sql for h needs: its master key and the
// password of each peer's login.
func (e *exporter) hostVars(h plan.Host) []string {
	vars := []string{tsql.MasterKeySecret(h.Name).Var}
	for _, peer := range e.p.Peers(h.Name) {
		vars = append(vars, tsql.LoginSecret(peer).Var)
	}
	return vars
}

// handOver writes the comment that tells the operator which file goes where.
func (e *exporter) handOver(w *scriptWriter, host string) {
	if IsShare(e.p.Certificate.FileDir) {
		w.line(tsql.Comment(host + " reads its peers' certificate files from the share " + e.p.Certificate.FileDir + ": nothing to copy."))
		return
	}
	for _, peer := range e.p.Peers(host) {
		file := e.p.CertFile(peer)
		w.line(tsql.Comment("Copy " + file + " from " + peer + " to " + file + " on " + host + "."))
	}
}

// items writes every item of host whose id starts with prefix.
func (e *exporter) items(w *scriptWriter, host, prefix string) error {
	for _, hl := range e.c.Hosts {
		if hl.Host != host {
			continue
		}
		for _, it := range hl.Items {
			if strings.HasPrefix(it.ID, prefix) {
				if err := e.item(w, it); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func (e *exporter) item(w *scriptWriter, it Item) error {
	w.blank()
	w.line(tsql.Comment(it.ID + ": " + it.Title))
	if it.Manual {
		// The only manual item is the copy; the script cannot do it, and
		// CREATE CERTIFICATE FROM FILE below fails (15208) while it is missing.
		w.line(tsql.Comment("By hand, before this part runs: " + it.Changes))
		return nil
	}
	if strings.HasSuffix(it.ID, "/"+KindCopy) {
		w.line(tsql.Comment(it.Changes)) // a share: nothing to do
		return nil
	}
	w.line(tsql.Comment(it.Why))
	if it.Status == Conflict {
		return fmt.Errorf("%s: %s. %s", it.Ref, it.Conflict.What, it.Conflict.Fix)
	}
	if len(it.Statements) == 0 {
		return fmt.Errorf("%s: no statement to export (%s)", it.Ref, it.Detail)
	}
	for _, st := range it.Statements {
		text := tsql.Guarded(st)
		if it.ID == IDBackup {
			text = tsql.TolerateError(st, errBackupExists, e.p.CertFile(it.Host)+
				" already exists; make sure it holds the current "+e.p.CertName(it.Host)+" (delete it and run again if unsure).")
		}
		if err := tsql.CheckScriptText(text, e.vars); err != nil {
			return fmt.Errorf("%s: %w", it.Ref, err)
		}
		w.batch(text)
	}
	return nil
}

// describe is "partner, endpoint role ALL".
func describe(h plan.Host) string {
	return h.Role + ", endpoint role " + endpointRole(h)
}

// scriptWriter accumulates script lines, always with \n line ends so the
// output is the same on every platform.
type scriptWriter struct{ b strings.Builder }

func (w *scriptWriter) line(s string) { w.b.WriteString(s + "\n") }
func (w *scriptWriter) blank()        { w.b.WriteString("\n") }

// batch writes text followed by GO.
func (w *scriptWriter) batch(text string) {
	if text == "" {
		return
	}
	w.line(text)
	w.line(tsql.BatchEnd)
}

func (w *scriptWriter) String() string { return w.b.String() }
