//go:build unix

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// scaleout check's files are refused at once when they are not regular
// files (a FIFO blocks, /dev/zero never ends), as plan files are.
func TestScaleoutCheckSpecialFilesExit2(t *testing.T) {
	if _, err := os.Stat("/dev/zero"); err != nil {
		t.Skip("no /dev/zero")
	}
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	mkfifo(t, fifo)
	for _, args := range [][]string{
		{"--master-config", "/dev/zero"},
		{"--master-cert", fifo},
		{"--worker-config", "W1=" + fifo},
		{"--worker-cert", "W1=/dev/zero"},
	} {
		r := runBounded(t, dir, 20*time.Second, nil, append([]string{"scaleout", "check", "--no-local"}, args...)...)
		assertClean(t, r)
		if r.code != 2 || !strings.Contains(r.stderr, "not a regular file") || !strings.Contains(r.stderr, args[0]) {
			t.Errorf("%v: exit %d, want 2 naming the flag and saying not a regular file\n%s%s", args, r.code, r.stdout, r.stderr)
		}
	}
}
