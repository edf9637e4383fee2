package session

import (
	"context"
	"net"
	"strconv"
	"sync"
	"time"

	"github.com/mirrorcert/mirrorcert/steps/checks"
)

// DefaultProbeTimeout bounds one endpoint probe: a firewall that drops
// packets gives no answer at all, and verify must not hang on it.
const DefaultProbeTimeout = 3 * time.Second

// ProbeTarget is one endpoint to probe.
type ProbeTarget struct {
	Host    string
	Address string
	Port    int
}

// Probe opens a TCP connection to every target concurrently, from this
// machine, and closes it at once without sending anything (the endpoint
// logs nothing for a connection that never starts a handshake). It tests
// the path from here, not between the servers.
func Probe(ctx context.Context, targets []ProbeTarget, timeout time.Duration) map[string]checks.Reach {
	if timeout <= 0 {
		timeout = DefaultProbeTimeout
	}
	out := make(map[string]checks.Reach, len(targets))
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, t := range targets {
		wg.Go(func() {
			r := checks.Reach{Address: t.Address, Port: t.Port}
			pctx, cancel := context.WithTimeout(ctx, timeout)
			defer cancel()
			var d net.Dialer
			conn, err := d.DialContext(pctx, "tcp", net.JoinHostPort(t.Address, strconv.Itoa(t.Port)))
			if err != nil {
				r.Err = err.Error()
			} else {
				conn.Close()
			}
			mu.Lock()
			out[t.Host] = r
			mu.Unlock()
		})
	}
	wg.Wait()
	return out
}
