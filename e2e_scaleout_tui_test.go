package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mirrorcert/mirrorcert/scaleout"
	"github.com/mirrorcert/mirrorcert/sim"
)

// The real binary in a terminal: a DBA who quit after six of seven steps
// starts again with the check's inputs; the TUI resumes (and says where the
// confirmations are kept), the last confirmation runs the check, and W1's
// config, which names the old master certificate, shows as a finding on W1.
func TestE2EScaleoutResumeThenCheck(t *testing.T) {
	needTmux(t)
	dir := t.TempDir()
	master, w1, _ := scaleoutFiles(t, dir)
	old := writeCer(t, filepath.Join(dir, "old.cer"), "MASTER01", false)
	writeSettings(t, filepath.Join(dir, "W1", "WorkerSettings.config"), "WorkerSettings.config.tmpl", "NAME", "W1", "MASTER", old, "WORKER", w1)

	p, ids := keepAllButLast(t, filepath.Join(dir, "state.json"))
	state := filepath.Join(dir, "state.json")
	tt := startTerm(t, "cd "+dir+" && "+testBinary+" scaleout --master MASTER01 --workers W1 --change master --state state.json"+
		" --master-config MasterSettings.config --master-cert SSISScaleOutMaster.cer"+
		" --worker-config W1=W1/WorkerSettings.config --worker-cert W1=SSISScaleOutWorker-W1.cer --no-local",
		"XDG_CACHE_HOME="+dir, "HOME="+dir)
	tt.waitText("Resumed: 6 steps done, kept in state.json", 20*time.Second)
	tt.send("Enter")
	tt.waitText(ids[len(ids)-1], 5*time.Second)
	tt.send("y")
	tt.waitText("press y to confirm", 5*time.Second)
	tt.send("y")
	s := tt.waitText("Checks: 1 to fix", 20*time.Second)
	if !strings.Contains(s, "master-thumbprint-mismatch (MASTER01)") || !strings.Contains(s, "W1 3/4") {
		t.Fatalf("the finding on W1:\n%s", s)
	}
	tt.send("Enter")
	s = tt.waitText("MasterHttpsCertThumbprint", 5*time.Second)
	if !strings.Contains(strings.Join(strings.Fields(s), ""), master) {
		t.Fatalf("the thumbprint to set (%s) is not shown:\n%s", master, s)
	}
	tt.send("n")
	tt.finish()
	got, err := loadScaleoutState(state, p)
	if err != nil || len(got) != len(ids) {
		t.Fatalf("the last confirmation was not kept: %v %v", got, err)
	}
	if fi, err := os.Stat(state); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("state file: %v %v", fi, err)
	}
}

// keepAllButLast writes the state of MASTER01 + W1 (--change master) with
// every step but the last confirmed, as a DBA who quit there leaves it.
func keepAllButLast(t *testing.T, state string) (*scaleout.Plan, []string) {
	t.Helper()
	p, err := scaleout.NewPlan(scaleout.PlanInput{Master: "MASTER01", Port: scaleout.DefaultPort, Workers: "W1", Change: "master", SQLVersion: "160", ValidYears: 2})
	if err != nil {
		t.Fatal(err)
	}
	kept := map[string]scaleoutStateStep{}
	var ids []string
	for _, s := range p.Scripts() {
		for _, st := range s.Steps {
			ids = append(ids, st.ID)
		}
	}
	for _, id := range ids[:len(ids)-1] {
		kept[id] = scaleoutStateStep{ID: id, How: "confirmed", At: time.Now().UTC()}
	}
	if err := saveScaleoutState(state, p, kept); err != nil {
		t.Fatal(err)
	}
	return p, ids
}

// --ssisdb in the TUI: the password comes before the TUI starts (here
// from the environment), and SSISDB's stale SSLCERT_THUMBPRINT, read from
// the simulator over TDS, shows as a finding on the master.
func TestE2EScaleoutTUIChecksSSISDB(t *testing.T) {
	needTmux(t)
	dir := t.TempDir()
	master, _, _ := scaleoutFiles(t, dir)
	cl := startTestSim(t)
	old := "01D207B300CA662F479BEB884EFE6CE328F77D53"
	if err := cl.SetSSISDB("HOST_A", sim.DemoSSISDB("MASTER01", old, []string{"W1"}, time.Now())); err != nil {
		t.Fatal(err)
	}
	keepAllButLast(t, filepath.Join(dir, "state.json"))
	tt := startTerm(t, "cd "+dir+" && "+testBinary+" scaleout --master MASTER01 --workers W1 --change master --state state.json"+
		" --master-config MasterSettings.config --master-cert SSISScaleOutMaster.cer --worker-config W1=W1/WorkerSettings.config"+
		" --ssisdb "+cl.Instances()[0].Addr+" -U sa -C --no-local",
		"XDG_CACHE_HOME="+dir, "HOME="+dir, "MIRRORCERT_PASSWORD_SSISDB="+e2eSimPassword)
	tt.waitText("Resumed: 6 steps done", 20*time.Second)
	tt.send("v")
	s := tt.waitText("Checks: 1 to fix", 20*time.Second)
	if !strings.Contains(s, "MASTER01") || !strings.Contains(s, "master-thumbprint-mismatch") {
		t.Fatalf("the SSISDB finding:\n%s", s)
	}
	tt.send("Enter")
	s = tt.waitText("SSLCERT_THUMBPRINT", 5*time.Second)
	flat := strings.Join(strings.Fields(s), "")
	if !strings.Contains(flat, old) || !strings.Contains(flat, master) || strings.Contains(s, e2eSimPassword) {
		t.Fatalf("found %s, to set %s (and never the password):\n%s", old, master, s)
	}
	tt.send("n")
	tt.finish()
}
