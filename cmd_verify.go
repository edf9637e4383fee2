package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/mirrorcert/mirrorcert/session"
	"github.com/mirrorcert/mirrorcert/steps/checks"
)

// verifyJSON is the `verify --json` contract of DESIGN.md.
type verifyJSON struct {
	Healthy  bool             `json:"healthy"`
	Hosts    []verifyHostJSON `json:"hosts"`
	Findings []findingJSON    `json:"findings"`
}

type verifyHostJSON struct {
	Name      string  `json:"name"`
	Server    string  `json:"server"`
	Connected bool    `json:"connected"`
	Error     *string `json:"error"`
}

// findingJSON is one finding, as verify, start and rotate print it.
type findingJSON struct {
	Code     string `json:"code"`
	Host     string `json:"host"`
	Peer     string `json:"peer"`
	Severity string `json:"severity"`
	Message  string `json:"message"`
	Evidence string `json:"evidence"`
	Fix      string `json:"fix"`
}

// reachNote is said wherever reachability results are shown: a probe from
// the operator's machine proves nothing about the path between servers.
const reachNote = "Endpoint reachability was tested from this machine, not between the servers."

func newVerifyCmd() *cobra.Command {
	var planPath string
	var asJSON bool
	var warnDays, logHours int
	var cf connFlags
	cmd := &cobra.Command{
		Use:   "verify --plan FILE [--json]",
		Short: "Check every host against every other, the endpoints' reachability and the error logs; exit 0 healthy, 1 findings, 2 error",
		Long: `Check every host against every other: endpoints (started, certificate
authentication, the host's own certificate, a role that fits, encryption that
negotiates with every peer), certificates (dates, master-key-protected private
key), and for every peer its login, user, certificate copy (same thumbprint as
the peer's own) and CONNECT on the endpoint. Each endpoint's TCP port is
probed from this machine (which tests the path from here, not between the
servers), and every host's error log is searched for the handshake and
mirroring messages of the last --log-hours: each line is quoted as evidence of
the finding it proves, and a line nothing explains is reported as
handshake-failed with its likely causes.

Exit status: 0 healthy (warnings allowed), 1 findings, 2 error (plan, a host
that cannot be read).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if warnDays < 0 || logHours < 0 {
				return exitCode(2, fmt.Errorf("--warn-days and --log-hours must not be negative"))
			}
			p, err := loadPlan(planPath, &cf, cmd.ErrOrStderr(), "verify")
			if err != nil {
				return exitCode(2, err)
			}
			s, closeAll, err := openSession(cmd.Context(), p, &cf, cmd.ErrOrStderr(), nil)
			if err != nil {
				return exitCode(2, err)
			}
			defer closeAll()
			fs := runChecks(cmd.Context(), s, logHours, warnDays)
			doc := buildVerify(s, fs)
			if asJSON {
				err = writeJSON(cmd.OutOrStdout(), doc)
			} else {
				err = writeVerifyText(cmd.OutOrStdout(), doc)
			}
			if err != nil {
				return exitCode(2, err)
			}
			for _, h := range doc.Hosts {
				if !h.Connected {
					return exitCode(2, fmt.Errorf("%s could not be read; it was not checked", h.Name))
				}
			}
			if !doc.Healthy {
				return exitCode(1, silentError{})
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&planPath, "plan", "", "plan file (YAML)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the findings as JSON")
	cmd.Flags().IntVar(&warnDays, "warn-days", 30, "report certificates expiring within this many days (cert-expiring)")
	cmd.Flags().IntVar(&logHours, "log-hours", session.DefaultLogHours, "how far back to read the error logs")
	cf.register(cmd)
	return cmd
}

// runChecks observes every host and runs the cross-host checks.
func runChecks(ctx context.Context, s *session.Session, logHours, warnDays int) []checks.Finding {
	hosts := s.Observe(ctx, session.ObserveOptions{LogHours: logHours})
	return checks.Run(checks.Input{Plan: s.Plan(), Hosts: hosts, Now: time.Now(), WarnWithin: warnWithin(warnDays)})
}

// warnWithin is --warn-days as the checks' cert-expiring window. The checks
// read a zero window as their default (30 days), but --warn-days 0 asks for
// no window: the smallest positive one is that (only an expired
// certificate is a finding).
func warnWithin(days int) time.Duration {
	if days == 0 {
		return time.Nanosecond
	}
	return time.Duration(days) * 24 * time.Hour
}

func buildVerify(s *session.Session, fs []checks.Finding) verifyJSON {
	red := s.Redactor()
	doc := verifyJSON{Healthy: checks.Healthy(fs), Hosts: []verifyHostJSON{}, Findings: findingsJSON(s, fs)}
	for _, h := range s.Hosts() {
		hj := verifyHostJSON{Name: h.Name, Server: h.Server, Connected: h.Connected && h.Err == nil}
		if h.Err != nil {
			msg := red.Redact(h.Err.Error())
			hj.Error = &msg
			doc.Healthy = false
		}
		doc.Hosts = append(doc.Hosts, hj)
	}
	return doc
}

func findingsJSON(s *session.Session, fs []checks.Finding) []findingJSON {
	red := s.Redactor()
	out := []findingJSON{}
	for _, f := range fs {
		out = append(out, findingJSON{Code: f.Code, Host: f.Host, Peer: f.Peer, Severity: string(f.Severity),
			Message: red.Redact(f.Message), Evidence: red.Redact(f.EvidenceText()), Fix: red.Redact(f.FixText())})
	}
	return out
}

// writeVerifyText prints the findings grouped by host.
func writeVerifyText(w io.Writer, doc verifyJSON) error {
	var b strings.Builder
	for i, h := range doc.Hosts {
		if i > 0 {
			b.WriteString("\n")
		}
		state := "connected"
		if h.Error != nil {
			state = "NOT CONNECTED: " + printable(*h.Error)
		}
		fmt.Fprintf(&b, "%s  %s  %s\n", h.Name, h.Server, state)
		n := 0
		for _, f := range doc.Findings {
			if f.Host != h.Name {
				continue
			}
			n++
			writeFindingText(&b, f)
		}
		if n == 0 && h.Error == nil {
			b.WriteString("  ok: nothing found\n")
		}
	}
	b.WriteString("\n" + reachNote + "\n")
	errs, warns := 0, 0
	for _, f := range doc.Findings {
		if f.Severity == string(checks.Error) {
			errs++
		} else {
			warns++
		}
	}
	switch {
	case doc.Healthy && warns == 0:
		b.WriteString("Healthy: every host trusts every other\n")
	case doc.Healthy:
		fmt.Fprintf(&b, "Healthy, with %d warning(s)\n", warns)
	default:
		fmt.Fprintf(&b, "%d error(s), %d warning(s)\n", errs, warns)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func writeFindingText(b *strings.Builder, f findingJSON) {
	peer := ""
	if f.Peer != "" {
		peer = " (peer " + f.Peer + ")"
	}
	fmt.Fprintf(b, "  %s %s%s: %s\n", strings.ToUpper(f.Severity), f.Code, peer, printable(f.Message))
	for _, l := range strings.Split(f.Evidence, "\n") {
		if l != "" {
			fmt.Fprintf(b, "      read: %s\n", printable(l))
		}
	}
	if f.Fix != "" {
		b.WriteString("      fix:\n")
		for _, l := range strings.Split(f.Fix, "\n") {
			fmt.Fprintf(b, "        %s\n", printable(l))
		}
	}
}
