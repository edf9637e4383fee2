// Command bench prints every figure of issue 11's performance table,
// measured side by side in one run: the runs of the things compared are
// interleaved and each figure is a ratio of medians, so a loaded machine
// slows both sides alike. Run it with bench/run.sh (or go run ./bench).
package main

import (
	"flag"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

func main() {
	runs := flag.Int("runs", 9, "interleaved runs per figure (medians)")
	latency := flag.Duration("latency", 25*time.Millisecond, "simulator latency per response")
	settle := flag.Duration("settle", 3*time.Second, "wait after starting 3 simulated instances (scaled by the count) before measuring")
	tsql := flag.String("tsql", "/usr/bin/tsql", "FreeTDS tsql, the yardstick for status")
	src := flag.String("src", ".", "the mirrorcert source tree to measure (e.g. an older commit's, for a before/after)")
	flag.Parse()
	if err := bench(*src, *runs, *latency, *settle, *tsql); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// series collects the runs of one measured thing; simCPU is the
// simulator's CPU during each run, where measured (apply, on Linux).
type series struct{ wall, cpu, simCPU []time.Duration }

func (s *series) add(r run) { s.wall, s.cpu = append(s.wall, r.wall), append(s.cpu, r.cpu) }

func bench(src string, runs int, latency, settle time.Duration, tsqlPath string) error {
	tmp, err := os.MkdirTemp("", "mirrorcert-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	bin, hello := filepath.Join(tmp, "mirrorcert"), filepath.Join(tmp, "hello")
	how, err := build(src, tmp, bin, hello)
	if err != nil {
		return err
	}
	if _, err := os.Stat(tsqlPath); err != nil {
		return fmt.Errorf("FreeTDS tsql not found at %s (apt-get install freetds-bin): %w", tsqlPath, err)
	}
	const password = "Bench-Pa55word!x" // a throwaway simulator's sa password
	// status and tsql share one simulator: neither changes anything.
	st, err := startCluster(bin, filepath.Join(tmp, "status"), 3, latency, settle, password)
	if err != nil {
		return err
	}
	defer st.stop()
	// Fleets for expiry (issue 14), measured side by side with status: every
	// instance has an endpoint certificate (sim --scenario fleet).
	fleet30, err := startCluster(bin, filepath.Join(tmp, "fleet30"), 30, latency, 0, password, "--scenario", "fleet")
	if err != nil {
		return err
	}
	defer fleet30.stop()
	fleet100, err := startCluster(bin, filepath.Join(tmp, "fleet100"), 100, latency, 0, password, "--scenario", "fleet")
	if err != nil {
		return err
	}
	defer fleet100.stop()
	expiryArgs := func(c *cluster) []string { return []string{"expiry", "--servers", c.servers, "-U", "sa", "-C"} }
	tsqlIn := "SELECT 1\ngo\nexit\n"
	tsqlArgs := []string{"-H", "127.0.0.1", "-p", strconv.Itoa(st.port), "-U", "sa", "-P", password}

	var status, yard, version, helloS, apply2, apply3, apply9, expiry30, expiry100 series
	var zero3, zero9 series // apply with the simulator at 0 ms latency: CPU only
	for i := range runs {
		fmt.Fprintf(os.Stderr, "start-up and status, run %d/%d\n", i+1, runs)
		for _, step := range []func() error{
			func() error { return timed(&status, st.env, []int{0, 1}, "", bin, "status", "--plan", st.plan) },
			func() error { return timed(&yard, nil, nil, tsqlIn, tsqlPath, tsqlArgs...) },
			func() error { return timed(&version, nil, nil, "", bin, "version") },
			func() error { return timed(&helloS, nil, nil, "", hello) },
			// exit 1: the fleet has a certificate expiring within 60 days.
			func() error { return timed(&expiry30, fleet30.env, []int{1}, "", bin, expiryArgs(fleet30)...) },
			func() error { return timed(&expiry100, fleet100.env, []int{1}, "", bin, expiryArgs(fleet100)...) },
		} {
			if err := step(); err != nil {
				return err
			}
		}
	}
	st.stop()
	fleet30.stop()
	fleet100.stop()
	for i := range runs {
		fmt.Fprintf(os.Stderr, "apply, run %d/%d\n", i+1, runs)
		for _, n := range []int{3, 9, 2} {
			s := map[int]*series{2: &apply2, 3: &apply3, 9: &apply9}[n]
			if err := applyOnce(s, tmp, i, n, latency, settle, password, bin); err != nil {
				return err
			}
		}
		for _, n := range []int{3, 9} {
			s := map[int]*series{3: &zero3, 9: &zero9}[n]
			if err := applyOnce(s, tmp, i, n, 0, settle, password, bin); err != nil {
				return err
			}
		}
	}
	view, err := viewNine(src)
	if err != nil {
		return err
	}
	rt := float64(latency)
	ratio := func(a, b time.Duration) float64 { return float64(a) / float64(b) }
	cpuRatio := ratio(median(apply9.cpu), median(apply2.cpu))
	fmt.Printf("mirrorcert performance (issue 11), %d interleaved runs, medians, simulator latency %v\n", runs, latency)
	fmt.Printf("machine: %s\n", machine())
	fmt.Printf("built as released: %s\n\n", how)
	fmt.Printf("%-58s %10s  %s\n", "figure", "measured", "target   (raw medians)")
	row := func(name, got, target, raw string) { fmt.Printf("%-58s %10s  %-8s (%s)\n", name, got, target, raw) }
	row("status on 3 hosts ÷ FreeTDS tsql connect + one query", fmt.Sprintf("%.2f×", ratio(median(status.wall), median(yard.wall))), "≤ 1.1×",
		ms(median(status.wall))+" vs "+ms(median(yard.wall)))
	row("tsql connect + one query, in round trips (wall ÷ latency)", fmt.Sprintf("%.1f", float64(median(yard.wall))/rt), "-", "the yardstick's own cost")
	row("apply on 3 hosts, round-trip equivalents (wall ÷ latency)", fmt.Sprintf("%.1f", float64(median(apply3.wall))/rt), "≤ 5",
		ms(median(apply3.wall))+", the whole command")
	row("apply on 3 hosts minus tsql's connect + query, + 1", fmt.Sprintf("%.1f", float64(median(apply3.wall)-median(yard.wall))/rt+1), "3 ideal",
		"round trips beyond what any client pays to log in")
	row("apply on 9 AG replicas ÷ apply on 3 hosts", fmt.Sprintf("%.2f", ratio(median(apply9.wall), median(apply3.wall))), "≤ 1.2",
		ms(median(apply9.wall))+" vs "+ms(median(apply3.wall)))
	row("mirrorcert version ÷ Go hello-world", fmt.Sprintf("%.2f×", ratio(median(version.wall), median(helloS.wall))), "≤ 2×",
		ms(median(version.wall))+" vs "+ms(median(helloS.wall)))
	row("expiry on 30 instances ÷ status on 3 hosts", fmt.Sprintf("%.2f×", ratio(median(expiry30.wall), median(status.wall))), "≤ 2.5×",
		ms(median(expiry30.wall))+" vs "+ms(median(status.wall))+" (issue 14)")
	row("expiry on 100 instances ÷ status on 3 hosts", fmt.Sprintf("%.2f×", ratio(median(expiry100.wall), median(status.wall))), "≤ ~3×",
		ms(median(expiry100.wall))+" vs "+ms(median(status.wall))+" (issue 14; 32 at once)")
	row("View() with 9 hosts (go test -bench BenchmarkView9Hosts)", ms(view), "≤ 0.5 ms", "ui's benchmark")
	row("apply client CPU, 9 hosts ÷ 2 hosts", fmt.Sprintf("%.2f×", cpuRatio), "≤ 4.5×",
		fmt.Sprintf("%s vs %s; growth n^%.2f, items grow n^2.07", ms(median(apply9.cpu)), ms(median(apply2.cpu)), math.Log(cpuRatio)/math.Log(4.5)))
	simRows(row, map[int]*series{3: &apply3, 9: &apply9})
	boundRows(row, cpuBound{wall: median(apply3.wall), zero: median(zero3.wall)},
		cpuBound{wall: median(apply9.wall), zero: median(zero9.wall)}, latency)
	return nil
}

func timed(s *series, env []string, ok []int, stdin, name string, args ...string) error {
	r, err := runCmd(stdin, env, ok, name, args...)
	if err != nil {
		return err
	}
	s.add(r)
	return nil
}

// applyOnce runs `mirrorcert apply` against a fresh simulator of n hosts.
func applyOnce(s *series, tmp string, i, n int, latency, settle time.Duration, password, bin string) error {
	dir := filepath.Join(tmp, fmt.Sprintf("apply-%d-%d-%s", n, i, latency))
	c, err := startCluster(bin, dir, n, latency, settle, password)
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	defer c.stop()
	simBefore, simOK := procCPU(c.proc.Process.Pid)
	if err := timed(s, c.env, nil, "", bin, "apply", "--plan", c.plan, "--yes"); err != nil {
		return err
	}
	if simAfter, ok := procCPU(c.proc.Process.Pid); ok && simOK {
		s.simCPU = append(s.simCPU, simAfter-simBefore)
	}
	return nil
}

// build compiles mirrorcert and a Go hello-world the same way: as the
// release does (.goreleaser.yaml), so that start-up is that of the binary a
// DBA runs. It returns how, for the output.
func build(src, tmp, bin, hello string) (releaseBuild, error) {
	rb, err := readRelease(src)
	if err != nil {
		return rb, err
	}
	helloSrc := filepath.Join(tmp, "hello-src")
	if err := os.MkdirAll(helloSrc, 0o755); err != nil {
		return rb, err
	}
	if err := os.WriteFile(filepath.Join(helloSrc, "main.go"), []byte("package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"hello\") }\n"), 0o644); err != nil {
		return rb, err
	}
	if err := os.WriteFile(filepath.Join(helloSrc, "go.mod"), []byte("module hello\n\ngo 1.26\n"), 0o644); err != nil {
		return rb, err
	}
	for _, b := range []struct {
		dir, out string
		hello    bool
	}{{src, bin, false}, {helloSrc, hello, true}} {
		cmd := exec.Command("go", rb.args(b.out, b.hello)...)
		cmd.Dir = b.dir
		cmd.Env = append(os.Environ(), rb.env...)
		if out, err := cmd.CombinedOutput(); err != nil {
			return rb, fmt.Errorf("go build %s: %v\n%s", b.out, err, out)
		}
	}
	return rb, nil
}

var nsPerOp = regexp.MustCompile(`BenchmarkView9Hosts\S*\s+\d+\s+([\d.]+) ns/op`)

// viewNine runs ui's benchmark of one frame with 9 hosts.
func viewNine(src string) (time.Duration, error) {
	cmd := exec.Command("go", "test", "-run", "^$", "-bench", "^BenchmarkView9Hosts$", "-benchtime", "300x", "-count", "5", "./ui/")
	cmd.Dir = src
	out, err := cmd.CombinedOutput()
	if err != nil {
		return 0, fmt.Errorf("go test -bench View9Hosts: %v\n%s", err, out)
	}
	var ds []time.Duration
	for _, m := range nsPerOp.FindAllStringSubmatch(string(out), -1) {
		f, _ := strconv.ParseFloat(m[1], 64)
		ds = append(ds, time.Duration(f))
	}
	if len(ds) == 0 {
		return 0, fmt.Errorf("no result in:\n%s", out)
	}
	return median(ds), nil
}

// machine describes where the figures come from.
func machine() string {
	cpu := "unknown CPU"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, ln := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(ln, "model name") {
				cpu = strings.TrimSpace(strings.SplitN(ln, ":", 2)[1])
				break
			}
		}
	}
	load := ""
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		load = ", load " + strings.Join(strings.Fields(string(b))[:3], " ")
	}
	return fmt.Sprintf("%s, %d CPUs%s, %s", cpu, numCPU(), load, goVersion())
}
