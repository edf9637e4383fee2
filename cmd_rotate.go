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
	"github.com/mirrorcert/mirrorcert/steps/rotate"
)

// rotateOpts are `mirrorcert rotate`'s flags.
type rotateOpts struct {
	planPath string
	host     string
	all      bool
	expiry   string
	yes      bool
	asJSON   bool
	wait     time.Duration
	cf       connFlags
}

// newRotateCmd is `mirrorcert rotate`: replace a host's endpoint certificate
// on every host while the session stays up.
func newRotateCmd() *cobra.Command {
	var o rotateOpts
	cmd := &cobra.Command{
		Use:   "rotate --plan FILE (--host NAME | --all) --expiry DATE --yes [--json]",
		Short: "Replace a host's endpoint certificate on every host while the session stays up; exit 0 done, 1 failed (nothing lost), 2 error",
		Long: `rotate replaces NAME's endpoint certificate before it expires, with the mirroring session kept up:

  1. on NAME, create <NAME>_cert_<yyyymmdd of --expiry>, protected by the master key;
  2. on every peer, install its public part owned by the same user as the old copy, so that
     either certificate authenticates NAME;
  3. point NAME's endpoint at the new certificate (ALTER ENDPOINT restarts its listener: every
     mirroring connection of NAME drops and reconnects);
  4. verify on every peer that NAME's connections authenticate with the new certificate and the
     sessions are SYNCHRONIZED (waiting up to --wait for the reconnect);
  5. only then drop the old certificate on NAME and on every peer.

Every step is read back from the servers, so an interrupted rotation re-runs to completion with
nothing lost. Without --yes rotate shows the steps and changes nothing. --all rotates every host
in turn, never two at once. Every statement is printed before it runs.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runRotate(cmd, &o) },
	}
	f := cmd.Flags()
	f.StringVar(&o.planPath, "plan", "", "plan file (YAML)")
	f.StringVar(&o.host, "host", "", "the host whose certificate to replace")
	f.BoolVar(&o.all, "all", false, "rotate every host of the plan, one after the other")
	f.StringVar(&o.expiry, "expiry", "", "the new certificate's expiry date (UTC), YYYY-MM-DD")
	f.BoolVar(&o.yes, "yes", false, "run the steps (without it rotate only shows them)")
	f.BoolVar(&o.asJSON, "json", false, "print the result as JSON")
	f.DurationVar(&o.wait, "wait", 2*time.Minute, "how long to wait for the peers to reconnect with the new certificate")
	o.cf.register(cmd)
	return cmd
}

// rotateJSON is `rotate --json`: start's shape, with rotated first.
type rotateJSON struct {
	Rotated      bool             `json:"rotated"`
	Synchronized bool             `json:"synchronized"`
	Database     string           `json:"database"`
	Steps        []rotateStepJSON `json:"steps"`
	Findings     []findingJSON    `json:"findings"`
}

type rotateStepJSON struct {
	Host   string `json:"host"`
	ID     string `json:"id"`
	Status string `json:"status"`
	Detail string `json:"detail"`
}

func runRotate(cmd *cobra.Command, o *rotateOpts) error {
	stderr := cmd.ErrOrStderr()
	if o.all == (o.host != "") {
		return exitCode(2, errors.New("rotate: give --host NAME, or --all for every host"))
	}
	if o.expiry == "" {
		return exitCode(2, errors.New("rotate: --expiry DATE is required (the new certificate's expiry, YYYY-MM-DD)"))
	}
	expiry, err := time.Parse("2006-01-02", o.expiry)
	if err != nil {
		return exitCode(2, fmt.Errorf("rotate: --expiry %q: give a date as YYYY-MM-DD, e.g. %s", o.expiry, time.Now().UTC().AddDate(1, 0, 0).Format("2006-01-02")))
	}
	if o.wait <= 0 {
		return exitCode(2, fmt.Errorf("rotate: --wait %v: give a positive duration, e.g. 2m", o.wait))
	}
	p, err := loadPlan(o.planPath, &o.cf, stderr, "rotate")
	if err != nil {
		return exitCode(2, err)
	}
	hosts := []string{o.host}
	if o.all {
		hosts = nil
		for _, h := range p.Hosts {
			hosts = append(hosts, h.Name)
		}
	} else if h := p.Host(o.host); h == nil {
		return exitCode(2, fmt.Errorf("rotate: --host %q is not in the plan; its hosts are %s", o.host, hostNames(p)))
	} else {
		hosts = []string{h.Name}
	}
	ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	s, closeAll, err := openReachable(ctx, p, &o.cf, stderr, session.MasterKeyFromEnv(nil, nil), "rotation changes every host, so all must be reachable")
	if err != nil {
		return err
	}
	defer closeAll()
	out := cmd.OutOrStdout()
	if o.asJSON {
		out = stderr // stdout carries only the JSON document
	}
	r := &rotator{s: s, p: p, out: out, yes: o.yes, wait: o.wait, expiry: expiry}
	doc := rotateJSON{Steps: []rotateStepJSON{}, Findings: []findingJSON{}}
	var runErr error
	for _, host := range hosts {
		q, err := r.run(ctx, host)
		for _, st := range q.Steps {
			doc.Steps = append(doc.Steps, rotateStepJSON{Host: st.Host, ID: st.ID, Status: string(st.Status), Detail: printable(st.Detail)})
		}
		if err != nil {
			runErr = err
			break
		}
	}
	doc.Rotated = runErr == nil && o.yes
	doc.Synchronized = doc.Rotated && r.synchronized
	if runErr != nil && ctx.Err() == nil {
		// What stopped the rotation is usually in a server's error log
		// (a peer refusing the new certificate): read every host and say.
		fs := findingsJSON(s, s.Diagnose(ctx, time.Now(), 0))
		doc.Findings = fs
		if !o.asJSON && len(fs) > 0 {
			var b strings.Builder
			b.WriteString("\nWhat the servers show:\n")
			for _, f := range fs {
				writeFindingText(&b, f)
			}
			fmt.Fprint(out, b.String())
		}
	}
	fmt.Fprintf(stderr, "transcript: %s\n", s.TranscriptDir())
	if o.asJSON {
		if err := writeJSON(cmd.OutOrStdout(), doc); err != nil {
			return exitCode(2, err)
		}
	}
	switch {
	case runErr != nil:
		var ee *exitError
		if errors.As(runErr, &ee) {
			return runErr
		}
		return exitCode(1, runErr)
	case !o.yes:
		return exitCode(2, errors.New("rotate changed nothing: review the steps above, then run it again with --yes"))
	}
	return nil
}

func hostNames(p *plan.Plan) string {
	var names []string
	for _, h := range p.Hosts {
		names = append(names, h.Name)
	}
	return strings.Join(names, ", ")
}

// rotator drives one rotation at a time against the session.
type rotator struct {
	s            *session.Session
	p            *plan.Plan
	out          io.Writer
	yes          bool
	wait         time.Duration
	expiry       time.Time
	synchronized bool
}

func (r *rotator) build(ctx context.Context, host string) (rotate.Sequence, error) {
	q, _, err := r.s.Rotation(ctx, host, r.expiry, time.Now().UTC())
	return q, err
}

// run takes host's rotation as far as it goes: each round runs what can
// run now, then reads everything back. Waiting (for the reconnect) polls
// until --wait runs out.
func (r *rotator) run(ctx context.Context, host string) (rotate.Sequence, error) {
	q, err := r.build(ctx, host)
	if err != nil {
		return q, exitCode(2, fmt.Errorf("rotate %s: %w", host, err))
	}
	fmt.Fprintf(r.out, "Rotating %s: %s -> %s\n", host, orNone(q.OldName), q.NewName)
	if !r.yes {
		printSequence(r.out, q)
		return q, nil
	}
	var deadline time.Time
	// Each stage runs at most once per host and step, so a handful of
	// rounds that send something always suffice; waiting rounds are bounded
	// by --wait instead.
	for sent := 0; sent < 16; {
		if q.Complete() {
			printSequence(r.out, q)
			r.synchronized = true
			fmt.Fprintf(r.out, "%s now authenticates with %s on every host; the old certificate is gone.\n", host, q.NewName)
			return q, nil
		}
		next := q.Next()
		if len(next) == 0 {
			if !q.Waiting() {
				printSequence(r.out, q)
				return q, fmt.Errorf("rotate %s: stopped: %s; nothing was lost (the old certificate still works), fix it and run rotate again", host, q.Stuck())
			}
			if deadline.IsZero() {
				deadline = time.Now().Add(r.wait)
			}
			if time.Now().After(deadline) {
				printSequence(r.out, q)
				return q, fmt.Errorf("rotate %s: still waiting after %v: %s; the old certificate is kept, so nothing is broken: run rotate again to finish", host, r.wait, q.Stuck())
			}
			select {
			case <-ctx.Done():
				return q, fmt.Errorf("rotate %s: interrupted; run it again to resume", host)
			case <-time.After(500 * time.Millisecond):
			}
			r.s.RefreshAll(ctx)
		} else {
			// Steps of one stage (the imports, the drops) are independent;
			// run the first stage's steps, then read everything back.
			sent++
			for _, st := range q.Stage() {
				if st.Live {
					fmt.Fprintf(r.out, "\nWARNING: %s\n", st.Detail)
				}
				for _, stmt := range st.Statements {
					fmt.Fprintf(r.out, "%s  %s  running:\n%s\n", st.Host, st.ID, indent(stmt.Text))
				}
				res, err := r.s.Exec(ctx, st.Host, st.ID, st.Statements, true)
				if err != nil {
					fmt.Fprintf(r.out, "%s  %s  failed: %s\n", st.Host, st.ID, oneLineText(r.s.Redactor().Redact(err.Error())))
					if ctx.Err() != nil {
						return q, fmt.Errorf("rotate %s: interrupted during %s on %s; run it again to resume", host, st.ID, st.Host)
					}
					return q, fmt.Errorf("rotate %s: %s on %s failed; nothing was lost (the old certificate still works): %s", host, st.ID, st.Host, r.s.Redactor().Redact(err.Error()))
				}
				for _, m := range res.Messages {
					fmt.Fprintf(r.out, "%s  %s  %s\n", st.Host, st.ID, oneLineText(m))
				}
				fmt.Fprintf(r.out, "%s  %s  done\n", st.Host, st.ID)
			}
		}
		if q, err = r.build(ctx, host); err != nil {
			return q, fmt.Errorf("rotate %s: %w", host, err)
		}
	}
	return q, fmt.Errorf("rotate %s: did not finish; run it again", host)
}

func printSequence(w io.Writer, q rotate.Sequence) {
	width := 0
	for _, s := range q.Steps {
		width = max(width, len(s.Host))
	}
	for _, s := range q.Steps {
		fmt.Fprintf(w, "  %-8s  %-*s  %-17s  %s\n", s.Status, width, s.Host, s.ID, printable(s.Detail))
		if s.Status == rotate.Pending {
			for _, st := range s.Statements {
				fmt.Fprintln(w, indent(st.Text))
			}
		}
	}
}

func indent(s string) string {
	return "      " + strings.ReplaceAll(printable2(s), "\n", "\n      ")
}

// printable2 keeps line breaks (statement text is multi-line) and masks
// every other control character.
func printable2(s string) string {
	var b strings.Builder
	for _, line := range strings.Split(s, "\n") {
		if b.Len() > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(printable(line))
	}
	return b.String()
}

func orNone(s string) string {
	if s == "" {
		return "(already rotated)"
	}
	return s
}
