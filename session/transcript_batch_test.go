package session

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestTranscriptPrepareThenWriteAll: files made ahead of a batch get their
// header once, and a batch's records land in order in both files.
func TestTranscriptPrepareThenWriteAll(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	red := NewRedactor()
	red.Add("S3cret-Value-42")
	tr := newTranscript(dir, red)
	defer tr.Close()
	tr.Prepare("HOST_A")
	if _, err := os.Stat(filepath.Join(dir, "executed-HOST_A.sql")); err != nil {
		t.Fatalf("Prepare did not create HOST_A's file: %v", err)
	}
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	recs := []Record{
		{Time: now, Host: "HOST_A", Step: "outbound/master-key", Text: "CREATE MASTER KEY -- S3cret-Value-42", Result: "ok"},
		{Time: now, Host: "HOST_B", Step: "outbound/master-key", Text: "second", Result: "error", Error: "boom S3cret-Value-42"},
		{Time: now, Host: "HOST_A", Step: "outbound/certificate", Text: "third", Result: "ok"},
	}
	if err := tr.WriteAll(recs); err != nil {
		t.Fatal(err)
	}
	tr.Prepare("HOST_A") // again: nothing changes
	a, _ := os.ReadFile(filepath.Join(dir, "executed-HOST_A.sql"))
	b, _ := os.ReadFile(filepath.Join(dir, "executed-HOST_B.sql"))
	j, _ := os.ReadFile(filepath.Join(dir, "transcript.jsonl"))
	if n := strings.Count(string(a), "-- Statements mirrorcert ran on HOST_A"); n != 1 {
		t.Errorf("HOST_A's header appears %d times", n)
	}
	if i, k := strings.Index(string(a), "outbound/master-key"), strings.Index(string(a), "outbound/certificate"); i < 0 || k < i {
		t.Errorf("HOST_A's statements missing or out of order:\n%s", a)
	}
	if !strings.Contains(string(b), "second") || strings.Contains(string(b), "third") {
		t.Errorf("HOST_B's file has the wrong statements:\n%s", b)
	}
	if got := strings.Count(string(j), "\n"); got != 3 {
		t.Errorf("transcript.jsonl has %d lines, want 3", got)
	}
	for name, body := range map[string][]byte{"HOST_A": a, "HOST_B": b, "jsonl": j} {
		if strings.Contains(string(body), "S3cret-Value-42") {
			t.Errorf("%s shows a secret", name)
		}
	}
}
