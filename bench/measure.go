package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// run is one timed run of a child process.
type run struct {
	wall time.Duration
	cpu  time.Duration // the child's user + system time: client CPU only
}

// runCmd runs name args with stdin and env added, and fails on a non-zero
// exit unless okCodes lists it.
func runCmd(stdin string, env []string, okCodes []int, name string, args ...string) (run, error) {
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdin = strings.NewReader(stdin)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	t0 := time.Now()
	err := cmd.Run()
	r := run{wall: time.Since(t0)}
	if cmd.ProcessState != nil {
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			r.cpu = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
		}
	}
	if err != nil {
		code := -1
		if cmd.ProcessState != nil {
			code = cmd.ProcessState.ExitCode()
		}
		for _, ok := range okCodes {
			if code == ok {
				return r, nil
			}
		}
		return r, fmt.Errorf("%s %s: %v\n%s", filepath.Base(name), strings.Join(args, " "), err, out.String())
	}
	return r, nil
}

// cluster is a running `mirrorcert sim` and a plan file for it.
type cluster struct {
	proc *exec.Cmd
	port int // the first instance's port
	plan string
	env  []string // connection passwords for mirrorcert
}

// startCluster starts `mirrorcert sim` with n fresh instances and latency,
// in its own process as a DBA would, and writes a plan for them (mirroring
// for 3, an availability group otherwise). It waits settle before
// returning: a simulator started by hand has long finished starting (its
// RSA key pools filled) when apply runs against it.
func startCluster(bin, dir string, n int, latency, settle time.Duration, password string) (*cluster, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, "sim", "--base-port", "0", "--instances", strconv.Itoa(n), "--latency", latency.String(), "--dir", filepath.Join(dir, "sim"))
	cmd.Env = append(os.Environ(), "MIRRORCERT_SIM_PASSWORD="+password)
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	c := &cluster{proc: cmd}
	sc := bufio.NewScanner(out)
	var b strings.Builder
	if n != 3 {
		b.WriteString("mode: ag\n")
	}
	b.WriteString("hosts:\n")
	var names []string
	for i := 0; i < n && sc.Scan(); i++ {
		f := strings.Fields(sc.Text())
		if len(f) < 2 {
			c.stop()
			return nil, fmt.Errorf("sim printed %q", sc.Text())
		}
		role := "partner"
		switch {
		case n != 3:
			role = "replica"
		case i == 2:
			role = "witness"
		}
		fmt.Fprintf(&b, "  - name: %s\n    server: %s\n    role: %s\n", f[0], f[1], role)
		names = append(names, f[0])
		if i == 0 {
			_, port, _ := strings.Cut(f[1], ",")
			c.port, _ = strconv.Atoi(port)
		}
	}
	go func() { _, _ = io.Copy(io.Discard, out) }()
	if len(names) != n {
		c.stop()
		return nil, fmt.Errorf("sim --instances %d printed %d instances", n, len(names))
	}
	b.WriteString("auth:\n  user: sa\n  encrypt: mandatory\n  trust_server_certificate: true\n")
	b.WriteString("endpoint:\n  name: Endpoint_Mirroring\n  port: 7024\n  encryption: AES\n")
	b.WriteString("certificate:\n  expiry: 2031-11-30\ntransfer: inband\n")
	c.plan = filepath.Join(dir, "plan.yaml")
	if err := os.WriteFile(c.plan, []byte(b.String()), 0o600); err != nil {
		c.stop()
		return nil, err
	}
	c.env = []string{"SQLCMDPASSWORD=" + password, "XDG_STATE_HOME=" + filepath.Join(dir, "state")}
	for _, name := range names {
		c.env = append(c.env, "MIRRORCERT_MASTER_KEY_PASSWORD_"+name+"=Mk-"+name+"-Pa55word!")
	}
	time.Sleep(settle * time.Duration(n) / 3)
	return c, nil
}

// stop ends the simulator this bench started.
func (c *cluster) stop() {
	_ = c.proc.Process.Signal(syscall.SIGTERM)
	_ = c.proc.Wait()
}

// median of ds (the upper one of an even count).
func median(ds []time.Duration) time.Duration {
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	if len(s) == 0 {
		return 0
	}
	return s[len(s)/2]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }
