package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mirrorcert/mirrorcert/plan"
)

func TestBuildPlanFromForm(t *testing.T) {
	now := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	v := DefaultFormValues(now)
	v.ServerA, v.ServerB, v.ServerW = "sqla.corp.example,1433", "sqlb.corp.example", "sqlw.corp.example"
	p, err := BuildPlan(v, now)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Hosts) != 3 || p.Hosts[2].Role != plan.RoleWitness || p.Hosts[0].Auth.User != "sa" {
		t.Fatalf("plan = %+v", p)
	}
	path := filepath.Join(t.TempDir(), "plan.yaml")
	if err := p.Save(path); err != nil {
		t.Fatal(err)
	}
	back, err := plan.Load(path, now)
	if err != nil {
		t.Fatalf("saved plan does not load: %v", err)
	}
	if back.Hosts[1].Server != "sqlb.corp.example" || back.Endpoint.Port != 7024 {
		t.Errorf("round trip lost data: %+v", back)
	}

	v.Witness, v.ServerW = "", ""
	if p, err := BuildPlan(v, now); err != nil || len(p.Hosts) != 2 {
		t.Errorf("no witness: %v, %v", p, err)
	}
}

func TestBuildPlanRejectsBadInput(t *testing.T) {
	now := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	cases := map[string]func(*FormValues){
		"port":   func(v *FormValues) { v.Port = "seventy" },
		"expiry": func(v *FormValues) { v.Expiry = "30/11/2029" },
		"name":   func(v *FormValues) { v.PartnerB = "HOST_A" },
		"server": func(v *FormValues) { v.ServerA = "" },
	}
	for name, mod := range cases {
		v := DefaultFormValues(now)
		v.ServerA, v.ServerB, v.ServerW = "a", "b", "w"
		mod(&v)
		_, err := BuildPlan(v, now)
		if err == nil {
			t.Errorf("%s: accepted", name)
			continue
		}
		if strings.Contains(err.Error(), "panic") || err.Error() == "" {
			t.Errorf("%s: unhelpful error %q", name, err)
		}
	}
}

// The save field's default is a value that really gets saved (not a greyed
// placeholder), and the form never replaces an existing file.
func TestFormSavePathDefaultAndNoOverwrite(t *testing.T) {
	now := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	if v := DefaultFormValues(now); v.SavePath != "mirrorcert.yaml" {
		t.Fatalf("default save path %q, want mirrorcert.yaml", v.SavePath)
	}
	dir := t.TempDir()
	existing := filepath.Join(dir, "plan.yaml")
	if err := os.WriteFile(existing, []byte("# mine\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := checkSavePath(existing); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Fatalf("existing file: err = %v, want a refusal", err)
	}
	if err := checkSavePath(filepath.Join(dir, "new.yaml")); err != nil {
		t.Fatalf("new file refused: %v", err)
	}
	if err := checkSavePath("  "); err != nil {
		t.Fatalf("empty path (do not save) refused: %v", err)
	}
	if data, _ := os.ReadFile(existing); string(data) != "# mine\n" {
		t.Fatalf("the existing file changed: %q", data)
	}
}
