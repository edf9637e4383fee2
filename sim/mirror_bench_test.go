package sim

import (
	"context"
	"testing"
	"time"

	"github.com/mirrorcert/mirrorcert/sim/engine"
)

// BenchmarkMirrorConnect measures one authenticated connection: TCP
// connect, the certificate handshake (an RSA-2048 signature and its
// check), registration on both sides, and close.
func BenchmarkMirrorConnect(b *testing.B) {
	c, err := Start(context.Background(), Config{Dir: b.TempDir(), MirrorTimeout: time.Second})
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	configure(b, c, "HOST_A", "HOST_B")
	ctx := context.Background()
	b.ResetTimer()
	for b.Loop() {
		l, err := c.mnet.Connect(ctx, c.Engine("HOST_A"), "TCP://HOST_B:7024")
		if err != nil {
			b.Fatal(err)
		}
		l.Close()
	}
}

// BenchmarkMirrorCall measures one session message round trip on a live link.
func BenchmarkMirrorCall(b *testing.B) {
	c, err := Start(context.Background(), Config{Dir: b.TempDir(), MirrorTimeout: time.Second})
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	configure(b, c, "HOST_A", "HOST_B")
	ctx := context.Background()
	l, err := c.mnet.Connect(ctx, c.Engine("HOST_A"), "TCP://HOST_B:7024")
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	b.ResetTimer()
	for b.Loop() {
		if _, err := l.Call(ctx, engine.MirrorMessage{Kind: "PING"}); err != nil {
			b.Fatal(err)
		}
	}
}
