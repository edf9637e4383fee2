package plan

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The shipped examples are what users copy first: they must load cleanly.
func TestExamplesLoad(t *testing.T) {
	files, err := filepath.Glob("../examples/*.yaml")
	if err != nil || len(files) < 3 {
		t.Fatalf("examples: %v %v", files, err)
	}
	for _, f := range files {
		p, err := Load(f, testNow)
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		if len(p.Warnings) > 0 {
			t.Errorf("%s: warnings %v", f, p.Warnings)
		}
	}
	p, err := Load("../examples/docs-example.yaml", testNow)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, h := range p.Hosts {
		got = append(got, h.Name+"/"+h.Role+"/"+h.EndpointRole)
	}
	if strings.Join(got, " ") != "HOST_A/partner/ALL HOST_B/partner/ALL HOST_W/witness/WITNESS" ||
		p.Endpoint != (Endpoint{Name: "Endpoint_Mirroring", Port: 7024, Encryption: "AES"}) ||
		p.Certificate.Expiry.Format("2006-01-02") != "2029-11-30" {
		t.Errorf("docs example is not the documentation's setup: %v %+v %v", got, p.Endpoint, p.Certificate.Expiry)
	}
	sim, err := Load("../examples/sim.yaml", testNow)
	if err != nil {
		t.Fatal(err)
	}
	for i, port := range []int{14330, 14331, 14332} {
		s, _ := ParseServer(sim.Hosts[i].Server)
		if s.Host != "127.0.0.1" || s.Port != port || sim.Hosts[i].Auth.User != "sa" || !sim.Hosts[i].Auth.TrustServerCertificate {
			t.Errorf("sim host %d = %+v", i, sim.Hosts[i])
		}
	}
	ag, err := Load("../examples/ag-example.yaml", testNow)
	if err != nil || ag.Mode != ModeAG || len(ag.Hosts) != 4 {
		t.Errorf("ag example: %v %+v", err, ag)
	}
}

// The README's plan reference must name every key the loader accepts.
func TestREADMEDocumentsEveryKey(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, keys := range [][]string{topKeys(), hostKeys(), authKeys(), endpointKeys(), certificateKeys()} {
		for _, k := range keys {
			if !strings.Contains(string(readme), "| `"+k+"` |") {
				t.Errorf("README.md has no reference row for key %q", k)
			}
		}
	}
}
