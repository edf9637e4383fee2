package session

import (
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/mirrorcert/mirrorcert/plan"
	"github.com/mirrorcert/mirrorcert/steps"
)

// Options configure a Session.
type Options struct {
	// Plan is the validated plan; connection flags are already merged into each
	// host's Auth by the caller.
	Plan *plan.Plan
	// Passwords returns the connection password for a host (not called for
	// integrated authentication). Nil means PasswordFromEnv without a prompt.
	Passwords func(host string) (string, error)
	// MasterKeyPassword returns the master key password for a host, and whether
	// it was generated (so the operator must be shown it once). Nil means
	// MIRRORCERT_MASTER_KEY_PASSWORD_<HOST>, else a generated one.
	MasterKeyPassword func(host string) (pw string, generated bool, err error)
	// TranscriptDir receives transcript.jsonl and executed-HOST.sql. Empty
	// means DefaultTranscriptDir(Now()).
	TranscriptDir string
	// Logger receives diagnostics, redacted. Nil discards them.
	Logger *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Rand is the randomness for generated passwords; nil means crypto/rand.
	Rand io.Reader
	// AllowCleartextSecrets lets a step that carries a secret (a master key
	// or login password) run on a connection that is not encrypted. Off by
	// default: such steps are refused before anything is sent.
	AllowCleartextSecrets bool
}

// HostStatus is one host's connection status.
type HostStatus struct {
	Name      string
	Server    string
	Role      string
	Connected bool
	Err       error  // last connection or read error; nil when fine
	Version   string // ProductVersion once read
	// Encrypted is true when everything after the login travels encrypted
	// (not so for encrypt=optional against a server that does not require
	// it, where only the login packet is).
	Encrypted bool
}

// RunResult is what running one item produced.
type RunResult struct {
	steps.Ref
	// Statements are the statements as run, with every secret masked.
	Statements []string
	// Messages are the informational messages the server sent (PRINT etc.).
	Messages []string
	Duration time.Duration
	// GeneratedMasterKeyPassword is set once, on the run that created a master
	// key with a generated password. The caller shows or stores it once.
	GeneratedMasterKeyPassword string
	// MasterKeyPasswordUncertain is set with GeneratedMasterKeyPassword when
	// the step failed because the connection was lost after the statement
	// was sent and the state could not show it done: the key may exist with
	// this password. Show or store it all the same, labelled "may have been
	// created: check".
	MasterKeyPasswordUncertain bool
}

// Event reports Apply's progress for one item.
type Event struct {
	steps.Ref
	Phase    string // start | done | failed | skipped
	Err      error
	Duration time.Duration
	// Result is set for done events, and for a failed master-key step
	// whose password may be in use (RunResult.MasterKeyPasswordUncertain).
	Result *RunResult
}

// Event phases.
const (
	PhaseStart   = "start"
	PhaseDone    = "done"
	PhaseFailed  = "failed"
	PhaseSkipped = "skipped"
)

// SQLError is an error a server raised while running a step.
type SQLError struct {
	Host     string
	Step     string // item id
	Number   int32
	Severity uint8
	State    uint8
	Line     int32 // line within the step's statements (1-based)
	Message  string
	err      error // the driver's error, for errors.As
}

func (e *SQLError) Error() string {
	step := e.Step
	if step == "" {
		step = "state read"
	}
	return fmt.Sprintf("%s: %s: Msg %d, Level %d, State %d, Line %d: %s",
		e.Host, step, e.Number, e.Severity, e.State, e.Line, e.Message)
}

// Unwrap returns the driver's error (an mssql.Error).
func (e *SQLError) Unwrap() error { return e.err }

// Stats count the work the session sent, for benchmarks and diagnostics.
type Stats struct {
	// RoundTrips is the number of batches sent, over all hosts.
	RoundTrips int64
	// Logins is the number of connections opened.
	Logins int64
	// PerHost is RoundTrips per host.
	PerHost map[string]int64
	// ChecklistBuilds is how many times the checklist was built (once per
	// state change at most).
	ChecklistBuilds int64
}
