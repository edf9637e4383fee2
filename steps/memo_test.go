package steps

import (
	"reflect"
	"testing"
	"time"

	"github.com/mirrorcert/mirrorcert/plan"
)

// nineReplicas is the AG plan of 9 replicas used by the memo's tests and
// benchmarks.
func nineReplicas(transfer string) *plan.Plan {
	p := docsPlan(transfer)
	p.Mode, p.Hosts = plan.ModeAG, nil
	for _, n := range []string{"R1", "R2", "R3", "R4", "R5", "R6", "R7", "R8", "R9"} {
		p.Hosts = append(p.Hosts, plan.Host{Name: n, Role: plan.RoleReplica, EndpointRole: "ALL"})
	}
	return p
}

// applySequence is the states an apply goes through, one host's read at a
// time: nothing read, read empty, outbound done, everything done; then a
// conflicting copy (its remedy appears) and a host whose login lacks rights.
func applySequence(p *plan.Plan) []map[string]*State {
	var seq []map[string]*State
	cur := map[string]*State{}
	step := func(h string, s *State) {
		next := map[string]*State{}
		for k, v := range cur {
			next[k] = v
		}
		next[h] = s
		cur = next
		seq = append(seq, cur)
	}
	seq = append(seq, nil, cur)
	for _, h := range p.Hosts {
		step(h.Name, &State{Files: map[string]bool{}})
	}
	for _, h := range p.Hosts {
		step(h.Name, outboundDone(p, h.Name))
	}
	for _, h := range p.Hosts {
		step(h.Name, allDone(p, h.Name))
	}
	first, second := p.Hosts[0].Name, p.Hosts[1].Name
	bad := allDone(p, first)
	for i := range bad.Certificates {
		if bad.Certificates[i].Name == p.CertName(second) {
			bad.Certificates[i].PvtKeyEncryption = "MK" // made here: a conflict with a remedy
		}
	}
	step(first, bad)
	step(second, &State{Files: map[string]bool{}, Rights: &Rights{Login: "weak", Held: map[string]bool{}}})
	step(second, allDone(p, second))
	return seq
}

// TestBuildMemoEqualsBuild: reusing items never changes the checklist,
// whatever a caller does to the copies it was given.
func TestBuildMemoEqualsBuild(t *testing.T) {
	for _, p := range []*plan.Plan{docsPlan(plan.TransferInband), docsPlan(plan.TransferFile), nineReplicas(plan.TransferInband)} {
		var m Memo
		seen := map[Status]bool{}
		for i, states := range applySequence(p) {
			want := Build(p, states, testNow)
			for _, st := range statuses(want) {
				seen[st] = true
			}
			got := BuildMemo(p, states, testNow, &m)
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("%s %d hosts, step %d: BuildMemo differs from Build", p.Transfer, len(p.Hosts), i)
			}
			scribble(&got)
		}
		for _, st := range []Status{Unknown, Pending, Blocked, Done, Conflict} {
			if !seen[st] {
				t.Fatalf("%s: the sequence never shows %v: it does not exercise what the memo must get right", p.Transfer, st)
			}
		}
		// A later clock is another input: nothing is reused.
		later := testNow.Add(400 * 24 * time.Hour)
		states := applySequence(p)[3]
		if got, want := BuildMemo(p, states, later, &m), Build(p, states, later); !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: after the clock moved, BuildMemo differs from Build", p.Transfer)
		}
	}
}

// scribble changes everything a caller of Build may change in its copy.
func scribble(c *Checklist) {
	for hi := range c.Hosts {
		for ii := range c.Hosts[hi].Items {
			it := &c.Hosts[hi].Items[ii]
			it.Status, it.Detail = Failed, "scribbled"
			it.BlockedBy = append(it.BlockedBy, Ref{"X", "y"})
			it.Needs = append(it.Needs, Ref{"X", "y"})
			it.Warnings = append(it.Warnings, "scribbled")
			it.Statements = append(it.Statements, it.Statements...)
			if len(it.Needs) > 1 {
				it.Needs[0] = Ref{"X", "z"}
			}
			if it.Conflict != nil {
				it.Conflict.Fix += " scribbled"
				it.Conflict.RemedyBlockedBy = append(it.Conflict.RemedyBlockedBy, Ref{"X", "y"})
			}
		}
	}
}

// TestBuildMemoReusesUnchangedHosts: a read of one host remakes that
// host's items, and its items on the other hosts only when what they read
// of it (its certificate) changed.
func TestBuildMemoReusesUnchangedHosts(t *testing.T) {
	p := nineReplicas(plan.TransferInband)
	states := allDoneStates(p)
	var m Memo
	BuildMemo(p, states, testNow, &m)
	if len(m.items) != 9*9 {
		t.Fatalf("memo holds %d groups after one build, want 81 (9 own + 72 host-peer)", len(m.items))
	}
	remade := func(next map[string]*State) (n int) {
		before := map[memoKey]*Item{}
		for k, items := range m.items {
			before[k] = &items[0]
		}
		BuildMemo(p, next, testNow, &m)
		for k, items := range m.items {
			if before[k] != &items[0] {
				n++
				if k.host != "R1" && k.peer != "R1" {
					t.Errorf("group %s/%s remade although neither host changed", k.host, k.peer)
				}
			}
		}
		return n
	}
	next := map[string]*State{}
	for k, v := range states {
		next[k] = v
	}
	next["R1"] = outboundDone(p, "R1") // R1's peers' objects are gone, its certificate is the same
	if n := remade(next); n != 1+8 {
		t.Errorf("remade %d groups after a read of R1 that left its certificate alone, want 9 (R1's own and R1's 8)", n)
	}
	again := outboundDone(p, "R1")
	again.Certificates[0].Thumbprint = thumb("R1-renewed")
	next["R1"] = again
	if n := remade(next); n != 1+8+8 {
		t.Errorf("remade %d groups after R1's certificate changed, want 17 (R1's own, R1's 8, R1 on 8 peers)", n)
	}
}

// BenchmarkBuildMemoApply9 builds after every state read of a 9-replica
// apply, as session does, with and without the memo.
func BenchmarkBuildMemoApply9(b *testing.B) {
	p := nineReplicas(plan.TransferInband)
	seq := applySequence(p)
	b.Run("build", func(b *testing.B) {
		for b.Loop() {
			for _, s := range seq {
				Build(p, s, testNow)
			}
		}
	})
	b.Run("memo", func(b *testing.B) {
		for b.Loop() {
			var m Memo
			for _, s := range seq {
				BuildMemo(p, s, testNow, &m)
			}
		}
	})
}

// TestHostItemsMatchBuild: a host's items alone are Build's but for the
// links across hosts (Blocked may read Pending), and building them feeds
// the memo without breaking the next whole build.
func TestHostItemsMatchBuild(t *testing.T) {
	for _, p := range []*plan.Plan{docsPlan(plan.TransferInband), docsPlan(plan.TransferFile), nineReplicas(plan.TransferInband)} {
		var m Memo
		for i, states := range applySequence(p) {
			want := Build(p, states, testNow)
			for _, hl := range want.Hosts {
				got := HostItems(p, states, testNow, hl.Host, &m)
				if len(got) != len(hl.Items) {
					t.Fatalf("step %d %s: %d items, Build has %d", i, hl.Host, len(got), len(hl.Items))
				}
				for k, w := range hl.Items {
					g := got[k]
					if g.Ref != w.Ref {
						t.Fatalf("step %d: item %d is %v, Build's is %v", i, k, g.Ref, w.Ref)
					}
					if g.Status != w.Status && !(w.Status == Blocked && g.Status == Pending) {
						t.Errorf("step %d %v: status %v, Build's %v", i, g.Ref, g.Status, w.Status)
					}
				}
				scribble(&Checklist{Hosts: []HostList{{Host: hl.Host, Items: got}}})
			}
			if got := BuildMemo(p, states, testNow, &m); !reflect.DeepEqual(got, want) {
				t.Fatalf("%s step %d: BuildMemo after HostItems differs from Build", p.Transfer, i)
			}
		}
	}
	if HostItems(docsPlan(plan.TransferInband), nil, testNow, "NO_SUCH_HOST", nil) != nil {
		t.Error("items for a host not in the plan")
	}
}
