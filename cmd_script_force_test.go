package main

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// script -o DIR --force replaces every file or none: a target that cannot
// be replaced (here a folder named HOST_W.sql) must leave HOST_A.sql and
// HOST_B.sql as they were.
func TestScriptForceIsAllOrNothing(t *testing.T) {
	dir := t.TempDir()
	writePlan(t, dir, goodPlan)
	out := filepath.Join(dir, "out")
	if r := runBin(t, dir, "script", "--plan", "plan.yaml", "-o", "out"); r.code != 0 {
		t.Fatalf("first run: %d %s", r.code, r.stderr)
	}
	for _, n := range []string{"HOST_A.sql", "HOST_B.sql"} {
		os.WriteFile(filepath.Join(out, n), []byte("-- mine\n"), 0o644)
	}
	os.Remove(filepath.Join(out, "HOST_W.sql"))
	if err := os.MkdirAll(filepath.Join(out, "HOST_W.sql", "inside"), 0o755); err != nil {
		t.Fatal(err)
	}
	r := runBin(t, dir, "script", "--plan", "plan.yaml", "-o", "out", "--force")
	assertClean(t, r)
	if r.code != 2 || !strings.Contains(r.stderr, "HOST_W.sql") {
		t.Errorf("exit %d %q, want 2 naming HOST_W.sql", r.code, r.stderr)
	}
	for _, n := range []string{"HOST_A.sql", "HOST_B.sql"} {
		if b, _ := os.ReadFile(filepath.Join(out, n)); string(b) != "-- mine\n" {
			t.Errorf("%s was replaced although the run failed", n)
		}
	}
	if got := strings.Join(listDir(t, out), " "); got != "HOST_A.sql HOST_B.sql HOST_W.sql all.sql" {
		t.Errorf("files left: %s", got)
	}
}

// A failure in the middle of the renames (injected) rolls every file back.
func TestInstallFilesRollsBackMidWay(t *testing.T) {
	dir := t.TempDir()
	names := []string{"HOST_A.sql", "HOST_B.sql", "HOST_W.sql", "all.sql"}
	var files []scriptFile
	for _, n := range names {
		if n != "HOST_B.sql" { // one new file, three to replace
			os.WriteFile(filepath.Join(dir, n), []byte("old "+n), 0o644)
		}
		files = append(files, scriptFile{name: n, text: "new " + n})
	}
	failAt := filepath.Join(dir, "HOST_W.sql")
	rename := func(from, to string) error {
		if to == failAt && !strings.Contains(filepath.Base(from), "old") {
			return errors.New("injected failure")
		}
		return os.Rename(from, to)
	}
	err := installFiles(dir, files, rename)
	if err == nil || !strings.Contains(err.Error(), "injected failure") {
		t.Fatalf("installFiles = %v, want the injected failure", err)
	}
	for _, n := range names {
		b, err := os.ReadFile(filepath.Join(dir, n))
		switch {
		case n == "HOST_B.sql" && err == nil:
			t.Errorf("%s was left behind: %q", n, b)
		case n != "HOST_B.sql" && string(b) != "old "+n:
			t.Errorf("%s = %q, want the old content back", n, b)
		}
	}
	if got := strings.Join(listDir(t, dir), " "); got != "HOST_A.sql HOST_W.sql all.sql" {
		t.Errorf("files left: %s (no temporary or backup files may remain)", got)
	}
	if err := installFiles(dir, files, os.Rename); err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		if b, _ := os.ReadFile(filepath.Join(dir, n)); string(b) != "new "+n {
			t.Errorf("%s = %q after a clean run", n, b)
		}
	}
}
