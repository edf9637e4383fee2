package session

import (
	"strings"
	"testing"

	"github.com/mirrorcert/mirrorcert/steps"
)

// composeBatch's line bookkeeping: each sent item's first and last lines
// are exactly its statements, whether or not another item needs it (its
// flag lines) or it needs another (its IF ... BEGIN ... END), so that a
// server error's line is handed to the right item and counted from its
// first statement.
func TestComposeBatchItemLines(t *testing.T) {
	a := steps.Ref{Host: "H", ID: "outbound/master-key"}
	b := steps.Ref{Host: "H", ID: "outbound/certificate"}
	c := steps.Ref{Host: "H", ID: "outbound/endpoint"}
	preps := []prepared{
		{item: steps.Item{Ref: a}, rendered: []string{"A1;", "A2\nA2b;"}},
		{item: steps.Item{Ref: b, Needs: []steps.Ref{a}}, rendered: []string{"B1;"}},
		{item: steps.Item{Ref: c, Needs: []steps.Ref{b}}, rendered: []string{"C1;"}},
	}
	outs := make([]outcome, len(preps))
	lines := strings.Split(composeBatch(preps, outs), "\n")
	for _, p := range preps {
		// Between its statements an item needed by another has its flag lines.
		got := dropLines(strings.Join(lines[p.first-1:p.last], "\n"), "IF @@ERROR")
		want := strings.Join(p.rendered, "\n")
		if got != want {
			t.Errorf("%s: lines %d-%d hold %q, want its statements %q", p.item.ID, p.first, p.last, got, want)
		}
		if last := lines[p.last-1]; strings.HasPrefix(last, "IF ") || last == "END" {
			t.Errorf("%s: last line %q is not a statement", p.item.ID, last)
		}
	}
}

func dropLines(s, prefix string) string {
	var keep []string
	for _, l := range strings.Split(s, "\n") {
		if !strings.HasPrefix(l, prefix) {
			keep = append(keep, l)
		}
	}
	return strings.Join(keep, "\n")
}
