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
	// Burn CPU until the 10 ms tick moves, for up to 5 s of wall time: on
	// a machine shared by many, 150 ms of wall may hold too little CPU.
	x := 0
	after := before
	for end := time.Now().Add(5 * time.Second); after <= before && time.Now().Before(end); {
		for range 1_000_000 {
			x++
		}
		if after, ok = procCPU(os.Getpid()); !ok {
			t.Fatal("no CPU time in /proc/self/stat")
		}
	}
	if after <= before {
		t.Fatalf("CPU time did not grow in 5 s of busy loop: %v -> %v (%d loops)", before, after, x)
	}
	if _, ok := procCPU(-1); ok {
		t.Fatal("a process that does not exist has a CPU time")
	}
}
