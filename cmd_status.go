package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode"

	"github.com/spf13/cobra"

	"github.com/mirrorcert/mirrorcert/session"
	"github.com/mirrorcert/mirrorcert/steps"
)

// statusJSON is the `status --json` contract of DESIGN.md.
type statusJSON struct {
	Complete bool             `json:"complete"`
	Hosts    []statusHostJSON `json:"hosts"`
}

type statusHostJSON struct {
	Name      string           `json:"name"`
	Server    string           `json:"server"`
	Role      string           `json:"role"`
	Connected bool             `json:"connected"`
	Error     *string          `json:"error"`
	Items     []statusItemJSON `json:"items"`
}

type statusItemJSON struct {
	ID     string `json:"id"`
	Status string `json:"status"`
	Detail string `json:"detail"`
}

// newStatusCmd is `mirrorcert status`: read every host and report the
// checklist. Exit 0 when complete, 1 when not, 2 on a plan error or when a
// host cannot be read (its items are unknown).
func newStatusCmd() *cobra.Command {
	var planPath string
	var asJSON bool
	var cf connFlags
	cmd := &cobra.Command{
		Use:   "status --plan FILE [--json]",
		Short: "Read every host and show the checklist; exit 0 complete, 1 incomplete, 2 error",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			p, err := loadPlan(planPath, &cf, cmd.ErrOrStderr(), "status")
			if err != nil {
				return exitCode(2, err)
			}
			s, closeAll, err := openSession(cmd.Context(), p, &cf, cmd.ErrOrStderr(), nil)
			if err != nil {
				return exitCode(2, err)
			}
			defer closeAll()
			doc := buildStatus(s)
			if asJSON {
				err = writeJSON(cmd.OutOrStdout(), doc)
			} else {
				err = writeStatusText(cmd.OutOrStdout(), s, doc)
			}
			if err != nil {
				return exitCode(2, err)
			}
			return statusExit(doc, s)
		},
	}
	cmd.Flags().StringVar(&planPath, "plan", "", "plan file (YAML)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the status as JSON")
	cf.register(cmd)
	return cmd
}

// statusExit maps a status document to the exit code contract.
func statusExit(doc statusJSON, s *session.Session) error {
	var unread []string
	for _, h := range doc.Hosts {
		if !h.Connected || h.Error != nil {
			unread = append(unread, h.Name)
		}
	}
	if len(unread) > 0 {
		// The reasons were printed with the hosts; keep stderr short.
		return exitCode(2, fmt.Errorf("status: %s could not be read", strings.Join(unread, ", ")))
	}
	if doc.Complete {
		return nil
	}
	return exitCode(1, silentError{})
}

// silentError ends a command with a non-zero exit and no extra message: what
// went wrong was already printed.
type silentError struct{}

func (silentError) Error() string { return "" }

func buildStatus(s *session.Session) statusJSON {
	cl := s.Checklist()
	red := s.Redactor()
	doc := statusJSON{Complete: cl.Complete(), Hosts: []statusHostJSON{}}
	for _, h := range s.Hosts() {
		hj := statusHostJSON{Name: h.Name, Server: h.Server, Role: h.Role, Connected: h.Connected, Items: []statusItemJSON{}}
		if h.Err != nil {
			msg := red.Redact(h.Err.Error())
			hj.Error = &msg
			// A login without the rights is connected; any other error
			// means the host could not be read.
			var re *session.RightsError
			hj.Connected = h.Connected && errors.As(h.Err, &re)
		}
		for _, hl := range cl.Hosts {
			if hl.Host != h.Name {
				continue
			}
			for _, it := range hl.Items {
				hj.Items = append(hj.Items, statusItemJSON{ID: it.ID, Status: string(it.Status), Detail: red.Redact(it.Detail)})
			}
		}
		doc.Hosts = append(doc.Hosts, hj)
	}
	return doc
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// writeStatusText prints a readable checklist per host.
func writeStatusText(w io.Writer, s *session.Session, doc statusJSON) error {
	versions := map[string]string{}
	encrypted := map[string]bool{}
	for _, h := range s.Hosts() {
		versions[h.Name] = h.Version
		encrypted[h.Name] = h.Encrypted
	}
	var b strings.Builder
	for i, h := range doc.Hosts {
		if i > 0 && h.Error == nil {
			b.WriteString("\n") // unreachable hosts, one line each, stay together
		}
		conn := "connected"
		if v := versions[h.Name]; v != "" {
			conn += ", SQL Server " + v
		}
		if !encrypted[h.Name] && h.Error == nil && h.Connected {
			conn += ", NOT ENCRYPTED"
		}
		if h.Error != nil {
			conn = "NOT CONNECTED: " + printable(*h.Error)
			if h.Connected {
				conn = "CANNOT BE READ: " + printable(*h.Error)
			}
		}
		fmt.Fprintf(&b, "%s  %s  %s  %s\n", h.Name, h.Server, h.Role, conn)
		if h.Error != nil {
			// Its items are all unknown: one line, with the reason and
			// its hint, says everything there is to say.
			continue
		}
		width := 0
		for _, it := range h.Items {
			width = max(width, len(it.ID))
		}
		for _, it := range h.Items {
			fmt.Fprintf(&b, "  %-8s  %-*s  %s\n", it.Status, width, it.ID, printable(it.Detail))
		}
	}
	var unread []string
	for _, h := range doc.Hosts {
		if h.Error != nil || !h.Connected {
			unread = append(unread, h.Name)
		}
	}
	switch {
	case len(unread) > 0:
		fmt.Fprintf(&b, "\n%d of %d host(s) could not be read (%s): fix what each line says, then run status again\n",
			len(unread), len(doc.Hosts), strings.Join(unread, ", "))
	case doc.Complete:
		b.WriteString("\nAll hosts configured\n")
	default:
		n := 0
		for _, h := range doc.Hosts {
			for _, it := range h.Items {
				if it.Status != string(steps.Done) {
					n++
				}
			}
		}
		fmt.Fprintf(&b, "\n%d item(s) not done; `mirrorcert apply --plan FILE --yes` runs the pending ones\n", n)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// printable replaces control characters (escape sequences included) with a
// visible mark: details can quote names read from a server, and a name must
// not be able to drive the operator's terminal.
func printable(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\t' {
			return ' '
		}
		if unicode.IsControl(r) {
			return '?'
		}
		return r
	}, s)
}
