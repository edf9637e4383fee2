//go:build !linux

package main

import "time"

// procCPU is not measured outside Linux (no /proc/PID/stat); the bench
// then leaves the simulator CPU rows out.
func procCPU(int) (time.Duration, bool) { return 0, false }
