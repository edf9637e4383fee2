package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/mirrorcert/mirrorcert/plan"
	"github.com/mirrorcert/mirrorcert/steps"
)

// newScriptCmd is `mirrorcert script`: the T-SQL for every host, without
// connecting to anything, for DBAs who must hand scripts to change control
// or run them with sqlcmd themselves.
func newScriptCmd() *cobra.Command {
	var planPath, outDir string
	var force bool
	cmd := &cobra.Command{
		Use:   "script --plan FILE [-o DIR]",
		Short: "Write the T-SQL for every host (sqlcmd scripts); connects to nothing",
		Long: `Write the setup as sqlcmd scripts: one HOST.sql per host and all.sql with a
:CONNECT block per host, in an order that works (every outbound part, the
certificate hand-over, then every inbound part). Run them with sqlcmd -i in
SQLCMD mode; each asks for its secrets through :setvar lines.

Without -o, all.sql goes to standard output. With -o, existing files are left
alone unless --force is given.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if planPath == "" {
				return exitCode(2, errors.New("script: --plan FILE is required (see examples/docs-example.yaml)"))
			}
			now := time.Now().UTC()
			p, err := plan.Load(planPath, now)
			if err != nil {
				return exitCode(2, err)
			}
			for _, w := range p.Warnings {
				fmt.Fprintln(cmd.ErrOrStderr(), "mirrorcert: warning:", w)
			}
			meta := steps.ExportMeta{Version: version, Date: now}
			if outDir == "" {
				all, err := steps.ExportAll(p, meta)
				if err != nil {
					return exitCode(2, fmt.Errorf("script: %w", err))
				}
				_, err = io.WriteString(cmd.OutOrStdout(), all)
				return err
			}
			return writeScripts(cmd.OutOrStdout(), p, meta, outDir, force)
		},
	}
	cmd.Flags().StringVar(&planPath, "plan", "", "plan file (YAML)")
	cmd.Flags().StringVarP(&outDir, "output", "o", "", "directory for HOST.sql and all.sql (created if missing)")
	cmd.Flags().BoolVar(&force, "force", false, "replace script files that already exist in the -o directory")
	return cmd
}

// writeScripts renders every script first and only then writes, so that a
// failure leaves the directory as it was: every file is replaced, or none.
func writeScripts(out io.Writer, p *plan.Plan, meta steps.ExportMeta, dir string, force bool) error {
	var files []scriptFile
	for _, h := range p.Hosts {
		// Host names are letters, digits and _, so they are safe file names;
		// but a host called "all" would collide with all.sql on any file system.
		if strings.EqualFold(h.Name, "all") {
			return exitCode(2, fmt.Errorf("script: host %q would write over all.sql; rename the host in the plan", h.Name))
		}
		text, err := steps.ExportHost(p, h.Name, meta)
		if err != nil {
			return exitCode(2, fmt.Errorf("script: %s: %w", h.Name, err))
		}
		files = append(files, scriptFile{h.Name + ".sql", text})
	}
	all, err := steps.ExportAll(p, meta)
	if err != nil {
		return exitCode(2, fmt.Errorf("script: %w", err))
	}
	files = append(files, scriptFile{"all.sql", all})

	return writeScriptFiles(out, "script", files, dir, force)
}

// writeScriptFiles writes files into dir, every one or none: existing files
// stop it before anything is written (unless force), only regular files are
// ever replaced, and installFiles puts them in place together. cmd names
// the command in errors.
func writeScriptFiles(out io.Writer, cmd string, files []scriptFile, dir string, force bool) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return exitCode(2, fmt.Errorf(cmd+": -o %s: cannot create the folder: %w", dir, err))
	}
	var exist []string
	for _, f := range files {
		fi, err := os.Lstat(filepath.Join(dir, f.name))
		switch {
		case errors.Is(err, fs.ErrNotExist):
			continue
		case err != nil:
			return exitCode(2, fmt.Errorf(cmd+": %w", err))
		case !fi.Mode().IsRegular():
			// Checked before anything is written: --force replaces
			// files, never folders or links.
			return exitCode(2, fmt.Errorf(cmd+": %s is not a regular file; mirrorcert replaces only its own script files: move it away or choose another -o directory, nothing was written",
				filepath.Join(dir, f.name)))
		}
		exist = append(exist, f.name)
	}
	if len(exist) > 0 && !force {
		return exitCode(2, fmt.Errorf(cmd+": %s already has %s; choose another -o directory, or add --force to replace them",
			dir, strings.Join(exist, ", ")))
	}
	if err := installFiles(dir, files, os.Rename); err != nil {
		return exitCode(2, fmt.Errorf(cmd+": nothing was written: %w", err))
	}
	for _, f := range files {
		fmt.Fprintln(out, "wrote", filepath.Join(dir, f.name))
	}
	return nil
}
