package steps

import (
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
	return topo(&c, func(it *Item) bool {
		if it.Status != Pending || it.Manual {
			return false
		}
		for _, n := range it.Needs {
			if x := c.Item(n); x == nil || x.Status != Done {
				return false
			}
		}
		return true
	})
}

// topo lists the items accepted by keep in dependency order. The rank puts
// outbound before inbound so that, for a whole plan, every host's own
// certificate comes before anyone imports it; within a rank the checklist
// order decides. A dependency cycle cannot come out of Build, but if one is
// ever introduced the items on it are appended at the end rather than lost.
func topo(c *Checklist, keep func(*Item) bool) []Ref {
	type node struct {
		it   *Item
		rank int
		pos  int
	}
	var nodes []*node
	index := map[Ref]*node{}
	pos := 0
	for hi := range c.Hosts {
		for ii := range c.Hosts[hi].Items {
			it := &c.Hosts[hi].Items[ii]
			rank := 1
			if strings.HasPrefix(it.ID, "outbound/") {
				rank = 0
			}
			n := &node{it: it, rank: rank, pos: pos}
			pos++
			nodes = append(nodes, n)
			index[it.Ref] = n
		}
	}
	placed := map[Ref]bool{}
	var out []Ref
	for len(placed) < len(nodes) {
		var best *node
		for _, n := range nodes {
			if placed[n.it.Ref] {
				continue
			}
			ready := true
			for _, need := range n.it.Needs {
				if _, ok := index[need]; ok && !placed[need] {
					ready = false
					break
				}
			}
			if ready && (best == nil || n.rank < best.rank || (n.rank == best.rank && n.pos < best.pos)) {
				best = n
			}
		}
		if best == nil {
			for _, n := range nodes {
				if !placed[n.it.Ref] {
					placed[n.it.Ref] = true
					if keep(n.it) {
						out = append(out, n.it.Ref)
					}
				}
			}
			break
		}
		placed[best.it.Ref] = true
		if keep(best.it) {
			out = append(out, best.it.Ref)
		}
	}
	return out
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
