package main

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// initLine is one line of GODEBUG=inittrace=1:
// "init PKG @0.5 ms, 0.1 ms clock, 52592 bytes, 733 allocs".
var initLine = regexp.MustCompile(`^init (\S+) @\S+ ms, (\S+) ms clock, (\d+) bytes, (\d+) allocs$`)

// startupBanned are packages that cost start-up time in every command for a
// nicety: chroma (every lexer and style, or with the XML lexer its regexp
// engine and encoding/xml, 0.35 ms); atotto/clipboard (bubbles' textinput
// pulls it in, and its init looks up xclip and xsel on PATH, ~0.2 ms).
var startupBanned = []string{"github.com/alecthomas/chroma", "github.com/atotto/clipboard"}

// TestStartupInitIsSmall: every command pays package init before it does
// anything. chroma's lexers and styles registries parsed every lexer and
// style there (4.7 MB, 11.8 of 14.2 ms); ui now highlights T-SQL with a
// lexer of its own, and the packages in startupBanned must not be linked
// in at all. Asserted on what init allocates, which does not depend on the
// machine's load; the bench script reports the clock.
func TestStartupInitIsSmall(t *testing.T) {
	r := runWithEnv(t, "", []string{"GODEBUG=inittrace=1"}, "version")
	if r.code != 0 {
		t.Fatalf("version: exit %d\n%s", r.code, r.stderr)
	}
	const most = 256 << 10 // the largest today is under 60 KB
	var total int64
	n := 0
	for _, ln := range strings.Split(r.stderr, "\n") {
		m := initLine.FindStringSubmatch(strings.TrimSpace(ln))
		if m == nil {
			continue
		}
		n++
		bytes, _ := strconv.ParseInt(m[3], 10, 64)
		total += bytes
		for _, banned := range startupBanned {
			if strings.Contains(m[1], banned) {
				t.Errorf("%s is initialised at start-up", m[1])
			}
		}
		if bytes > most {
			t.Errorf("init of %s allocates %d bytes (over %d)", m[1], bytes, most)
		}
	}
	if n == 0 {
		t.Fatalf("no inittrace lines in stderr:\n%s", r.stderr)
	}
	t.Logf("%d package inits, %d bytes in all", n, total)
}

// Issue 11: `mirrorcert version` builds only its own command, not the whole
// tree (every command's flags, the TUI's setup), while help, a typo and no
// subcommand still get the whole tree, and every command is reachable.
func TestRootCmdForBuildsOnlyTheCommandNamed(t *testing.T) {
	full := newRootCmd()
	if n := len(full.Commands()); n != len(subcommands()) {
		t.Fatalf("whole tree has %d commands, want %d", n, len(subcommands()))
	}
	for _, c := range full.Commands() {
		root := newRootCmdFor([]string{c.Name()})
		if len(root.Commands()) != 1 || root.Commands()[0].Name() != c.Name() {
			t.Errorf("%s: built %d commands", c.Name(), len(root.Commands()))
		}
		if root.Flags().Lookup("plan") != nil {
			t.Errorf("%s: the TUI's flags were set up", c.Name())
		}
	}
	for _, args := range [][]string{nil, {"versio"}, {"status", "--help"}, {"status", "-h"}, {"--plan", "x"}} {
		if n := len(newRootCmdFor(args).Commands()); n != len(subcommands()) {
			t.Errorf("%q: %d commands, want the whole tree", args, n)
		}
	}
}

// The root built for one command skips cobra's default completion command
// (built at Execute, on every run), while `completion` itself still works
// through the whole tree.
func TestLazyRootSkipsCompletionCmd(t *testing.T) {
	root := newRootCmdFor([]string{"version"})
	var out strings.Builder
	root.SetOut(&out)
	root.SetArgs([]string{"version"})
	if err := root.Execute(); err != nil || !strings.Contains(out.String(), "mirrorcert") {
		t.Fatalf("version: %v %q", err, out.String())
	}
	for _, c := range root.Commands() {
		if c.Name() == "completion" {
			t.Error("the lazy root built the completion command")
		}
	}
	r := runWithEnv(t, "", nil, "completion", "bash")
	if r.code != 0 || !strings.Contains(r.stdout, "__start_mirrorcert") {
		t.Errorf("completion bash: exit %d, %q", r.code, r.stderr)
	}
}
