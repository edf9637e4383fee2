package main

import (
	"strings"
	"testing"

	"github.com/mirrorcert/mirrorcert/sim"
)

// The demo's help lists every scenario the simulator has, one line each,
// and a troubleshooting scenario's line names the symptom, not the cause.
func TestDemoHelpListsScenariosWithoutTheAnswer(t *testing.T) {
	help := scenarioHelp()
	for _, n := range sim.Scenarios() {
		if !strings.Contains(help, "  "+n+" ") || scenarioSymptom(n) == "" {
			t.Errorf("demo help lacks scenario %s:\n%s", n, help)
		}
	}
	answers := map[string][]string{
		"expired-cert":      {"expire", "certificate"},
		"missing-connect":   {"connect ", "grant"},
		"stale-peer-cert":   {"thumbprint", "older", "stale"},
		"rc4-only":          {"rc4", "encryption"},
		"windows-endpoint":  {"windows", "negotiate"},
		"witness-no-logins": {"login"},
		"endpoint-stopped":  {"stopped"},
		"port-blocked":      {"port", "block", "firewall"},
		"expiring-cert":     {"expir", "certificate", "days"},
	}
	for n, words := range answers {
		line := strings.ToLower(scenarioSymptom(n))
		for _, w := range words {
			if strings.Contains(line, w) {
				t.Errorf("%s: %q gives the answer away (%q)", n, line, w)
			}
		}
	}
}
