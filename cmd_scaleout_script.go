package main

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/mirrorcert/mirrorcert/scaleout"
)

func newScaleoutScriptCmd() *cobra.Command {
	var in scaleout.PlanInput
	var outDir string
	var force bool
	cmd := &cobra.Command{
		Use:   "script --master NAME[,ALIAS...] [--master-port 8391] --workers NAME[=IP],... [--change master|worker|both] [-o DIR]",
		Short: "Write one PowerShell script per Scale Out machine for the certificate change; connects to nothing",
		Long: `Write the documented certificate change as one PowerShell script per machine:
scaleout-master-MASTER.ps1 and scaleout-worker-NAME.ps1, every value filled in.

--change master (default): a new master certificate (CN = --master and its aliases), bound to the
master port with netsh http (keeping the binding's appid), MasterSettings.config <SSLCertThumbprint>,
the master service restarted; then on each worker the master's .cer trusted, WorkerSettings.config
<MasterHttpsCertThumbprint>, the worker service restarted.
--change worker: on each worker a new certificate (CN = NAME and IP), trusted locally, its private
key readable by the worker service account, <WorkerHttpsCertThumbprint>; the master trusts it; the
worker restarts. --change both does both.

The master's script writes SSISScaleOutMaster.cer next to itself: copy it next to each worker's
script. Each worker's script writes SSISScaleOutWorker-NAME.cer: copy it next to the master's.
Each step checks its result, the script stops at the first failure, and a re-run skips what is done.
No secret is written. With -o, existing files are left alone unless --force is given.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if in.Port == 0 {
				return exitCode(2, fmt.Errorf("scaleout script: --master-port 0: use 1..65535 (the Scale Out Master's default is 8391)"))
			}
			p, err := scaleout.NewPlan(in)
			if err != nil {
				return exitCode(2, fmt.Errorf("scaleout script: %w", err))
			}
			meta := scaleout.Meta{Version: version, Date: time.Now().UTC()}
			var files []scriptFile
			for _, s := range p.Scripts() {
				// PowerShell 5.1 reads a BOM-less script in the ANSI code
				// page; the BOM keeps any non-ASCII name or path intact.
				files = append(files, scriptFile{s.File, "\ufeff" + p.Render(s, meta)})
			}
			if outDir == "" {
				for _, f := range files {
					if _, err := fmt.Fprintf(cmd.OutOrStdout(), "# ===== %s =====\n%s\n", f.name, strings.TrimPrefix(f.text, "\ufeff")); err != nil {
						return err
					}
				}
				return nil
			}
			return writeScaleoutScripts(cmd.OutOrStdout(), files, outDir, force)
		},
	}
	f := cmd.Flags()
	f.StringVar(&in.Master, "master", "", "the Scale Out Master's host name as the workers' MasterEndpoint names it, then any other names for its certificate (comma-separated)")
	f.IntVar(&in.Port, "master-port", scaleout.DefaultPort, "the master port the certificate is bound to")
	f.StringVar(&in.Workers, "workers", "", "the Scale Out Workers, NAME[=IP],... (the IP goes into a new worker certificate)")
	f.StringVar(&in.Change, "change", "master", "which certificate to replace: master | worker | both")
	f.StringVar(&in.SQLVersion, "sql-version", "160", "SQL Server major version directory and service suffix: 140 | 150 | 160 | 170")
	f.StringVar(&in.BinnDir, "binn", "", `folder of MasterSettings.config / WorkerSettings.config (default C:\Program Files\Microsoft SQL Server\VER\DTS\Binn)`)
	f.StringVar(&in.WorkerAccount, "worker-account", "", `account of the Scale Out Worker service (default NT Service\SSISScaleOutWorkerVER)`)
	f.IntVar(&in.ValidYears, "valid-years", 2, "validity of new certificates, in years")
	f.StringVarP(&outDir, "output", "o", "", "directory for the .ps1 files (created if missing); default: standard output")
	f.BoolVar(&force, "force", false, "replace script files that already exist in the -o directory")
	return cmd
}

// writeScaleoutScripts writes every file or none, with `mirrorcert
// script`'s rules (writeScriptFiles).
func writeScaleoutScripts(out io.Writer, files []scriptFile, dir string, force bool) error {
	return writeScriptFiles(out, "scaleout script", files, dir, force)
}
