package main

import (
	"strings"
	"testing"
	"time"
)

func TestZeroBudget(t *testing.T) {
	three := cpuBound{wall: 100 * time.Millisecond, zero: 25 * time.Millisecond}
	nine := cpuBound{wall: 140 * time.Millisecond, zero: 80 * time.Millisecond}
	if got := nine.waiting(); got != 60*time.Millisecond {
		t.Fatalf("waiting = %v, want 60ms", got)
	}
	// 1.2 × 100 ms − 60 ms of waiting on 9 hosts leaves 60 ms of CPU.
	if got := zeroBudget(three, nine, 1.2); got != 60*time.Millisecond {
		t.Fatalf("budget = %v, want 60ms", got)
	}
}

func TestBoundRows(t *testing.T) {
	var out []string
	row := func(name, got, target, raw string) { out = append(out, name+" | "+got+" | "+raw) }
	boundRows(row, cpuBound{wall: 100 * time.Millisecond}, cpuBound{wall: 140 * time.Millisecond}, 25*time.Millisecond)
	if len(out) != 0 {
		t.Fatalf("rows printed without the 0 ms runs: %q", out)
	}
	boundRows(row, cpuBound{wall: 100 * time.Millisecond, zero: 25 * time.Millisecond},
		cpuBound{wall: 140 * time.Millisecond, zero: 80 * time.Millisecond}, 25*time.Millisecond)
	want := []string{"| 3.20 | 80.0 ms vs 25.0 ms", "| 0.80 | 60.0 ms vs 75.0 ms", "| 60.0 ms | now 80.0 ms"}
	if len(out) != len(want) {
		t.Fatalf("got %d rows, want %d: %q", len(out), len(want), out)
	}
	for i, w := range want {
		if !strings.Contains(out[i], w) {
			t.Errorf("row %d = %q, want it to contain %q", i, out[i], w)
		}
	}
}
