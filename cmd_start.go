package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/mirrorcert/mirrorcert/plan"
	"github.com/mirrorcert/mirrorcert/session"
	"github.com/mirrorcert/mirrorcert/steps"
	"github.com/mirrorcert/mirrorcert/steps/checks"
	"github.com/mirrorcert/mirrorcert/steps/start"
)

// startJSON is the `start --json` contract of DESIGN.md.
type startJSON struct {
	Synchronized bool            `json:"synchronized"`
	Database     string          `json:"database"`
	Steps        []startStepJSON `json:"steps"`
	Findings     []findingJSON   `json:"findings"`
}

type startStepJSON struct {
	Host   string `json:"host"`
	ID     string `json:"id"`
	Status string `json:"status"`
	Detail string `json:"detail"`
}

type startFlags struct {
	planPath, database, backupDir, group string
	yes, asJSON                          bool
	timeout                              time.Duration
	cf                                   connFlags
}

func newStartCmd() *cobra.Command {
	var f startFlags
	cmd := &cobra.Command{
		Use:   "start --plan FILE --database DB --backup-dir DIR --yes [--json]",
		Short: "Start the mirroring session (or availability group) for DB; exit 0 synchronized, 1 failed (with the diagnosis), 2 error",
		Long: `Start the session once every host is configured.

Mirroring: back up DB (full and log) on the principal (the plan's first
partner) to --backup-dir, restore both WITH NORECOVERY on the mirror, SET
PARTNER on the mirror and then on the principal, SET WITNESS when the plan
has one, and wait until the session is SYNCHRONIZED (and the witness
CONNECTED). mode: ag: CREATE AVAILABILITY GROUP (CLUSTER_TYPE = NONE) on the
first replica with every replica's endpoint URL, JOIN the others, GRANT
CREATE ANY DATABASE, ADD DATABASE with automatic seeding.

--backup-dir is a folder as every server sees it, normally a share
(\\fileserver\backups). A local folder means copying the files to the mirror
yourself: start stops there, says which files, and resumes when run again.

Every statement is printed before it runs. Each step is read back from the
servers, so running start again resumes where it stopped, and on a session
that runs changes nothing. Nothing is dropped or overwritten: an existing
session or a database ONLINE on the mirror is a finding. When a step fails,
every host's error log is read at once and the cause printed with its fix.

Exit status: 0 synchronized, 1 failed or waiting for a manual step (the
diagnosis is printed), 2 error (flags, plan, a host that cannot be read).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runStart(cmd, &f) },
	}
	cmd.Flags().StringVar(&f.planPath, "plan", "", "plan file (YAML)")
	cmd.Flags().StringVar(&f.database, "database", "", "the database to mirror (same name on every host)")
	cmd.Flags().StringVar(&f.backupDir, "backup-dir", "", `folder for the backups, as the servers see it (a share such as \\fileserver\backups)`)
	cmd.Flags().StringVar(&f.group, "ag", "", "availability group name for mode: ag (default <DB>_ag)")
	cmd.Flags().BoolVar(&f.yes, "yes", false, "run the steps (start asks nothing)")
	cmd.Flags().BoolVar(&f.asJSON, "json", false, "print the result as JSON")
	cmd.Flags().DurationVar(&f.timeout, "timeout", 2*time.Minute, "how long to wait for the session to synchronize")
	f.cf.register(cmd)
	return cmd
}

func runStart(cmd *cobra.Command, f *startFlags) error {
	stderr := cmd.ErrOrStderr()
	switch {
	case strings.TrimSpace(f.database) == "":
		return exitCode(2, errors.New("--database is required: the database to mirror, e.g. --database Sales"))
	case strings.TrimSpace(f.backupDir) == "":
		return exitCode(2, errors.New(`--backup-dir is required: a folder every server can read and write, e.g. --backup-dir '\\fileserver\backups'`))
	case !f.yes:
		return exitCode(2, errors.New("start backs up, restores and changes mirroring settings and asks nothing; review with `mirrorcert verify --plan FILE`, then run start again with --yes"))
	case f.timeout <= 0:
		return exitCode(2, errors.New("--timeout must be positive, e.g. --timeout 2m"))
	}
	p, err := loadPlan(f.planPath, &f.cf, stderr, "start")
	if err != nil {
		return exitCode(2, err)
	}
	if f.group == "" {
		f.group = f.database + "_ag"
	}
	ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	s, closeAll, err := openReachable(ctx, p, &f.cf, stderr, nil, "")
	if err != nil {
		return err
	}
	defer closeAll()
	out := cmd.OutOrStdout()
	if f.asJSON {
		out = stderr // stdout carries only the JSON document
	}
	r := &starter{s: s, f: f, out: out, ran: map[steps.Ref]bool{}}
	code, doc := r.run(ctx)
	if f.asJSON {
		if err := writeJSON(cmd.OutOrStdout(), doc); err != nil {
			return exitCode(2, err)
		}
	}
	if code != 0 {
		return exitCode(code, silentError{})
	}
	return nil
}

// starter runs the sequence step by step, re-deriving it from the servers
// after every step.
type starter struct {
	s       *session.Session
	f       *startFlags
	out     io.Writer
	ran     map[steps.Ref]bool
	failed  *steps.Ref
	failure string
}

func (r *starter) req(probe bool) session.StartRequest {
	return session.StartRequest{Database: r.f.database, BackupDir: r.f.backupDir, Group: r.f.group, Probe: probe}
}

func (r *starter) build(o start.Options) start.Sequence {
	o.Now, o.Ran = time.Now(), r.ran
	return start.Build(o)
}

func (r *starter) run(ctx context.Context) (int, startJSON) {
	o := r.s.StartObserve(ctx, r.req(true))
	if ctx.Err() != nil {
		return r.interrupted(start.Sequence{})
	}
	seq := r.build(o)
	if seq.Blocked() {
		fmt.Fprintln(r.out, "Preflight found what must be fixed first; nothing was changed:")
		return 1, r.report(seq, seq.Preflight)
	}
	if seq.Running && seq.Next() == nil {
		// A second run: the session exists and every step shows done.
		fmt.Fprintf(r.out, "%s: %s. Nothing to do.\n", r.f.database, seq.State)
		if seq.Synchronized {
			return 0, r.doc(seq, nil)
		}
	}
	if len(seq.Preflight) > 0 {
		fmt.Fprintln(r.out, "Preflight: verify's checks expect these to get in the way (the start goes on, so that a failure")
		fmt.Fprintln(r.out, "leaves its cause in the error logs; backups and restores are kept for the next run):")
		var b strings.Builder
		for _, f := range findingsJSON(r.s, seq.Preflight) {
			writeFindingText(&b, f)
		}
		io.WriteString(r.out, b.String())
	}
	for i := 0; i <= len(seq.Steps); i++ {
		next := seq.Next()
		if next == nil {
			break
		}
		if next.Manual {
			fmt.Fprintf(r.out, "\n%s  %s  MANUAL: %s\n", next.Host, next.ID, next.Detail)
			return 1, r.doc(seq, nil)
		}
		fmt.Fprintf(r.out, "\n%s  %s  %s\n", next.Host, next.ID, next.Title)
		for _, st := range next.Statements {
			fmt.Fprintf(r.out, "    %s\n", strings.ReplaceAll(st.Text, "\n", "\n    "))
		}
		res, err := r.s.RunStartStep(ctx, *next)
		if err != nil && ctx.Err() != nil {
			return r.interrupted(seq)
		}
		if err != nil {
			ref := next.Ref
			r.failed, r.failure = &ref, r.s.Redactor().Redact(err.Error())
			fmt.Fprintf(r.out, "  FAILED: %s\n", oneLineText(r.failure))
			fmt.Fprintln(r.out, "\nReading every host's error log for the cause...")
			fs := r.s.Diagnose(ctx, time.Now(), 0)
			o := r.s.StartObserve(ctx, r.req(false))
			var se *session.SQLError
			if errors.As(err, &se) {
				fs = append(start.DiagnoseError(o, ref, se.Number), fs...)
			}
			return 1, r.report(r.build(o), fs)
		}
		fmt.Fprintf(r.out, "  done (%d ms)\n", res.Duration.Milliseconds())
		r.ran[next.Ref] = true
		o := r.s.StartObserve(ctx, r.req(false))
		if ctx.Err() != nil {
			return r.interrupted(seq)
		}
		seq = r.build(o)
		if n := seq.Next(); n != nil && n.Ref == next.Ref {
			r.failed, r.failure = &next.Ref, "ran without error, but the servers do not show it done"
			fmt.Fprintf(r.out, "  %s\n", r.failure)
			return 1, r.report(seq, r.s.Diagnose(ctx, time.Now(), 0))
		}
	}
	fmt.Fprintf(r.out, "\nWaiting up to %s for the session to synchronize...\n", r.f.timeout)
	last := ""
	seq, ok := r.s.WaitSynchronized(ctx, r.req(false), r.f.timeout, r.build, func(q start.Sequence) {
		if q.State != last {
			fmt.Fprintf(r.out, "  %s\n", q.State)
			last = q.State
		}
	})
	if !ok && ctx.Err() != nil {
		return r.interrupted(seq)
	}
	if !ok {
		r.failure = "the session did not synchronize within " + r.f.timeout.String() + ": " + seq.State
		fmt.Fprintf(r.out, "%s\n\nReading every host's error log for the cause...\n", r.failure)
		return 1, r.report(seq, r.s.Diagnose(ctx, time.Now(), 0))
	}
	if r.s.Plan().Mode == plan.ModeAG {
		fmt.Fprintf(r.out, "\nAvailability group %s: every replica connected, %s seeded.\n  %s\n", r.f.group, r.f.database, strings.ReplaceAll(seq.State, "; ", "\n  "))
	} else {
		fmt.Fprintf(r.out, "\nSession synchronized: %s\n", seq.State)
	}
	return 0, r.doc(seq, nil)
}

// interrupted ends the run after Ctrl-C or SIGTERM: the operator's decision,
// not a failure to diagnose (every read on the cancelled context would fail
// and blame the servers). seq is the last sequence read.
func (r *starter) interrupted(seq start.Sequence) (int, startJSON) {
	fmt.Fprintln(r.out, "\nInterrupted: what was sent last may or may not have run. Run start again: every step is read back from the servers, so it resumes where it stopped.")
	return 1, r.doc(seq, nil)
}

// report prints findings by host and returns the document.
func (r *starter) report(seq start.Sequence, fs []checks.Finding) startJSON {
	doc := r.doc(seq, fs)
	var b strings.Builder
	for _, f := range doc.Findings {
		writeFindingText(&b, f)
	}
	if len(doc.Findings) == 0 {
		b.WriteString("  no finding explains it; read the error logs around the failure time\n")
	}
	b.WriteString(reachNote + "\n")
	io.WriteString(r.out, "\n"+b.String())
	return doc
}

func (r *starter) doc(seq start.Sequence, fs []checks.Finding) startJSON {
	doc := startJSON{Synchronized: seq.Synchronized, Database: r.f.database, Steps: []startStepJSON{}, Findings: findingsJSON(r.s, fs)}
	red := r.s.Redactor()
	for _, st := range seq.Steps {
		j := startStepJSON{Host: st.Host, ID: st.ID, Status: string(st.Status), Detail: red.Redact(st.Detail)}
		if r.failed != nil && *r.failed == st.Ref && st.Status != steps.Done {
			j.Status, j.Detail = string(steps.Failed), r.failure
		}
		doc.Steps = append(doc.Steps, j)
	}
	return doc
}
