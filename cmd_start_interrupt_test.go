package main

import (
	"bytes"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// Ctrl-C during start is the operator's decision, not a failure: start says
// it was interrupted and how to resume, and does not read every error log
// for the cause of a "failure" (on a cancelled context, which would only
// add errors of its own).
func TestStartInterruptedSaysSoWithoutADiagnosis(t *testing.T) {
	cl := startTestSim(t)
	dir, planPath, env := applySim(t, cl)
	simExec(t, cl, "HOST_A", "CREATE DATABASE [Sales];\nALTER DATABASE [Sales] SET RECOVERY FULL;")
	cl.SetLatency(1500 * time.Millisecond)
	cmd := exec.Command(testBinary, startArgs(planPath)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Login, then the observe batch (one latency each): interrupt during
	// the first step, the backup.
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(errb.String(), "BACKUP DATABASE") && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond)
	_ = cmd.Process.Signal(os.Interrupt)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatal("start did not stop after an interrupt")
	}
	r := result{out.String(), errb.String(), cmd.ProcessState.ExitCode()}
	assertClean(t, r)
	if r.code != 1 || !strings.Contains(r.stderr, "Interrupted") || !strings.Contains(r.stderr, "Run start again") {
		t.Fatalf("exit %d, want 1 saying it was interrupted and how to resume\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if strings.Contains(r.stderr, "Reading every host's error log") || strings.Contains(r.stderr, "FAILED") {
		t.Fatalf("an interruption was reported as a failure:\n%s", r.stderr)
	}
	d := parseStart(t, r)
	if d.Synchronized || len(d.Steps) == 0 {
		// The steps are those read before the interruption, not the
		// empty sequence of a read on a cancelled context.
		t.Fatalf("interrupted start: %+v", d)
	}
}
