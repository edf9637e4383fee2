package ui

import (
	"context"
	"io"
	"log/slog"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/spinner"
	"charm.land/bubbles/v2/textinput"
	"charm.land/bubbletea/v2"

	"github.com/mirrorcert/mirrorcert/steps"
)

// Options configure the program.
type Options struct {
	Backend Backend
	// PlanLabel names the plan in the title bar (a file path, or "demo").
	PlanLabel string
	Mode      string // plan mode, shown in the title
	Transfer  string // plan transfer mode, shown in the title
	NoColor   bool
	ASCII     bool
	// AskMasterKeyPassword asks the operator for each master key password
	// (empty input generates one). The demo generates without asking.
	AskMasterKeyPassword bool
	// ManualCopyBySimulator says that confirming a copy step makes the
	// simulator copy the file (demo --scenario file).
	ManualCopyBySimulator bool
	// ManualHint replaces the manual-step hint ("Copy it by a secure method,
	// then press y to confirm.") for checklists whose manual steps are not
	// file copies (SSIS Scale Out: steps run on another machine).
	ManualHint string
	// Snapshot, when set, is shown before the first refresh finishes.
	Snapshot *Snapshot
	Logger   *slog.Logger
}

type focus int

const (
	focusList focus = iota
	focusDetail
)

type modalKind int

const (
	modalNone modalKind = iota
	modalConfirmAll
	modalConfirmQuit
	modalTypeName
	modalMasterKey
	modalManual
)

// modal is the dialog in front of the screen, if any.
type modal struct {
	kind      modalKind
	ref       steps.Ref
	refs      []steps.Ref // confirm-all: what will run
	object    string      // type-name: what must be typed
	cancelled []string    // confirm-quit: what was cancelled
	err       string      // a validation message inside the dialog
	// forAll marks a master key password asked before A runs; n of total.
	forAll   bool
	n, total int
}

// running is one step in flight on a host.
type running struct {
	id     uint64
	ref    steps.Ref
	kind   runKind
	cancel context.CancelFunc
}

// outcome is the last result of running an item, shown in its detail pane.
type outcome struct {
	kind   runKind
	result Result
	err    error
}

// generated is a master key password waiting to be shown once.
type generated struct {
	host     string
	password string
}

// Model is the whole TUI.
type Model struct {
	opts   Options
	log    *slog.Logger
	styles Styles
	keys   KeyMap
	help   help.Model
	spin   spinner.Model
	input  textinput.Model

	width, height int

	snap    Snapshot
	hostIdx int
	cursor  int
	focus   focus
	modal   modal

	running    map[string]*running
	nextRunID  uint64
	refreshing map[string]bool // "" = every host
	outcomes   map[steps.Ref]outcome
	failed     map[steps.Ref]bool
	// passwords are generated master key passwords waiting to be shown,
	// one dialog per group: a step run alone makes a group of one, a run
	// of A one group at its end.
	passwords [][]generated
	// held are passwords generated during A in the demo, shown together
	// when it ends, so the walkthrough is not interrupted by a dialog per
	// host.
	held []generated
	// mkTyped are the master key passwords typed before A ran, by host
	// ("" = generate); each is used by that host's master-key step once.
	mkTyped map[string]string
	// askQueue are the master-key steps still to ask a password for
	// before A starts; askRefs is what A will run.
	askQueue []steps.Ref
	askRefs  []steps.Ref

	runAll     bool
	allowed    map[steps.Ref]bool
	ranInBatch int

	note    string
	noteErr bool
	noteSeq uint64

	detail detailPane
}

// New builds the model. It does no I/O; Init starts the first refresh.
func New(opts Options) Model {
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	st := DefaultStyles(opts.NoColor, opts.ASCII)
	m := Model{
		opts:       opts,
		log:        log,
		styles:     st,
		keys:       DefaultKeyMap(),
		help:       help.New(),
		spin:       spinner.New(spinner.WithSpinner(st.Spinner)),
		input:      textinput.New(),
		width:      80,
		height:     24,
		running:    map[string]*running{},
		refreshing: map[string]bool{},
		outcomes:   map[steps.Ref]outcome{},
		failed:     map[steps.Ref]bool{},
		allowed:    map[steps.Ref]bool{},
		mkTyped:    map[string]string{},
		detail:     newDetailPane(),
	}
	if opts.ASCII {
		m.help.Ellipsis = "..."
		m.help.ShortSeparator = " | "
	}
	if opts.NoColor {
		m.help.Styles = help.Styles{}
	}
	if opts.Snapshot != nil {
		m.snap = *opts.Snapshot
	}
	if opts.Backend != nil {
		m.refreshing[""] = true
	}
	m.layout()
	m.syncDetail()
	m.syncKeys()
	return m
}

// Init starts reading every host.
func (m Model) Init() tea.Cmd {
	if m.opts.Backend == nil {
		return nil
	}
	return tea.Batch(refreshAllCmd(m.opts.Backend), m.spin.Tick)
}

// Update handles one message. It never blocks: server work is returned as Cmds.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	var cmd tea.Cmd
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.layout()
		m.syncDetail()
	case spinner.TickMsg:
		if m.busy() {
			m.spin, cmd = m.spin.Update(msg)
		}
	case snapshotMsg:
		if msg.Host == "" {
			delete(m.refreshing, "")
		} else {
			delete(m.refreshing, msg.Host)
		}
		m.applySnapshot(msg.Snap)
		if msg.Err != nil {
			m.log.Warn("refresh failed", "host", msg.Host, "err", msg.Err)
		}
		cmd = m.schedule()
	case runDoneMsg:
		cmd = m.finishRun(msg)
	case clearNoteMsg:
		if msg.Seq == m.noteSeq {
			m.note = ""
		}
	case tea.KeyPressMsg:
		cmd = m.handleKey(msg)
	default:
		if m.modal.kind == modalTypeName || m.modal.kind == modalMasterKey {
			m.input, cmd = m.input.Update(msg)
		}
	}
	m.syncKeys()
	return m, cmd
}

// busy reports whether anything is in flight (the spinner only ticks then).
func (m Model) busy() bool { return len(m.running) > 0 || len(m.refreshing) > 0 }

// setNote shows a status-line message and clears it later.
func (m *Model) setNote(text string, isErr bool) tea.Cmd {
	m.noteSeq++
	m.note, m.noteErr = text, isErr
	if isErr {
		return nil // errors stay until replaced
	}
	return clearNoteAfter(m.noteSeq, 8*time.Second)
}

// layout sizes the components for the current window.
func (m *Model) layout() {
	m.help.SetWidth(m.width)
	w, h := m.detailSize()
	m.detail.SetSize(w, h)
	m.input.SetWidth(min(40, max(10, m.width-12)))
}

// applySnapshot shows a newer snapshot, keeping the selection on the same item.
func (m *Model) applySnapshot(s Snapshot) {
	if s.Seq != 0 && s.Seq < m.snap.Seq {
		m.log.Debug("dropped stale snapshot", "seq", s.Seq, "have", m.snap.Seq)
		return
	}
	sel, ok := m.selectedRef()
	m.snap = s
	if ok {
		m.selectRef(sel)
	}
	m.clampSelection()
	m.syncDetail()
}

// hostList returns the checklist of the selected host (nil when none).
func (m Model) hostList() *steps.HostList {
	hs := m.snap.Checklist.Hosts
	if m.hostIdx < 0 || m.hostIdx >= len(hs) {
		return nil
	}
	return &hs[m.hostIdx]
}

// selectedItem returns the selected item with the UI's failure overlay applied.
func (m Model) selectedItem() (steps.Item, bool) {
	hl := m.hostList()
	if hl == nil || m.cursor < 0 || m.cursor >= len(hl.Items) {
		return steps.Item{}, false
	}
	return m.effective(hl.Items[m.cursor]), true
}

func (m Model) selectedRef() (steps.Ref, bool) {
	it, ok := m.selectedItem()
	return it.Ref, ok
}

// effective marks a pending item whose last run failed as Failed: the
// checklist from steps never says Failed, the UI knows it from the run.
func (m Model) effective(it steps.Item) steps.Item {
	if it.Status == steps.Pending && m.failed[it.Ref] {
		it.Status = steps.Failed
	}
	return it
}

// selectRef moves the selection to ref if it exists.
func (m *Model) selectRef(r steps.Ref) bool {
	for i, h := range m.snap.Checklist.Hosts {
		if h.Host != r.Host {
			continue
		}
		for j, it := range h.Items {
			if it.ID == r.ID {
				m.hostIdx, m.cursor = i, j
				return true
			}
		}
	}
	return false
}

func (m *Model) clampSelection() {
	n := len(m.snap.Checklist.Hosts)
	if n == 0 {
		m.hostIdx, m.cursor = 0, 0
		return
	}
	m.hostIdx = min(max(m.hostIdx, 0), n-1)
	items := len(m.snap.Checklist.Hosts[m.hostIdx].Items)
	m.cursor = min(max(m.cursor, 0), max(items-1, 0))
}

// nextRunnable finds the first item that can run now, starting with the
// selected host and going round the others.
func (m Model) nextRunnable() (steps.Ref, bool) {
	hs := m.snap.Checklist.Hosts
	for k := range hs {
		h := hs[(m.hostIdx+k)%len(hs)]
		if m.running[h.Host] != nil {
			continue
		}
		for _, it := range h.Items {
			if it.Status == steps.Pending && !m.failed[it.Ref] {
				return it.Ref, true
			}
		}
	}
	return steps.Ref{}, false
}

// pendingForAll lists what A would run: every pending or blocked item that is
// not manual, in host order. Conflicts and manual steps need the operator.
func (m Model) pendingForAll() []steps.Ref {
	var out []steps.Ref
	for _, h := range m.snap.Checklist.Hosts {
		for _, it := range h.Items {
			if it.Manual {
				continue
			}
			if it.Status == steps.Pending || it.Status == steps.Blocked {
				out = append(out, it.Ref)
			}
		}
	}
	return out
}

// SelectNext selects the first pending item whose id matches, on any host,
// as the operator would with the arrow keys. It reports whether one was
// found; tests and scripted walkthroughs use it to reach a step directly.
func (m *Model) SelectNext(match func(id string) bool) bool {
	for _, h := range m.snap.Checklist.Hosts {
		for _, it := range h.Items {
			if it.Status == steps.Pending && match(it.ID) {
				m.selectRef(it.Ref)
				m.focus = focusList
				m.syncDetail()
				m.syncKeys()
				return true
			}
		}
	}
	return false
}
