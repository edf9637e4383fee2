package session

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"
)

// DefaultTranscriptDir is where a run's transcript goes when none is given:
// $XDG_STATE_HOME/mirrorcert/<UTC timestamp> (else ~/.local/state/...) on
// Unix, %LOCALAPPDATA%\mirrorcert\<timestamp> on Windows.
func DefaultTranscriptDir(now time.Time) string {
	stamp := now.UTC().Format("20060102T150405Z")
	if runtime.GOOS == "windows" {
		if d := os.Getenv("LOCALAPPDATA"); d != "" {
			return filepath.Join(d, "mirrorcert", stamp)
		}
	}
	if d := os.Getenv("XDG_STATE_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "mirrorcert", stamp)
	}
	if home, err := os.UserHomeDir(); err == nil {
		return filepath.Join(home, ".local", "state", "mirrorcert", stamp)
	}
	return filepath.Join(os.TempDir(), "mirrorcert", stamp)
}

// Record is one line of transcript.jsonl: one statement sent to a host.
type Record struct {
	Time time.Time `json:"time"`
	Host string    `json:"host"`
	Step string    `json:"step"`
	Text string    `json:"text"` // secrets masked
	// DurationMS is the round trip of the batch the statement went in. Items
	// sent together share one round trip, so their statements share it;
	// BatchItems says how many items that was.
	DurationMS float64  `json:"duration_ms"`
	BatchItems int      `json:"batch_items"`
	Result     string   `json:"result"` // ok | error | not-run (the server stopped the batch before it)
	Error      string   `json:"error,omitempty"`
	Messages   []string `json:"messages,omitempty"`
}

// transcript appends records to DIR/transcript.jsonl and the statements to
// DIR/executed-HOST.sql. Files are created 0600 in a 0700 directory on first
// use, and only ever appended to.
type transcript struct {
	dir   string
	red   *Redactor
	mu    sync.Mutex
	jsonl *os.File
	sql   map[string]*os.File
	err   error
}

func newTranscript(dir string, red *Redactor) *transcript {
	return &transcript{dir: dir, red: red, sql: map[string]*os.File{}}
}

func openAppend(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
}

// Write appends r (masked again, in case) to both files.
func (t *transcript) Write(r Record) error { return t.WriteAll([]Record{r}) }

// WriteAll appends the records of one batch (masked again, in case) to both
// files, with one write per file: an apply on 9 replicas records about 300
// statements, and two writes each were a tenth of its client CPU.
func (t *transcript) WriteAll(recs []Record) error {
	if len(recs) == 0 {
		return nil
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if err := t.openJSONLLocked(); err != nil {
		return err
	}
	var lines []byte
	sqls := map[string]*bytes.Buffer{}
	var hosts []string // in order of first appearance
	for _, r := range recs {
		r.Text = t.red.Redact(r.Text)
		r.Error = t.red.Redact(r.Error)
		msgs := make([]string, len(r.Messages))
		for i, m := range r.Messages {
			msgs[i] = t.red.Redact(m)
		}
		r.Messages = msgs
		line, err := json.Marshal(r)
		if err != nil {
			return fmt.Errorf("transcript: %w", err)
		}
		lines = append(append(lines, line...), '\n')
		b := sqls[r.Host]
		if b == nil {
			b = &bytes.Buffer{}
			sqls[r.Host] = b
			hosts = append(hosts, r.Host)
		}
		status := "ok"
		if r.Result != "ok" {
			status = "error: " + r.Error
		}
		fmt.Fprintf(b, "-- %s %s %s (%s)\n%s\nGO\n\n", r.Time.UTC().Format(time.RFC3339), r.Host, r.Step, oneLine(status), r.Text)
	}
	if _, err := t.jsonl.Write(lines); err != nil {
		return fmt.Errorf("transcript: %w", err)
	}
	for _, h := range hosts {
		f, err := t.openSQLLocked(h)
		if err != nil {
			return err
		}
		if _, err := f.Write(sqls[h].Bytes()); err != nil {
			return fmt.Errorf("transcript: %w", err)
		}
	}
	return nil
}

// Prepare creates the directory and the files a batch for host will be
// recorded in, so that a caller can do it while the batch is on the wire:
// creating a file can cost as much as a round trip (0.8 ms each on the
// project's machines), and apply creates one per host. Errors are kept
// for the write, which reports them.
func (t *transcript) Prepare(host string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.openJSONLLocked() == nil {
		_, _ = t.openSQLLocked(host)
	}
}

func (t *transcript) openJSONLLocked() error {
	if t.err != nil {
		return t.err
	}
	if t.jsonl != nil {
		return nil
	}
	if err := os.MkdirAll(t.dir, 0o700); err != nil {
		t.err = fmt.Errorf("transcript: %w", err)
		return t.err
	}
	f, err := openAppend(filepath.Join(t.dir, "transcript.jsonl"))
	if err != nil {
		t.err = fmt.Errorf("transcript: %w", err)
		return t.err
	}
	t.jsonl = f
	return nil
}

func (t *transcript) openSQLLocked(host string) (*os.File, error) {
	if f := t.sql[host]; f != nil {
		return f, nil
	}
	f, err := openAppend(filepath.Join(t.dir, "executed-"+safeFileName(host)+".sql"))
	if err != nil {
		return nil, fmt.Errorf("transcript: %w", err)
	}
	t.sql[host] = f
	if fi, err := f.Stat(); err == nil && fi.Size() == 0 {
		fmt.Fprintf(f, "-- Statements mirrorcert ran on %s, in order, with their results.\n-- Secrets appear only as $(VAR) placeholders; nothing here is a password.\nUSE master;\nGO\n\n", oneLine(host))
	}
	return f, nil
}

// Close closes the files.
func (t *transcript) Close() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	var first error
	if t.jsonl != nil {
		first = t.jsonl.Close()
		t.jsonl = nil
	}
	for h, f := range t.sql {
		if err := f.Close(); err != nil && first == nil {
			first = err
		}
		delete(t.sql, h)
	}
	return first
}

// safeFileName keeps letters, digits, - and _ so a host name cannot steer
// the file outside the directory.
func safeFileName(s string) string {
	b := []byte(s)
	for i, c := range b {
		ok := c == '-' || c == '_' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
		if !ok {
			b[i] = '_'
		}
	}
	return string(b)
}

func oneLine(s string) string {
	out := []rune{}
	for _, r := range s {
		if r == '\n' || r == '\r' {
			r = ' '
		}
		out = append(out, r)
	}
	return string(out)
}
