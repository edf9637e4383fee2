//go:build unix

package main

import (
	"os"
	"syscall"
	"time"
)

// childCPU is a finished child's user + system time: client CPU only.
func childCPU(ps *os.ProcessState) time.Duration {
	if ru, ok := ps.SysUsage().(*syscall.Rusage); ok {
		return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	return 0
}

// stopProcess ends a simulator the way Ctrl-C would.
func stopProcess(p *os.Process) { _ = p.Signal(syscall.SIGTERM) }
