package ui

import (
	"context"
	"errors"
	"fmt"

	"charm.land/bubbles/v2/key"

	"github.com/mirrorcert/mirrorcert/steps"
	"github.com/mirrorcert/mirrorcert/ui/checklist"
	"github.com/mirrorcert/mirrorcert/ui/detail"
	"github.com/mirrorcert/mirrorcert/ui/sched"
	"github.com/mirrorcert/mirrorcert/ui/tabs"
)

// sync gives every component what it shows now. It runs at the end of
// Update, never in View.
func (m *Model) sync() {
	if g := m.pw.Current(); g != nil {
		m.store.Set(g, m.pw.More())
		m.store.Note = m.quitNote()
	}
	m.syncRows()
	m.syncDetail()
	m.syncKeys()
	m.renderChrome()
}

// syncRows builds the tabs and the selected host's checklist rows.
//
// Extension point: rows are generic (checklist.Row: a steps.Item with its
// section and note), so verify's findings ("Checks") or a start sequence
// are more rows appended here for the host, under their own Section; their
// keys (v, S) go in KeyMap and handleKey, their runs through startRun with
// a new sched.Kind, and their results come back as runDoneMsg.
func (m *Model) syncRows() {
	hs := m.snap.Checklist.Hosts
	ts := make([]tabs.Tab, len(hs))
	for i := range hs {
		h := &hs[i]
		t := tabs.Tab{Name: h.Host, Busy: m.sched.Busy(h.Host) || m.refreshing[h.Host] || m.refreshing[""]}
		if hi, ok := m.hostInfo(h.Host); ok {
			switch {
			case hi.Err != "":
				t.Conn = tabs.Disconnected
			case hi.Connected:
				t.Conn = tabs.Connected
			}
		}
		t.Done, t.Total = m.counts(h.Host)
		for _, it := range h.Items {
			if e := m.sched.Effective(it); e.Status == steps.Failed || e.Status == steps.Conflict {
				t.Alert = true
				break
			}
		}
		ts[i] = t
	}
	m.tabs.SetTabs(ts)
	m.tabs.SetSpinner(m.spinFrame())
	hl := m.hostList()
	var rows []checklist.Row
	if hl != nil {
		rows = make([]checklist.Row, len(hl.Items))
		run, busy := m.sched.Running[hl.Host]
		for i, raw := range hl.Items {
			it := m.sched.Effective(raw)
			rows[i] = checklist.Row{Item: it, Section: checklist.SectionOf(it.ID), Note: m.annotation(&it),
				WrapNote: it.Status == steps.Conflict || it.Status == steps.Failed,
				Running:  busy && run.Ref == it.Ref}
		}
		m.markRotateFindings(rows)
		rows = append(rows, m.rotationRows(hl.Host)...)
	}
	m.list.SetRows(rows)
	m.list.SetSpinner(m.spinFrame())
	m.list.SetFocus(m.focus == focusList)
	m.syncAbove()
	w, h := m.listSize()
	m.list.SetSize(w, h)
}

// annotation is the short status text after an item: what blocks it, what
// conflicts, why it failed.
func (m *Model) annotation(it *steps.Item) string {
	g := m.st.Glyphs
	switch it.Status {
	case steps.Blocked:
		return g.Arrow + " " + m.refNames(it.Host, it.BlockedBy)
	case steps.Conflict:
		if it.Conflict != nil && it.Conflict.What != "" {
			return "conflict: " + it.Conflict.What
		}
		return "conflict"
	case steps.Failed:
		if o, ok := m.outcomes[it.Ref]; ok && o.err != nil {
			return "failed: " + shortError(o.err)
		}
		return "failed"
	case steps.Unknown:
		return "not read"
	case steps.Pending:
		if it.Manual {
			return "manual: confirm when done"
		}
	}
	return ""
}

// syncDetail rebuilds the detail pane for the selected item; the pane skips
// the work when nothing it shows changed.
func (m *Model) syncDetail() {
	it, ok := m.selectedItem()
	w, _ := m.detailSize()
	content := ""
	if ok {
		in := detail.Input{Item: it, AskMasterKey: m.opts.AskMasterKeyPassword}
		if m.mkFromEnv(it.Host) {
			in.MasterKeyEnv = m.mkEnvVar(it.Host)
		}
		if hi, ok := m.hostInfo(it.Host); ok {
			in.HostErr = hi.Err
		}
		if it.Status == steps.Blocked {
			in.Blockers = m.refNames(it.Host, it.BlockedBy)
		}
		if it.Conflict != nil {
			in.RemedyWaits = m.refNames(it.Host, it.Conflict.RemedyBlockedBy)
		}
		if it.Manual {
			in.Manual = m.manualText(&it)
		}
		if r, ok := m.sched.Running[it.Host]; (ok && r.Ref == it.Ref) || m.rotRunning(it.Ref) {
			in.Running, in.Spin = true, m.spinFrame()
		} else if o, ok := m.outcomes[it.Ref]; ok {
			in.Outcome = detailOutcome(o)
		}
		content = detail.Content(&in, m.st, w, m.highlight)
	}
	m.detail.SetContent(it.Ref, fmt.Sprint(it.Ref, w, content), content)
	m.detail.SetFocus(m.focus == focusDetail)
}

// detailOutcome puts a run's result in the detail pane's terms.
func detailOutcome(o outcome) *detail.Outcome {
	d := &detail.Outcome{OK: o.err == nil, Duration: o.result.Duration, Statements: o.result.Statements, Messages: o.result.Messages,
		Ran: o.ran, Fix: o.kind == sched.Remedy, Manual: o.kind == sched.Manual}
	if o.err == nil {
		return d
	}
	if errors.Is(o.err, context.Canceled) {
		d.Cancelled = true
		return d
	}
	var se *StepError
	if errors.As(o.err, &se) {
		d.ErrHead = fmt.Sprintf("Msg %d, Level %d, State %d, Line %d", se.Number, se.Severity, se.State, se.Line)
		d.ErrText, d.Explain = se.Message, Explain(se.Number)
		return d
	}
	d.ErrText = o.err.Error()
	return d
}

// highlight colours T-SQL, from the cache when it can.
func (m *Model) highlight(text string) string {
	if h, ok := m.highlights[text]; ok {
		return h
	}
	h := highlightTSQL(text, &m.st.SQL)
	m.highlights[text] = h
	return h
}

// manualText says exactly what the operator must do for a manual step.
func (m *Model) manualText(it *steps.Item) string {
	text := it.Detail
	if it.Changes != "" {
		text = it.Changes
	}
	hint, isCheck := m.checkManualHint(it.ID)
	switch {
	case isCheck:
		text += " " + hint
	case m.opts.ManualCopyBySimulator:
		text += " In this demo, confirming makes the simulator copy the file for you."
	case m.opts.ManualHint != "":
		text += " " + m.opts.ManualHint
	default:
		text += " Copy it by a secure method, then press y to confirm."
	}
	return text
}

// syncKeys enables exactly the keys that do something now and builds the
// footer from the keys of what has focus.
func (m *Model) syncKeys() {
	k := &m.keys
	for _, b := range []*key.Binding{&k.ToList, &k.Run, &k.Back, &k.RunAll, &k.Refresh, &k.Verify, &k.Start, &k.Rotate, &k.Help, &k.Quit} {
		b.SetEnabled(false)
	}
	k.ForceQuit.SetEnabled(true)
	lk, dk, tk := &m.list.KeyMap, &m.detail.KeyMap, &m.tabs.KeyMap
	if box := m.frontDialog(); box != nil {
		tk.Next.SetEnabled(false)
		dlg := box.Keys().ShortHelp()
		m.footer = footer{short: dlg, full: [][]key.Binding{dlg, {k.ForceQuit}}}
		return
	}
	k.Help.SetEnabled(true)
	k.Quit.SetEnabled(true)
	k.Refresh.SetEnabled(m.opts.Backend != nil && !m.refreshing[""])
	k.RunAll.SetEnabled(m.opts.Backend != nil && !m.sched.RunAll && (m.canRunAll() || m.rotCanRun()))
	k.Rotate.SetEnabled(m.rotator() != nil && m.rotateHost() != "")
	m.syncVerifyKeys()
	tk.Next.SetEnabled(m.focus == focusList && len(m.snap.Checklist.Hosts) > 1)
	if m.focus == focusDetail {
		k.ToList.SetEnabled(true)
		k.Back.SetEnabled(true)
		it, ok := m.selectedItem()
		k.Run.SetEnabled(ok && !m.sched.Busy(it.Host) && m.opts.Backend != nil && canRun(&it))
		k.Run.SetHelp("y", runLabel(&it))
		m.syncRotationRunKey(it)
		m.setFooter([]key.Binding{dk.Up, dk.Down}, []key.Binding{dk.PageUp, dk.PageDown, k.ToList})
		return
	}
	m.setFooter([]key.Binding{lk.Up, lk.Down}, []key.Binding{tk.Next})
}

// setFooter builds the help footer: what has focus first (nav, then
// navMore's last key, tab), the step keys, then the program's keys.
func (m *Model) setFooter(nav, navMore []key.Binding) {
	k := &m.keys
	lk := &m.list.KeyMap
	tab := navMore[len(navMore)-1]
	short := append(append([]key.Binding{}, nav...), tab, lk.Open, k.Run, k.Back, k.RunAll, k.Refresh, k.Verify, k.Start, k.Help, k.Quit)
	if baseComplete(&m.snap.Checklist) {
		// Once every host is configured, what comes next is v and S.
		short = append([]key.Binding{k.Verify, k.Start}, short[:len(short)-4]...)
		short = append(short, k.Help, k.Quit)
	}
	m.footer = footer{short: short, full: [][]key.Binding{
		append(append([]key.Binding{}, nav...), navMore...),
		{lk.Open, k.Run, k.Back, k.RunAll},
		{k.Refresh, k.Verify, k.Start, k.Rotate, k.Help, k.Quit, k.ForceQuit},
	},
		pinned: []key.Binding{k.Help, k.Quit},
		// What goes first when 80 columns are not enough: the keys
		// everyone guesses (arrows), then the rarer ones; y and enter last.
		drop: append(append(m.verifyDrop(), k.Refresh), append(nav, tab, k.RunAll, k.Back, lk.Open, k.Run)...),
	}
}
