// Command mirrorcert guides a DBA through certificate authentication for SQL
// Server database mirroring and availability-group endpoints on every host at
// once. This file is command wiring only; each command lives in cmd_*.go.
package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"
)

// version is set at build time: -ldflags "-X main.version=1.2.3".
var version = "dev"

// exitError carries a process exit status with its message. Commands return
// it instead of calling os.Exit so deferred cleanup always runs.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// exitCode wraps err so that main exits with code.
func exitCode(code int, err error) error { return &exitError{code: code, err: err} }

func newRootCmd() *cobra.Command {
	root := newBareRoot()
	setupTUI(root)
	for _, build := range subcommands() { // cobra lists them sorted
		root.AddCommand(build())
	}
	return root
}

// newBareRoot is the root command without its TUI flags or subcommands.
func newBareRoot() *cobra.Command {
	return &cobra.Command{
		Use:           "mirrorcert",
		Short:         "Certificate authentication for SQL Server mirroring endpoints, on every host at once",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
}

func newVersionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the mirrorcert version",
		Args:  cobra.NoArgs,
		Run: func(cmd *cobra.Command, _ []string) {
			fmt.Fprintf(cmd.OutOrStdout(), "mirrorcert %s\n", version)
		},
	}
}

func main() {
	tuneGC()
	err := newRootCmdFor(os.Args[1:]).Execute()
	if err == nil {
		return
	}
	code := 2 // usage and input errors
	var ee *exitError
	if errors.As(err, &ee) {
		code = ee.code
	}
	if err.Error() != "" {
		fmt.Fprintln(os.Stderr, "mirrorcert:", err)
	}
	os.Exit(code)
}
