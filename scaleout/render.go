package scaleout

import (
	"fmt"
	"strings"
	"time"
)

// Meta is what a script's header says about its making.
type Meta struct {
	Version string
	Date    time.Time
}

// Render returns the PowerShell script for s. Every value of the plan is
// assigned once, in the value block at the top, through PSQuote; the steps
// refer to the variables only.
func (p *Plan) Render(s Script, meta Meta) string {
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	w("#Requires -RunAsAdministrator\n")
	// The header is line comments, not <# #>: a value holding "#>" would
	// end a block comment and run as code. Values hold no line break.
	var h strings.Builder
	hw := func(format string, args ...any) { fmt.Fprintf(&h, format, args...) }
	hw("  mirrorcert %s: SSIS Scale Out certificate change (--change %s), generated %s.\n", meta.Version, p.Change, meta.Date.UTC().Format("2006-01-02"))
	if s.Role == "master" {
		hw("  This script is for the Scale Out Master, %s.\n", s.Machine)
	} else {
		hw("  This script is for the Scale Out Worker %s (master: %s).\n", s.Machine, p.Master)
	}
	hw("  Run it on that machine in an elevated Windows PowerShell, from the folder it is in:\n")
	hw("      powershell.exe -NoProfile -ExecutionPolicy Bypass -File .\\%s\n\n", s.File)
	hw("  Every step says what it does, checks its result, and the script stops at the first\n")
	hw("  failure. Steps already done are skipped, so running it again is safe.\n")
	hw("  Exit codes: 0 all done; 1 a step failed; 3 waiting for a file or an action on another machine.\n")
	hw("  No secret is in this script; no private key leaves the machine it is made on.\n\n")
	hw("  Order across the machines:\n")
	for i, line := range p.order() {
		hw("    %d. %s\n", i+1, line)
	}
	hw("\n  Options: -UseMakeCert creates certificates with MakeCert.exe as the older documentation does\n")
	hw("  (Windows SDK, for systems without New-SelfSignedCertificate).")
	if s.Role == "worker" && p.Change != ChangeMaster {
		hw(" -RemoveOldCertificate deletes the\n  previous worker certificate from LocalMachine\\My (kept by default). -MasterTrustsWorker confirms\n  that the master's script has installed this worker's certificate, so the worker may restart.")
	}
	hw("\n\n  Steps on this machine:\n")
	for i, st := range s.Steps {
		hw("    %d. [%s] %s\n", i+1, st.ID, st.Title)
	}
	for _, line := range strings.Split(strings.TrimRight(h.String(), "\n"), "\n") {
		w("#%s\n", strings.TrimRight(" "+line, " "))
	}
	w("[CmdletBinding()]\nparam(\n    [switch]$UseMakeCert,\n    [switch]$RemoveOldCertificate,\n    [switch]$MasterTrustsWorker\n)\n")
	w("Set-StrictMode -Version 2.0\n$ErrorActionPreference = 'Stop'\n$script:CurrentStep = 'start'\n\n")
	w("# ---- Values: everything this script acts on, each written once ----\n")
	for _, kv := range p.values(s) {
		w("$%s = %s\n", kv[0], kv[1])
	}
	w("\n# ---- Helpers ----\n")
	b.WriteString(psHelpers)
	w("\n# ---- Steps ----\n")
	w("try {\n")
	for i, st := range s.Steps {
		w("    # Step %d: %s\n", i+1, st.Title)
		for _, c := range st.Commands {
			w("    #   %s\n", c)
		}
		for _, line := range strings.Split(st.ps, "\n") {
			w("    %s\n", line)
		}
		w("\n")
	}
	w("} catch {\n    Stop-Failed $script:CurrentStep $_.Exception.Message\n}\n")
	w("Write-Host 'All steps on this machine are done.' -ForegroundColor Green\n")
	if next := p.nextAfter(s); next != "" {
		w("Write-Host %s\n", PSQuote("Next: "+next))
	}
	w("exit 0\n")
	return b.String()
}

// values are the script's variables, each value quoted once by PSQuote.
func (p *Plan) values(s Script) [][2]string {
	q := PSQuote
	here := func(file string) string { return "Join-Path $PSScriptRoot " + q(file) }
	v := [][2]string{
		{"MasterName", q(p.Master)},
		{"MasterScript", q(ScriptFile("master", p.Master))},
		{"MasterCerFile", here(MasterCerFile)},
		{"ValidYears", fmt.Sprint(p.ValidYears)},
	}
	if s.Role == "master" {
		names, files, scripts := make([]string, len(p.Workers)), make([]string, len(p.Workers)), make([]string, len(p.Workers))
		for i, w := range p.Workers {
			names[i], files[i], scripts[i] = w.Name, "("+here(WorkerCerFile(w.Name))+")", ScriptFile("worker", w.Name)
		}
		return append(v, [][2]string{
			{"MasterPort", fmt.Sprint(p.Port)},
			{"IpPort", q(p.ipport())},
			{"MasterSubject", q(p.masterSubject())},
			{"MasterSan", q(sanExtension(p.MasterNames))},
			{"MasterMakeCertName", q(p.masterMakeCertName())},
			{"MasterService", q(p.MasterService())},
			{"MasterConfig", q(p.BinnDir + `\MasterSettings.config`)},
			{"AppIdFile", here("SSISScaleOutMaster.appid.txt")},
			{"WorkerNames", psArray(names)},
			{"WorkerCerFiles", "@(" + strings.Join(files, ", ") + ")"},
			{"WorkerScripts", psArray(scripts)},
		}...)
	}
	var w Machine
	for _, m := range p.Workers {
		if m.Name == s.Machine {
			w = m
		}
	}
	return append(v, [][2]string{
		{"WorkerName", q(w.Name)},
		{"ThisScript", q(s.File)},
		{"WorkerSubject", q(subjectOf(workerNames(w)))},
		{"WorkerSan", q(sanExtension(workerNames(w)))},
		{"WorkerMakeCertName", q(makeCertName(workerNames(w)))},
		{"WorkerService", q(p.WorkerService())},
		{"WorkerConfig", q(p.BinnDir + `\WorkerSettings.config`)},
		{"WorkerAccount", q(p.WorkerAccount)},
		{"WorkerCerFile", here(WorkerCerFile(w.Name))},
		{"OldThumbprintFile", here("SSISScaleOutWorker-" + w.Name + ".previous-thumbprint.txt")},
	}...)
}

// order is the cross-machine sequence, for every script's header.
func (p *Plan) order() []string {
	ms, mf := ScriptFile("master", p.Master), MasterCerFile
	var out []string
	workers := make([]string, len(p.Workers))
	for i, w := range p.Workers {
		workers[i] = w.Name
	}
	all := strings.Join(workers, ", ")
	switch p.Change {
	case ChangeMaster:
		out = append(out,
			fmt.Sprintf("On %s: run %s (new certificate, netsh binding, MasterSettings.config, restart).", p.Master, ms))
		if len(p.Workers) == 0 {
			out = append(out, "No worker was given (--workers): every worker connected to this master needs the new certificate too (mirrorcert scaleout script --workers ...).")
			break
		}
		out = append(out,
			fmt.Sprintf("Copy %s from %s next to each worker's script (%s).", mf, p.Master, all),
			fmt.Sprintf("On each worker (%s): run scaleout-worker-NAME.ps1 (trust the master, WorkerSettings.config, restart).", all))
	case ChangeWorker:
		out = append(out,
			fmt.Sprintf("On each worker (%s): run scaleout-worker-NAME.ps1; it stops (exit 3) before the restart.", all),
			fmt.Sprintf("Copy each SSISScaleOutWorker-NAME.cer to %s next to %s and run it there.", p.Master, ms),
			"On each worker: run its script again with -MasterTrustsWorker (restart).")
	default:
		out = append(out,
			fmt.Sprintf("On %s: run %s; it stops (exit 3) waiting for the workers' .cer files.", p.Master, ms),
			fmt.Sprintf("Copy %s from %s next to each worker's script (%s).", mf, p.Master, all),
			"On each worker: run scaleout-worker-NAME.ps1; it stops (exit 3) before the restart.",
			fmt.Sprintf("Copy each SSISScaleOutWorker-NAME.cer to %s and run %s again.", p.Master, ms),
			"On each worker: run its script again with -MasterTrustsWorker (restart).")
	}
	return append(out, "Check: mirrorcert scaleout check --master-config ... --worker-config NAME=... (with the .cer files).")
}

// nextAfter is what the operator does once this script is done.
func (p *Plan) nextAfter(s Script) string {
	switch {
	case s.Role == "master" && p.Change == ChangeMaster && len(p.Workers) == 0:
		return "give every worker the new certificate: mirrorcert scaleout script --workers NAME,... writes their scripts."
	case s.Role == "master" && p.Change == ChangeMaster:
		return fmt.Sprintf("copy %s to each worker (%d) next to its scaleout-worker-NAME.ps1, and run it there.", MasterCerFile, len(p.Workers))
	case s.Role == "master":
		return "on each worker, run its scaleout-worker-NAME.ps1 again with -MasterTrustsWorker (the master now trusts its certificate)."
	}
	return "run mirrorcert scaleout check with every machine's configuration file to confirm the thumbprints agree."
}
