package sim

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"syscall"
)

// Each simulated instance gets a loopback address of its own (127.0.X.1,
// .2, ...), as each real server has its own IP: every endpoint can then
// listen on the same port (7024) as in the documentation, and a URL names a
// host, not a port. A cluster takes a whole 127.0.X.0/24 block and holds it
// by listening on 127.0.X.254:blockReservePort for its lifetime, so two
// simulators on one machine (parallel tests) never share a block.

const (
	firstBlock       = 10  // 127.0.10.0/24 first
	lastBlock        = 250 // then 11, 12, ... up to here
	blockReservePort = 14329
	maxPerBlock      = 253 // .1 ... .253; .254 holds the reservation
)

// addrBlock is a reserved block; hold is nil when the platform routes only
// 127.0.0.1 (then every instance's address is 127.0.0.1).
type addrBlock struct {
	prefix string // "127.0.10."
	hold   net.Listener
}

// reserveBlock finds a free block for n instances by binding its
// reservation address. Where other loopback addresses cannot be bound at
// all (macOS without aliases) it falls back to 127.0.0.1 for everyone.
func reserveBlock(n int) (*addrBlock, error) {
	if n > maxPerBlock {
		return nil, fmt.Errorf("%d instances: at most %d fit one loopback block", n, maxPerBlock)
	}
	for x := firstBlock; x <= lastBlock; x++ {
		prefix := "127.0." + strconv.Itoa(x) + "."
		l, err := net.Listen("tcp", net.JoinHostPort(prefix+"254", strconv.Itoa(blockReservePort)))
		if err == nil {
			return &addrBlock{prefix: prefix, hold: l}, nil
		}
		if errors.Is(err, syscall.EADDRNOTAVAIL) {
			return &addrBlock{}, nil
		}
		// In use: another simulator holds this block.
	}
	return nil, fmt.Errorf("no free loopback block 127.0.%d-%d.0/24 for the instances' addresses: stop other simulators", firstBlock, lastBlock)
}

// address is instance i's (0-based) address.
func (b *addrBlock) address(i int) string {
	if b.hold == nil {
		return "127.0.0.1"
	}
	return b.prefix + strconv.Itoa(i+1)
}

// shared reports whether all instances share 127.0.0.1 (no own addresses).
func (b *addrBlock) shared() bool { return b.hold == nil }

func (b *addrBlock) release() {
	if b != nil && b.hold != nil {
		b.hold.Close()
	}
}

// listenOwnAddress opens the instance's TDS port on its own address too
// (nil when it has none of its own). The port was free on 127.0.0.1; on the
// block's address it is free unless an unrelated process took it.
func (c *Cluster) listenOwnAddress(in *instance, l net.Listener) (net.Listener, error) {
	if c.block.shared() {
		return nil, nil
	}
	own, err := net.Listen("tcp", net.JoinHostPort(in.info.Address, strconv.Itoa(in.info.Port)))
	if err != nil {
		l.Close()
		return nil, fmt.Errorf("%s: listen on %s:%d: %w", in.info.Name, in.info.Address, in.info.Port, err)
	}
	return own, nil
}
