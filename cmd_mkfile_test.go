package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// A missing folder for --master-key-password-file must stop apply before
// anything is sent: the file is created first, so it can never be the thing
// that fails after a master key exists.
func TestApplyPasswordFileMissingFolderDoesNothing(t *testing.T) {
	cl := startTestSim(t)
	dir := t.TempDir()
	planPath := writeSimPlanFile(t, cl, dir)
	env := []string{"SQLCMDPASSWORD=" + e2eSimPassword, "XDG_STATE_HOME=" + dir}
	trDir := filepath.Join(dir, "tr")
	mk := filepath.Join(dir, "no-such-folder", "mk.txt")
	r := runWithEnv(t, dir, env, "apply", "--plan", planPath, "--yes", "--master-key-password-file", mk, "--transcript-dir", trDir)
	assertClean(t, r)
	if r.code != 2 || !strings.Contains(r.stderr, "--master-key-password-file") || !strings.Contains(r.stderr, "nothing was done") {
		t.Fatalf("exit %d, want 2 naming the flag and saying nothing was done\n%s%s", r.code, r.stdout, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(trDir, "transcript.jsonl")); err == nil {
		t.Error("a statement was sent although the password file could not be created")
	}
	d := parseStatus(t, runWithEnv(t, dir, env, "status", "--plan", planPath, "--json"))
	for _, h := range d.Hosts {
		for _, it := range h.Items {
			if it.ID == "outbound/master-key" && it.Status != "pending" {
				t.Errorf("%s: master key %s after a refused apply", h.Name, it.Status)
			}
		}
	}
}

// Two runs given the same folder in the same second each get a file of their
// own, created exclusively with mode 0600 before anything is sent.
func TestPasswordFileNamesNeverCollide(t *testing.T) {
	dir := t.TempDir()
	now := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	a, err := createMKFile(dir, now)
	if err != nil {
		t.Fatal(err)
	}
	defer a.close()
	b, err := createMKFile(dir, now)
	if err != nil {
		t.Fatalf("second run in the same second: %v", err)
	}
	defer b.close()
	if a.path == b.path {
		t.Fatalf("both runs write %s", a.path)
	}
	for _, w := range []*mkWriter{a, b} {
		fi, err := os.Stat(w.path)
		if err != nil {
			t.Fatalf("the file must exist before anything is sent: %v", err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v, want 0600", w.path, fi.Mode().Perm())
		}
	}
	// A named file that exists is never reused or overwritten.
	if err := os.WriteFile(filepath.Join(dir, "taken.txt"), []byte("old\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := createMKFile(filepath.Join(dir, "taken.txt"), now); err == nil || !strings.Contains(err.Error(), "never overwrites") {
		t.Errorf("existing file: %v", err)
	}
	if data, _ := os.ReadFile(filepath.Join(dir, "taken.txt")); string(data) != "old\n" {
		t.Errorf("existing file changed: %q", data)
	}
}

// A password whose statement may have run is written all the same, labelled.
func TestPasswordFileLabelsUncertainPasswords(t *testing.T) {
	dir := t.TempDir()
	w, err := createMKFile(filepath.Join(dir, "mk.txt"), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := w.write("HOST_A", "Pw-A", false); err != nil {
		t.Fatal(err)
	}
	if err := w.write("HOST_B", "Pw-B", true); err != nil {
		t.Fatal(err)
	}
	w.close()
	data, _ := os.ReadFile(w.path)
	if !strings.Contains(string(data), "HOST_A\tPw-A\n") {
		t.Errorf("certain password line missing:\n%s", data)
	}
	if !strings.Contains(string(data), "HOST_B\tPw-B\t# may have been created: check") {
		t.Errorf("uncertain password not labelled:\n%s", data)
	}
}

// A run that generated nothing leaves no empty password file behind.
func TestPasswordFileRemovedWhenUnused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "mk.txt")
	w, err := createMKFile(path, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	w.close()
	if _, err := os.Stat(path); err == nil {
		t.Error("an unused password file was left behind")
	}
}

// A connection lost right after CREATE MASTER KEY was sent (the simulator
// drops HOST_A's second batch on every connection): apply shows the
// password all the same, labelled, and writes it labelled to the file.
func TestApplyLostConnectionShowsPasswordAnyway(t *testing.T) {
	for _, toFile := range []bool{false, true} {
		name := "stderr"
		if toFile {
			name = "file"
		}
		t.Run(name, func(t *testing.T) {
			cl := startTestSim(t)
			dir := t.TempDir()
			planPath := writeSimPlanFile(t, cl, dir)
			if err := cl.SetFaults("HOST_A:drop-after=1"); err != nil {
				t.Fatal(err)
			}
			args := []string{"apply", "--plan", planPath, "--yes"}
			mk := filepath.Join(dir, "mk.txt")
			if toFile {
				args = append(args, "--master-key-password-file", mk)
			}
			r := runWithEnv(t, dir, []string{"SQLCMDPASSWORD=" + e2eSimPassword, "XDG_STATE_HOME=" + dir}, args...)
			assertClean(t, r)
			if r.code == 0 {
				t.Fatalf("apply succeeded although HOST_A kept dropping:\n%s%s", r.stdout, r.stderr)
			}
			if !toFile {
				if !regexp.MustCompile(`HOST_A: the connection was lost after CREATE MASTER KEY was sent; the master key may have been created: check .*\n\s+\S{20,}\n`).MatchString(r.stderr) {
					t.Fatalf("the uncertain password was not shown, labelled:\n%s", r.stderr)
				}
				return
			}
			data, err := os.ReadFile(mk)
			if err != nil {
				t.Fatal(err)
			}
			if !regexp.MustCompile(`(?m)^HOST_A\t\S{20,}\t# may have been created: check$`).Match(data) {
				t.Fatalf("the uncertain password is not in the file, labelled:\n%s\nstderr:\n%s", data, r.stderr)
			}
			if !strings.Contains(r.stderr, "may have been created: check") {
				t.Errorf("stderr does not say which password is uncertain:\n%s", r.stderr)
			}
		})
	}
}
