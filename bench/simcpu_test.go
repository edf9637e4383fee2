//go:build linux

package main

import (
	"os"
	"testing"
	"time"
)

// TestProcCPU reads this test process's own CPU time, which grows while it
// burns CPU.
func TestProcCPU(t *testing.T) {
	before, ok := procCPU(os.Getpid())
	if !ok {
		t.Fatal("no CPU time in /proc/self/stat")
	}
	x := 0
	for end := time.Now().Add(150 * time.Millisecond); time.Now().Before(end); {
		x++
	}
	after, ok := procCPU(os.Getpid())
	if !ok || after <= before {
		t.Fatalf("CPU time did not grow: %v -> %v (%d loops)", before, after, x)
	}
	if _, ok := procCPU(-1); ok {
		t.Fatal("a process that does not exist has a CPU time")
	}
}
