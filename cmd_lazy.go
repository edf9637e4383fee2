package main

import (
	"strings"

	"github.com/spf13/cobra"
)

// newRootCmdFor builds the command tree args need. Building every command
// (flags, the TUI's setup, scale-out's) costs every run, `version` too
// (issue 11: start-up within 2× a Go hello-world); when args name one
// subcommand first and ask for no help, only that one is built. Anything
// else (no subcommand, root flags first, help, completion, a typo that
// deserves "did you mean") gets the whole tree, as before.
func newRootCmdFor(args []string) *cobra.Command {
	if len(args) == 0 {
		return newRootCmd()
	}
	build, ok := subcommands()[args[0]]
	if !ok {
		return newRootCmd()
	}
	for _, a := range args[1:] {
		if a == "--" {
			break
		}
		if a == "-h" || a == "--help" || strings.HasPrefix(a, "--help=") {
			return newRootCmd()
		}
	}
	root := newBareRoot()
	// cobra's default `completion` command (four shells, their flags and
	// help texts) would be built on every run; args name another command,
	// and `mirrorcert completion ...` gets the whole tree above.
	root.CompletionOptions.DisableDefaultCmd = true
	root.AddCommand(build())
	return root
}

// subcommands are the top-level commands by name, built on demand.
func subcommands() map[string]func() *cobra.Command {
	return map[string]func() *cobra.Command{
		"version":  newVersionCmd,
		"sim":      newSimCmd,
		"demo":     newDemoCmd,
		"status":   newStatusCmd,
		"apply":    newApplyCmd,
		"script":   newScriptCmd,
		"verify":   newVerifyCmd,
		"start":    newStartCmd,
		"expiry":   newExpiryCmd,
		"rotate":   newRotateCmd,
		"scaleout": newScaleoutCmd,
	}
}
