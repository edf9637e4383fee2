package main

import (
	"fmt"
	"strings"

	"github.com/mirrorcert/mirrorcert/sim"
)

// scenarioSymptom is the one-line description `demo --help` shows. The
// training scenarios are described by what a DBA would notice, not by the
// cause: finding the cause is the exercise, and the tool's checks (v,
// verify) are what should find it. Others get the simulator's own words.
func scenarioSymptom(name string) string {
	switch name {
	case "broken":
		return "someone started before you: two things on HOST_A and HOST_B are in the way"
	case "expired-cert":
		return "configured long ago; today HOST_A's partners turn it away"
	case "missing-connect":
		return "fully configured, yet HOST_A cannot start a session with HOST_B"
	case "stale-peer-cert":
		return "fully configured, yet HOST_B refuses HOST_A at the handshake"
	case "rc4-only":
		return "fully configured, yet the witness talks to neither partner"
	case "windows-endpoint":
		return "fully configured, yet nobody gets through to HOST_B"
	case "witness-no-logins":
		return "the partners talk, but SET WITNESS fails"
	case "endpoint-stopped":
		return "fully configured, yet HOST_B answers no mirroring connection"
	case "port-blocked":
		return "fully configured, yet nothing reaches HOST_B's endpoint"
	case "expiring-cert":
		return "Sales is mirrored and synchronized, and all is well today: keep it that way"
	}
	about, _ := sim.ScenarioAbout(name)
	return about
}

// scenarioHelp lists every scenario the simulator knows, one line each.
func scenarioHelp() string {
	var b strings.Builder
	width := 0
	for _, n := range sim.Scenarios() {
		width = max(width, len(n))
	}
	for _, n := range sim.Scenarios() {
		fmt.Fprintf(&b, "  %-*s  %s\n", width, n, scenarioSymptom(n))
	}
	return strings.TrimRight(b.String(), "\n")
}
