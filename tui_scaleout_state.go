package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/mirrorcert/mirrorcert/scaleout"
	"github.com/mirrorcert/mirrorcert/session"
	"github.com/mirrorcert/mirrorcert/ui/styles"
)

// scaleoutStateVersion is the state file's format.
const scaleoutStateVersion = 1

// scaleoutState is what the Scale Out TUI keeps between runs: which steps
// were confirmed done (or ran here), for which procedure. It holds names,
// step ids and times only: never a secret.
type scaleoutState struct {
	Version   int                 `json:"version"`
	Procedure string              `json:"procedure"` // scaleoutProcedure: the state of another procedure is not this one's
	Steps     []scaleoutStateStep `json:"steps"`
}

type scaleoutStateStep struct {
	ID  string    `json:"id"`
	How string    `json:"how"` // confirmed | ran
	At  time.Time `json:"at"`
}

// scaleoutProcedure names a procedure by what decides its steps.
func scaleoutProcedure(p *scaleout.Plan) string {
	var ws []string
	for _, w := range p.Workers {
		ws = append(ws, strings.ToUpper(w.Name)+"="+w.IP)
	}
	return fmt.Sprintf("master=%s port=%d change=%s sql=%s workers=%s",
		strings.ToUpper(strings.Join(p.MasterNames, ",")), p.Port, p.Change, p.SQLVersion, strings.Join(ws, ","))
}

// defaultScaleoutStatePath is the procedure's file under the user's state
// directory (where transcripts go): one file per procedure, so two
// procedures never mix their confirmations.
func defaultScaleoutStatePath(p *scaleout.Plan) string {
	sum := sha256.Sum256([]byte(scaleoutProcedure(p)))
	base := filepath.Dir(session.DefaultTranscriptDir(time.Now()))
	return filepath.Join(base, "scaleout", "scaleout-"+hex.EncodeToString(sum[:8])+".json")
}

// loadScaleoutState reads the steps done so far; a missing file is a new
// procedure. Steps the procedure no longer has are dropped.
func loadScaleoutState(path string, p *scaleout.Plan) (map[string]scaleoutStateStep, error) {
	out := map[string]scaleoutStateStep{}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return out, nil
	}
	if err != nil {
		return nil, err
	}
	var st scaleoutState
	if err := json.Unmarshal(data, &st); err != nil {
		return nil, fmt.Errorf("%s is not a mirrorcert Scale Out state file: %w (delete it to start over, or give --state another file)", path, err)
	}
	if st.Version != scaleoutStateVersion {
		return nil, fmt.Errorf("%s has format version %d, this mirrorcert reads %d (delete it to start over, or give --state another file)", path, st.Version, scaleoutStateVersion)
	}
	if want := scaleoutProcedure(p); st.Procedure != want {
		return nil, fmt.Errorf("%s keeps another procedure (%s), not this one (%s): give --state another file", path, st.Procedure, want)
	}
	ids := map[string]bool{}
	for _, s := range p.Scripts() {
		for _, step := range s.Steps {
			ids[step.ID] = true
		}
	}
	for _, s := range st.Steps {
		if ids[s.ID] {
			out[s.ID] = s
		}
	}
	return out, nil
}

// saveScaleoutState writes the steps done, atomically (a new file renamed
// over the old, so a crash leaves the old or the new, never half), 0600 in
// a 0700 folder.
func saveScaleoutState(path string, p *scaleout.Plan, done map[string]scaleoutStateStep) error {
	st := scaleoutState{Version: scaleoutStateVersion, Procedure: scaleoutProcedure(p), Steps: []scaleoutStateStep{}}
	for _, s := range done {
		st.Steps = append(st.Steps, s)
	}
	sort.Slice(st.Steps, func(i, j int) bool { return st.Steps[i].ID < st.Steps[j].ID })
	data, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return err
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, ".scaleout-state-*") // created 0600
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // gone once renamed; cleans up after a failure
	if err := tmp.Chmod(0o600); err != nil && !errors.Is(err, errors.ErrUnsupported) {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(append(data, '\n')); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// restore marks the kept steps done (before the TUI starts).
func (b *scaleoutBackend) restore(path string, kept map[string]scaleoutStateStep) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.statePath, b.kept = path, kept
	for id := range kept {
		b.done[id] = true
	}
}

// keep records a step done in the state file; mu must be held. On failure
// the file and kept stay as they were.
func (b *scaleoutBackend) keep(id, how string) error {
	if b.statePath == "" {
		return nil
	}
	next := make(map[string]scaleoutStateStep, len(b.kept)+1)
	for k, v := range b.kept {
		next[k] = v
	}
	next[id] = scaleoutStateStep{ID: id, How: how, At: time.Now().UTC().Truncate(time.Second)}
	if err := saveScaleoutState(b.statePath, b.plan, next); err != nil {
		return fmt.Errorf("write %s: %w", b.statePath, err)
	}
	b.kept = next
	return nil
}

// scaleoutStateNote is the TUI's first status line: where the steps done
// are kept, and whether this start resumed.
func scaleoutStateNote(path string, n int) string {
	if n == 0 {
		return "Steps confirmed or run are kept in " + path + ": quit at any time, start again to resume"
	}
	return fmt.Sprintf("Resumed: %d step%s done, kept in %s", n, styles.Plural(n), path)
}
