package main

import (
	"strings"
	"testing"
)

// The TUI and `scaleout script` read the same flags and validate them the
// same way: a --master-port 0 that was typed is refused by both, not
// replaced with 8391 by one of them.
func TestScaleoutTUIAndScriptRefuseMasterPortZero(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{
		{"scaleout", "--master", "MASTER01", "--workers", "W1", "--master-port", "0", "--state", "s.json"},
		{"scaleout", "script", "--master", "MASTER01", "--workers", "W1", "--master-port", "0"},
	} {
		r := runBin(t, dir, args...)
		assertClean(t, r)
		if r.code != 2 || !strings.Contains(r.stderr, "--master-port 0: use 1..65535") {
			t.Errorf("%v: exit %d, want 2 naming --master-port\n%s%s", args, r.code, r.stdout, r.stderr)
		}
	}
}
