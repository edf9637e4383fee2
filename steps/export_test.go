package steps

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mirrorcert/mirrorcert/plan"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./steps -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the golden file; run go test ./steps -run %s -update and review the diff.\ngot:\n%s", path, t.Name(), got)
	}
}

var exportMeta = ExportMeta{Version: "1.2.3", Date: time.Date(2026, 11, 23, 9, 30, 0, 0, time.UTC)}

// loadDocsExample loads examples/docs-example.yaml, the plan the golden
// files are made from.
func loadDocsExample(t *testing.T) *plan.Plan {
	t.Helper()
	p, err := plan.Load(filepath.Join("..", "examples", "docs-example.yaml"), exportMeta.Date)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestExportGolden(t *testing.T) {
	p := loadDocsExample(t)
	for _, h := range p.Hosts {
		got, err := ExportHost(p, h.Name, exportMeta)
		if err != nil {
			t.Fatal(err)
		}
		golden(t, "docs-example_"+h.Name+".sql.golden", got)
	}
	all, err := ExportAll(p, exportMeta)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "docs-example_all.sql.golden", all)
}

// The loaded example and the plan these tests build in Go must agree, or
// the golden files would test something other than the state tables.
func TestDocsExampleMatchesGoPlan(t *testing.T) {
	p := loadDocsExample(t)
	q := docsPlan(plan.TransferInband)
	for _, h := range p.Hosts {
		a, _ := ExportHost(p, h.Name, exportMeta)
		b, _ := ExportHost(q, h.Name, exportMeta)
		// Only the "Plan: file" header line may differ.
		a = strings.Replace(a, "-- Plan: docs-example.yaml\n", "", 1)
		if a != b {
			t.Errorf("%s: script from the YAML example differs from the Go-built plan", h.Name)
		}
	}
}
