package ui

import (
	"context"
	"io"
	"log/slog"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/spinner"
	"charm.land/bubbletea/v2"

	"github.com/mirrorcert/mirrorcert/steps"
	"github.com/mirrorcert/mirrorcert/steps/tsql"
	"github.com/mirrorcert/mirrorcert/ui/checklist"
	"github.com/mirrorcert/mirrorcert/ui/detail"
	"github.com/mirrorcert/mirrorcert/ui/dialog"
	"github.com/mirrorcert/mirrorcert/ui/sched"
	"github.com/mirrorcert/mirrorcert/ui/styles"
	"github.com/mirrorcert/mirrorcert/ui/tabs"
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
	// MasterKeyFromEnv reports a host whose master key password the
	// environment supplies (MIRRORCERT_MASTER_KEY_PASSWORD_<HOST>): it is
	// never asked, and the screen says where the password comes from.
	MasterKeyFromEnv func(host string) bool
	// MasterKeyEnvVar names that variable for a host, for the screen.
	MasterKeyEnvVar func(host string) string
	// ManualCopyBySimulator says that confirming a copy step makes the
	// simulator copy the file (demo --scenario file).
	ManualCopyBySimulator bool
	// ManualHint replaces the manual-step hint ("Copy it by a secure method,
	// then press y to confirm.") for checklists whose manual steps are not
	// file copies (SSIS Scale Out: steps run on another machine).
	ManualHint string
	// Checks describes the Backend's checks when they are not mirroring's
	// verify (ui/checkprofile.go).
	Checks CheckProfile
	// Note is the first status line (e.g. where the form saved the plan).
	Note string
	// Snapshot, when set, is shown before the first refresh finishes.
	Snapshot *Snapshot
	Logger   *slog.Logger
}

type focus int

const (
	focusList focus = iota
	focusDetail
)

// outcome is the last result of running an item, shown in its detail pane.
type outcome struct {
	kind   sched.Kind
	result Result
	err    error
	// ran are the statements the run sent (as shown, secrets masked), so
	// the pane can show what ran even when the item now shows others.
	ran []tsql.Statement
}

// note is the status line's message.
type note struct {
	text  string
	isErr bool
	seq   uint64
}

// Model is the root of the TUI. It owns the components (tabs, checklist,
// detail pane, dialogs) and the plain data they are drawn from (the
// snapshot, the run schedule, the password queue), and routes messages:
// keys to what has focus, results to the schedule, then each component is
// given what it shows. It draws nothing itself but the frame around them.
type Model struct {
	opts Options
	log  *slog.Logger
	st   *styles.Styles
	keys KeyMap
	help help.Model
	spin spinner.Model

	width, height int
	focus         focus

	tabs   tabs.Model
	list   checklist.Model
	detail detail.Model
	dlg    openDialog
	store  *dialog.Store

	snap       Snapshot
	sched      sched.State
	pw         sched.Passwords
	ask        sched.Ask
	cancels    map[uint64]context.CancelFunc
	outcomes   map[steps.Ref]outcome
	ranStmts   map[uint64][]tsql.Statement // by run id, while it runs
	batch      *batchRun                   // `A` through a BatchRunner, nil when none
	refreshing map[string]bool             // "" = every host
	note       note
	footer     footer
	chrome     chrome
	above      []string // wrapped lines above the checklist (syncAbove)
	quit       quitState
	// trustAsked is set once the TLS trust question was asked.
	trustAsked bool
	// placed is set once the selection was put on the first runnable step.
	placed bool
	// rot is the certificate rotation R started (ui/rotate.go), nil before.
	rot *rotation
	// verifying is set while v's checks run; session is what S started.
	verifying bool
	session   sessionInfo
	// highlights caches highlighted T-SQL by statement text: highlighting
	// runs on every selection change and the statements rarely change.
	highlights map[string]string
}

// New builds the model. It does no I/O; Init starts the first refresh.
func New(opts Options) *Model {
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	st := styles.Default(opts.NoColor, opts.ASCII, true)
	m := &Model{
		opts: opts, log: log, st: &st,
		keys:       DefaultKeyMap(),
		help:       help.New(),
		spin:       spinner.New(spinner.WithSpinner(st.Spinner)),
		width:      80,
		height:     24,
		sched:      sched.New(),
		cancels:    map[uint64]context.CancelFunc{},
		outcomes:   map[steps.Ref]outcome{},
		ranStmts:   map[uint64][]tsql.Statement{},
		refreshing: map[string]bool{},
		highlights: map[string]string{},
	}
	m.tabs = tabs.New(m.st)
	m.list = checklist.New(m.st)
	m.detail = detail.New(m.st)
	m.store = dialog.NewStore(m.st)
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
	if opts.Note != "" {
		m.note = note{text: opts.Note}
	}
	m.layout()
	m.sync()
	return m
}

// Init starts reading every host.
func (m *Model) Init() tea.Cmd {
	if m.opts.Backend == nil {
		return nil
	}
	// The terminal's background decides the light or dark colours.
	return tea.Batch(refreshAllCmd(m.opts.Backend), m.spin.Tick, tea.RequestBackgroundColor)
}

// Update routes one message. It never blocks: server work is returned as Cmds.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	var cmd tea.Cmd
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.layout()
	case tea.BackgroundColorMsg:
		m.setDark(msg.IsDark())
	case spinner.TickMsg:
		if m.busy() {
			m.spin, cmd = m.spin.Update(msg)
			m.tabs.SetSpinner(m.spinFrame())
			m.list.SetSpinner(m.spinFrame())
		}
		return m, cmd
	case snapshotMsg:
		delete(m.refreshing, msg.Host)
		m.applySnapshot(msg.Snap)
		if msg.Err != nil {
			m.log.Warn("refresh failed", "host", msg.Host, "err", msg.Err)
		}
		cmd = tea.Batch(m.schedule(), m.autoCheck())
		m.askTrust()
	case trustDoneMsg:
		delete(m.refreshing, "")
		m.applySnapshot(msg.Snap)
		if msg.Err != nil {
			cmd = m.setNote("Could not trust the certificates: "+msg.Err.Error(), true)
		}
	case runDoneMsg:
		cmd = m.finishRun(msg)
	case batchStepMsg:
		cmd = m.batchStep(msg)
	case batchDoneMsg:
		cmd = m.batchDone(msg)
	case rotationMsg:
		cmd = m.rotationDone(msg)
	case rotationPollMsg:
		cmd = m.pollRotation(msg)
	case verifyDoneMsg:
		m.verifying = false
		m.applySnapshot(msg.Snap)
		cmd = m.verified(msg.Err)
	case sessionMsg:
		cmd = m.applySession(msg)
	case pollSessionMsg:
		if msg.gen != m.session.gen || m.verifier() == nil {
			return m, nil
		}
		cmd = pollSessionCmd(m.opts.Backend, m.verifier())
	case clearNoteMsg:
		if msg.Seq == m.note.seq {
			m.note.text = ""
		}
		return m, nil
	case tea.KeyPressMsg:
		cmd = m.handleKey(msg)
	case InterruptMsg:
		cmd = m.interrupt(msg.Code)
	default:
		if m.dlg.box != nil {
			_, cmd = m.dlg.box.Update(msg)
		}
		return m, cmd
	}
	m.sync()
	return m, cmd
}

// Running reports whether a step runs or a host is being read: work whose
// result is still to come (scripted drivers wait for it).
func (m *Model) Running() bool { return m.busy() || m.rotPolling() }

// busy reports whether anything is in flight (the spinner only ticks then).
func (m *Model) busy() bool {
	return m.sched.Busy("") || len(m.refreshing) > 0 || m.rotBusy()
}

// setNote shows a status-line message and clears it later.
func (m *Model) setNote(text string, isErr bool) tea.Cmd {
	m.note.seq++
	m.note.text, m.note.isErr = text, isErr
	if isErr {
		return nil // errors stay until replaced
	}
	return clearNoteAfter(m.note.seq, 8*time.Second)
}

// layout sizes the components for the current window.
func (m *Model) layout() {
	m.help.SetWidth(m.width)
	w, h := m.detailSize()
	m.detail.SetSize(w, h)
	m.tabs.SetSize(m.width)
	if m.dlg.box != nil {
		m.dlg.box.SetSize(m.width, m.bodyHeight())
	}
	m.store.SetSize(m.width, m.bodyHeight())
	m.renderChrome()
}

// applySnapshot shows a newer snapshot, keeping the selection on the same item.
func (m *Model) applySnapshot(s Snapshot) {
	if s.Seq != 0 && s.Seq < m.snap.Seq {
		m.log.Debug("dropped stale snapshot", "seq", s.Seq, "have", m.snap.Seq)
		return
	}
	sel, ok := m.selectedRef()
	m.snap = cleanSnapshot(s)
	m.sync()
	if !m.placed && len(s.Checklist.Hosts) > 0 && len(m.refreshing) == 0 {
		// The first full read: start where the work is, not on the first
		// item (often done).
		m.placed = true
		if next, found := m.sched.NextRunnable(&m.snap.Checklist, 0); found {
			m.selectRef(next)
			return
		}
	}
	if ok {
		m.selectRef(sel)
	}
}
