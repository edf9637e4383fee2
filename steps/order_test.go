package steps

import (
	"reflect"
	"testing"

	"github.com/mirrorcert/mirrorcert/plan"
)

// checkTopological fails unless every item's needs come before it.
func checkTopological(t *testing.T, c Checklist, order []Ref) {
	t.Helper()
	pos := map[Ref]int{}
	for i, r := range order {
		if _, dup := pos[r]; dup {
			t.Fatalf("%s listed twice", r)
		}
		pos[r] = i
	}
	for _, h := range c.Hosts {
		for _, it := range h.Items {
			i, ok := pos[it.Ref]
			if !ok {
				continue
			}
			for _, n := range it.Needs {
				if j, ok := pos[n]; ok && j > i {
					t.Errorf("%s comes before its need %s", it.Ref, n)
				}
			}
		}
	}
}

func TestOrderCoversEveryItemTopologically(t *testing.T) {
	for _, transfer := range []string{plan.TransferInband, plan.TransferFile} {
		p := docsPlan(transfer)
		order := Order(p)
		c := Build(p, nil, testNow)
		n := 0
		for _, h := range c.Hosts {
			n += len(h.Items)
		}
		if len(order) != n {
			t.Fatalf("%s: Order lists %d of %d items", transfer, len(order), n)
		}
		checkTopological(t, c, order)
		// Outbound of every host before any inbound item.
		if order[0] != (Ref{"HOST_A", IDMasterKey}) || order[len(order)-1].ID != "inbound/HOST_B/connect" {
			t.Errorf("%s: order starts %s ends %s", transfer, order[0], order[len(order)-1])
		}
		outbound := 3 * 3
		if transfer == plan.TransferFile {
			outbound = 3 * 4
		}
		for i, r := range order {
			if (i < outbound) != (r.ID[:8] == "outbound") {
				t.Errorf("%s: %s at %d", transfer, r, i)
			}
		}
		if !reflect.DeepEqual(order, Order(p)) {
			t.Error("Order is not stable")
		}
	}
}

func TestOrderForNineReplicas(t *testing.T) {
	p := docsPlan(plan.TransferFile)
	p.Mode = plan.ModeAG
	p.Hosts = nil
	for _, n := range []string{"R1", "R2", "R3", "R4", "R5", "R6", "R7", "R8", "R9"} {
		p.Hosts = append(p.Hosts, plan.Host{Name: n, Role: plan.RoleReplica, EndpointRole: "ALL"})
	}
	order := Order(p)
	if want := 9 * (4 + 8*5); len(order) != want {
		t.Fatalf("%d items, want %d", len(order), want)
	}
	checkTopological(t, Build(p, nil, testNow), order)
}

func TestRunnable(t *testing.T) {
	p := docsPlan(plan.TransferFile)
	empty := map[string]*State{"HOST_A": {}, "HOST_B": {}, "HOST_W": {}}
	got := Runnable(Build(p, empty, testNow))
	want := []Ref{{"HOST_A", IDMasterKey}, {"HOST_B", IDMasterKey}, {"HOST_W", IDMasterKey},
		{"HOST_A", "inbound/HOST_B/login"}, {"HOST_A", "inbound/HOST_W/login"},
		{"HOST_B", "inbound/HOST_A/login"}, {"HOST_B", "inbound/HOST_W/login"},
		{"HOST_W", "inbound/HOST_A/login"}, {"HOST_W", "inbound/HOST_B/login"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Runnable on empty hosts:\n%v\nwant\n%v", got, want)
	}

	// Outbound done and backups taken: copies are manual, so the next
	// runnable items are the logins only.
	s := map[string]*State{}
	for _, h := range p.Hosts {
		s[h.Name] = outboundDone(p, h.Name)
	}
	c := Build(p, s, testNow)
	for _, r := range Runnable(c) {
		if it := c.Item(r); it.Manual || it.ID[len(it.ID)-5:] != "login" {
			t.Errorf("runnable %s", r)
		}
	}
	if c.Item(Ref{"HOST_A", "inbound/HOST_B/copy"}).Status != Pending {
		t.Error("copy not pending")
	}

	// A step the UI marked Failed is not offered again, and an item whose
	// need failed is not offered either.
	c = Build(p, empty, testNow)
	c.Item(Ref{"HOST_B", IDMasterKey}).Status = Failed
	for _, r := range Runnable(c) {
		if r == (Ref{"HOST_B", IDMasterKey}) {
			t.Error("failed item offered")
		}
	}
	withKey := map[string]*State{"HOST_A": {MasterKey: true}, "HOST_B": {}, "HOST_W": {}}
	c = Build(p, withKey, testNow)
	if !containsRef(Runnable(c), Ref{"HOST_A", IDCertificate}) {
		t.Error("certificate not runnable once the master key exists")
	}
	c.Item(Ref{"HOST_A", IDMasterKey}).Status = Failed
	if containsRef(Runnable(c), Ref{"HOST_A", IDCertificate}) {
		t.Error("certificate offered although its need is not done")
	}
	if got := Runnable(Build(p, allDoneStates(p), testNow)); len(got) != 0 {
		t.Errorf("runnable when complete: %v", got)
	}
}

// BenchmarkBuildNineReplicas measures a full Build and Runnable for the
// largest plan (9 AG replicas, file mode), which the UI redoes on every refresh.
func BenchmarkBuildNineReplicas(b *testing.B) {
	p := docsPlan(plan.TransferFile)
	p.Mode, p.Hosts = plan.ModeAG, nil
	for _, n := range []string{"R1", "R2", "R3", "R4", "R5", "R6", "R7", "R8", "R9"} {
		p.Hosts = append(p.Hosts, plan.Host{Name: n, Role: plan.RoleReplica, EndpointRole: "ALL"})
	}
	s := map[string]*State{}
	for _, h := range p.Hosts {
		s[h.Name] = outboundDone(p, h.Name)
	}
	for b.Loop() {
		Runnable(Build(p, s, testNow))
	}
}
