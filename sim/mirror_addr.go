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

// listenTDS opens instance i's TDS port on 127.0.0.1 and, when it has an
// address of its own, the same port there too (own is nil otherwise). A
// free port on 127.0.0.1 may be taken on the own address (by a lingering
// connection of a simulator that had the block before), so with port 0 a
// few ports are tried; a fixed port that is taken is a PortInUseError.
func (b *addrBlock) listenTDS(name string, port, i int) (l, own net.Listener, err error) {
	for range 20 {
		l, err = net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
		if err != nil {
			if errors.Is(err, syscall.EADDRINUSE) {
				return nil, nil, &PortInUseError{Port: port, Name: name}
			}
			return nil, nil, fmt.Errorf("%s: listen on 127.0.0.1:%d: %w", name, port, err)
		}
		if b.shared() {
			return l, nil, nil
		}
		got := l.Addr().(*net.TCPAddr).Port
		own, err = net.Listen("tcp", net.JoinHostPort(b.address(i), strconv.Itoa(got)))
		if err == nil {
			return l, own, nil
		}
		l.Close()
		if port != 0 || !errors.Is(err, syscall.EADDRINUSE) {
			if errors.Is(err, syscall.EADDRINUSE) {
				return nil, nil, &PortInUseError{Port: port, Name: name}
			}
			return nil, nil, fmt.Errorf("%s: listen on %s:%d: %w", name, b.address(i), got, err)
		}
	}
	return nil, nil, fmt.Errorf("%s: no port is free on both 127.0.0.1 and %s", name, b.address(i))
}

func closeIf(l net.Listener) {
	if l != nil {
		l.Close()
	}
}
