//go:build !unix

package main

import (
	"os"
	"time"
)

// childCPU is not measured where the OS gives no rusage; the CPU figure
// then reads 0 and the bench says nothing about it.
func childCPU(*os.ProcessState) time.Duration { return 0 }

// stopProcess ends a simulator.
func stopProcess(p *os.Process) { _ = p.Kill() }
