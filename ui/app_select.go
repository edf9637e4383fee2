package ui

import (
	"github.com/mirrorcert/mirrorcert/steps"
	"github.com/mirrorcert/mirrorcert/ui/styles"
)

// hostList returns the checklist of the selected host (nil when none).
func (m *Model) hostList() *steps.HostList {
	hs := m.snap.Checklist.Hosts
	i := m.tabs.Active()
	if i < 0 || i >= len(hs) {
		return nil
	}
	return &hs[i]
}

// selectedItem returns the selected item with the UI's failure overlay applied.
func (m *Model) selectedItem() (steps.Item, bool) {
	r, ok := m.list.Selected()
	return r.Item, ok
}

func (m *Model) selectedRef() (steps.Ref, bool) {
	r, ok := m.list.Selected()
	return r.Item.Ref, ok
}

// selectRef moves the selection to ref if it exists.
func (m *Model) selectRef(r steps.Ref) bool {
	for i, h := range m.snap.Checklist.Hosts {
		if h.Host != r.Host {
			continue
		}
		if i != m.tabs.Active() {
			m.tabs.SetActive(i)
			m.syncRows()
		}
		ok := m.list.Select(r)
		m.syncDetail()
		return ok
	}
	return false
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
				m.sync()
				return true
			}
		}
	}
	return false
}

// setDark rebuilds the styles for a dark or light background. Components
// hold a pointer to the one Styles, so they draw with the new one once
// their content is rebuilt.
func (m *Model) setDark(dark bool) {
	if dark == m.st.Dark {
		return
	}
	*m.st = styles.Default(m.opts.NoColor, m.opts.ASCII, dark)
	clear(m.highlights)
	m.list.Redraw()
	m.detail.Redraw()
	m.tabs.Redraw()
	m.renderChrome()
}
