package scaleout

import "sort"

// Finding is one problem the check found. Its JSON is verify's finding
// (DESIGN.md: code, host, peer, severity, message, evidence, fix), so that
// one reader handles both.
type Finding struct {
	Code     string `json:"code"`
	Host     string `json:"host"`
	Peer     string `json:"peer"`
	Severity string `json:"severity"` // error | warning
	Message  string `json:"message"`
	Evidence string `json:"evidence"`
	Fix      string `json:"fix"`
}

// Severities.
const (
	SevError   = "error"
	SevWarning = "warning"
)

// Finding codes of the Scale Out check. Stable: scripts match on them.
// cert-expired, cert-expiring and cert-not-yet-valid are verify's codes,
// used with the same meaning.
const (
	CodeMasterThumbprint   = "master-thumbprint-mismatch"
	CodeWorkerThumbprint   = "worker-thumbprint-mismatch"
	CodeThumbprintBad      = "thumbprint-malformed"
	CodeElementMissing     = "config-element-missing"
	CodeMasterCertName     = "master-cert-name-mismatch"
	CodeMasterPort         = "master-port-mismatch"
	CodeBindingMissing     = "sslcert-binding-missing"
	CodeBindingStore       = "sslcert-binding-store"
	CodeMasterNotTrusted   = "master-cert-not-trusted"
	CodeWorkerNotTrusted   = "worker-cert-not-trusted"
	CodeCertNotInStore     = "cert-not-in-store"
	CodeSSISDBProperty     = "ssisdb-property-missing"
	CodeWorkerNotInCatalog = "worker-not-registered"
	CodeWorkerOffline      = "worker-offline"
	CodeCertExpired        = "cert-expired"
	CodeCertExpiring       = "cert-expiring"
	CodeCertNotYetValid    = "cert-not-yet-valid"
)

// Healthy reports whether no finding is an error or a warning.
func Healthy(fs []Finding) bool { return len(fs) == 0 }

// sortFindings orders errors first, then by host and code, so output is
// stable and the worst comes first.
func sortFindings(fs []Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		if (fs[i].Severity == SevError) != (fs[j].Severity == SevError) {
			return fs[i].Severity == SevError
		}
		if fs[i].Host != fs[j].Host {
			return fs[i].Host < fs[j].Host
		}
		return fs[i].Code < fs[j].Code
	})
}
