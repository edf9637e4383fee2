package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"time"

	"github.com/spf13/cobra"

	"github.com/mirrorcert/mirrorcert/scaleout"
	"github.com/mirrorcert/mirrorcert/ui"
)

// newScaleoutCmd is `mirrorcert scaleout`: the SSIS Scale Out master and
// worker certificate change (Microsoft's "Manage certificates for SQL Server
// Integration Services Scale Out") as a checklist per machine in the TUI,
// scripts per machine, and a cross-machine check.
func newScaleoutCmd() *cobra.Command {
	var in scaleout.PlanInput
	var dir string
	var ascii bool
	var co scaleoutCheckOpts
	var statePath string
	cmd := &cobra.Command{
		Use:   "scaleout --master NAME --workers NAME[=IP],... [--change master|worker|both]",
		Short: "SSIS Scale Out: master and worker certificate change, a checklist per machine, scripts, and a cross-machine check",
		Long: `SSIS Scale Out Master and its Workers authenticate each other over HTTPS with two
certificates: the master's, bound to the master port with netsh http and named in
MasterSettings.config (and in SSISDB), and each worker's, named in WorkerSettings.config
and trusted in the master's Root store. When one thumbprint is left stale, workers
silently stop taking jobs.

  mirrorcert scaleout --master M --workers W1,W2   the checklist per machine, in the TUI
  mirrorcert scaleout script                       one PowerShell script per machine
  mirrorcert scaleout check                        every thumbprint agrees, across files, SSISDB and netsh

In the TUI, on Windows, the steps of the machine mirrorcert runs on run on confirmation
(PowerShell, from --dir, where the .cer files are); the steps of other machines are shown
with their commands and confirmed by the operator once done there. Elsewhere every step
is confirmed by the operator.

Once every step is done, the TUI runs mirrorcert scaleout check with the check's inputs
given here (--master-config, --worker-config NAME=FILE, --master-cert, --worker-cert
NAME=FILE, --ssisdb SERVER with the connection flags; on Windows also this machine's
stores and netsh binding) and shows each finding under Checks on its machine; v runs it
again at any time.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if cmd.Flags().NFlag() == 0 {
				// Nothing given: say what the command is. Flags
				// without --master are bad input (exit 2, below).
				return cmd.Help()
			}
			p, err := newScaleoutPlan("scaleout", in)
			if err != nil {
				return err
			}
			local, run := "", psRunner(nil)
			if runtime.GOOS == "windows" {
				local, run = os.Getenv("COMPUTERNAME"), runPowerShell
			}
			co.master = p.Master
			if cmd.Flags().Changed("master-port") {
				co.port = p.Port
			}
			checks, err := newScaleoutChecks(cmd, co)
			if err != nil {
				return exitCode(2, fmt.Errorf("scaleout: %w", err))
			}
			be := newScaleoutBackend(p, scaleout.Meta{Version: version, Date: time.Now().UTC()}, local, dir, run)
			be.checks = checks
			if statePath == "" {
				statePath = defaultScaleoutStatePath(p)
			}
			kept, err := loadScaleoutState(statePath, p)
			if err != nil {
				return exitCode(2, fmt.Errorf("scaleout: --state: %w", err))
			}
			// Checked once the flags are: bad input is named first.
			if err := needTerminalFor("in scripts use `mirrorcert scaleout script` to write each machine's PowerShell script, and `mirrorcert scaleout check` to compare the thumbprints"); err != nil {
				return err
			}
			be.restore(statePath, kept)
			return runTUI(cmd.Context(), ui.Options{
				Backend:    be,
				PlanLabel:  fmt.Sprintf("SSIS Scale Out, --change %s", p.Change),
				NoColor:    noColor(),
				ASCII:      ascii,
				ManualHint: "Run it on that machine (its script does it, and skips what is done), then press y to confirm; the confirmation is kept in " + statePath + ".",
				Note:       scaleoutStateNote(statePath, len(kept)),
				Checks:     scaleoutCheckProfile(),
			})
		},
	}
	f := cmd.Flags()
	registerScaleoutPlanFlags(f, &in)
	f.StringVar(&statePath, "state", "", "file that keeps the steps confirmed or run, so a restart resumes (default: one per procedure under the user's state folder, $XDG_STATE_HOME/mirrorcert/scaleout or %LOCALAPPDATA%\\mirrorcert\\scaleout)")
	f.StringVar(&dir, "dir", ".", "folder the local steps run in, where the .cer files are written and found")
	f.BoolVar(&ascii, "ascii", false, "draw with ASCII only (no box drawing or symbols); NO_COLOR turns colour off")
	registerScaleoutCheckFlags(cmd, &co)
	cmd.AddCommand(newScaleoutScriptCmd(), newScaleoutCheckCmd())
	return cmd
}

// runPowerShell runs a script file with Windows PowerShell and returns its
// output and exit code (0 done, 1 failed, 3 waiting for another machine).
func runPowerShell(ctx context.Context, path string) (string, int, error) {
	out, err := exec.CommandContext(ctx, "powershell.exe", "-NoProfile", "-NonInteractive", "-ExecutionPolicy", "Bypass", "-File", path).CombinedOutput()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return string(out), ee.ExitCode(), nil
	}
	if err != nil {
		return string(out), -1, err
	}
	return string(out), 0, nil
}
