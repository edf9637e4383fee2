//go:build unix

package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func mkfifo(t *testing.T, path string) {
	t.Helper()
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
}

// Plan and CA files must be regular files under a size cap: a FIFO, a
// device or a huge file is refused at once with exit 2 and a clear message.
func TestSpecialPlanAndCAFilesExit2(t *testing.T) {
	if _, err := os.Stat("/dev/zero"); err != nil {
		t.Skip("no /dev/zero")
	}
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	mkfifo(t, fifo)
	big := filepath.Join(dir, "big.pem")
	if err := os.WriteFile(big, bytes.Repeat([]byte("A"), 2<<20), 0o600); err != nil {
		t.Fatal(err)
	}
	withCA := func(ca string) string {
		p := filepath.Join(t.TempDir(), "plan.yaml")
		os.WriteFile(p, []byte(strings.Replace(goodPlan, "  user: sa\n", "  user: sa\n  ca_certificate: "+ca+"\n", 1)), 0o600)
		return p
	}
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"plan fifo", []string{"status", "--plan", fifo}, "not a regular file"},
		{"plan dev zero", []string{"script", "--plan", "/dev/zero"}, "not a regular file"},
		{"plan directory", []string{"script", "--plan", dir}, "not a regular file"},
		{"ca dev zero", []string{"status", "--plan", withCA("/dev/zero")}, "ca_certificate"},
		{"ca fifo", []string{"status", "--plan", withCA(fifo)}, "ca_certificate"},
		{"ca too big", []string{"status", "--plan", withCA(big)}, "larger than"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := runBounded(t, dir, 20*time.Second, []string{"SQLCMDPASSWORD=x"}, c.args...)
			assertClean(t, r)
			if r.code != 2 || !strings.Contains(r.stderr, c.want) {
				t.Errorf("exit %d, want 2 and %q:\n%s%s", r.code, c.want, r.stdout, r.stderr)
			}
		})
	}
}
