// Package ui is mirrorcert's guided terminal interface: a Bubble Tea v2 program
// that shows every host's checklist, the exact T-SQL of the selected step, and
// runs steps when the operator confirms. It never talks to a server itself:
// all server work goes through a Backend inside tea.Cmds, and results come back
// as messages carrying host and run identity.
package ui

import (
	"context"
	"fmt"
	"time"

	"github.com/mirrorcert/mirrorcert/steps"
)

// HostInfo is the connection status of one host as the header shows it.
type HostInfo struct {
	Name      string
	Server    string
	Role      string
	Connected bool
	// Err is the last connection or read error, "" when the host is fine.
	Err     string
	Version string // product version, e.g. 16.0.4135.4
	// TLSUntrusted says Err is a failure to validate the server's TLS
	// certificate: the TUI then offers to trust it and reconnect.
	TLSUntrusted bool
}

// Snapshot is everything the UI displays about the servers, taken at one
// moment. Seq grows with every snapshot a Backend hands out, so the UI can
// drop a snapshot that is older than the one it already shows (tea.Cmd results
// arrive in any order).
type Snapshot struct {
	Seq       uint64
	Hosts     []HostInfo
	Checklist steps.Checklist
	// States is what was read from each host (nil when not read); the
	// header's certificate expiry and the rotation are derived from it.
	// Read-only: the backend may share it.
	States map[string]*steps.State
	// Taken is when the snapshot was taken: the UI's clock, so that View
	// reads none.
	Taken time.Time
}

// RunOptions carry what the operator supplied for one run. They live only in
// the Cmd that runs the step and are never logged.
type RunOptions struct {
	// MasterKeyPassword is the operator's password for a master-key step;
	// empty means "generate one".
	MasterKeyPassword string
}

// Result is the outcome of a successful run.
type Result struct {
	Statements int
	Messages   []string // informational messages the server sent
	Duration   time.Duration
	// GeneratedMasterKeyPassword is set when the step created a master key
	// with a generated password. The UI shows it once and then forgets it.
	GeneratedMasterKeyPassword string
}

// StepError is a server error raised by a step, in the terms the detail pane
// shows. Backends convert their own error types into it.
type StepError struct {
	Host     string
	Step     string
	Number   int32
	Severity uint8
	State    uint8
	Line     int32
	Message  string
}

func (e *StepError) Error() string {
	return fmt.Sprintf("%s: %s: Msg %d, Level %d, State %d, Line %d: %s",
		e.Host, e.Step, e.Number, e.Severity, e.State, e.Line, e.Message)
}

// Backend is what the UI needs from the live session. Every method may block
// on the network, so the UI calls them only from tea.Cmds; implementations
// must be safe for concurrent use (one Cmd per host may run at once).
type Backend interface {
	// Snapshot returns the current hosts and checklist without I/O.
	Snapshot() Snapshot
	// RefreshAll (re)connects where needed and reads every host's state.
	// Per-host failures show up in Snapshot().Hosts[i].Err.
	RefreshAll(ctx context.Context)
	// Refresh reads one host's state again, reconnecting if needed.
	Refresh(ctx context.Context, host string) error
	// Run executes a pending item's statements. Cancelling ctx cancels the
	// statement on the server.
	Run(ctx context.Context, ref steps.Ref, opts RunOptions) (Result, error)
	// RunRemedy executes a conflict's destructive remedy; confirm is the
	// object name the operator typed.
	RunRemedy(ctx context.Context, ref steps.Ref, confirm string) (Result, error)
	// ConfirmManual records that the operator did a manual step (a file
	// copy) and reads the affected host again.
	ConfirmManual(ctx context.Context, ref steps.Ref) error
}

// TrustChanger is a Backend that can, for this session, trust the servers'
// TLS certificates without validation (the plan's trust_server_certificate,
// sqlcmd -C) and reconnect, so a TLS trust failure is fixed in place rather
// than by restarting. The next RefreshAll reconnects.
type TrustChanger interface {
	TrustServerCertificates(ctx context.Context) error
}
