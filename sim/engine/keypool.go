package engine

import (
	"crypto/rand"
	"crypto/rsa"
	"sync"
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
	keys chan *rsa.PrivateKey
	gen  func() (*rsa.PrivateKey, error) // rsa.GenerateKey(2048); a test's stand-in
	mu   sync.Mutex
	// filling is closed when the running fill ends; nil when none runs.
	filling chan struct{}
}

// newKeyPool starts filling a pool of n keys.
func newKeyPool(n int) *keyPool {
	return newKeyPoolWith(n, func() (*rsa.PrivateKey, error) { return rsa.GenerateKey(rand.Reader, 2048) })
}

// newKeyPoolWith starts filling a pool of n keys made by gen.
func newKeyPoolWith(n int, gen func() (*rsa.PrivateKey, error)) *keyPool {
	p := &keyPool{keys: make(chan *rsa.PrivateKey, n), gen: gen}
	p.refill()
	return p
}

// refill starts a goroutine that generates keys until the pool is full,
// unless one is already at it. Called when the instance is created.
func (p *keyPool) refill() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.filling != nil {
		return
	}
	done := make(chan struct{})
	p.filling = done
	go func() {
		defer func() {
			p.mu.Lock()
			p.filling = nil
			p.mu.Unlock()
			close(done)
		}()
		// As many keys as were missing when the fill started: a key taken
		// meanwhile is not replaced (see take).
		for need := cap(p.keys) - len(p.keys); need > 0; need-- {
			k, err := p.gen()
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

// take returns a fresh key: a ready one; else the one being generated in
// the background, waited for (generating a second one beside it would
// double the CPU and leave the first burning it after the client has its
// answer); else one generated now (a second certificate, as in a rotation).
// It does not refill the pool: generating in the background right then
// would compete for the CPU with the very statements the client is waiting
// for.
func (p *keyPool) take() (*rsa.PrivateKey, error) {
	select {
	case k := <-p.keys:
		return k, nil
	default:
	}
	p.mu.Lock()
	done := p.filling
	p.mu.Unlock()
	if done != nil {
		select {
		case k := <-p.keys:
			return k, nil
		case <-done:
			select { // the fill may have ended by delivering it
			case k := <-p.keys:
				return k, nil
			default:
			}
		}
	}
	return p.gen()
}
