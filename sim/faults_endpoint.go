package sim

import (
	"fmt"
	"strings"
	"time"
)

// Faults of the mirroring transport (FAULTS.md): endpoint-block closes the
// instance's endpoint listener, so connections to its port are refused (live
// connections stay, as behind a stateful firewall); endpoint-latency=D
// delays everything the instance writes on its mirroring connections.

func parseEndpointAction(r *rule, name, val string, nparts int) error {
	if nparts > 1 {
		return fmt.Errorf("%s takes no options", name)
	}
	if name == "endpoint-block" {
		if strings.TrimSpace(val) != "" {
			return fmt.Errorf("endpoint-block takes no value, got %q", val)
		}
		r.kind = endpointBlock
		return nil
	}
	d, err := time.ParseDuration(strings.TrimSpace(val))
	if err != nil || d <= 0 {
		return fmt.Errorf("endpoint-latency needs a positive duration such as 200ms or 2s, got %q", val)
	}
	r.kind, r.delay = endpointLatency, d
	return nil
}

func (r *rule) appliesTo(name string) bool {
	return r.target == "*" || r.target == strings.ToUpper(name)
}

// endpointBlocked reports whether a rule blocks name's endpoint port.
func (fs *faultSet) endpointBlocked(name string) bool {
	if fs == nil {
		return false
	}
	for _, r := range fs.rules {
		if r.kind == endpointBlock && r.appliesTo(name) {
			return true
		}
	}
	return false
}

// endpointLatency is the delay of the first latency rule for name.
func (fs *faultSet) endpointLatency(name string) time.Duration {
	if fs == nil {
		return 0
	}
	for _, r := range fs.rules {
		if r.kind == endpointLatency && r.appliesTo(name) {
			return r.delay
		}
	}
	return 0
}
