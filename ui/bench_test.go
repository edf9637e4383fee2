package ui

import (
	"fmt"
	"testing"
)

func benchView(b *testing.B, n int) {
	var hs []string
	for i := 1; i <= n; i++ {
		hs = append(hs, fmt.Sprintf("HOST_%c", 'A'+i-1))
	}
	o := Options{Backend: newFake(hs...), PlanLabel: "plan.yaml", Mode: "ag", Transfer: "inband"}
	m := New(o)
	m.applySnapshot(o.Backend.Snapshot())
	delete(m.refreshing, "")
	m = sized(m, 120, 40)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		_ = m.View()
	}
}

// BenchmarkView3Hosts is one frame of the mirroring setup (2 partners and a witness).
func BenchmarkView3Hosts(b *testing.B) { benchView(b, 3) }

// BenchmarkView9Hosts is one frame of the largest availability group.
func BenchmarkView9Hosts(b *testing.B) { benchView(b, 9) }

// BenchmarkKeyAndView9Hosts is an operator's key press (the cursor moves)
// and the frame drawn after it: Update's work plus View's, since the
// components draw in Update what changed.
func BenchmarkKeyAndView9Hosts(b *testing.B) {
	var hs []string
	for i := 1; i <= 9; i++ {
		hs = append(hs, fmt.Sprintf("HOST_%c", 'A'+i-1))
	}
	o := Options{Backend: newFake(hs...), PlanLabel: "plan.yaml", Mode: "ag", Transfer: "inband"}
	m := New(o)
	m.applySnapshot(o.Backend.Snapshot())
	delete(m.refreshing, "")
	m = sized(m, 120, 40)
	keys := []string{"down", "down", "up", "up"}
	b.ReportAllocs()
	b.ResetTimer()
	i := 0
	for b.Loop() {
		m.Update(keyPress(keys[i%len(keys)]))
		_ = m.View()
		i++
	}
}

// BenchmarkViewHostError is one frame with the selected host's connection
// error above its checklist (the spinner keeps drawing frames while r
// retries it).
func BenchmarkViewHostError(b *testing.B) {
	f := newFake("HOST_A", "HOST_B", "HOST_W")
	f.hosts[0].Connected = false
	f.hosts[0].Err = "login error: mssql: login failed for user 'sa'; the server at 127.0.0.1,50001 refused the connection after the pre-login handshake, check the password and the server's authentication mode"
	o := Options{Backend: f, PlanLabel: "plan.yaml", Mode: "mirroring", Transfer: "inband"}
	m := New(o)
	m.applySnapshot(o.Backend.Snapshot())
	delete(m.refreshing, "")
	m = sized(m, 120, 40)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		_ = m.View()
	}
}
