package main

import (
	"fmt"
	"time"
)

// simRows prints, for apply on 3 and 9 hosts, the simulator's own CPU
// during the apply and its share of apply's wall: the simulator shares the
// client's CPUs, so on a 2-CPU machine every millisecond it computes can
// stretch apply's wall. Nothing is printed where it was not measured.
func simRows(row func(name, got, target, raw string), applies map[int]*series) {
	for _, n := range []int{3, 9} {
		s := applies[n]
		if len(s.simCPU) == 0 {
			continue
		}
		sim, wall, client := median(s.simCPU), median(s.wall), median(s.cpu)
		row(fmt.Sprintf("simulator CPU during apply on %d hosts ÷ apply's wall", n),
			fmt.Sprintf("%.0f%%", pct(sim, wall)), "-",
			fmt.Sprintf("%s simulator + %s client CPU in %s wall; /proc, to 10 ms", ms(sim), ms(client), ms(wall)))
	}
}

func pct(a, b time.Duration) float64 {
	if b == 0 {
		return 0
	}
	return 100 * float64(a) / float64(b)
}
