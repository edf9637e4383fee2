package scaleout

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// needPSCheck returns node and the checker, skipping when either is
// missing, unless MIRRORCERT_E2E=1 makes that a failure (.ci/run installs
// them: npm install in scaleout/pscheck).
func needPSCheck(t *testing.T) (node, script string) {
	t.Helper()
	missing := func(what string, err error) {
		if os.Getenv("MIRRORCERT_E2E") == "1" {
			t.Fatalf("%s is required with MIRRORCERT_E2E=1: %v", what, err)
		}
		t.Skipf("%s not installed: %v", what, err)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		missing("node", err)
	}
	dir, err := filepath.Abs("pscheck")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "tree-sitter-powershell", "tree-sitter-powershell.wasm")); err != nil {
		missing("tree-sitter-powershell (npm install in scaleout/pscheck)", err)
	}
	return node, filepath.Join(dir, "check.mjs")
}

// The scripts cannot run here (no Windows), but they must at least be
// PowerShell: every variant, hostile values included, parses without a
// syntax error under an independent PowerShell grammar.
func TestScriptsParseAsPowerShell(t *testing.T) {
	node, check := needPSCheck(t)
	dir := t.TempDir()
	var files []string
	for i, in := range []PlanInput{
		{Master: "MASTER01,ssis-master.corp.example,10.0.2.4", Workers: "W1=10.0.2.8,W2=fe80::1", Change: "both"},
		{Master: "MASTER01", Workers: "W1", Change: "master", SQLVersion: "140"},
		{Master: "MASTER01"},
		{Master: "M", Workers: "W1=10.0.2.8", Change: "worker", BinnDir: "D:\\it's \u2019 #> <# $(calc) `n \"x\"", WorkerAccount: "CORP\\o'brien"},
	} {
		p := mustPlan(t, in)
		for _, s := range p.Scripts() {
			path := filepath.Join(dir, string(rune('a'+i))+"-"+s.File)
			if err := os.WriteFile(path, []byte(p.Render(s, goldenMeta)), 0o644); err != nil {
				t.Fatal(err)
			}
			files = append(files, path)
		}
	}
	// --liftoff-only: V8 otherwise recompiles the grammar's WebAssembly in
	// the background and waits for that at exit, minutes on a busy machine.
	out, err := exec.Command(node, append([]string{"--liftoff-only", check}, files...)...).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "ok") {
		t.Fatalf("PowerShell syntax errors: %v\n%s", err, out)
	}

	// The checker itself finds an error: a script with an unclosed brace.
	bad := filepath.Join(dir, "bad.ps1")
	text := strings.Replace(p0(t), "} catch {", "catch {", 1)
	if err := os.WriteFile(bad, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(node, "--liftoff-only", check, bad).CombinedOutput(); err == nil {
		t.Fatalf("a broken script parsed: %s", out)
	}
}

func p0(t *testing.T) string {
	p := mustPlan(t, PlanInput{Master: "M", Workers: "W1"})
	return p.Render(p.Scripts()[0], goldenMeta)
}
