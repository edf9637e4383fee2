package main

import (
	"os"
	"strings"
	"testing"
)

// After `go run . demo` the Quick start calls `mirrorcert`: the README must
// say how to get that binary, and document the transcript folder and the
// flags that guard secrets, which must exist as documented.
func TestREADMEBinaryTranscriptAndSecretFlags(t *testing.T) {
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	for _, want := range []string{"go build -o mirrorcert .", "go install .", "--transcript-dir", "transcript.jsonl",
		"executed-HOST.sql", "--allow-cleartext-secrets", "--master-key-password-file", "may have been created: check"} {
		if !strings.Contains(readme, want) {
			t.Errorf("README.md does not mention %q", want)
		}
	}
	root := newRootCmd()
	for _, c := range []struct{ cmd, flag string }{{"apply", "transcript-dir"}, {"apply", "allow-cleartext-secrets"}, {"apply", "master-key-password-file"}, {"status", "transcript-dir"}, {"", "allow-cleartext-secrets"}} {
		sub, _, err := root.Find([]string{c.cmd})
		if err != nil || sub.Flags().Lookup(c.flag) == nil {
			t.Errorf("README documents %s --%s, which does not exist", c.cmd, c.flag)
		}
	}
}
