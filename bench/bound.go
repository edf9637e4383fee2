package main

import (
	"fmt"
	"time"
)

// cpuBound splits apply's wall on n hosts into the part measured with the
// simulator answering at once (zero: the client's and the simulator's CPU
// on this machine, no waiting) and the rest (waiting for the latency). Only
// the waiting part is what the number of round trips decides; the other
// grows with the hosts because the simulated servers share the client's
// CPUs.
type cpuBound struct {
	wall, zero time.Duration
}

func (b cpuBound) waiting() time.Duration { return b.wall - b.zero }

// zeroBudget is the most apply on 9 hosts could take at zero latency for
// its wall to be at most limit times that of 3 hosts, its waiting part
// unchanged: limit·wall₃ − waiting₉. Negative means no CPU time would do.
func zeroBudget(three, nine cpuBound, limit float64) time.Duration {
	return time.Duration(limit*float64(three.wall)) - nine.waiting()
}

// boundRows prints the split for 3 and 9 hosts and what the 9 ÷ 3 target
// leaves for the CPU.
func boundRows(row func(name, got, target, raw string), three, nine cpuBound, latency time.Duration) {
	if three.zero == 0 || nine.zero == 0 {
		return
	}
	ratio := func(a, b time.Duration) string { return fmt.Sprintf("%.2f", float64(a)/float64(b)) }
	row("apply at 0 ms latency (CPU only), 9 hosts ÷ 3 hosts", ratio(nine.zero, three.zero), "-",
		ms(nine.zero)+" vs "+ms(three.zero)+"; client and simulator on the same CPUs")
	row(fmt.Sprintf("apply 9 ÷ 3, the part beyond the 0 ms run (%v)", latency), ratio(nine.waiting(), three.waiting()), "-",
		ms(nine.waiting())+" vs "+ms(three.waiting())+"; what the round trips decide")
	row("apply on 9 at 0 ms latency, most that 9 ÷ 3 ≤ 1.2 allows", ms(zeroBudget(three, nine, 1.2)), "-",
		"now "+ms(nine.zero)+"; 1.2 × apply on 3 minus the waiting part on 9")
}
