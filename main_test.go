package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// testVersion is stamped into the test binary through the same -X flag
// .goreleaser.yaml uses, so TestVersion proves the flag reaches the symbol.
const testVersion = "test-1.2.3"

// testBinary is the mirrorcert binary built once by TestMain. Command tests
// of every engineer use it through runBin; it is set once, before any test.
var testBinary string

func TestMain(m *testing.M) {
	os.Exit(buildAndRun(m))
}

func buildAndRun(m *testing.M) int {
	dir, err := os.MkdirTemp("", "mirrorcert-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "TestMain:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	testBinary = filepath.Join(dir, "mirrorcert")
	// No -trimpath: it would rebuild the standard library instead of reusing
	// the packages this test run has just compiled.
	build := exec.Command("go", "build", "-ldflags", "-X main.version="+testVersion, "-o", testBinary, ".")
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "TestMain: go build: %v\n%s", err, out)
		return 1
	}
	return m.Run()
}

// result is what one run of the binary did.
type result struct {
	stdout, stderr string
	code           int
}

// runBin runs the test binary with args in dir ("" = a fresh temp dir) and
// an environment without any MIRRORCERT_ or SQLCMD variables of the caller.
func runBin(t *testing.T, dir string, args ...string) result {
	t.Helper()
	if dir == "" {
		dir = t.TempDir()
	}
	return runWithEnv(t, dir, nil, args...)
}

// assertClean fails if output shows a crash or a usage dump where a plain
// message belongs.
func assertClean(t *testing.T, r result) {
	t.Helper()
	for _, bad := range []string{"goroutine ", "panic:", "Usage:", "runtime/"} {
		if strings.Contains(r.stdout+r.stderr, bad) {
			t.Errorf("output contains %q:\nstdout:\n%s\nstderr:\n%s", bad, r.stdout, r.stderr)
		}
	}
}

func TestVersion(t *testing.T) {
	r := runBin(t, "", "version")
	if r.code != 0 || r.stdout != "mirrorcert "+testVersion+"\n" {
		t.Errorf("version: code %d stdout %q stderr %q; want the -X main.version value", r.code, r.stdout, r.stderr)
	}
}

// The release config must stamp the same symbol the test build does.
func TestGoreleaserStampsVersion(t *testing.T) {
	cfg, err := os.ReadFile(".goreleaser.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(cfg), "-X main.version={{.Version}}") {
		t.Errorf(".goreleaser.yaml does not set -X main.version={{.Version}}")
	}
}

// goodPlan is a valid plan; tests derive bad plans from it by replacing text,
// so line numbers refer to it.
const goodPlan = `hosts:
  - name: HOST_A
    server: sqla.corp.example,1433
    role: partner
  - name: HOST_B
    server: sqlb.corp.example
    role: partner
  - name: HOST_W
    server: sqlw.corp.example
    role: witness
auth:
  user: sa
endpoint:
  name: Endpoint_Mirroring
  port: 7024
  encryption: AES
certificate:
  expiry: 2029-11-30
transfer: inband
`

func writePlan(t *testing.T, dir, text string) string {
	t.Helper()
	path := filepath.Join(dir, "plan.yaml")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestScriptBadPlans(t *testing.T) {
	replace := func(old, new string) string {
		if !strings.Contains(goodPlan, old) {
			t.Fatalf("goodPlan has no %q", old)
		}
		return strings.Replace(goodPlan, old, new, 1)
	}
	cases := []struct {
		name, plan, want string // want: "file:line: field"
		msg              string
	}{
		{"duplicate hosts", replace("name: HOST_B", "name: HOST_A"), "plan.yaml:5: hosts[1].name", "unique"},
		{"three partners", replace("role: witness", "role: partner"), "plan.yaml:10: hosts[2].role", "third partner"},
		{"bad server port", replace("sqla.corp.example,1433", "sqla.corp.example,99999"), "plan.yaml:3: hosts[0].server", "65535"},
		{"bad endpoint port", replace("port: 7024", "port: 70000"), "plan.yaml:15: endpoint.port", "65535"},
		{"unknown key", replace("  port: 7024", "  prot: 7024"), "plan.yaml:15: endpoint.prot", `did you mean "port"`},
		{"past expiry", replace("2029-11-30", "2019-11-30"), "plan.yaml:18: certificate.expiry", "past"},
		{"200-character name", replace("name: HOST_B", "name: "+strings.Repeat("B", 200)), "plan.yaml:5: hosts[1].name", "128"},
		{"password in plan", replace("  user: sa\n", "  user: sa\n  password: Hunter2secret\n"), "plan.yaml:13: auth.password", "MIRRORCERT_PASSWORD_"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			writePlan(t, dir, c.plan)
			r := runBin(t, dir, "script", "--plan", "plan.yaml")
			if r.code != 2 {
				t.Errorf("exit status %d, want 2", r.code)
			}
			assertClean(t, r)
			lines := strings.Split(strings.TrimSpace(r.stderr), "\n")
			if len(lines) != 1 {
				t.Errorf("want one clear error line, got %d:\n%s", len(lines), r.stderr)
			}
			if !strings.Contains(lines[0], c.want) || !strings.Contains(lines[0], c.msg) {
				t.Errorf("stderr %q, want %q and %q", r.stderr, c.want, c.msg)
			}
			if r.stdout != "" {
				t.Errorf("stdout should be empty, got %q", r.stdout)
			}
			if strings.Contains(r.stderr, "Hunter2secret") {
				t.Errorf("the error repeats the password")
			}
		})
	}
}

func TestScriptUsageErrors(t *testing.T) {
	r := runBin(t, "", "script")
	if r.code != 2 || !strings.Contains(r.stderr, "--plan") {
		t.Errorf("no --plan: code %d stderr %q", r.code, r.stderr)
	}
	assertClean(t, r)
	r = runBin(t, "", "script", "--plan", "missing.yaml")
	if r.code != 2 || !strings.Contains(r.stderr, "missing.yaml") {
		t.Errorf("missing file: code %d stderr %q", r.code, r.stderr)
	}
	assertClean(t, r)
}

func TestScriptWarningsGoToStderr(t *testing.T) {
	dir := t.TempDir()
	soon := time.Now().UTC().AddDate(0, 3, 0).Format("2006-01-02")
	writePlan(t, dir, strings.Replace(goodPlan, "2029-11-30", soon, 1))
	r := runBin(t, dir, "script", "--plan", "plan.yaml")
	if r.code != 0 {
		t.Fatalf("code %d: %s", r.code, r.stderr)
	}
	if !strings.Contains(r.stderr, "warning: plan.yaml:18: certificate.expiry") || strings.Contains(r.stdout, "less than a year") {
		t.Errorf("want the expiry warning on stderr only; stderr %q", r.stderr)
	}
}

// The README's fresh-machine commands are a promise: CI and newcomers run
// them literally.
func TestREADMECommands(t *testing.T) {
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"go run . demo", "go test ./...", "## The TUI", "examples/sim.yaml"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("README.md does not contain %q", want)
		}
	}
	ci, err := os.ReadFile(".ci/run")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(ci), "go test ./...") {
		t.Errorf(".ci/run does not run the README's test command")
	}
}
