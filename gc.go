package main

import (
	"os"
	"runtime/debug"
)

// gcPercent is the garbage collector's target when GOGC is not set. Every
// command but the TUI runs for well under a second with a live heap of a
// few MB, so the default (100) spends a tenth of apply's CPU on 9 replicas
// collecting garbage that the exit would free anyway: 400 halves the
// cycles. memoryLimit keeps a long TUI session from growing without
// bound: near it the collector works harder again.
const (
	gcPercent   = 400
	memoryLimit = 1 << 30
)

// tuneGC applies gcPercent and memoryLimit unless the operator set GOGC or
// GOMEMLIMIT, which always win.
func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit)
	}
}
