package main

import (
	"runtime/debug"
)

// The simulator's garbage collector settings. Its live heap is small (1-2
// MB for 9 instances), so with the default GOGC=100 it collects every 2-3
// MB allocated: 5 collections of ~2.5 ms CPU each during one 9-replica
// apply, on the same CPUs as the client being measured. Collecting at 5x
// the live heap instead, with a soft memory limit as the bound, leaves one
// or none. Only `mirrorcert sim` does this; the product keeps Go's defaults.
const (
	simGCPercent   = 400
	simMemoryLimit = 512 << 20
)

// tuneSimGC applies the simulator's settings unless the user chose their
// own with GOGC or GOMEMLIMIT, and returns what puts the previous ones back.
func tuneSimGC(getenv func(string) string) (restore func()) {
	if getenv("GOGC") != "" || getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	oldPercent := debug.SetGCPercent(simGCPercent)
	oldLimit := debug.SetMemoryLimit(simMemoryLimit)
	return func() {
		debug.SetGCPercent(oldPercent)
		debug.SetMemoryLimit(oldLimit)
	}
}
