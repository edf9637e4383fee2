package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Every "$(" in plan text is a plan error: exit 2 naming the field and the
// line, for script (which used to write the value where sqlcmd expands it,
// or exit 1) and for the commands that connect.
func TestSqlcmdVariableInPlanExits2(t *testing.T) {
	const v = "$(MASTER_KEY_PASSWORD_HOST_A)"
	edits := []struct{ field, old, new string }{
		{"hosts[0].name", "name: HOST_A", `name: "A` + v + `"`},
		{"hosts[1].server", "server: sqlb.corp.example", `server: "sqlb` + v + `"`},
		{"hosts[2].role", "role: witness", `role: "w` + v + `"`},
		{"auth.user", "user: sa", `user: "sa` + v + `"`},
		{"endpoint.name", "name: Endpoint_Mirroring", `name: "E` + v + `"`},
		{"endpoint.encryption", "encryption: AES", `encryption: "AES` + v + `"`},
		{"certificate.subject", "  expiry: 2029-11-30\n", "  expiry: 2029-11-30\n  subject: \"" + v + "\"\n"},
		{"certificate.file_dir", "  expiry: 2029-11-30\n", "  expiry: 2029-11-30\n  file_dir: \"C:\\\\" + v + "\"\n"},
		{"transfer", "transfer: inband", `transfer: "file` + v + `"`},
	}
	for _, e := range edits {
		t.Run(e.field, func(t *testing.T) {
			if !strings.Contains(goodPlan, e.old) {
				t.Fatalf("goodPlan lacks %q", e.old)
			}
			dir := t.TempDir()
			writePlan(t, dir, strings.Replace(goodPlan, e.old, e.new, 1))
			for _, args := range [][]string{{"script", "--plan", "plan.yaml"}, {"status", "--plan", "plan.yaml"}} {
				r := runBin(t, dir, args...)
				assertClean(t, r)
				if r.code != 2 || !strings.Contains(r.stderr, e.field) || !strings.Contains(r.stderr, "plan.yaml:") || !strings.Contains(r.stderr, "sqlcmd") {
					t.Errorf("%s: exit %d, want 2 naming %s, its line and sqlcmd:\n%s%s", args[0], r.code, e.field, r.stdout, r.stderr)
				}
				if strings.Contains(r.stdout, "MASTER_KEY_PASSWORD_HOST_A") {
					t.Errorf("%s wrote a script", args[0])
				}
			}
		})
	}
}

// Input errors of script's -o handling exit 2 too: files in the way
// without --force, an output path under a regular file.
func TestScriptOutputInputErrorsExit2(t *testing.T) {
	dir := t.TempDir()
	writePlan(t, dir, goodPlan)
	if r := runBin(t, dir, "script", "--plan", "plan.yaml", "-o", "out"); r.code != 0 {
		t.Fatalf("first run: %d %s", r.code, r.stderr)
	}
	r := runBin(t, dir, "script", "--plan", "plan.yaml", "-o", "out")
	if r.code != 2 || !strings.Contains(r.stderr, "--force") {
		t.Errorf("existing files: exit %d %q, want 2 and the --force hint", r.code, r.stderr)
	}
	if err := os.WriteFile(filepath.Join(dir, "afile"), []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	r = runBin(t, dir, "script", "--plan", "plan.yaml", "-o", filepath.Join("afile", "sub"))
	assertClean(t, r)
	if r.code != 2 || !strings.Contains(r.stderr, "afile") {
		t.Errorf("-o under a file: exit %d %q, want 2 naming the path", r.code, r.stderr)
	}
}
