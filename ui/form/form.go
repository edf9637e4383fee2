package form

import (
	"errors"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbletea/v2"

	"github.com/mirrorcert/mirrorcert/plan"
	"github.com/mirrorcert/mirrorcert/ui/input"
	"github.com/mirrorcert/mirrorcert/ui/styles"
)

// State is where the form is: a small explicit state machine.
type State int

// States.
const (
	Editing State = iota
	Completed
	Aborted
)

// KeyMap is the form's keys.
type KeyMap struct {
	Next, Prev, Change, Abort key.Binding
}

// DefaultKeyMap: enter/tab/↓ to go on (after the field is checked),
// shift+tab/↑/esc to go back (always), ←/→/space to change a choice.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Next:   key.NewBinding(key.WithKeys("enter", "tab", "down"), key.WithHelp("enter", "next")),
		Prev:   key.NewBinding(key.WithKeys("shift+tab", "up", "esc"), key.WithHelp("shift+tab/esc", "back")),
		Change: key.NewBinding(key.WithKeys("left", "right", "space"), key.WithHelp("←/→", "change")),
		Abort:  key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "cancel")),
	}
}

// Model is the form.
type Model struct {
	KeyMap KeyMap
	State  State
	Values Values
	st     *styles.Styles
	now    time.Time
	fields []field
	focus  int
	input  input.Model
	errs   map[string]string // field key -> message, in the form's words
	w, h   int
}

// New builds the form over v.
func New(v Values, st *styles.Styles, now time.Time) *Model {
	m := &Model{KeyMap: DefaultKeyMap(), Values: v, st: st, now: now, errs: map[string]string{}, w: 80, h: 24, input: input.New(st)}
	m.fields = fields(&m.Values)
	m.input.Prompt = ""
	m.input.Focus()
	m.load()
	return m
}

// Init has nothing to start: the field's cursor does not blink.
func (m *Model) Init() tea.Cmd { return nil }

// SetSize sets the form's size.
func (m *Model) SetSize(w, h int) {
	m.w, m.h = w, h
	m.input.SetWidth(max(10, min(60, w-8)))
}

// cur is the focused field.
func (m *Model) cur() *field { return &m.fields[m.focus] }

// load puts the focused field's value in the input.
func (m *Model) load() {
	f := m.cur()
	m.input.Reset()
	m.input.Mask = 0
	if f.kind == secret {
		m.input.Mask = '*'
	}
	if f.kind != choice {
		m.input.SetValue(f.get(&m.Values))
		m.input.CursorEnd()
	}
}

// store writes the input back into the values.
func (m *Model) store() {
	if f := m.cur(); f.kind != choice {
		f.set(&m.Values, m.input.Value())
	}
}

// refield rebuilds the questions (the mode or count changed), keeping the
// focus on the same question.
func (m *Model) refield() {
	k := m.cur().key
	m.fields = fields(&m.Values)
	m.focus = 0
	for i, f := range m.fields {
		if f.key == k {
			m.focus = i
		}
	}
}

// Update handles a key.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.SetSize(msg.Width, msg.Height)
		return m, nil
	case tea.KeyPressMsg:
		switch {
		case key.Matches(msg, m.KeyMap.Abort):
			m.State = Aborted
			return m, tea.Quit
		case key.Matches(msg, m.KeyMap.Prev):
			// Going back is never blocked: the field keeps its message.
			m.store()
			m.check(m.focus)
			m.refield()
			if m.focus > 0 {
				m.focus--
			}
			m.load()
			return m, nil
		case key.Matches(msg, m.KeyMap.Next):
			m.store()
			m.refield()
			if !m.check(m.focus) {
				return m, nil
			}
			if m.focus < len(m.fields)-1 {
				m.focus++
				m.load()
				return m, nil
			}
			return m, m.finish()
		case m.cur().kind == choice && key.Matches(msg, m.KeyMap.Change):
			m.cycle(msg.String() == "left")
			return m, nil
		case m.cur().kind == choice:
			return m, nil
		}
	}
	m.input.Update(msg)
	return m, nil
}

// cycle moves a choice to its next (or previous) option.
func (m *Model) cycle(back bool) {
	f := m.cur()
	cur := f.get(&m.Values)
	i := 0
	for j, o := range f.options {
		if o == cur {
			i = j
		}
	}
	if back {
		i = (i + len(f.options) - 1) % len(f.options)
	} else {
		i = (i + 1) % len(f.options)
	}
	f.set(&m.Values, f.options[i])
	delete(m.errs, f.key)
	m.refield()
}

// check validates field i as the plan file would, and records its message;
// it reports whether the field is fine.
func (m *Model) check(i int) bool {
	f := &m.fields[i]
	delete(m.errs, f.key)
	if f.key == "save" {
		if err := CheckSavePath(m.Values.SavePath); err != nil {
			m.errs[f.key] = f.label + ": " + err.Error()
		}
		return m.errs[f.key] == ""
	}
	for _, p := range m.problems() {
		for _, path := range f.paths {
			if p.Field == path {
				m.errs[f.key] = inWords(f.label, p.Msg)
				return false
			}
		}
	}
	return true
}

// inWords puts a plan problem in the form's words: the question's label
// instead of the plan's field path.
func inWords(label, msg string) string {
	switch {
	case strings.HasPrefix(msg, `"`):
		return label + " " + msg // First partner: name "x": ...
	case strings.HasPrefix(msg, "missing"):
		return label + " is " + msg
	}
	return label + ": " + msg
}

// problems are what the plan's own checks find in the values now.
func (m *Model) problems() []plan.Problem {
	_, err := BuildPlan(m.Values, m.now)
	var pe *plan.Error
	if errors.As(err, &pe) {
		return pe.Problems
	}
	return nil
}

// finish checks every field; the first one with a problem gets the focus,
// else the form is complete.
func (m *Model) finish() tea.Cmd {
	first := -1
	for i := range m.fields {
		if !m.check(i) && first < 0 {
			first = i
		}
	}
	if first < 0 {
		if ps := m.problems(); len(ps) > 0 {
			// A problem no question owns: show it, stay on the last one.
			m.errs["save"] = ps[0].Field + ": " + ps[0].Msg
			return nil
		}
		m.State = Completed
		return tea.Quit
	}
	m.focus = first
	m.load()
	return nil
}

// Err is the message shown at a field ("" when none), for tests.
func (m *Model) Err(key string) string { return m.errs[key] }

// Focused is the focused field's key, for tests.
func (m *Model) Focused() string { return m.cur().key }
