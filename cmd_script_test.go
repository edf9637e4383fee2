package main

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

func listDir(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	return names
}

func TestScriptWritesFiles(t *testing.T) {
	dir := t.TempDir()
	writePlan(t, dir, goodPlan)
	r := runBin(t, dir, "script", "--plan", "plan.yaml", "-o", "out/sql")
	if r.code != 0 {
		t.Fatalf("code %d\n%s", r.code, r.stderr)
	}
	assertClean(t, r)
	out := filepath.Join(dir, "out", "sql")
	want := []string{"HOST_A.sql", "HOST_B.sql", "HOST_W.sql", "all.sql"}
	if got := listDir(t, out); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("files %v, want %v (and no temporary files left)", got, want)
	}
	for _, name := range want {
		fi, err := os.Stat(filepath.Join(out, name))
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o644 || fi.Size() == 0 {
			t.Errorf("%s: mode %v size %d", name, fi.Mode().Perm(), fi.Size())
		}
		if !strings.Contains(r.stdout, filepath.Join("out", "sql", name)) {
			t.Errorf("stdout does not report %s:\n%s", name, r.stdout)
		}
	}
	if fi, err := os.Stat(out); err != nil || fi.Mode().Perm() != 0o755 {
		t.Errorf("output dir: %v %v", fi.Mode(), err)
	}
	for _, h := range []string{"HOST_A", "HOST_B", "HOST_W"} {
		text, _ := os.ReadFile(filepath.Join(out, h+".sql"))
		// Each host's script creates that host's own certificate.
		if !strings.Contains(string(text), h+"_cert") {
			t.Errorf("%s.sql does not mention %s_cert", h, h)
		}
	}
	all, _ := os.ReadFile(filepath.Join(out, "all.sql"))
	if strings.Count(string(all), ":CONNECT") < 3 {
		t.Errorf("all.sql should have a :CONNECT block per host:\n%s", all)
	}
}

func TestScriptToStdout(t *testing.T) {
	dir := t.TempDir()
	writePlan(t, dir, goodPlan)
	r := runBin(t, dir, "script", "--plan", "plan.yaml")
	if r.code != 0 || r.stderr != "" {
		t.Fatalf("code %d stderr %q", r.code, r.stderr)
	}
	if !strings.Contains(r.stdout, ":CONNECT") || !strings.Contains(r.stdout, "HOST_W_cert") {
		t.Errorf("stdout is not all.sql:\n%s", r.stdout)
	}
	if got := listDir(t, dir); len(got) != 1 {
		t.Errorf("script without -o wrote files: %v", got)
	}
}

func TestScriptRefusesOverwrite(t *testing.T) {
	dir := t.TempDir()
	writePlan(t, dir, goodPlan)
	if r := runBin(t, dir, "script", "--plan", "plan.yaml", "-o", "out"); r.code != 0 {
		t.Fatalf("first run: %d %s", r.code, r.stderr)
	}
	edited := filepath.Join(dir, "out", "HOST_B.sql")
	if err := os.WriteFile(edited, []byte("-- my edits\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := runBin(t, dir, "script", "--plan", "plan.yaml", "-o", "out")
	if r.code != 2 || !strings.Contains(r.stderr, "--force") || !strings.Contains(r.stderr, "HOST_B.sql") {
		t.Errorf("second run: code %d stderr %q; want a refusal naming the files and --force", r.code, r.stderr)
	}
	assertClean(t, r)
	if b, _ := os.ReadFile(edited); string(b) != "-- my edits\n" {
		t.Errorf("an existing file was replaced without --force")
	}
	r = runBin(t, dir, "script", "--plan", "plan.yaml", "-o", "out", "--force")
	if r.code != 0 {
		t.Fatalf("--force: %d %s", r.code, r.stderr)
	}
	if b, _ := os.ReadFile(edited); !strings.Contains(string(b), "HOST_B_cert") {
		t.Errorf("--force did not replace HOST_B.sql")
	}
}

func TestScriptHostNamedAll(t *testing.T) {
	dir := t.TempDir()
	writePlan(t, dir, strings.Replace(goodPlan, "name: HOST_W", "name: All", 1))
	r := runBin(t, dir, "script", "--plan", "plan.yaml", "-o", "out")
	if r.code != 2 || !strings.Contains(r.stderr, "all.sql") {
		t.Errorf("code %d stderr %q", r.code, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "out")); err == nil {
		t.Errorf("output directory created although nothing could be written")
	}
}
