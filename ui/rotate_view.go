package ui

import (
	"fmt"
	"strings"

	"charm.land/lipgloss/v2"

	"github.com/mirrorcert/mirrorcert/steps"
	"github.com/mirrorcert/mirrorcert/steps/rotate"
	"github.com/mirrorcert/mirrorcert/ui/checklist"
)

// Dialogs of the rotation, numbered apart from app_keys.go's so that both
// lists grow without touching each other.
const (
	dlgRotateDate dialogKind = 100 + iota
	dlgRotateLive
	dlgRotateAll
)

// rotatePrefix starts every rotation step id (steps/rotate's ids).
const rotatePrefix = "rotate/"

// failoverWarning is what the operator confirms before the endpoint switch.
const failoverWarning = "This step touches a live endpoint: its mirroring connections drop and reconnect, and a principal can be failed over. y shows the failover warning and asks you to confirm first."

// isRotationRef reports whether ref is a step of the rotation on screen.
func (m *Model) isRotationRef(ref steps.Ref) bool {
	_, ok := m.rotationStep(ref)
	return ok && strings.HasPrefix(ref.ID, rotatePrefix)
}

// rotationItem shows a rotation step as a checklist item: the same rows and
// detail pane as configuring.
func (m *Model) rotationItem(s rotate.Step) steps.Item {
	it := steps.Item{Ref: steps.Ref{Host: s.Host, ID: s.ID}, Title: s.Title, Detail: s.Detail, Statements: s.Statements}
	switch s.Status {
	case rotate.Done:
		it.Status = steps.Done
	case rotate.Pending:
		it.Status = steps.Pending
	case rotate.Conflict:
		it.Status = steps.Conflict
		it.Conflict = &steps.ConflictInfo{What: s.Detail, Fix: "resolve it on the server, then press r; rotation never changes it by itself"}
		it.Statements = nil
	default: // blocked, waiting: nothing to run now
		it.Status = steps.Blocked
	}
	if s.Live && s.Status != rotate.Done {
		it.Warnings = []string{failoverWarning}
	}
	if o, ok := m.outcomes[it.Ref]; ok && o.err != nil && it.Status == steps.Pending {
		it.Status = steps.Failed
	}
	it, _ = cleanItem(it)
	return it
}

// rotationRows are host's rotation steps, under their own heading.
func (m *Model) rotationRows(host string) []checklist.Row {
	if m.rot == nil || !m.rot.built {
		return nil
	}
	section := "Rotation of " + m.rot.host + "'s certificate"
	var rows []checklist.Row
	for _, s := range m.rot.view.Seq.Steps {
		if s.Host != host {
			continue
		}
		it := m.rotationItem(s)
		note := ""
		switch s.Status {
		case rotate.Waiting:
			note = "waiting: " + s.Detail
		case rotate.Blocked:
			note = "waits for the steps before it"
		case rotate.Conflict:
			note = "conflict: " + s.Detail
		}
		if it.Status == steps.Failed {
			note = "failed: " + shortError(m.outcomes[it.Ref].err)
		}
		running := m.rot.running != nil && *m.rot.running == it.Ref
		rows = append(rows, checklist.Row{Item: it, Section: section, Note: cleanNote(note), Running: running,
			WrapNote: s.Status == rotate.Conflict || it.Status == steps.Failed})
	}
	return rows
}

func cleanNote(s string) string {
	it, _ := cleanItem(steps.Item{Detail: s})
	return it.Detail
}

// selectRotationNext puts the selection on the rotation's first step to run
// (or its first step).
func (m *Model) selectRotationNext() {
	q := m.rot.view.Seq
	if len(q.Steps) == 0 {
		return
	}
	target := q.Steps[0]
	if next := q.Next(); len(next) > 0 {
		target = next[0]
	}
	m.syncRows()
	m.selectRef(steps.Ref{Host: target.Host, ID: target.ID})
}

// rotRunning reports whether ref is the rotation step in flight.
func (m *Model) rotRunning(ref steps.Ref) bool {
	return m.rot != nil && m.rot.running != nil && *m.rot.running == ref
}

// rotCanRun reports whether A has rotation steps to run.
func (m *Model) rotCanRun() bool {
	return m.rot != nil && m.rot.built && !m.rot.auto && m.rot.running == nil && len(m.rot.view.Seq.Next()) > 0
}

// rotationLines is the rotation's state above the checklist: what it
// replaces, and the sessions' state, live while it waits.
func (m *Model) rotationLines(w int) []string {
	rot := m.rot
	if rot == nil {
		return nil
	}
	if !rot.built {
		// Why it cannot be derived (a host not read, no certificate
		// endpoint): the status line may be showing something else.
		if rot.note == "" {
			return nil
		}
		wrapped := lipgloss.NewStyle().Width(max(10, w-2)).Render(cleanNote(rot.note))
		var out []string
		for _, l := range strings.Split(wrapped, "\n") {
			out = append(out, " "+m.noteStyle(rot.noteIsErr).Render(l))
		}
		return out
	}
	st := m.st
	q := rot.view.Seq
	done := 0
	for _, s := range q.Steps {
		if s.Status == rotate.Done {
			done++
		}
	}
	head := fmt.Sprintf("Rotation of %s: %s to %s, %d/%d steps done", rot.host, orNone(q.OldName), q.NewName, done, len(q.Steps))
	if q.Complete() {
		head = fmt.Sprintf("%s rotated: %s on every host, the old certificate gone", rot.host, q.NewName)
	} else if q.Waiting() {
		head += st.Glyphs.Sep + "waiting for the reconnect" + st.Glyphs.Ellipsis
	}
	style := st.Subtle
	if q.Complete() {
		style = st.Complete
	}
	wrap := lipgloss.NewStyle().Width(max(10, w-2))
	sess, sessStyle := m.sessionState()
	var out []string
	for _, p := range []struct {
		text  string
		style lipgloss.Style
	}{{cleanNote(head), style}, {sess, sessStyle}, {cleanNote(rot.note), m.noteStyle(rot.noteIsErr)}} {
		if p.text == "" {
			continue
		}
		for _, l := range strings.Split(wrap.Render(p.text), "\n") {
			out = append(out, " "+p.style.Render(l))
		}
	}
	return out
}

// sessionState is every mirrored database's state on the hosts that show
// one: SYNCHRONIZED or not, as the rotation last read it.
func (m *Model) sessionState() (string, lipgloss.Style) {
	st := m.st
	var parts []string
	synced := true
	for _, h := range m.hostOrder() {
		l := m.rot.view.Live[h]
		if l == nil || !l.Read {
			continue
		}
		for _, s := range l.Sessions {
			parts = append(parts, fmt.Sprintf("%s on %s: %s", s.Database, h, s.State))
			synced = synced && strings.EqualFold(s.State, "SYNCHRONIZED")
		}
	}
	if len(parts) == 0 {
		return "Session: none running", st.Subtle
	}
	text := cleanNote("Session: " + strings.Join(parts, ", "))
	if synced {
		return text, st.OK
	}
	return text, st.Warn
}

func orNone(s string) string {
	if s == "" {
		return "(already switched)"
	}
	return s
}

func (m *Model) noteStyle(isErr bool) lipgloss.Style {
	if isErr {
		return m.st.Error
	}
	return m.st.OK
}
