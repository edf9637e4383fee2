// Package scaleout is the SSIS Scale Out certificate change as a checked
// procedure: the plan (master, port, workers, which certificate changes),
// the steps per machine in the documented order, their PowerShell, and the
// cross-machine check of every place a thumbprint is written down
// (MasterSettings.config, WorkerSettings.config, the .cer files, SSISDB's
// catalog.master_properties, the `netsh http` binding, the local stores).
//
// Everything here is pure: inputs are bytes and values, outputs are text
// and findings. Reading files, running netsh or PowerShell and querying
// SSISDB happen at the edge (package scaleout/local, package session and
// the command wiring), the same layering as steps/ for mirroring.
//
// The procedure is Microsoft's "Manage certificates for SQL Server
// Integration Services Scale Out", with one correction the documentation's
// PowerShell form needs: New-SelfSignedCertificate only creates into a My
// store ("A new certificate can only be installed into MY store"), so the
// master certificate is created in LocalMachine\My and then moved, with its
// private key, to LocalMachine\Root, where the binding's certstorename=Root
// looks for it.
package scaleout
