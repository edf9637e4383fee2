package engine

import (
	"crypto/rand"
	"crypto/rsa"
	"sync/atomic"
)

// keyPoolSize is how many RSA keys an instance keeps ready: the procedure
// creates one certificate per instance. Each key costs about 70 ms of CPU,
// spent whether it is used or not, so the pool stays small; a second
// certificate (a rotation) generates its own.
const keyPoolSize = 1

// keyPool holds RSA-2048 keys generated in the background, so CREATE
// CERTIFICATE ... WITH SUBJECT takes one instead of generating it while the
// client waits: a median of 72 ms and up to 221 ms on one core, on apply's
// critical path. Every key is taken once, so certificates keep real,
// distinct keys and thumbprints. No goroutine outlives the filling, so a
// dropped instance leaks nothing.
type keyPool struct {
	keys    chan *rsa.PrivateKey
	filling atomic.Bool
}

// newKeyPool starts filling a pool of n keys.
func newKeyPool(n int) *keyPool {
	p := &keyPool{keys: make(chan *rsa.PrivateKey, n)}
	p.refill()
	return p
}

// refill starts a goroutine that generates keys until the pool is full,
// unless one is already at it. Called when the instance is created.
func (p *keyPool) refill() {
	if !p.filling.CompareAndSwap(false, true) {
		return
	}
	go func() {
		defer p.filling.Store(false)
		for len(p.keys) < cap(p.keys) {
			k, err := rsa.GenerateKey(rand.Reader, 2048)
			if err != nil {
				return
			}
			select {
			case p.keys <- k:
			default:
				return
			}
		}
	}()
}

// take returns a fresh key: a ready one, or one generated now when the pool
// is empty (a second certificate, as in a rotation). It does not refill the
// pool: generating in the background right then would compete for the CPU
// with the very statements the client is waiting for.
func (p *keyPool) take() (*rsa.PrivateKey, error) {
	select {
	case k := <-p.keys:
		return k, nil
	default:
		return rsa.GenerateKey(rand.Reader, 2048)
	}
}
