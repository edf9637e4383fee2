package main

import (
	"bufio"
	"bytes"
	"database/sql"
	"net"
	"net/url"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	_ "github.com/microsoft/go-mssqldb"
)

// startSimBin runs `mirrorcert sim args...` and returns the process and the
// lines it printed before serving (instances, then the password line if
// any). env is added to the environment.
func startSimBin(t *testing.T, env []string, args ...string) (*exec.Cmd, []string, *bytes.Buffer) {
	t.Helper()
	cmd := exec.Command(testBinary, append([]string{"sim"}, args...)...)
	cmd.Env = append(os.Environ(), env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	})
	lines := make(chan string)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	var got []string
	want := 3
	for len(got) < want {
		select {
		case l, ok := <-lines:
			if !ok {
				_ = cmd.Wait()
				t.Fatalf("sim exited early: %v\nstdout: %q\nstderr: %s", cmd.ProcessState, got, stderr.String())
			}
			got = append(got, l)
			if strings.HasPrefix(l, "sa password: ") || (len(got) == 3 && !hasEnv(env, simPasswordEnv)) {
				want = 4
			}
		case <-time.After(30 * time.Second):
			t.Fatalf("sim printed only %q; stderr: %s", got, stderr.String())
		}
	}
	return cmd, got, &stderr
}

func hasEnv(env []string, name string) bool {
	for _, kv := range env {
		if strings.HasPrefix(kv, name+"=") {
			return true
		}
	}
	return false
}

func TestSimCommandServesAndStopsOnSignal(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			cmd, lines, stderr := startSimBin(t, nil, "--base-port", "0")
			if len(lines) != 4 || !strings.HasPrefix(lines[3], "sa password: ") {
				t.Fatalf("output = %q", lines)
			}
			password := strings.TrimPrefix(lines[3], "sa password: ")
			for i, name := range []string{"HOST_A", "HOST_B", "HOST_W"} {
				f := strings.Fields(lines[i])
				if len(f) != 4 || f[0] != name || !strings.HasPrefix(f[1], "127.0.0.1,") || f[2] != "address" || net.ParseIP(f[3]) == nil || !net.ParseIP(f[3]).IsLoopback() {
					t.Fatalf("line %d = %q, want %s 127.0.0.1,PORT address 127.0.X.N", i, lines[i], name)
				}
				port, _ := strconv.Atoi(strings.TrimPrefix(f[1], "127.0.0.1,"))
				u := url.URL{Scheme: "sqlserver", User: url.UserPassword("sa", password),
					Host: net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), RawQuery: "encrypt=true&trustservercertificate=true"}
				db, err := sql.Open("sqlserver", u.String())
				if err != nil {
					t.Fatal(err)
				}
				var got string
				err = db.QueryRow("SELECT @@SERVERNAME").Scan(&got)
				db.Close()
				if err != nil || got != name {
					t.Fatalf("%s answered %q, %v", name, got, err)
				}
			}
			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			select {
			case err := <-done:
				if err != nil {
					t.Fatalf("sim exited with %v after %v; stderr: %s", err, sig, stderr.String())
				}
			case <-time.After(30 * time.Second):
				t.Fatalf("sim did not stop on %v", sig)
			}
			for _, bad := range []string{"panic", "goroutine "} {
				if strings.Contains(stderr.String(), bad) {
					t.Errorf("stderr: %s", stderr.String())
				}
			}
		})
	}
}

func TestSimCommandPasswordFromEnvIsNotPrinted(t *testing.T) {
	const pw = "Env-Given_Passw0rd"
	cmd, lines, stderr := startSimBin(t, []string{simPasswordEnv + "=" + pw}, "--base-port", "0")
	port := strings.TrimPrefix(strings.Fields(lines[0])[1], "127.0.0.1,")
	u := url.URL{Scheme: "sqlserver", User: url.UserPassword("sa", pw), Host: "127.0.0.1:" + port, RawQuery: "encrypt=disable"}
	db, err := sql.Open("sqlserver", u.String())
	if err != nil {
		t.Fatal(err)
	}
	pingErr := db.Ping()
	db.Close()
	// Stop it before reading stderr: the buffer is written until the process
	// exits, and the shutdown output must be checked too.
	_ = cmd.Process.Signal(syscall.SIGINT)
	_ = cmd.Wait()
	if pingErr != nil {
		t.Fatalf("login with the password from %s: %v", simPasswordEnv, pingErr)
	}
	if strings.Contains(strings.Join(lines, "\n")+stderr.String(), pw) {
		t.Fatalf("the given password was printed: %q %s", lines, stderr.String())
	}
}

func TestSimCommandPortInUse(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	port := l.Addr().(*net.TCPAddr).Port
	// HOST_A's own port is the taken one: a neighbour could be taken by
	// anything else on the machine, and the error would rightly name that one.
	r := runBin(t, "", "sim", "--base-port", strconv.Itoa(port))
	assertClean(t, r)
	if r.code != 2 || !strings.Contains(r.stderr, "port "+strconv.Itoa(port)) || !strings.Contains(r.stderr, "--base-port") {
		t.Errorf("code %d stderr %q: want exit 2 naming port %d and --base-port", r.code, r.stderr, port)
	}
	if r.stdout != "" {
		t.Errorf("stdout on failure: %q", r.stdout)
	}
}

func TestSimCommandBadInput(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"--fault", "HOST_B:explode"}, `fault rule "HOST_B:explode": unknown action`},
		{[]string{"--fault", "HOST_A:drop-on=/(/"}, "bad regular expression"},
		{[]string{"--base-port", "70000"}, "--base-port 70000"},
		{[]string{"--cert", "only-cert.pem"}, "--cert and --key"},
		{[]string{"--latency", "soon"}, "invalid argument"},
	}
	for _, c := range cases {
		r := runBin(t, "", append([]string{"sim", "--base-port", "0"}, c.args...)...)
		if r.code != 2 || !strings.Contains(r.stderr, c.want) {
			t.Errorf("sim %v: code %d stderr %q, want exit 2 with %q", c.args, r.code, r.stderr, c.want)
		}
		if strings.Contains(r.stderr, "goroutine ") {
			t.Errorf("sim %v: stack trace", c.args)
		}
	}
}

func TestSimCommandScenarioBrokenSeedsTheInstances(t *testing.T) {
	const pw = "Scenario_Passw0rd!"
	cmd, lines, stderr := startSimBin(t, []string{simPasswordEnv + "=" + pw}, "--base-port", "0", "--scenario", "broken")
	defer func() { _ = cmd.Process.Signal(syscall.SIGINT); _ = cmd.Wait() }()
	if len(lines) < 2 {
		t.Fatalf("output = %q, stderr %s", lines, stderr.String())
	}
	port := strings.TrimPrefix(strings.Fields(lines[1])[1], "127.0.0.1,") // HOST_B
	u := url.URL{Scheme: "sqlserver", User: url.UserPassword("sa", pw), Host: "127.0.0.1:" + port, RawQuery: "encrypt=disable"}
	db, err := sql.Open("sqlserver", u.String())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var auth string
	if err := db.QueryRow("SELECT connection_auth_desc FROM sys.database_mirroring_endpoints").Scan(&auth); err != nil {
		t.Fatalf("HOST_B has no seeded endpoint: %v", err)
	}
	if strings.Contains(auth, "CERTIFICATE") {
		t.Fatalf("the broken scenario's HOST_B endpoint uses %q, want Windows authentication", auth)
	}
}

func TestSimCommandUnknownScenario(t *testing.T) {
	r := runBin(t, "", "sim", "--base-port", "0", "--scenario", "nope")
	assertClean(t, r)
	if r.code != 2 || !strings.Contains(r.stderr, `"nope"`) || !strings.Contains(r.stderr, "default, file, broken") {
		t.Fatalf("code %d stderr %q; want exit 2 naming the scenario and the valid ones", r.code, r.stderr)
	}
}
