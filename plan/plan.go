// Package plan holds the operator's intent: which hosts take part, how to reach
// them, and how the endpoint and certificates should be named and configured.
// It is loaded from YAML (Load), built by the TUI form, and validated before
// anything else sees it.
package plan

import (
	"time"
)

// Modes of a plan.
const (
	ModeMirroring = "mirroring" // two partners and at most one witness
	ModeAG        = "ag"        // availability-group replicas: 2..9 hosts
)

// Roles of a host.
const (
	RolePartner = "partner"
	RoleWitness = "witness"
	RoleReplica = "replica" // mode: ag
)

// Transfer modes for handing each host's public certificate to its peers.
const (
	TransferInband = "inband" // CERTENCODED on the source, CREATE ... FROM BINARY on the target
	TransferFile   = "file"   // BACKUP CERTIFICATE TO FILE, manual copy, CREATE ... FROM FILE
)

// Encrypt settings, as sqlcmd -N takes them.
const (
	EncryptDisable   = "disable"
	EncryptOptional  = "optional"
	EncryptMandatory = "mandatory"
	EncryptStrict    = "strict"
)

// Plan is a validated plan. Field values are already defaulted.
type Plan struct {
	// Path is the file the plan came from ("" when built in memory).
	Path        string
	Mode        string // ModeMirroring (default) or ModeAG
	Hosts       []Host
	Auth        Auth // defaults for every host; Host.Auth overrides
	Endpoint    Endpoint
	Certificate Certificate
	Transfer    string // TransferInband (default) or TransferFile
	// Warnings are non-fatal findings of validation (e.g. expiry under a year).
	Warnings []string
}

// Host is one SQL Server instance taking part.
type Host struct {
	Name   string // used in object names: HOST_A -> HOST_A_cert, HOST_A_login, HOST_A_user
	Server string // sqlcmd -S form: host[\instance][,port]
	Role   string // partner | witness | replica
	// EndpointRole is the ROLE of this host's endpoint: ALL, PARTNER or WITNESS.
	// Defaults to WITNESS for a witness and ALL otherwise.
	EndpointRole string
	// Auth is the effective connection settings for this host (plan default
	// merged with the host's own auth block).
	Auth Auth
	// Address is what peers use to reach this host's endpoint (TCP://addr:port);
	// defaults to the host part of Server. Informational only.
	Address string
}

// Auth is how mirrorcert connects to a host. Passwords are never here.
type Auth struct {
	User                   string // SQL login; empty with Integrated
	Integrated             bool   // -E
	Encrypt                string // disable | optional | mandatory | strict
	TrustServerCertificate bool   // -C
	HostNameInCertificate  string // -F
	LoginTimeoutSeconds    int    // -l; 0 means the driver default
	// CACertificate is a PEM file to trust for TLS (strict mode against the sim, or a private CA).
	CACertificate string
}

// Endpoint is the DATABASE_MIRRORING endpoint every host should have.
type Endpoint struct {
	Name       string // default Endpoint_Mirroring
	Port       int    // default 7024
	Encryption string // AES (default), RC4, "AES RC4", "RC4 AES"; the plan accepts RC4, steps flags it as a conflict
}

// Certificate holds the certificate options.
type Certificate struct {
	Expiry time.Time // UTC date; required
	// StartDate, when zero, is left to the engine: the statement back-dates
	// START_DATE by one day from the "now" passed to steps.
	StartDate time.Time
	// Subject is a template; "{host}" is replaced by the host name.
	// Default: "{host} certificate for database mirroring".
	Subject string
	// FileDir is where BACKUP CERTIFICATE writes and FROM FILE reads in file
	// mode, as the server sees it. Default `C:\`.
	FileDir string
}

// Object names. These are the only place the naming convention lives.

// CertName is the name of host h's own certificate (on h and on every peer).
func (p *Plan) CertName(h string) string { return h + "_cert" }

// LoginName is the login on a peer that stands for host h.
func (p *Plan) LoginName(h string) string { return h + "_login" }

// UserName is the master user on a peer that stands for host h.
func (p *Plan) UserName(h string) string { return h + "_user" }

// CertFile is the path (as the server sees it) of host h's public certificate file.
func (p *Plan) CertFile(h string) string {
	dir := p.Certificate.FileDir
	if dir == "" {
		dir = `C:\`
	}
	if dir[len(dir)-1] != '\\' && dir[len(dir)-1] != '/' {
		dir += `\`
	}
	return dir + h + "_cert.cer"
}

// Host returns the host with the given name, or nil.
func (p *Plan) Host(name string) *Host {
	for i := range p.Hosts {
		if p.Hosts[i].Name == name {
			return &p.Hosts[i]
		}
	}
	return nil
}

// Peers returns the names of every host except h, in plan order.
func (p *Plan) Peers(h string) []string {
	var out []string
	for _, x := range p.Hosts {
		if x.Name != h {
			out = append(out, x.Name)
		}
	}
	return out
}
