package engine

import (
	"hash/maphash"
	"sync"
)

// parseCache keeps the parsed and compiled statements of batches an
// instance runs again and again by their exact text, as SQL Server's plan
// cache does: a client's state read, sent at every connect and after every
// change, is parsed once. Execution never writes to a parsed tree
// (TestParseCacheTreesStayPristine), so sessions share one; a tree holds
// no catalog data, so DDL in between cannot make it stale; the key is the
// whole text, so two texts never share one. A text enters only on its
// second sighting (only a hash of the first is kept), so one-off batches,
// such as those carrying generated passwords, are never stored.
type parseCache struct {
	mu      sync.Mutex
	seed    maphash.Seed
	seen    map[uint64]bool
	entries map[string]*cachedBatch
	tick    uint64
	maxText int // parseCacheMaxText; a test may raise it
}

type cachedBatch struct {
	stmts []stmt
	used  uint64
}

const (
	parseCacheSize    = 16       // batches kept; the least recently used goes
	parseCacheSeen    = 1024     // hashes of batches seen once, then forgotten
	parseCacheMaxText = 16 << 10 // longer batches are not kept: at most 256 KB an instance
)

func newParseCache() *parseCache {
	return &parseCache{seed: maphash.MakeSeed(), seen: map[uint64]bool{}, entries: map[string]*cachedBatch{}, maxText: parseCacheMaxText}
}

// parsed returns the batch's statements, parsed and compiled for this
// instance, or the message that rejects the whole batch.
func (in *instance) parsed(sql string) ([]stmt, *Message) {
	c := in.parses
	if c != nil && len(sql) <= c.maxText {
		c.mu.Lock()
		if e := c.entries[sql]; e != nil {
			c.tick++
			e.used = c.tick
			c.mu.Unlock()
			return e.stmts, nil
		}
		c.mu.Unlock()
	}
	stmts, perr := parseBatch(sql)
	if perr == nil {
		perr = in.compile(stmts)
	}
	if perr == nil && c != nil && len(sql) <= c.maxText {
		c.remember(sql, stmts)
	}
	return stmts, perr
}

// remember stores stmts for sql if sql was seen before.
func (c *parseCache) remember(sql string, stmts []stmt) {
	h := maphash.String(c.seed, sql)
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.seen[h] {
		if len(c.seen) >= parseCacheSeen {
			clear(c.seen)
		}
		c.seen[h] = true
		return
	}
	if len(c.entries) >= parseCacheSize {
		var oldest string
		first := true
		for k, e := range c.entries {
			if first || e.used < c.entries[oldest].used {
				oldest, first = k, false
			}
		}
		delete(c.entries, oldest)
	}
	c.tick++
	c.entries[sql] = &cachedBatch{stmts: stmts, used: c.tick}
}
