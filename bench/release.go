package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"gopkg.in/yaml.v3"
)

// releaseBuild is how .goreleaser.yaml builds the binary a DBA runs: its
// environment (CGO_ENABLED=0: static, no ld.so nor libc to load), go build
// flags (-trimpath) and linker flags (-s -w: no symbol table nor DWARF).
// Start-up is measured on that binary, and the hello-world it is compared
// with is built the same way, so the ratio is honest both ways.
type releaseBuild struct {
	env, flags, ldflags []string
	from                string // where the settings came from
}

// fallbackRelease is the release build of the day this was written, for a
// source tree (-src) without .goreleaser.yaml.
func fallbackRelease() releaseBuild {
	return releaseBuild{
		env: []string{"CGO_ENABLED=0"}, flags: []string{"-trimpath"}, ldflags: []string{"-s", "-w"},
		from: "the release flags of today: the source tree has no .goreleaser.yaml",
	}
}

// readRelease reads the first build of src's .goreleaser.yaml.
func readRelease(src string) (releaseBuild, error) {
	data, err := os.ReadFile(filepath.Join(src, ".goreleaser.yaml"))
	if os.IsNotExist(err) {
		return fallbackRelease(), nil
	}
	if err != nil {
		return releaseBuild{}, err
	}
	var doc struct {
		Builds []struct {
			Env     []string `yaml:"env"`
			Flags   []string `yaml:"flags"`
			Ldflags []string `yaml:"ldflags"`
		} `yaml:"builds"`
	}
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return releaseBuild{}, fmt.Errorf(".goreleaser.yaml: %w", err)
	}
	if len(doc.Builds) == 0 {
		return releaseBuild{}, fmt.Errorf(".goreleaser.yaml: no builds")
	}
	b := doc.Builds[0]
	rb := releaseBuild{env: b.Env, flags: b.Flags, from: ".goreleaser.yaml"}
	for _, l := range b.Ldflags {
		rb.ldflags = append(rb.ldflags, strings.Fields(strings.ReplaceAll(l, "{{.Version}}", "bench"))...)
	}
	return rb, nil
}

// args are go build's arguments for this build, without main.version's -X
// for the hello-world, which has no such variable.
func (rb releaseBuild) args(out string, hello bool) []string {
	var ld []string
	for i := 0; i < len(rb.ldflags); i++ {
		if hello && rb.ldflags[i] == "-X" {
			i++ // and its value
			continue
		}
		if hello && strings.HasPrefix(rb.ldflags[i], "-X=") {
			continue
		}
		ld = append(ld, rb.ldflags[i])
	}
	args := append([]string{"build", "-o", out}, rb.flags...)
	if len(ld) > 0 {
		args = append(args, "-ldflags", strings.Join(ld, " "))
	}
	return append(args, ".")
}

// String says how both binaries were built, for the bench's output.
func (rb releaseBuild) String() string {
	cmd := append(append([]string{}, rb.env...), "go", "build")
	cmd = append(cmd, rb.flags...)
	if len(rb.ldflags) > 0 {
		cmd = append(cmd, "-ldflags", fmt.Sprintf("%q", strings.Join(rb.ldflags, " ")))
	}
	return strings.Join(cmd, " ") + " (from " + rb.from + "), mirrorcert and the hello-world alike"
}
