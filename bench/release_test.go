package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestReleaseBuildFromGoreleaser: the bench builds as .goreleaser.yaml
// does, both binaries alike, hello-world without main.version's -X.
func TestReleaseBuildFromGoreleaser(t *testing.T) {
	rb, err := readRelease("..")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(rb.env, "CGO_ENABLED=0") || !slices.Contains(rb.flags, "-trimpath") || rb.from != ".goreleaser.yaml" {
		t.Errorf("not the release build: %+v", rb)
	}
	bin := strings.Join(rb.args("m", false), " ")
	hello := strings.Join(rb.args("h", true), " ")
	for _, want := range []string{"-trimpath", "-ldflags", "-s -w"} {
		if !strings.Contains(bin, want) || !strings.Contains(hello, want) {
			t.Errorf("%q missing:\n%s\n%s", want, bin, hello)
		}
	}
	if !strings.Contains(bin, "-X main.version=bench") || strings.Contains(hello, "-X") {
		t.Errorf("-X: %s / %s", bin, hello)
	}
	if s := rb.String(); !strings.Contains(s, `CGO_ENABLED=0 go build -trimpath -ldflags "-s -w`) {
		t.Errorf("String: %s", s)
	}
	dir := t.TempDir()
	if rb, err := readRelease(dir); err != nil || !slices.Contains(rb.env, "CGO_ENABLED=0") {
		t.Errorf("no .goreleaser.yaml: %+v %v", rb, err)
	}
	if err := os.WriteFile(filepath.Join(dir, ".goreleaser.yaml"), []byte("builds: [\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := readRelease(dir); err == nil {
		t.Error("a broken .goreleaser.yaml was read")
	}
}
