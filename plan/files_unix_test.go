//go:build unix

package plan

import (
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func TestLoadRefusesSpecialFiles(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	done := make(chan error, 1)
	go func() { _, err := Load(fifo, testNow); done <- err }()
	if err := <-done; err == nil || !strings.Contains(err.Error(), "named pipe") {
		t.Errorf("Load(fifo) = %v", err)
	}
	if _, err := Load("/dev/zero", testNow); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("Load(/dev/zero) = %v", err)
	}
	for _, ca := range []string{"/dev/zero", fifo} {
		_, err := Parse([]byte(edit(t, "  user: sa\n", "  user: sa\n  ca_certificate: "+ca+"\n")), "plan.yaml", testNow)
		if err == nil || !strings.Contains(err.Error(), "auth.ca_certificate") || !strings.Contains(err.Error(), "not a regular file") {
			t.Errorf("ca_certificate %s: %v", ca, err)
		}
	}
	if _, err := ReadRegularFile(fifo, 10); err == nil {
		t.Error("ReadRegularFile read a FIFO")
	}
}
