package session_test

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/mirrorcert/mirrorcert/session"
)

func TestProbe(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	open := l.Addr().(*net.TCPAddr).Port
	c, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := c.Addr().(*net.TCPAddr).Port
	c.Close()
	got := session.Probe(context.Background(), []session.ProbeTarget{
		{Host: "UP", Address: "127.0.0.1", Port: open},
		{Host: "DOWN", Address: "127.0.0.1", Port: closed},
	}, 2*time.Second)
	if r := got["UP"]; r.Err != "" || r.Port != open || r.Address != "127.0.0.1" {
		t.Errorf("listening port: %+v", r)
	}
	if r := got["DOWN"]; r.Err == "" {
		t.Errorf("closed port answered: %+v", r)
	}
}
