package scaleout

import (
	"fmt"
	"net"
	"strings"
)

// Change says which certificates a procedure replaces.
type Change string

// Changes.
const (
	ChangeMaster Change = "master"
	ChangeWorker Change = "worker"
	ChangeBoth   Change = "both"
)

// Machine is a computer of the Scale Out: its name and, for a worker, the
// IP address its certificate also names.
type Machine struct {
	Name string
	IP   string
}

// Plan is a validated certificate change.
type Plan struct {
	// Master is the name workers use in MasterEndpoint; MasterNames are
	// every name the new master certificate carries (Master first).
	Master      string
	MasterNames []string
	Port        int
	Workers     []Machine
	Change      Change
	// SQLVersion is the directory and service suffix: 140 (2017), 150
	// (2019), 160 (2022), 170 (2025).
	SQLVersion string
	// BinnDir holds MasterSettings.config / WorkerSettings.config.
	BinnDir string
	// WorkerAccount runs the Scale Out Worker service and must read the
	// worker certificate's private key.
	WorkerAccount string
	// ValidYears is how long new certificates are valid (default 2).
	ValidYears int
}

// PlanInput is what the command line gives; NewPlan validates it.
type PlanInput struct {
	Master        string // NAME[,ALIAS...]: the first is the endpoint host name
	Port          int
	Workers       string // NAME[=IP],...
	Change        string
	SQLVersion    string
	BinnDir       string
	WorkerAccount string
	ValidYears    int
}

// isHostLabel reports whether l is one DNS label (RFC 1123): 1 to 63
// letters, digits and inner hyphens. Written out rather than a regexp: the
// regexp's {0,61} compiled at every start of every command (issue 11).
func isHostLabel(l string) bool {
	if len(l) == 0 || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
		return false
	}
	for i := 0; i < len(l); i++ {
		c := l[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// ValidHost reports why name is not a host name or IP address, or "".
func ValidHost(name string) string {
	if name == "" {
		return "is empty"
	}
	if net.ParseIP(name) != nil {
		return ""
	}
	if len(name) > 253 {
		return "is longer than 253 characters"
	}
	for _, l := range strings.Split(name, ".") {
		if !isHostLabel(l) {
			return "is not a host name (letters, digits and hyphens, in dot-separated labels of at most 63) nor an IP address"
		}
	}
	return ""
}

// NewPlan validates the input; every error names the flag and what to give.
func NewPlan(in PlanInput) (*Plan, error) {
	p := &Plan{Port: in.Port, Change: Change(strings.ToLower(in.Change)), SQLVersion: in.SQLVersion}
	if p.Change == "" {
		p.Change = ChangeMaster
	}
	switch p.Change {
	case ChangeMaster, ChangeWorker, ChangeBoth:
	default:
		return nil, fmt.Errorf("--change %q: use master, worker or both", in.Change)
	}
	if strings.TrimSpace(in.Master) == "" {
		return nil, fmt.Errorf("--master NAME is required: the Scale Out Master's host name, as the workers' MasterEndpoint names it")
	}
	seen := map[string]bool{}
	for _, n := range strings.Split(in.Master, ",") {
		n = strings.TrimSpace(n)
		if why := ValidHost(n); why != "" {
			return nil, fmt.Errorf("--master %q: %q %s", in.Master, n, why)
		}
		if !seen[strings.ToLower(n)] {
			seen[strings.ToLower(n)] = true
			p.MasterNames = append(p.MasterNames, n)
		}
	}
	p.Master = p.MasterNames[0]
	if p.Port == 0 {
		p.Port = DefaultPort
	}
	if p.Port < 1 || p.Port > 65535 {
		return nil, fmt.Errorf("--master-port %d: use 1..65535 (the Scale Out Master's default is 8391)", in.Port)
	}
	if p.SQLVersion == "" {
		p.SQLVersion = "160"
	}
	switch p.SQLVersion {
	case "140", "150", "160", "170":
	default:
		return nil, fmt.Errorf("--sql-version %q: use 140 (SQL Server 2017), 150 (2019), 160 (2022) or 170 (2025)", in.SQLVersion)
	}
	workers := map[string]bool{}
	for _, w := range strings.Split(in.Workers, ",") {
		w = strings.TrimSpace(w)
		if w == "" {
			continue
		}
		name, ip, hasIP := strings.Cut(w, "=")
		if why := ValidHost(name); why != "" || net.ParseIP(name) != nil {
			if why == "" {
				why = "is an IP address: give the machine name, then =IP"
			}
			return nil, fmt.Errorf("--workers: %q %s", name, why)
		}
		if hasIP {
			if parsed := net.ParseIP(ip); parsed == nil || parsed.IsUnspecified() {
				return nil, fmt.Errorf("--workers: %s=%q: give the worker's IP address, e.g. %s=10.0.2.8", name, ip, name)
			}
		}
		if workers[strings.ToLower(name)] {
			return nil, fmt.Errorf("--workers: %s is given twice", name)
		}
		workers[strings.ToLower(name)] = true
		p.Workers = append(p.Workers, Machine{Name: name, IP: ip})
	}
	if len(p.Workers) == 0 && p.Change != ChangeMaster {
		return nil, fmt.Errorf("--workers NAME[=IP],...: a %s change needs at least one Scale Out Worker", p.Change)
	}
	p.ValidYears = in.ValidYears
	if p.ValidYears == 0 {
		p.ValidYears = 2
	}
	if p.ValidYears < 1 || p.ValidYears > 20 {
		return nil, fmt.Errorf("--valid-years %d: use 1..20", in.ValidYears)
	}
	p.BinnDir = in.BinnDir
	if p.BinnDir == "" {
		p.BinnDir = `C:\Program Files\Microsoft SQL Server\` + p.SQLVersion + `\DTS\Binn`
	}
	if err := printable("--binn", p.BinnDir); err != nil {
		return nil, err
	}
	p.WorkerAccount = in.WorkerAccount
	if p.WorkerAccount == "" {
		p.WorkerAccount = `NT Service\` + p.WorkerService()
	}
	if err := printable("--worker-account", p.WorkerAccount); err != nil {
		return nil, err
	}
	return p, nil
}

// printable refuses control characters: a path or account name never has
// them, and a newline in one would make the script hard to review.
func printable(flag, v string) error {
	for _, r := range v {
		// U+2028 and U+2029 end a line for some editors and parsers.
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == 0x2028 || r == 0x2029 {
			return fmt.Errorf("%s %q: contains a control character", flag, v)
		}
	}
	return nil
}

// MasterService and WorkerService are the Windows service names.
func (p *Plan) MasterService() string { return "SSISScaleOutMaster" + p.SQLVersion }

// WorkerService is the Scale Out Worker service's name.
func (p *Plan) WorkerService() string { return "SSISScaleOutWorker" + p.SQLVersion }

// MasterCerFile is the file the master's script writes and every worker's
// script reads: the operator copies it from the master to each worker.
const MasterCerFile = "SSISScaleOutMaster.cer"

// WorkerCerFile is the file a worker's script writes and the master's
// script reads.
func WorkerCerFile(worker string) string { return "SSISScaleOutWorker-" + worker + ".cer" }

// ScriptFile is the script's file name for a machine and role.
func ScriptFile(role, machine string) string { return "scaleout-" + role + "-" + machine + ".ps1" }
