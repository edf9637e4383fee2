package sim

import (
	"os"
	"runtime"
	"testing"
	"time"

	"github.com/mirrorcert/mirrorcert/sim/engine"
)

// openFDs counts this process's open file descriptors (sockets included).
func openFDs(t *testing.T) int {
	t.Helper()
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skipf("cannot count file descriptors: %v", err)
	}
	return len(entries)
}

// TestMirroringSessionsDoNotLeak starts and stops 100 sessions: afterwards
// no goroutine, socket or mirroring connection of theirs is left.
func TestMirroringSessionsDoNotLeak(t *testing.T) {
	if testing.Short() {
		t.Skip("100 sessions")
	}
	c := startMirrorCluster(t, 300*time.Millisecond)
	configure(t, c, "HOST_A", "HOST_B")
	prepareSales(t, c)
	session := func() {
		sqlOn(t, c, "HOST_B", "ALTER DATABASE Sales SET PARTNER = 'TCP://HOST_A:7024'")
		sqlOn(t, c, "HOST_A", "ALTER DATABASE Sales SET PARTNER = 'TCP://HOST_B:7024'")
		sqlOn(t, c, "HOST_A", "ALTER DATABASE Sales SET PARTNER OFF")
	}
	// settle waits for closing connections to finish, up to 2 s, and
	// returns the counts once they are at most the limits.
	settle := func(maxG, maxF int) (int, int) {
		var g, f int
		for i := 0; i < 100; i++ {
			runtime.GC()
			g, f = runtime.NumGoroutine(), openFDs(t)
			if g <= maxG && f <= maxF {
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
		return g, f
	}
	session() // warm up: listeners and the first connections
	g0, f0 := settle(0, 0)
	for i := 0; i < 100; i++ {
		session()
	}
	g, f := settle(g0, f0)
	if g > g0 || f > f0 {
		t.Errorf("after 100 sessions: %d goroutines (was %d), %d open files (was %d)", g, g0, f, f0)
	}
	for _, h := range []string{"HOST_A", "HOST_B"} {
		conns := c.Engine(h).(interface{ MirrorConnections() []*engine.MirrorConn }).MirrorConnections()
		if len(conns) != 0 {
			t.Errorf("%s keeps %d mirroring connections after PARTNER OFF", h, len(conns))
		}
	}
	t.Logf("100 sessions: goroutines %d -> %d, open files %d -> %d", g0, g, f0, f)
}
