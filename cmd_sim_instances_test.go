package main

import (
	"bufio"
	"bytes"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// TestSimCommandInstances: --instances 5 serves HOST_A, HOST_B, HOST_W,
// HOST_4 and HOST_5, each answering as itself.
func TestSimCommandInstances(t *testing.T) {
	const pw = "Env-Given_Passw0rd"
	cmd := exec.Command(testBinary, "sim", "--base-port", "0", "--instances", "5")
	cmd.Env = append(os.Environ(), simPasswordEnv+"="+pw)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	lines := make(chan string, 16)
	go func() {
		defer close(lines)
		for sc := bufio.NewScanner(out); sc.Scan(); {
			lines <- sc.Text()
		}
	}()
	for _, name := range []string{"HOST_A", "HOST_B", "HOST_W", "HOST_4", "HOST_5"} {
		var l string
		select {
		case l = <-lines:
		case <-time.After(30 * time.Second):
			t.Fatalf("no line for %s; stderr: %s", name, stderr.String())
		}
		f := strings.Fields(l)
		if len(f) < 2 || f[0] != name || !strings.HasPrefix(f[1], "127.0.0.1,") {
			t.Fatalf("line %q, want %s 127.0.0.1,PORT", l, name)
		}
		u := url.URL{Scheme: "sqlserver", User: url.UserPassword("sa", pw),
			Host: strings.Replace(f[1], ",", ":", 1), RawQuery: "encrypt=disable"}
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
}

// TestSimCommandInstancesBad: a count out of range is a usage error naming
// the flag and the range.
func TestSimCommandInstancesBad(t *testing.T) {
	for _, n := range []string{"0", "101"} {
		r := runBin(t, "", "sim", "--instances", n)
		if r.code != 2 || !strings.Contains(r.stderr, "--instances") || !strings.Contains(r.stderr, "1..100") {
			t.Errorf("--instances %s: exit %d, stderr %q", n, r.code, r.stderr)
		}
		assertClean(t, r)
	}
	r := runBin(t, "", "sim", "--instances", "9", "--base-port", "65530")
	if r.code != 2 || !strings.Contains(r.stderr, fmt.Sprintf("1..%d", 65536-9)) {
		t.Errorf("base port too high for 9: exit %d, stderr %q", r.code, r.stderr)
	}
}
