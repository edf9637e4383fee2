package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mirrorcert/mirrorcert/plan"
	"github.com/mirrorcert/mirrorcert/ui/form"
)

func TestSavePlanFromForm(t *testing.T) {
	now := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	v := form.Default(now)
	v.Hosts[0].Server, v.Hosts[1].Server, v.Hosts[2].Server = "sqla.corp.example,1433", "sqlb.corp.example", "sqlw.corp.example"
	v.Password = "Sh4red-Pa55!"
	path := filepath.Join(t.TempDir(), "plan.yaml")
	v.SavePath = path
	res, err := SavePlan(v, now)
	if err != nil {
		t.Fatal(err)
	}
	if res.Saved != path || res.Password != v.Password || len(res.Plan.Hosts) != 3 || res.Plan.Hosts[2].Role != plan.RoleWitness {
		t.Fatalf("result %+v", res)
	}
	back, err := plan.Load(path, now)
	if err != nil {
		t.Fatalf("saved plan does not load: %v", err)
	}
	if back.Hosts[1].Server != "sqlb.corp.example" || back.Endpoint.Port != 7024 {
		t.Errorf("round trip lost data: %+v", back)
	}
	if b, _ := os.ReadFile(path); strings.Contains(string(b), v.Password) {
		t.Error("the password was saved in the plan")
	}
	// Item 10: the operator is told where the plan is and how to reuse it.
	if n := SavedNote(path); !strings.Contains(n, path) || !strings.Contains(n, "mirrorcert --plan "+path) {
		t.Errorf("note %q", n)
	}
	// Never over an existing file.
	if _, err := SavePlan(v, now); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Fatalf("second save: %v", err)
	}
	v.Hosts[2] = form.HostValues{}
	v.SavePath = ""
	if res, err := SavePlan(v, now); err != nil || len(res.Plan.Hosts) != 2 || res.Saved != "" {
		t.Errorf("no witness, not saved: %+v, %v", res, err)
	}
}
