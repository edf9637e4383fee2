package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"github.com/mirrorcert/mirrorcert/plan"
	"github.com/mirrorcert/mirrorcert/session"
	"github.com/mirrorcert/mirrorcert/ui"
)

// tuiFlags are the flags of the interactive commands (root and demo).
type tuiFlags struct {
	ascii bool
}

func (t *tuiFlags) register(cmd *cobra.Command) {
	cmd.Flags().BoolVar(&t.ascii, "ascii", false, "draw with ASCII only (no box drawing or symbols); NO_COLOR turns colour off")
}

// setupTUI makes the root command open the TUI: on --plan FILE, or after a
// form that asks for the hosts when no plan is given.
func setupTUI(root *cobra.Command) {
	var (
		cf       connFlags
		tf       tuiFlags
		planPath string
	)
	cf.register(root)
	cf.registerCleartext(root)
	tf.register(root)
	root.Flags().StringVar(&planPath, "plan", "", "plan file (YAML); without it a form asks for the hosts")
	root.Args = cobra.NoArgs
	root.RunE = func(cmd *cobra.Command, _ []string) error {
		if err := needTerminal(); err != nil {
			return err
		}
		var p *plan.Plan
		var err error
		var fr ui.FormResult
		if planPath == "" {
			fr, err = ui.RunPlanForm(cmd.Context(), time.Now().UTC(), noColor(), tf.ascii)
			if errors.Is(err, ui.ErrFormAborted) {
				return exitCode(2, errors.New("cancelled: no plan, nothing done"))
			}
			if err != nil {
				return exitCode(2, err)
			}
			p = fr.Plan
			if err := cf.override(p); err != nil {
				return exitCode(2, err)
			}
			// Said again after the TUI, where it stays on the screen.
			defer fmt.Fprintln(cmd.ErrOrStderr(), ui.SavedNote(fr.Saved))
		} else {
			p, err = loadPlan(planPath, &cf, cmd.ErrOrStderr(), "mirrorcert")
			if err != nil {
				return exitCode(2, err)
			}
		}
		pw, err := collectPasswords(p, fr.Password, cmd.ErrOrStderr())
		if err != nil {
			return exitCode(2, err)
		}
		log, closeLog, err := tuiLogger(&cf)
		if err != nil {
			return exitCode(2, err)
		}
		defer closeLog.Close()
		label := p.Path
		if label == "" {
			label = "plan from the form"
		}
		be := newSessionBackend(p, func(ctx context.Context, mk func(string) (string, bool, error)) *session.Session {
			return session.Open(ctx, session.Options{
				Plan:              p,
				Passwords:         func(h string) (string, error) { return pw[h], nil },
				MasterKeyPassword: mk,
				TranscriptDir:     cf.transcriptDir,
				Logger:            log,

				AllowCleartextSecrets: cf.allowCleartext,
			})
		})
		defer be.Close()
		return runTUI(cmd.Context(), ui.Options{
			Backend: be, PlanLabel: label, Mode: p.Mode, Transfer: p.Transfer,
			NoColor: noColor(), ASCII: tf.ascii, AskMasterKeyPassword: true, Logger: log, Note: startNote(planPath, fr),
			MasterKeyFromEnv: func(h string) bool { return os.Getenv(masterKeyEnvVar(h)) != "" },
			MasterKeyEnvVar:  masterKeyEnvVar,
		})
	}
}

// masterKeyEnvVar names the variable that supplies host's master key
// password, as session.MasterKeyFromEnv reads it.
func masterKeyEnvVar(host string) string {
	return "MIRRORCERT_MASTER_KEY_PASSWORD_" + session.EnvName(host)
}

// needTerminal refuses to start the TUI without a terminal, pointing to the
// commands made for scripts.
func needTerminal() error {
	return needTerminalFor("in scripts use `mirrorcert status --plan FILE` to read every host, or `mirrorcert apply --plan FILE --yes` to run the pending steps")
}

// needTerminalFor is needTerminal with the commands that do the same
// without one (inScripts).
func needTerminalFor(inScripts string) error {
	if term.IsTerminal(os.Stdin.Fd()) && term.IsTerminal(os.Stdout.Fd()) {
		return nil
	}
	return exitCode(2, errors.New("the interactive interface needs a terminal; "+inScripts))
}

// noColor honours the NO_COLOR convention (any non-empty value).
func noColor() bool { return os.Getenv("NO_COLOR") != "" }

// startNote is the TUI's first status line: after the form, where the plan
// was saved and how to use it again.
func startNote(planPath string, fr ui.FormResult) string {
	if planPath != "" {
		return ""
	}
	return ui.SavedNote(fr.Saved)
}

// collectPasswords gets every host's connection password before the TUI
// starts: from the environment, else the password the form asked once
// (shared), else a prompt on the terminal. Prompting later would fight the
// TUI for the screen.
func collectPasswords(p *plan.Plan, shared string, stderr io.Writer) (map[string]string, error) {
	ask := passwordSource(stderr, p)
	out := map[string]string{}
	for _, h := range p.Hosts {
		if h.Auth.Integrated {
			continue
		}
		if _, ok := session.PasswordFromEnv(nil, h.Name); !ok && shared != "" {
			out[h.Name] = shared
			continue
		}
		pw, err := ask(h.Name)
		if err != nil {
			return nil, err
		}
		out[h.Name] = pw
	}
	return out, nil
}

// tuiLogger opens --log-file, by default mirrorcert.log under the user's
// cache directory: the TUI owns the screen, so diagnostics go to a file.
func tuiLogger(cf *connFlags) (*slog.Logger, io.Closer, error) {
	if cf.logFile == "" {
		dir, err := os.UserCacheDir()
		if err != nil {
			dir = os.TempDir()
		}
		cf.logFile = filepath.Join(dir, "mirrorcert", "mirrorcert.log")
	}
	return cf.logger()
}

// runTUI runs the program until the operator quits. Errors are returned only
// after Bubble Tea has restored the terminal.
//
// SIGINT and SIGTERM are handed to the model rather than ending the program
// at once: a generated master key password not yet confirmed as stored must
// be shown before the program may end. An interrupted end exits 130 (SIGINT,
// ctrl+c) or 143 (SIGTERM).
func runTUI(ctx context.Context, o ui.Options) error {
	if ctx == nil {
		ctx = context.Background()
	}
	m := ui.New(o)
	prog := tea.NewProgram(m, tea.WithContext(ctx), tea.WithoutSignalHandler())
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)
	done := make(chan struct{})
	defer close(done)
	go func() {
		for {
			select {
			case s := <-sigs:
				code := ui.ExitCodeInterrupted
				if s == syscall.SIGTERM {
					code = 143
				}
				prog.Send(ui.InterruptMsg{Code: code})
			case <-done:
				return
			}
		}
	}()
	if _, err := prog.Run(); err != nil && !errors.Is(err, tea.ErrProgramKilled) {
		return exitCode(2, fmt.Errorf("terminal interface: %w", err))
	}
	if code := m.ExitCode(); code != 0 {
		return exitCode(code, errors.New("interrupted"))
	}
	return nil
}
