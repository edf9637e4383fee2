package scaleout

import (
	"fmt"
	"strings"
)

// Step is one step of the procedure on one machine.
type Step struct {
	ID      string // "master/bind-certificate", "worker/W1/config-master-thumbprint"
	Machine string
	Title   string // what it does, with the values filled in
	// Commands are the documented commands, values filled in, as the
	// operator would type them (shown in the script's comments and the TUI).
	Commands []string
	// Manual steps happen on another machine or need the operator (copying
	// a .cer); the script waits for them (exit 3) instead of doing them.
	Manual bool
	// ps is the step's PowerShell: a call of one of the script's helper
	// functions, referring to values only through the script's variables.
	ps string
}

// Script is everything one machine runs, in order.
type Script struct {
	Machine string
	Role    string // master | worker
	File    string
	Steps   []Step
}

// Scripts returns one script per machine: the master's, then each
// worker's, in the documented order.
func (p *Plan) Scripts() []Script {
	out := []Script{p.masterScript()}
	for _, w := range p.Workers {
		out = append(out, p.workerScript(w))
	}
	return out
}

func (p *Plan) ipport() string { return fmt.Sprintf("0.0.0.0:%d", p.Port) }

func (p *Plan) masterScript() Script {
	m := p.Master
	s := Script{Machine: m, Role: "master", File: ScriptFile("master", m)}
	cfg := p.BinnDir + `\MasterSettings.config`
	if p.Change != ChangeWorker {
		s.Steps = append(s.Steps,
			Step{ID: "master/create-certificate", Machine: m,
				Title: fmt.Sprintf("Create the master certificate (CN %s) in LocalMachine\\Root and export it to %s", strings.Join(p.MasterNames, ", "), MasterCerFile),
				Commands: []string{
					fmt.Sprintf("New-SelfSignedCertificate -Subject '%s' -CertStoreLocation Cert:\\LocalMachine\\My -HashAlgorithm SHA1 -FriendlyName SSISScaleOutMaster -KeyExportPolicy Exportable", p.masterSubject()),
					"Move-Item Cert:\\LocalMachine\\My\\<thumbprint> -Destination Cert:\\LocalMachine\\Root",
					"Export-Certificate -Cert Cert:\\LocalMachine\\Root\\<thumbprint> -FilePath " + MasterCerFile + " -Type CERT",
					fmt.Sprintf("(old systems) MakeCert.exe -n \"%s\" %s -r -ss Root -sr LocalMachine -a sha1", p.masterMakeCertName(), MasterCerFile),
				},
				ps: "Step-CreateCertificate -Id 'master/create-certificate' -Store 'Root' -Subject $MasterSubject -San $MasterSan -MakeCertName $MasterMakeCertName -FriendlyName 'SSISScaleOutMaster' -CerFile $MasterCerFile -HashAlgorithm 'SHA1'\n" +
					"$script:MasterThumbprint = Get-CerThumbprint $MasterCerFile\n" +
					"Write-Host ('  master certificate thumbprint: ' + $script:MasterThumbprint)"},
			Step{ID: "master/bind-certificate", Machine: m,
				Title: fmt.Sprintf("Bind the new certificate to the master port %s (netsh http), keeping the binding's appid", p.ipport()),
				Commands: []string{
					"netsh http show sslcert ipport=" + p.ipport(),
					"netsh http delete sslcert ipport=" + p.ipport(),
					fmt.Sprintf("netsh http add sslcert ipport=%s certhash=<thumbprint> certstorename=Root appid=<the original appid>", p.ipport()),
				},
				ps: "Step-BindCertificate -Id 'master/bind-certificate' -Thumbprint $script:MasterThumbprint"},
			Step{ID: "master/config", Machine: m,
				Title:    "Set SSLCertThumbprint in " + cfg,
				Commands: []string{fmt.Sprintf("%s: <SSLCertThumbprint><thumbprint></SSLCertThumbprint>", cfg)},
				ps:       "Step-SetConfig -Id 'master/config' -Path $MasterConfig -Element 'SSLCertThumbprint' -Value $script:MasterThumbprint"},
			Step{ID: "master/restart-service", Machine: m,
				Title:    "Restart the Scale Out Master service " + p.MasterService(),
				Commands: []string{"Restart-Service -Name " + p.MasterService()},
				ps:       "Step-RestartService -Id 'master/restart-service' -Name $MasterService -ConfigPath $MasterConfig"},
		)
	}
	if p.Change != ChangeMaster {
		for _, w := range p.Workers {
			file := WorkerCerFile(w.Name)
			s.Steps = append(s.Steps, Step{ID: "master/trust-worker/" + w.Name, Machine: m,
				Title:    fmt.Sprintf("Install %s's certificate (%s, copied from %s) into LocalMachine\\Root", w.Name, file, w.Name),
				Commands: []string{fmt.Sprintf("Import-Certificate -FilePath %s -CertStoreLocation Cert:\\LocalMachine\\Root", file)},
				ps: fmt.Sprintf("Step-ImportCertificate -Id %s -CerFile $WorkerCerFiles[%d] -From $WorkerNames[%d] -FromScript $WorkerScripts[%d]",
					PSQuote("master/trust-worker/"+w.Name), p.workerIndex(w.Name), p.workerIndex(w.Name), p.workerIndex(w.Name))})
		}
	}
	return s
}

func (p *Plan) workerIndex(name string) int {
	for i, w := range p.Workers {
		if w.Name == name {
			return i
		}
	}
	return -1
}

func (p *Plan) workerScript(w Machine) Script {
	s := Script{Machine: w.Name, Role: "worker", File: ScriptFile("worker", w.Name)}
	cfg := p.BinnDir + `\WorkerSettings.config`
	id := func(step string) string { return "worker/" + w.Name + "/" + step }
	if p.Change != ChangeWorker {
		s.Steps = append(s.Steps,
			Step{ID: id("trust-master"), Machine: w.Name,
				Title:    fmt.Sprintf("Install the master's certificate (%s, copied from %s) into LocalMachine\\Root", MasterCerFile, p.Master),
				Commands: []string{fmt.Sprintf("Import-Certificate -FilePath %s -CertStoreLocation Cert:\\LocalMachine\\Root", MasterCerFile)},
				ps: fmt.Sprintf("Step-ImportCertificate -Id %s -CerFile $MasterCerFile -From $MasterName -FromScript $MasterScript\n", PSQuote(id("trust-master"))) +
					"$script:MasterThumbprint = Get-CerThumbprint $MasterCerFile"},
			Step{ID: id("config-master-thumbprint"), Machine: w.Name,
				Title:    "Set MasterHttpsCertThumbprint in " + cfg,
				Commands: []string{fmt.Sprintf("%s: <MasterHttpsCertThumbprint><master thumbprint></MasterHttpsCertThumbprint>", cfg)},
				ps:       fmt.Sprintf("Step-SetConfig -Id %s -Path $WorkerConfig -Element 'MasterHttpsCertThumbprint' -Value $script:MasterThumbprint", PSQuote(id("config-master-thumbprint")))},
		)
	}
	if p.Change != ChangeMaster {
		file := WorkerCerFile(w.Name)
		s.Steps = append(s.Steps,
			Step{ID: id("create-certificate"), Machine: w.Name,
				Title: fmt.Sprintf("Create %s's certificate (CN %s) in LocalMachine\\My and export it to %s", w.Name, strings.Join(workerNames(w), ", "), file),
				Commands: []string{
					fmt.Sprintf("New-SelfSignedCertificate -Subject '%s' -CertStoreLocation Cert:\\LocalMachine\\My -FriendlyName SSISScaleOutWorker -KeyExportPolicy Exportable", subjectOf(workerNames(w))),
					"Export-Certificate -Cert Cert:\\LocalMachine\\My\\<thumbprint> -FilePath " + file + " -Type CERT",
					fmt.Sprintf("(old systems) MakeCert.exe -n \"%s\" %s -r -ss My -sr LocalMachine", makeCertName(workerNames(w)), file),
				},
				ps: fmt.Sprintf("Step-CreateCertificate -Id %s -Store 'My' -Subject $WorkerSubject -San $WorkerSan -MakeCertName $WorkerMakeCertName -FriendlyName 'SSISScaleOutWorker' -CerFile $WorkerCerFile -HashAlgorithm 'SHA256'\n", PSQuote(id("create-certificate"))) +
					"$script:WorkerThumbprint = Get-CerThumbprint $WorkerCerFile\n" +
					"Write-Host ('  worker certificate thumbprint: ' + $script:WorkerThumbprint)"},
			Step{ID: id("trust-own-certificate"), Machine: w.Name,
				Title:    fmt.Sprintf("Install %s into %s's own LocalMachine\\Root", file, w.Name),
				Commands: []string{fmt.Sprintf("Import-Certificate -FilePath %s -CertStoreLocation Cert:\\LocalMachine\\Root", file)},
				ps:       fmt.Sprintf("Step-ImportCertificate -Id %s -CerFile $WorkerCerFile -From $WorkerName -FromScript $ThisScript", PSQuote(id("trust-own-certificate")))},
			Step{ID: id("private-key-access"), Machine: w.Name,
				Title: fmt.Sprintf("Give %s read access to the new private key (and remove the old certificate only with -RemoveOldCertificate)", p.WorkerAccount),
				Commands: []string{
					"(documented) certmgr.exe /del /c /s /r localmachine My /n <CN of the old certificate>",
					fmt.Sprintf("(documented) winhttpcertcfg.exe -g -c LOCAL_MACHINE\\My -s %s -a %s", w.Name, p.WorkerAccount),
					"(PowerShell) Get-Acl / FileSystemAccessRule Read / Set-Acl on the key file; Remove-Item Cert:\\LocalMachine\\My\\<old thumbprint> -DeleteKey",
				},
				ps: fmt.Sprintf("$script:CurrentStep = %s\n"+
					"Step-RememberOldWorkerCertificate -Path $WorkerConfig -New $script:WorkerThumbprint\n"+
					"Step-GrantKeyAccess -Id %s -Thumbprint $script:WorkerThumbprint -Account $WorkerAccount\n"+
					"Step-RemoveOldCertificate -Id %s -New $script:WorkerThumbprint", PSQuote(id("private-key-access")), PSQuote(id("private-key-access")), PSQuote(id("remove-old-certificate")))},
			Step{ID: id("config-worker-thumbprint"), Machine: w.Name,
				Title:    "Set WorkerHttpsCertThumbprint in " + cfg,
				Commands: []string{fmt.Sprintf("%s: <WorkerHttpsCertThumbprint><worker thumbprint></WorkerHttpsCertThumbprint>", cfg)},
				ps:       fmt.Sprintf("Step-SetConfig -Id %s -Path $WorkerConfig -Element 'WorkerHttpsCertThumbprint' -Value $script:WorkerThumbprint", PSQuote(id("config-worker-thumbprint")))},
			Step{ID: id("master-trusts-worker"), Machine: p.Master, Manual: true,
				Title:    fmt.Sprintf("Copy %s to %s and run %s there, which installs it into the master's LocalMachine\\Root", file, p.Master, ScriptFile("master", p.Master)),
				Commands: []string{fmt.Sprintf("(on %s) Import-Certificate -FilePath %s -CertStoreLocation Cert:\\LocalMachine\\Root", p.Master, file)},
				ps:       fmt.Sprintf("Step-WaitForMaster -Id %s -ServiceName $WorkerService -ConfigPath $WorkerConfig", PSQuote(id("master-trusts-worker")))},
		)
	}
	s.Steps = append(s.Steps, Step{ID: id("restart-service"), Machine: w.Name,
		Title:    "Restart the Scale Out Worker service " + p.WorkerService(),
		Commands: []string{"Restart-Service -Name " + p.WorkerService()},
		ps:       fmt.Sprintf("Step-RestartService -Id %s -Name $WorkerService -ConfigPath $WorkerConfig", PSQuote(id("restart-service")))})
	return s
}

func workerNames(w Machine) []string {
	if w.IP == "" {
		return []string{w.Name}
	}
	return []string{w.Name, w.IP}
}
