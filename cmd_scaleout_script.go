package main

import (
	"fmt"
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
			p, err := newScaleoutPlan("scaleout script", in)
			if err != nil {
				return err
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
			return writeScriptFiles(cmd.OutOrStdout(), "scaleout script", files, outDir, force)
		},
	}
	f := cmd.Flags()
	registerScaleoutPlanFlags(f, &in)
	f.StringVarP(&outDir, "output", "o", "", "directory for the .ps1 files (created if missing); default: standard output")
	f.BoolVar(&force, "force", false, "replace script files that already exist in the -o directory")
	return cmd
}
