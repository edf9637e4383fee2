package sim

import (
	"strings"
	"testing"
	"time"

	"github.com/mirrorcert/mirrorcert/sim/tds"
)

func TestParseEndpointFaults(t *testing.T) {
	fs, err := ParseFaults("HOST_B:endpoint-block; *:endpoint-latency=250ms")
	if err != nil {
		t.Fatal(err)
	}
	if !fs.endpointBlocked("host_b") || fs.endpointBlocked("HOST_A") {
		t.Error("endpoint-block applies to the wrong instances")
	}
	if fs.endpointLatency("HOST_A") != 250*time.Millisecond {
		t.Errorf("latency = %v", fs.endpointLatency("HOST_A"))
	}
	// TDS requests are not touched by endpoint rules.
	if _, fired := fs.decide("HOST_B", tds.Request{Kind: tds.KindBatch, SQL: "SELECT 1", Seq: 1}); fired {
		t.Error("an endpoint rule fired on a TDS batch")
	}
	for spec, want := range map[string]string{
		"HOST_B:endpoint-block=1":            "takes no value",
		"HOST_B:endpoint-latency=soon":       "positive duration",
		"HOST_B:endpoint-latency=-1s":        "positive duration",
		"HOST_B:endpoint-block:times=1":      "takes no options",
		"HOST_B:endpoint-latency=1s:error=5": "takes no options",
	} {
		if _, err := ParseFaults(spec); err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), spec) {
			t.Errorf("%s: err = %v, want it to quote the rule and say %q", spec, err, want)
		}
	}
}
