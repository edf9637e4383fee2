// Package checks holds the cross-host checks behind `mirrorcert verify` and
// the diagnosis after a failed `start`: from the State of every host, the
// error-log lines read there and the reachability probes, it finds every
// reason the hosts cannot talk to each other, with what was read as evidence
// and the T-SQL that fixes it. It is pure like steps: no I/O, no clock (time
// is passed in), and it imports neither session, ui nor sim.
package checks

import (
	"slices"
	"strings"
	"time"

	"github.com/mirrorcert/mirrorcert/plan"
	"github.com/mirrorcert/mirrorcert/steps"
	"github.com/mirrorcert/mirrorcert/steps/tsql"
)

// Severity of a finding. These strings are part of the verify --json contract.
type Severity string

// Severities: an error stops mirroring from working; a warning will (an
// expiring certificate) or might (a stale log line) matter.
const (
	Error   Severity = "error"
	Warning Severity = "warning"
)

// Finding codes (DESIGN.md). Stable: scripts match on them.
const (
	CodeCertExpired            = "cert-expired"
	CodeCertExpiring           = "cert-expiring"
	CodeCertNotYetValid        = "cert-not-yet-valid"
	CodeCertNoPrivateKey       = "cert-no-private-key"
	CodePeerCertMissing        = "peer-cert-missing"
	CodePeerCertMismatch       = "peer-cert-mismatch"
	CodePeerUserMissing        = "peer-user-missing"
	CodePeerLoginMissing       = "peer-login-missing"
	CodeConnectMissing         = "connect-missing"
	CodeEndpointMissing        = "endpoint-missing"
	CodeEndpointStopped        = "endpoint-stopped"
	CodeEndpointNotCertificate = "endpoint-not-certificate"
	CodeEndpointWrongCert      = "endpoint-wrong-certificate"
	CodeEndpointRole           = "endpoint-role"
	CodeEncryptionIncompatible = "encryption-incompatible"
	CodeEndpointUnreachable    = "endpoint-unreachable"
	CodeHandshakeFailed        = "handshake-failed"
	CodePermissionInsufficient = "permission-insufficient"
)

// DefaultWarnWithin is how close to its expiry a certificate is reported as
// expiring: long enough to schedule a rotation in a change window.
const DefaultWarnWithin = 30 * 24 * time.Hour

// Finding is one problem on one host.
type Finding struct {
	Code     string
	Host     string // where the problem is (and where the fix runs)
	Peer     string // the other host involved; "" when about Host alone
	Severity Severity
	Message  string
	// Evidence quotes what was read: catalog rows, error-log lines.
	Evidence []string
	// Fix is the T-SQL that resolves it, run on Host in order. Empty when
	// the fix is not T-SQL (a firewall, a rotation): FixNote says what.
	Fix     []tsql.Statement
	FixNote string
}

// LogLine is one error-log line read on a host.
type LogLine struct {
	Time time.Time // UTC (the session converts from server time)
	Text string
	// Count is how many identical lines this stands for (retries repeat).
	Count int
}

// Reach is the outcome of a TCP connection from mirrorcert's machine to a
// host's endpoint.
type Reach struct {
	Address string
	Port    int
	Err     string // "" when the port answered
}

// Perms is what the login mirrorcert uses may see on a host.
type Perms struct {
	Known             bool // false when not read
	Login             string
	Sysadmin          bool
	ViewAnyDefinition bool
	ViewServerState   bool
	CanReadLog        bool
}

// Host is everything read on one host.
type Host struct {
	State *steps.State // nil: not read (not connected)
	Perms Perms
	// Log holds the handshake and mirroring lines of the error log within
	// the window read. LogRead is false when the log was not read.
	Log     []LogLine
	LogRead bool
	// LoginChanged is sys.server_principals.modify_date (UTC) by login.
	LoginChanged map[string]time.Time
	// Changed is the last time mirrorcert itself changed something on this
	// host (zero when unknown); error-log lines before it are history.
	Changed time.Time
	// Reach is the endpoint probe; nil when not probed.
	Reach *Reach
	// Databases, Mirroring and Connections are read for start and for the
	// diagnosis; ConnectionsRead is false when the view could not be read.
	Databases       []Database
	Mirroring       []Mirror
	Connections     []Connection
	ConnectionsRead bool
}

// Database is a row of sys.databases.
type Database struct {
	Name     string
	State    string // ONLINE, RESTORING, ...
	Recovery string // FULL, BULK_LOGGED, SIMPLE
}

// Mirror is a row of sys.database_mirroring for a mirrored database.
type Mirror struct {
	Database     string
	State        string // SYNCHRONIZED, SYNCHRONIZING, DISCONNECTED, SUSPENDED, ...
	Role         string // PRINCIPAL | MIRROR
	Partner      string // TCP:// URL
	Witness      string
	WitnessState string // CONNECTED | DISCONNECTED | UNKNOWN
	Safety       string
}

// Connection is a row of sys.dm_db_mirroring_connections.
type Connection struct {
	State      string // NEW, CONNECTING, CONNECTED, LOGGED_IN, CLOSED
	LoginState string
	Accept     bool // inbound
	Principal  string
	Remote     string
	Connected  time.Time // UTC
}

// Mirror returns host's mirroring row for db, or nil.
func (h *Host) Mirror(db string) *Mirror {
	for i := range h.Mirroring {
		if sameServer(h.State, h.Mirroring[i].Database, db) {
			return &h.Mirroring[i]
		}
	}
	return nil
}

// Database returns host's sys.databases row for db, or nil.
func (h *Host) Database(db string) *Database {
	for i := range h.Databases {
		if sameServer(h.State, h.Databases[i].Name, db) {
			return &h.Databases[i]
		}
	}
	return nil
}

// Input is what Run checks.
type Input struct {
	Plan  *plan.Plan
	Hosts map[string]*Host
	Now   time.Time
	// WarnWithin is the cert-expiring window; zero means DefaultWarnWithin.
	WarnWithin time.Duration
}

// Run returns every finding, in plan host order, errors before warnings.
func Run(in Input) []Finding {
	c := &checker{in: in, now: in.Now.UTC(), warn: in.WarnWithin}
	if c.warn <= 0 {
		c.warn = DefaultWarnWithin
	}
	for _, h := range in.Plan.Hosts {
		x := c.host(h.Name)
		if x == nil || x.State == nil {
			continue
		}
		c.permissions(h, x)
		c.endpoint(h, x)
		c.certificates(h, x)
		for _, peer := range in.Plan.Peers(h.Name) {
			c.peer(h, peer, x)
		}
		c.reach(h, x)
	}
	c.encryption()
	c.logs()
	order := map[string]int{}
	for i, h := range in.Plan.Hosts {
		order[h.Name] = i
	}
	slices.SortStableFunc(c.out, func(a, b Finding) int {
		if d := order[a.Host] - order[b.Host]; d != 0 {
			return d
		}
		if a.Severity != b.Severity {
			if a.Severity == Error {
				return -1
			}
			return 1
		}
		return 0
	})
	return c.out
}

// Healthy reports whether no finding is an error.
func Healthy(fs []Finding) bool {
	for _, f := range fs {
		if f.Severity == Error {
			return false
		}
	}
	return true
}

type checker struct {
	in   Input
	now  time.Time
	warn time.Duration
	out  []Finding
}

func (c *checker) host(name string) *Host {
	if c.in.Hosts == nil {
		return nil
	}
	return c.in.Hosts[name]
}

func (c *checker) state(name string) *steps.State {
	if x := c.host(name); x != nil {
		return x.State
	}
	return nil
}

func (c *checker) add(f Finding) *Finding {
	if f.Severity == "" {
		f.Severity = Error
	}
	c.out = append(c.out, f)
	return &c.out[len(c.out)-1]
}

func day(t time.Time) string { return t.UTC().Format("2006-01-02") }

// EvidenceText is the evidence as one text, a line per item read.
func (f *Finding) EvidenceText() string { return strings.Join(f.Evidence, "\n") }

// FixText is the fix as one text: the T-SQL to run on Host, preceded by the
// note as a comment, or the note alone when the fix is not T-SQL.
func (f *Finding) FixText() string {
	if len(f.Fix) == 0 {
		return f.FixNote
	}
	var b strings.Builder
	if f.FixNote != "" {
		b.WriteString(tsql.Comment(f.FixNote) + "\n")
	}
	for i, st := range f.Fix {
		if i > 0 {
			b.WriteString("\n")
		}
		b.WriteString(st.Text)
	}
	return b.String()
}
