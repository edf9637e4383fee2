package ui

import (
	"strings"

	"charm.land/bubbletea/v2"

	"github.com/mirrorcert/mirrorcert/steps/checks"
)

// CheckProfile describes a Verifier's checks when they are not
// mirroring's verify (SSIS Scale Out's cross-machine check): what the
// status line says while they run, when they find nothing and once every
// step is done; the hint for a finding fixed by hand; whether S applies;
// and whether the checks run by themselves once every step is done.
// The zero value is mirroring's.
type CheckProfile struct {
	Running, Healthy, Next string
	// Found ends the note that counts the findings: how to act on them.
	Found string
	// ManualHint follows a finding's fix when the fix is done by hand.
	ManualHint string
	// NoSession: there is no session to start, S is never offered.
	NoSession bool
	// Auto runs the checks (as v does) when the last step becomes done,
	// and at start when every step already is (a resumed procedure).
	Auto bool
}

func orDefault(s, def string) string {
	if s != "" {
		return s
	}
	return def
}

// checkNext is the status line's hint once every step is done.
func (m *Model) checkNext() string {
	return orDefault(m.opts.Checks.Next, "v verifies every host against every other, S starts the session")
}

// checkManualHint is the hint after a finding's manual fix; ok is false
// when the profile has none (the step's own hint applies).
func (m *Model) checkManualHint(id string) (string, bool) {
	h := m.opts.Checks.ManualHint
	return h, h != "" && strings.HasPrefix(id, checks.IDPrefix)
}

// autoCheck starts the checks once when every step has become done, if
// the profile asks for it; a step undone again re-arms it.
func (m *Model) autoCheck() tea.Cmd {
	if !m.opts.Checks.Auto || m.verifier() == nil {
		return nil
	}
	if !baseComplete(&m.snap.Checklist) {
		m.session.autoChecked = false
		return nil
	}
	if m.session.autoChecked || m.verifying || len(m.refreshing) > 0 {
		return nil
	}
	m.session.autoChecked = true
	return m.verify()
}
