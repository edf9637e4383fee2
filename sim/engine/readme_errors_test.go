package engine

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The README's error table lists every number the simulator raises, each
// marked verified (with the doc) or not; a new number must be added there.
func TestREADMEListsEveryErrorNumber(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	table := string(readme)
	if i := strings.Index(table, "## Every error number the simulator raises"); i >= 0 {
		table = table[i:]
	} else {
		t.Fatal("README has no error table")
	}
	listed := map[string]bool{}
	for _, line := range strings.Split(table, "\n") {
		if !strings.HasPrefix(line, "| ") {
			continue
		}
		first := strings.Split(line, "|")[1]
		for _, n := range regexp.MustCompile(`\d+`).FindAllString(first, -1) {
			listed[n] = true
		}
	}
	raise := regexp.MustCompile(`(?:newErr|errf|mirrorErr)\((\d+)|Number:\s*(\d+)|return (\d{4,5}), `)
	files, _ := filepath.Glob("*.go")
	tds, _ := filepath.Glob(filepath.Join("..", "tds", "*.go"))
	for _, f := range append(files, tds...) {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range raise.FindAllStringSubmatch(string(src), -1) {
			n := m[1] + m[2] + m[3]
			if n != "0" && !listed[n] {
				t.Errorf("%s raises %s, which README.md's error table does not list", f, n)
			}
		}
	}
}
