package main

import (
	"github.com/spf13/cobra"
)

// newScaleoutCmd is `mirrorcert scaleout`: the SSIS Scale Out master and
// worker certificate change (Microsoft's "Manage certificates for SQL Server
// Integration Services Scale Out") as scripts per machine and a
// cross-machine check. The checklist screen joins the TUI once the ui
// components land; until then the command lists its subcommands.
func newScaleoutCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "scaleout",
		Short: "SSIS Scale Out: master and worker certificate change, scripted per machine and checked across machines",
		Long: `SSIS Scale Out Master and its Workers authenticate each other over HTTPS with two
certificates: the master's, bound to the master port with netsh http and named in
MasterSettings.config (and in SSISDB), and each worker's, named in WorkerSettings.config
and trusted in the master's Root store. When one thumbprint is left stale, workers
silently stop taking jobs.

  mirrorcert scaleout script   one PowerShell script per machine, in the documented order
  mirrorcert scaleout check    every thumbprint agrees, across files, SSISDB and netsh`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return cmd.Help()
		},
	}
	cmd.AddCommand(newScaleoutScriptCmd(), newScaleoutCheckCmd())
	return cmd
}
