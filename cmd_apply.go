package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/mirrorcert/mirrorcert/session"
)

// newApplyCmd is `mirrorcert apply`: run every pending step on every host.
func newApplyCmd() *cobra.Command {
	var planPath, mkFile string
	var asJSON, yes bool
	var cf connFlags
	cmd := &cobra.Command{
		Use:   "apply --plan FILE --yes [--json]",
		Short: "Run every pending step on every host, in dependency order",
		Long: `Run every pending step on every host: hosts in parallel, steps in dependency
order, each inbound certificate as soon as its peer's certificate exists.
Conflicts (an existing object that differs from the plan) are never changed
automatically: apply lists them and exits 1.

A master key password comes from MIRRORCERT_MASTER_KEY_PASSWORD_<HOST>; when
that is unset, a strong one is generated and shown once on standard error, or
written to --master-key-password-file (created with mode 0600 before anything
is sent, never overwritten). Store it: it is needed to restore the master key
elsewhere. A password whose CREATE MASTER KEY may have run before the
connection was lost is shown too, labelled "may have been created: check".

Steps that carry a password run only on encrypted connections: with -N
optional (when the server does not insist on encryption) or disable, apply
stops before sending anything unless --allow-cleartext-secrets is given.

Exit status: 0 all done, 1 something not done, 2 error (plan, --yes missing,
host unreachable, a password that would travel in clear).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			stderr := cmd.ErrOrStderr()
			if !yes {
				return exitCode(2, errors.New("apply changes every host in the plan and asks nothing; review the steps with `mirrorcert status --plan FILE` or `mirrorcert script --plan FILE`, then run apply again with --yes"))
			}
			p, err := loadPlan(planPath, &cf, stderr, "apply")
			if err != nil {
				return exitCode(2, err)
			}
			var mkw *mkWriter
			if mkFile != "" {
				// Created before anything is sent: a password file that
				// cannot be written must stop the run, not lose a password.
				mkw, err = createMKFile(mkFile, time.Now())
				if err != nil {
					return exitCode(2, fmt.Errorf("%w; nothing was done", err))
				}
				defer mkw.close()
				mkFile = mkw.path
				fmt.Fprintf(stderr, "generated master key passwords will be written to %s\n", mkFile)
			}
			// Ctrl-C cancels: the driver sends an attention so the running
			// batch stops on the server, and what was done is reported.
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			s, closeAll, err := openSession(ctx, p, &cf, stderr, session.MasterKeyFromEnv(nil, nil))
			if err != nil {
				return exitCode(2, err)
			}
			defer closeAll()
			out := cmd.OutOrStdout()
			if asJSON {
				out = stderr // stdout carries only the JSON document
			}
			unreachable := map[string]bool{}
			for _, h := range s.Hosts() {
				if h.Err != nil || !h.Connected {
					unreachable[h.Name] = true
				}
				if h.Err != nil {
					fmt.Fprintf(stderr, "mirrorcert: %s\n", oneLineText(s.Redactor().Redact(h.Err.Error())))
				}
			}
			// --json promises the status document on stdout, also when
			// apply stops before running anything.
			stopEarly := func(err error) error {
				if asJSON {
					if jerr := writeJSON(cmd.OutOrStdout(), buildStatus(s)); jerr != nil {
						return exitCode(2, errors.Join(err, jerr))
					}
				}
				return err
			}
			if len(unreachable) == len(p.Hosts) {
				return stopEarly(exitCode(2, errors.New("apply: no host could be reached (reasons above); nothing was done")))
			}
			if err := refuseCleartext(s, &cf); err != nil {
				return stopEarly(err)
			}
			width := 0
			for _, h := range p.Hosts {
				width = max(width, len(h.Name))
			}
			var outMu sync.Mutex
			var mkErr error
			applyErr := s.Apply(ctx, func(e session.Event) {
				if e.Phase == session.PhaseStart || (e.Phase == session.PhaseSkipped && unreachable[e.Host]) {
					// An unreachable host was named once above; its
					// items are all unknown.
					return
				}
				outMu.Lock()
				defer outMu.Unlock()
				line := fmt.Sprintf("%-*s  %s  %s", width, e.Host, e.ID, e.Phase)
				if e.Phase != session.PhaseSkipped {
					line += fmt.Sprintf("  (%d ms)", e.Duration.Milliseconds())
				}
				if e.Err != nil {
					line += "  " + oneLineText(s.Redactor().Redact(e.Err.Error()))
				}
				fmt.Fprintln(out, line)
				if e.Result != nil && e.Result.GeneratedMasterKeyPassword != "" {
					if err := handOverPassword(stderr, mkw, e.Host, e.Result.GeneratedMasterKeyPassword, e.Result.MasterKeyPasswordUncertain); err != nil {
						mkErr = errors.Join(mkErr, err)
					}
				}
			})
			doc := buildStatus(s)
			if asJSON {
				if err := writeJSON(cmd.OutOrStdout(), doc); err != nil {
					return exitCode(2, err)
				}
			}
			fmt.Fprintf(stderr, "transcript: %s\n", s.TranscriptDir())
			return applyExit(stderr, s, applyErr, mkErr)
		},
	}
	cmd.Flags().StringVar(&planPath, "plan", "", "plan file (YAML)")
	cmd.Flags().BoolVar(&yes, "yes", false, "really run the steps (apply asks nothing else)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the final status as JSON on standard output")
	cmd.Flags().StringVar(&mkFile, "master-key-password-file", "", "write generated master key passwords to this new file (mode 0600; a folder gets a new uniquely named file inside it) instead of showing them; created before anything is sent")
	cf.register(cmd)
	cf.registerCleartext(cmd)
	return cmd
}

// applyExit explains what is left and maps it to the exit status.
func applyExit(w io.Writer, s *session.Session, applyErr, mkErr error) error {
	if applyErr == nil && mkErr == nil {
		fmt.Fprintln(w, "All hosts configured")
		return nil
	}
	var inc *session.IncompleteError
	if errors.As(applyErr, &inc) {
		red := s.Redactor()
		for _, r := range inc.Conflicts {
			fmt.Fprintf(w, "needs a decision: %s: %s\n", r, oneLineText(red.Redact(inc.Details[r])))
		}
		for _, r := range inc.Failed {
			fmt.Fprintf(w, "failed: %s: %s\n", r, oneLineText(red.Redact(inc.Details[r])))
		}
		if len(inc.Unreachable) > 0 {
			return exitCode(2, fmt.Errorf("apply: not every host could be reached (%s); the others were configured as far as possible", strings.Join(inc.Unreachable, ", ")))
		}
		return exitCode(1, fmt.Errorf("apply: %s", inc.Error()))
	}
	if errors.Is(applyErr, context.Canceled) {
		return exitCode(1, errors.New("apply: interrupted; run `mirrorcert status` to see what was done, then apply again"))
	}
	if applyErr != nil {
		return exitCode(2, fmt.Errorf("apply: %s", s.Redactor().Redact(applyErr.Error())))
	}
	return exitCode(1, fmt.Errorf("apply: %w", mkErr))
}

func oneLineText(s string) string { return printable(strings.Join(strings.Fields(s), " ")) }
