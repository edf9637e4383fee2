package ui

import (
	"errors"
	"fmt"
	"strings"

	"github.com/mirrorcert/mirrorcert/steps"
)

// canRun says whether y does something for the item.
func canRun(it *steps.Item) bool {
	switch it.Status {
	case steps.Pending, steps.Failed:
		return true
	case steps.Conflict:
		return it.Conflict.RemedyReady()
	}
	return false
}

func runLabel(it *steps.Item) string {
	switch {
	case it.Status == steps.Conflict:
		return "apply fix"
	case it.Manual:
		return "confirm done"
	case it.Status == steps.Failed:
		return "run again"
	}
	return "run step"
}

// refNames names items by title, with the host when it is not host.
func (m *Model) refNames(host string, refs []steps.Ref) string {
	var parts []string
	for _, b := range refs {
		t := m.title(b)
		if b.Host != host {
			t = b.Host + ": " + t
		}
		parts = append(parts, t)
	}
	if len(parts) == 0 {
		return "an earlier step"
	}
	return strings.Join(parts, ", ")
}

// title is an item's checklist label, or its id when unknown.
func (m *Model) title(r steps.Ref) string {
	if it := m.snap.Checklist.Item(r); it != nil && it.Title != "" {
		return it.Title
	}
	return r.ID
}

// counts returns done and total items, for one host or ("") all.
func (m *Model) counts(host string) (int, int) {
	done, total := 0, 0
	for _, h := range m.snap.Checklist.Hosts {
		if host != "" && h.Host != host {
			continue
		}
		for _, it := range h.Items {
			total++
			if it.Status == steps.Done {
				done++
			}
		}
	}
	return done, total
}

// hostInfo returns the connection status of a host.
func (m *Model) hostInfo(name string) (HostInfo, bool) {
	for _, h := range m.snap.Hosts {
		if h.Name == name {
			return h, true
		}
	}
	return HostInfo{}, false
}

// shortError is an error in a few words for the checklist and status line.
func shortError(err error) string {
	var se *StepError
	if errors.As(err, &se) {
		return fmt.Sprintf("Msg %d: %s", se.Number, se.Message)
	}
	return err.Error()
}
