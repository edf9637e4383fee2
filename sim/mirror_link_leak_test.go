package sim

import (
	"context"
	"os"
	"runtime"
	"testing"
	"time"

	"github.com/mirrorcert/mirrorcert/sim/engine"
)

// fdCount counts this process's open file descriptors (-1 where /proc is
// missing).
func fdCount() int {
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return -1
	}
	return len(ents)
}

// settle waits (bounded) until count() drops to at most want, and returns
// the last count.
func settle(want int, count func() int) int {
	deadline := time.Now().Add(5 * time.Second)
	n := count()
	for n > want && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
		n = count()
	}
	return n
}

func TestMirrorNoGoroutineOrSocketLeaks(t *testing.T) {
	c := startMirrorCluster(t, 100*time.Millisecond)
	configure(t, c, "HOST_A", "HOST_B", "HOST_W")
	// Warm up once so lazily started runtime goroutines do not count.
	l, err := connect(t, c, "HOST_A", "TCP://HOST_B:7024")
	if err != nil {
		t.Fatal(err)
	}
	l.Close()
	baseG, baseFD := settle(0, runtime.NumGoroutine), fdCount()

	for i := range 100 {
		to := []string{"TCP://HOST_B:7024", "TCP://HOST_W:7024", "TCP://HOST_A:7024"}[i%3]
		from := []string{"HOST_A", "HOST_B", "HOST_W"}[(i+1)%3]
		l, err := connect(t, c, from, to)
		if err != nil {
			t.Fatalf("connection %d %s -> %s: %v", i, from, to, err)
		}
		if i%2 == 0 {
			if err := ping(t, l); err != nil {
				t.Fatal(err)
			}
		}
		l.Close()
	}
	// A refused handshake must not leak either.
	sqlOn(t, c, "HOST_B", "REVOKE CONNECT ON ENDPOINT::Endpoint_Mirroring FROM [HOST_A_login]")
	for range 3 {
		if _, err := connect(t, c, "HOST_A", "TCP://HOST_B:7024"); err == nil {
			t.Fatal("refused handshake succeeded")
		}
	}
	if g := settle(baseG, runtime.NumGoroutine); g > baseG {
		buf := make([]byte, 1<<20)
		t.Errorf("goroutines: %d before, %d after 100 connections\n%s", baseG, g, buf[:runtime.Stack(buf, true)])
	}
	if baseFD >= 0 {
		if fd := settle(baseFD, fdCount); fd > baseFD {
			t.Errorf("open file descriptors: %d before, %d after", baseFD, fd)
		}
	}
	for _, h := range []string{"HOST_A", "HOST_B", "HOST_W"} {
		if n := len(c.Engine(h).(interface{ MirrorConnections() []*engine.MirrorConn }).MirrorConnections()); n != 0 {
			t.Errorf("%s still lists %d connections", h, n)
		}
	}
}

func TestMirrorClusterCloseEndsEveryLink(t *testing.T) {
	before := runtime.NumGoroutine()
	c, err := Start(context.Background(), Config{Dir: t.TempDir(), MirrorTimeout: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	configure(t, c, "HOST_A", "HOST_B")
	var links []engine.MirrorLink
	for range 5 {
		l, err := connect(t, c, "HOST_A", "TCP://HOST_B:7024")
		if err != nil {
			t.Fatal(err)
		}
		links = append(links, l)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	for _, l := range links {
		select {
		case <-l.Done():
		default:
			t.Fatal("a link is still open after Close")
		}
	}
	if g := settle(before, runtime.NumGoroutine); g > before {
		buf := make([]byte, 1<<20)
		t.Errorf("goroutines: %d before Start, %d after Close\n%s", before, g, buf[:runtime.Stack(buf, true)])
	}
}
