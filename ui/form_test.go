package ui

import (
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
