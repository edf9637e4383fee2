package main

import (
	"runtime/debug"
	"testing"
)

func gcSettings() (percent int, limit int64) {
	percent = debug.SetGCPercent(100)
	debug.SetGCPercent(percent)
	return percent, debug.SetMemoryLimit(-1)
}

// TestTuneSimGC: sim collects less often, bounded by a memory limit, unless
// GOGC or GOMEMLIMIT says otherwise; restore puts the settings back.
func TestTuneSimGC(t *testing.T) {
	p0, l0 := gcSettings()
	restore := tuneSimGC(func(string) string { return "" })
	p, l := gcSettings()
	restore()
	if p != simGCPercent || l != simMemoryLimit {
		t.Fatalf("sim GC: percent %d limit %d, want %d and %d", p, l, simGCPercent, simMemoryLimit)
	}
	if p, l := gcSettings(); p != p0 || l != l0 {
		t.Fatalf("not restored: percent %d limit %d, want %d and %d", p, l, p0, l0)
	}
	for _, env := range []string{"GOGC", "GOMEMLIMIT"} {
		restore := tuneSimGC(func(k string) string {
			if k == env {
				return "200"
			}
			return ""
		})
		p, l := gcSettings()
		restore()
		if p != p0 || l != l0 {
			t.Fatalf("%s set: the user's settings were changed to %d, %d", env, p, l)
		}
	}
}
