package steps

import (
	"container/heap"
	"strings"
	"time"

	"github.com/mirrorcert/mirrorcert/plan"
)

// Order returns every item of the plan in an order that respects every
// dependency: all outbound items first, host by host, then the inbound
// items. Items keep their checklist order whenever dependencies allow, so
// the result is stable.
func Order(p *plan.Plan) []Ref {
	c := Build(p, nil, time.Time{})
	return topo(&c, func(*Item) bool { return true })
}

// Runnable returns the items mirrorcert can run now: pending (so every
// need is done), not manual, in dependency order across hosts. Items the
// caller has marked Failed are left out until the next Build.
func Runnable(c Checklist) []Ref {
	status := map[Ref]Status{}
	for _, h := range c.Hosts {
		for _, it := range h.Items {
			status[it.Ref] = it.Status
		}
	}
	return topo(&c, func(it *Item) bool {
		if it.Status != Pending || it.Manual {
			return false
		}
		for _, n := range it.Needs {
			if status[n] != Done {
				return false
			}
		}
		return true
	})
}

// topo lists the items accepted by keep in dependency order (Kahn's
// algorithm). Among the items that are ready, outbound ones go first, so
// that for a whole plan every host's own certificate comes before anyone
// imports it; within a rank the checklist order decides. A dependency cycle
// cannot come out of Build, but if one is ever introduced the items on it
// are appended in checklist order rather than lost.
func topo(c *Checklist, keep func(*Item) bool) []Ref {
	var items []*Item
	index := map[Ref]int{}
	for hi := range c.Hosts {
		for ii := range c.Hosts[hi].Items {
			index[c.Hosts[hi].Items[ii].Ref] = len(items)
			items = append(items, &c.Hosts[hi].Items[ii])
		}
	}
	waiting := make([]int, len(items))      // needs not yet placed
	dependents := make([][]int, len(items)) // who needs item i
	for i, it := range items {
		for _, n := range it.Needs {
			if j, ok := index[n]; ok {
				waiting[i]++
				dependents[j] = append(dependents[j], i)
			}
		}
	}
	key := func(i int) int {
		// Rank first, checklist position second.
		if strings.HasPrefix(items[i].ID, "outbound/") {
			return i
		}
		return len(items) + i
	}
	ready := &intHeap{key: key}
	for i := range items {
		if waiting[i] == 0 {
			heap.Push(ready, i)
		}
	}
	placed := make([]bool, len(items))
	var out []Ref
	emit := func(i int) {
		placed[i] = true
		if keep(items[i]) {
			out = append(out, items[i].Ref)
		}
	}
	for ready.Len() > 0 {
		i := heap.Pop(ready).(int)
		emit(i)
		for _, d := range dependents[i] {
			if waiting[d]--; waiting[d] == 0 {
				heap.Push(ready, d)
			}
		}
	}
	for i := range items {
		if !placed[i] {
			emit(i)
		}
	}
	return out
}

// intHeap is a min-heap of item indexes ordered by key.
type intHeap struct {
	v   []int
	key func(int) int
}

func (h *intHeap) Len() int           { return len(h.v) }
func (h *intHeap) Less(a, b int) bool { return h.key(h.v[a]) < h.key(h.v[b]) }
func (h *intHeap) Swap(a, b int)      { h.v[a], h.v[b] = h.v[b], h.v[a] }
func (h *intHeap) Push(x any)         { h.v = append(h.v, x.(int)) }
func (h *intHeap) Pop() any {
	x := h.v[len(h.v)-1]
	h.v = h.v[:len(h.v)-1]
	return x
}

// FilesToProbe returns the certificate files whose presence on host the
// session must check in file mode: the host's own backup and each peer's
// copy. In-band mode needs none.
func FilesToProbe(p *plan.Plan, host string) []string {
	if p.Transfer != plan.TransferFile {
		return nil
	}
	files := []string{p.CertFile(host)}
	for _, peer := range p.Peers(host) {
		files = append(files, p.CertFile(peer))
	}
	return files
}
