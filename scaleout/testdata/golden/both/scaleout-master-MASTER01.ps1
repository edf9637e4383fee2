#Requires -RunAsAdministrator
#   mirrorcert test: SSIS Scale Out certificate change (--change both), generated 2026-11-30.
#   This script is for the Scale Out Master, MASTER01.
#   Run it on that machine in an elevated Windows PowerShell, from the folder it is in:
#       powershell.exe -NoProfile -ExecutionPolicy Bypass -File .\scaleout-master-MASTER01.ps1
#
#   Every step says what it does, checks its result, and the script stops at the first
#   failure. Steps already done are skipped, so running it again is safe.
#   Exit codes: 0 all done; 1 a step failed; 3 waiting for a file or an action on another machine.
#   No secret is in this script; no private key leaves the machine it is made on.
#
#   Order across the machines:
#     1. On MASTER01: run scaleout-master-MASTER01.ps1; it stops (exit 3) waiting for the workers' .cer files.
#     2. Copy SSISScaleOutMaster.cer from MASTER01 next to each worker's script (W1, W2).
#     3. On each worker: run scaleout-worker-NAME.ps1; it stops (exit 3) before the restart.
#     4. Copy each SSISScaleOutWorker-NAME.cer to MASTER01 and run scaleout-master-MASTER01.ps1 again.
#     5. On each worker: run its script again with -MasterTrustsWorker (restart).
#     6. Check: mirrorcert scaleout check --master-config ... --worker-config NAME=... (with the .cer files).
#
#   Options: -UseMakeCert creates certificates with MakeCert.exe as the older documentation does
#   (Windows SDK, for systems without New-SelfSignedCertificate).
#
#   Steps on this machine:
#     1. [master/create-certificate] Create the master certificate (CN MASTER01, ssis-master.corp.example) in LocalMachine\Root and export it to SSISScaleOutMaster.cer
#     2. [master/bind-certificate] Bind the new certificate to the master port 0.0.0.0:8391 (netsh http), keeping the binding's appid
#     3. [master/config] Set SSLCertThumbprint in C:\Program Files\Microsoft SQL Server\160\DTS\Binn\MasterSettings.config
#     4. [master/restart-service] Restart the Scale Out Master service SSISScaleOutMaster160
#     5. [master/trust-worker/W1] Install W1's certificate (SSISScaleOutWorker-W1.cer, copied from W1) into LocalMachine\Root
#     6. [master/trust-worker/W2] Install W2's certificate (SSISScaleOutWorker-W2.cer, copied from W2) into LocalMachine\Root
[CmdletBinding()]
param(
    [switch]$UseMakeCert,
    [switch]$RemoveOldCertificate,
    [switch]$MasterTrustsWorker
)
Set-StrictMode -Version 2.0
$ErrorActionPreference = 'Stop'
$script:CurrentStep = 'start'

# ---- Values: everything this script acts on, each written once ----
$MasterName = 'MASTER01'
$MasterScript = 'scaleout-master-MASTER01.ps1'
$MasterCerFile = Join-Path $PSScriptRoot 'SSISScaleOutMaster.cer'
$ValidYears = 2
$MasterPort = 8391
$IpPort = '0.0.0.0:8391'
$MasterSubject = 'CN=MASTER01, CN=ssis-master.corp.example'
$MasterSan = '2.5.29.17={text}DNS=MASTER01&DNS=ssis-master.corp.example'
$MasterMakeCertName = 'CN=MASTER01;CN=ssis-master.corp.example'
$MasterService = 'SSISScaleOutMaster160'
$MasterConfig = 'C:\Program Files\Microsoft SQL Server\160\DTS\Binn\MasterSettings.config'
$AppIdFile = Join-Path $PSScriptRoot 'SSISScaleOutMaster.appid.txt'
$WorkerNames = @('W1', 'W2')
$WorkerCerFiles = @((Join-Path $PSScriptRoot 'SSISScaleOutWorker-W1.cer'), (Join-Path $PSScriptRoot 'SSISScaleOutWorker-W2.cer'))
$WorkerScripts = @('scaleout-worker-W1.ps1', 'scaleout-worker-W2.ps1')

# ---- Helpers ----
function Write-Step([string]$Id, [string]$Text) {
    Write-Host ('[' + $Id + '] ' + $Text)
}

function Stop-Failed([string]$Id, [string]$Text) {
    Write-Host ('[' + $Id + '] FAILED: ' + $Text) -ForegroundColor Red
    exit 1
}

function Stop-Waiting([string]$Id, [string]$Text) {
    Write-Host ('[' + $Id + '] WAITING: ' + $Text) -ForegroundColor Yellow
    exit 3
}

# Native programs report failure by exit code, not by exception. Windows
# PowerShell turns their stderr into errors under 'Stop', so it is relaxed
# here and the exit code decides.
function Invoke-Native([string]$Exe, [string[]]$Arguments) {
    $ErrorActionPreference = 'Continue'
    $out = & $Exe @Arguments 2>&1 | Out-String
    if ($LASTEXITCODE -ne 0) {
        throw ($Exe + ' ' + ($Arguments -join ' ') + ' failed (exit code ' + $LASTEXITCODE + '): ' + $out.Trim())
    }
    return $out
}

function Get-CerThumbprint([string]$CerFile) {
    $c = New-Object System.Security.Cryptography.X509Certificates.X509Certificate2 -ArgumentList $CerFile
    return $c.Thumbprint
}

function Test-InStore([string]$Store, [string]$Thumbprint) {
    return (Test-Path -LiteralPath ('Cert:\LocalMachine\' + $Store + '\' + $Thumbprint))
}

function Test-HasKey([string]$Store, [string]$Thumbprint) {
    $item = Get-Item -LiteralPath ('Cert:\LocalMachine\' + $Store + '\' + $Thumbprint) -ErrorAction SilentlyContinue
    return ($null -ne $item -and $item.HasPrivateKey)
}

# Equal ignoring case and surrounding spaces only: a value holding an
# invisible mark (U+200E pasted from the certificate dialog) is not equal,
# so it gets rewritten.
function Test-SameValue([string]$A, [string]$B) {
    return ($A.Trim() -eq $B.Trim())
}

function Get-ConfigNode([System.Xml.XmlDocument]$Doc, [string]$Element) {
    foreach ($n in $Doc.SelectNodes('//*')) {
        if ($n.LocalName -eq $Element) { return $n }
    }
    return $null
}

function Read-Config([string]$Id, [string]$Path) {
    if (-not (Test-Path -LiteralPath $Path)) {
        Stop-Failed $Id ($Path + ' does not exist: is the service installed here? (the path is set at the top of this script)')
    }
    $doc = New-Object System.Xml.XmlDocument
    $doc.PreserveWhitespace = $true
    $doc.Load($Path)
    return $doc
}

function Step-CreateCertificate([string]$Id, [string]$Store, [string]$Subject, [string]$San, [string]$MakeCertName, [string]$FriendlyName, [string]$CerFile, [string]$HashAlgorithm) {
    $script:CurrentStep = $Id
    Write-Step $Id ('create a certificate for ' + $Subject + ' in LocalMachine\' + $Store + ' and export it to ' + $CerFile)
    if (Test-Path -LiteralPath $CerFile) {
        $t = Get-CerThumbprint $CerFile
        if (Test-HasKey $Store $t) {
            Write-Step $Id ('already done: ' + $t + ' is in LocalMachine\' + $Store + ' with its private key; skipped')
            return
        }
        Stop-Failed $Id ($CerFile + ' exists, but certificate ' + $t + ' is not in LocalMachine\' + $Store + ' with a private key. Move the file away to create a new certificate.')
    }
    $tmp = $CerFile + '.partial'
    if (Test-Path -LiteralPath $tmp) { Remove-Item -LiteralPath $tmp }
    if ($UseMakeCert) {
        # The older documentation's command (MakeCert.exe, Windows SDK).
        Invoke-Native 'MakeCert.exe' @('-n', $MakeCertName, $tmp, '-r', '-ss', $Store, '-sr', 'LocalMachine', '-a', $HashAlgorithm.ToLowerInvariant()) | Out-Null
    } else {
        $cert = New-SelfSignedCertificate -Subject $Subject -TextExtension @($San) -CertStoreLocation 'Cert:\LocalMachine\My' -HashAlgorithm $HashAlgorithm -FriendlyName $FriendlyName -KeyExportPolicy Exportable -KeyAlgorithm RSA -KeyLength 2048 -NotAfter (Get-Date).AddYears($ValidYears)
        try {
            if ($Store -ne 'My') {
                # New-SelfSignedCertificate creates only into a My store. Move-Item
                # keeps the private key with the certificate, which the binding
                # (certstorename=Root) needs.
                Move-Item -LiteralPath ('Cert:\LocalMachine\My\' + $cert.Thumbprint) -Destination ('Cert:\LocalMachine\' + $Store)
            }
            Export-Certificate -Cert (Get-Item -LiteralPath ('Cert:\LocalMachine\' + $Store + '\' + $cert.Thumbprint)) -FilePath $tmp -Type CERT | Out-Null
        } catch {
            # Leave nothing half-done: the certificate just made goes again.
            Remove-Item -LiteralPath ('Cert:\LocalMachine\My\' + $cert.Thumbprint) -DeleteKey -ErrorAction SilentlyContinue
            Remove-Item -LiteralPath ('Cert:\LocalMachine\' + $Store + '\' + $cert.Thumbprint) -DeleteKey -ErrorAction SilentlyContinue
            throw
        }
    }
    Move-Item -LiteralPath $tmp -Destination $CerFile
    $t = Get-CerThumbprint $CerFile
    if (-not (Test-HasKey $Store $t)) {
        Stop-Failed $Id ('certificate ' + $t + ' is not in LocalMachine\' + $Store + ' with its private key')
    }
    Write-Step $Id ('done: ' + $t + ' is in LocalMachine\' + $Store + ', exported to ' + $CerFile)
}

# Reads the binding of the master port by netsh's documented labels.
function Get-SslBinding {
    $ErrorActionPreference = 'Continue'
    $out = & netsh http show sslcert ('ipport=' + $IpPort) 2>&1 | Out-String
    $b = @{ Hash = ''; AppId = ''; Store = '' }
    foreach ($line in ($out -split "`r?`n")) {
        if ($line -match '^\s*Certificate Hash\s*:\s*(\S+)') { $b.Hash = $Matches[1] }
        elseif ($line -match '^\s*Application ID\s*:\s*(\S+)') { $b.AppId = $Matches[1] }
        elseif ($line -match '^\s*Certificate Store Name\s*:\s*(\S+)') { $b.Store = $Matches[1] }
    }
    if ($b.Hash -eq '') { return $null }
    return $b
}

function Step-BindCertificate([string]$Id, [string]$Thumbprint) {
    $script:CurrentStep = $Id
    Write-Step $Id ('bind ' + $Thumbprint + ' to ' + $IpPort + ' (certstorename=Root), keeping the appid')
    $old = Get-SslBinding
    if ($null -ne $old -and (Test-SameValue $old.Hash $Thumbprint) -and $old.Store -eq 'Root') {
        Write-Step $Id 'already done: the binding serves the new certificate from Root; skipped'
        return
    }
    if ($null -ne $old) {
        Write-Host ('  current binding: certhash=' + $old.Hash + ' appid=' + $old.AppId + ' certstorename=' + $old.Store)
        $appid = $old.AppId
        # Kept next to the script, so that a run after a failed add still knows it.
        Set-Content -LiteralPath $AppIdFile -Value $appid
        Invoke-Native 'netsh' @('http', 'delete', 'sslcert', ('ipport=' + $IpPort)) | Out-Null
    } elseif (Test-Path -LiteralPath $AppIdFile) {
        $appid = (Get-Content -LiteralPath $AppIdFile -Raw).Trim()
        Write-Host ('  no binding now; using the appid an earlier run saved: ' + $appid)
    } else {
        Stop-Failed $Id ('netsh http show sslcert ipport=' + $IpPort + ' shows no binding (or its output is not in English), so the original appid is unknown. Bind the certificate by hand with the Scale Out Master''s appid, then run this script again.')
    }
    if ($appid -notmatch '^\{[0-9A-Fa-f-]{36}\}$') { Stop-Failed $Id ('the appid ' + $appid + ' is not a GUID in braces') }
    try {
        Invoke-Native 'netsh' @('http', 'add', 'sslcert', ('ipport=' + $IpPort), ('certhash=' + $Thumbprint), 'certstorename=Root', ('appid=' + $appid)) | Out-Null
    } catch {
        if ($null -ne $old) {
            # Put the old binding back: the master keeps serving while the cause is fixed.
            $restore = @('http', 'add', 'sslcert', ('ipport=' + $IpPort), ('certhash=' + $old.Hash), ('appid=' + $appid))
            if ($old.Store -ne '' -and $old.Store -ne '(null)') { $restore += ('certstorename=' + $old.Store) }
            try { Invoke-Native 'netsh' $restore | Out-Null; Write-Host '  the original binding was put back' }
            catch { Write-Host ('  could not put the original binding back: ' + $_.Exception.Message) }
        }
        throw
    }
    $new = Get-SslBinding
    if ($null -eq $new -or -not (Test-SameValue $new.Hash $Thumbprint)) {
        Stop-Failed $Id ('netsh http show sslcert ipport=' + $IpPort + ' does not show certhash ' + $Thumbprint + ' after the add')
    }
    Write-Step $Id ('done: ' + $IpPort + ' serves ' + $Thumbprint + ' (appid ' + $appid + ')')
}

function Step-SetConfig([string]$Id, [string]$Path, [string]$Element, [string]$Value) {
    $script:CurrentStep = $Id
    Write-Step $Id ('set <' + $Element + '> to ' + $Value + ' in ' + $Path)
    $doc = Read-Config $Id $Path
    $node = Get-ConfigNode $doc $Element
    if ($null -eq $node) { Stop-Failed $Id ($Path + ' has no <' + $Element + '> element') }
    if (Test-SameValue $node.InnerText $Value) {
        Write-Step $Id 'already done: skipped'
        return
    }
    Write-Host ('  was: ' + $node.InnerText)
    $backup = $Path + '.mirrorcert-backup'
    if (-not (Test-Path -LiteralPath $backup)) {
        Copy-Item -LiteralPath $Path -Destination $backup
        Write-Host ('  backup of the original: ' + $backup)
    }
    $node.InnerText = $Value
    $tmp = $Path + '.mirrorcert-new'
    $doc.Save($tmp)
    Move-Item -LiteralPath $tmp -Destination $Path -Force
    $check = Get-ConfigNode (Read-Config $Id $Path) $Element
    if ($null -eq $check -or -not (Test-SameValue $check.InnerText $Value)) {
        Stop-Failed $Id ($Path + ' does not hold ' + $Value + ' in <' + $Element + '> after saving')
    }
    Write-Step $Id ('done: <' + $Element + '> is ' + $Value)
}

# A service is done restarting when it runs in a process started after the
# configuration file last changed.
function Test-ServiceFresh([string]$Name, [string]$ConfigPath) {
    $svc = Get-CimInstance -ClassName Win32_Service | Where-Object { $_.Name -eq $Name }
    if ($null -eq $svc -or $svc.State -ne 'Running' -or $svc.ProcessId -eq 0) { return $false }
    $proc = Get-Process -Id $svc.ProcessId -ErrorAction SilentlyContinue
    if ($null -eq $proc) { return $false }
    return ($proc.StartTime -gt (Get-Item -LiteralPath $ConfigPath).LastWriteTime)
}

function Step-RestartService([string]$Id, [string]$Name, [string]$ConfigPath) {
    $script:CurrentStep = $Id
    Write-Step $Id ('restart the service ' + $Name)
    if ($null -eq (Get-Service -Name $Name -ErrorAction SilentlyContinue)) {
        Stop-Failed $Id ('there is no service ' + $Name + ' on this machine (the name is set at the top of this script)')
    }
    if (Test-ServiceFresh $Name $ConfigPath) {
        Write-Step $Id 'already done: it has been running since after the configuration changed; skipped'
        return
    }
    Restart-Service -Name $Name -Force
    (Get-Service -Name $Name).WaitForStatus('Running', [TimeSpan]::FromMinutes(2))
    if (-not (Test-ServiceFresh $Name $ConfigPath)) {
        Stop-Failed $Id ($Name + ' is not running after the restart: see its log under the service account''s AppData\Local\SSIS\ScaleOut')
    }
    Write-Step $Id ('done: ' + $Name + ' is running')
}

function Step-ImportCertificate([string]$Id, [string]$CerFile, [string]$From, [string]$FromScript) {
    $script:CurrentStep = $Id
    Write-Step $Id ('install ' + $CerFile + ' into LocalMachine\Root')
    if (-not (Test-Path -LiteralPath $CerFile)) {
        Stop-Waiting $Id ('copy ' + (Split-Path -Leaf $CerFile) + ' from ' + $From + ' (written there by ' + $FromScript + ') next to this script, then run this script again')
    }
    $t = Get-CerThumbprint $CerFile
    if (Test-InStore 'Root' $t) {
        Write-Step $Id ('already done: ' + $t + ' is in LocalMachine\Root; skipped')
        return
    }
    Import-Certificate -FilePath $CerFile -CertStoreLocation 'Cert:\LocalMachine\Root' | Out-Null
    if (-not (Test-InStore 'Root' $t)) { Stop-Failed $Id ($t + ' is not in LocalMachine\Root after the import') }
    Write-Step $Id ('done: ' + $t + ' is in LocalMachine\Root')
}

# Before WorkerHttpsCertThumbprint changes, the certificate it named is
# written down, so that -RemoveOldCertificate knows exactly which to remove
# (the documentation's certmgr /n deletes by name, which would match the new
# certificate too).
function Step-RememberOldWorkerCertificate([string]$Path, [string]$New) {
    if (Test-Path -LiteralPath $OldThumbprintFile) { return }
    $node = Get-ConfigNode (Read-Config $script:CurrentStep $Path) 'WorkerHttpsCertThumbprint'
    if ($null -eq $node) { return }
    $old = $node.InnerText.Trim()
    if ($old -ne '' -and -not (Test-SameValue $old $New)) {
        Set-Content -LiteralPath $OldThumbprintFile -Value $old
        Write-Host ('  the previous worker certificate is ' + $old + ' (written to ' + $OldThumbprintFile + ')')
    }
}

function Get-KeyFile([string]$Thumbprint) {
    $c = Get-Item -LiteralPath ('Cert:\LocalMachine\My\' + $Thumbprint)
    $rsa = [System.Security.Cryptography.X509Certificates.RSACertificateExtensions]::GetRSAPrivateKey($c)
    if ($null -eq $rsa) { throw ('certificate ' + $Thumbprint + ' has no RSA private key') }
    if ($rsa -is [System.Security.Cryptography.RSACng]) {
        return (Join-Path $env:ProgramData ('Microsoft\Crypto\Keys\' + $rsa.Key.UniqueName))
    }
    return (Join-Path $env:ProgramData ('Microsoft\Crypto\RSA\MachineKeys\' + $rsa.CspKeyContainerInfo.UniqueKeyContainerName))
}

function Test-KeyAccess([string]$Thumbprint, [string]$Account) {
    $read = [System.Security.AccessControl.FileSystemRights]::Read
    foreach ($r in (Get-Acl -LiteralPath (Get-KeyFile $Thumbprint)).Access) {
        if ($r.IdentityReference.Value -eq $Account -and $r.AccessControlType -eq 'Allow' -and ($r.FileSystemRights -band $read) -eq $read) { return $true }
    }
    return $false
}

# The PowerShell equivalent of winhttpcertcfg.exe -g: read access to the key file.
function Step-GrantKeyAccess([string]$Id, [string]$Thumbprint, [string]$Account) {
    $script:CurrentStep = $Id
    Write-Step $Id ('give ' + $Account + ' read access to the private key of ' + $Thumbprint)
    if (Test-KeyAccess $Thumbprint $Account) {
        Write-Step $Id 'already done: skipped'
        return
    }
    $file = Get-KeyFile $Thumbprint
    $acl = Get-Acl -LiteralPath $file
    $rule = New-Object System.Security.AccessControl.FileSystemAccessRule -ArgumentList $Account, 'Read', 'Allow'
    $acl.AddAccessRule($rule)
    Set-Acl -LiteralPath $file -AclObject $acl
    if (-not (Test-KeyAccess $Thumbprint $Account)) { Stop-Failed $Id ($Account + ' has no read access to ' + $file + ' after Set-Acl') }
    Write-Step $Id ('done: ' + $Account + ' can read ' + $file)
}

# Deleting the previous certificate is destructive: only with -RemoveOldCertificate.
function Step-RemoveOldCertificate([string]$Id, [string]$New) {
    $script:CurrentStep = $Id
    if (-not (Test-Path -LiteralPath $OldThumbprintFile)) {
        Write-Step $Id 'no previous worker certificate recorded: nothing to remove'
        return
    }
    $old = (Get-Content -LiteralPath $OldThumbprintFile -Raw).Trim()
    if ($old -notmatch '^[0-9A-Fa-f]{40}$') { Stop-Failed $Id ($OldThumbprintFile + ' does not hold a thumbprint') }
    if ((Test-SameValue $old $New) -or -not (Test-InStore 'My' $old)) {
        Write-Step $Id ('already done: ' + $old + ' is not in LocalMachine\My')
        return
    }
    if (-not $RemoveOldCertificate) {
        Write-Step $Id ('kept the previous certificate ' + $old + ' in LocalMachine\My; run this script again with -RemoveOldCertificate to delete it, as the documentation does')
        return
    }
    Remove-Item -LiteralPath ('Cert:\LocalMachine\My\' + $old) -DeleteKey
    if (Test-InStore 'My' $old) { Stop-Failed $Id ($old + ' is still in LocalMachine\My') }
    Write-Step $Id ('done: removed ' + $old + ' from LocalMachine\My')
}

# The worker restarts with its new certificate only once the master trusts it.
function Step-WaitForMaster([string]$Id, [string]$ServiceName, [string]$ConfigPath) {
    $script:CurrentStep = $Id
    Write-Step $Id ('the master must trust ' + (Split-Path -Leaf $WorkerCerFile) + ' before this worker restarts with it')
    if (Test-ServiceFresh $ServiceName $ConfigPath) {
        Write-Step $Id 'already done: the worker has restarted since; skipped'
        return
    }
    if (-not $MasterTrustsWorker) {
        Stop-Waiting $Id ('copy ' + (Split-Path -Leaf $WorkerCerFile) + ' to ' + $MasterName + ', run ' + $MasterScript + ' there, then run this script again with -MasterTrustsWorker')
    }
    Write-Step $Id 'confirmed by the operator (-MasterTrustsWorker)'
}

# ---- Steps ----
try {
    # Step 1: Create the master certificate (CN MASTER01, ssis-master.corp.example) in LocalMachine\Root and export it to SSISScaleOutMaster.cer
    #   New-SelfSignedCertificate -Subject 'CN=MASTER01, CN=ssis-master.corp.example' -CertStoreLocation Cert:\LocalMachine\My -HashAlgorithm SHA1 -FriendlyName SSISScaleOutMaster -KeyExportPolicy Exportable
    #   Move-Item Cert:\LocalMachine\My\<thumbprint> -Destination Cert:\LocalMachine\Root
    #   Export-Certificate -Cert Cert:\LocalMachine\Root\<thumbprint> -FilePath SSISScaleOutMaster.cer -Type CERT
    #   (old systems) MakeCert.exe -n "CN=MASTER01;CN=ssis-master.corp.example" SSISScaleOutMaster.cer -r -ss Root -sr LocalMachine -a sha1
    Step-CreateCertificate -Id 'master/create-certificate' -Store 'Root' -Subject $MasterSubject -San $MasterSan -MakeCertName $MasterMakeCertName -FriendlyName 'SSISScaleOutMaster' -CerFile $MasterCerFile -HashAlgorithm 'SHA1'
    $script:MasterThumbprint = Get-CerThumbprint $MasterCerFile
    Write-Host ('  master certificate thumbprint: ' + $script:MasterThumbprint)

    # Step 2: Bind the new certificate to the master port 0.0.0.0:8391 (netsh http), keeping the binding's appid
    #   netsh http show sslcert ipport=0.0.0.0:8391
    #   netsh http delete sslcert ipport=0.0.0.0:8391
    #   netsh http add sslcert ipport=0.0.0.0:8391 certhash=<thumbprint> certstorename=Root appid=<the original appid>
    Step-BindCertificate -Id 'master/bind-certificate' -Thumbprint $script:MasterThumbprint

    # Step 3: Set SSLCertThumbprint in C:\Program Files\Microsoft SQL Server\160\DTS\Binn\MasterSettings.config
    #   C:\Program Files\Microsoft SQL Server\160\DTS\Binn\MasterSettings.config: <SSLCertThumbprint><thumbprint></SSLCertThumbprint>
    Step-SetConfig -Id 'master/config' -Path $MasterConfig -Element 'SSLCertThumbprint' -Value $script:MasterThumbprint

    # Step 4: Restart the Scale Out Master service SSISScaleOutMaster160
    #   Restart-Service -Name SSISScaleOutMaster160
    Step-RestartService -Id 'master/restart-service' -Name $MasterService -ConfigPath $MasterConfig

    # Step 5: Install W1's certificate (SSISScaleOutWorker-W1.cer, copied from W1) into LocalMachine\Root
    #   Import-Certificate -FilePath SSISScaleOutWorker-W1.cer -CertStoreLocation Cert:\LocalMachine\Root
    Step-ImportCertificate -Id 'master/trust-worker/W1' -CerFile $WorkerCerFiles[0] -From $WorkerNames[0] -FromScript $WorkerScripts[0]

    # Step 6: Install W2's certificate (SSISScaleOutWorker-W2.cer, copied from W2) into LocalMachine\Root
    #   Import-Certificate -FilePath SSISScaleOutWorker-W2.cer -CertStoreLocation Cert:\LocalMachine\Root
    Step-ImportCertificate -Id 'master/trust-worker/W2' -CerFile $WorkerCerFiles[1] -From $WorkerNames[1] -FromScript $WorkerScripts[1]

} catch {
    Stop-Failed $script:CurrentStep $_.Exception.Message
}
Write-Host 'All steps on this machine are done.' -ForegroundColor Green
Write-Host 'Next: on each worker, run its scaleout-worker-NAME.ps1 again with -MasterTrustsWorker (the master now trusts its certificate).'
exit 0
