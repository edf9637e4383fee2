package tds

import (
	"bytes"
	"encoding/binary"
	"io"
	"net"
	"runtime"
	"testing"
	"time"
)

// sendRaw writes b on a fresh connection and reports whether the server
// closed it (EOF or reset) rather than leaving it hanging.
func sendRaw(t *testing.T, addr string, b []byte) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Write(b); err != nil {
		t.Fatal(err)
	}
	_ = c.SetReadDeadline(time.Now().Add(20 * time.Second))
	_, err = io.Copy(io.Discard, c)
	if ne, ok := err.(net.Error); ok && ne.Timeout() {
		t.Fatalf("server kept the connection open after %x", b[:min(len(b), 16)])
	}
}

func packet(typ byte, payload []byte) []byte {
	b := []byte{typ, statusEOM, 0, 0, 0, 0, 1, 0}
	binary.BigEndian.PutUint16(b[2:], uint16(len(payload)+headerSize))
	return append(b, payload...)
}

func TestMalformedInputClosesConnection(t *testing.T) {
	ts := startServer(t, nil)
	addr := ts.addr.String()
	goodPrelogin := buildPrelogin([]preloginOpt{{plVersion, make([]byte, 6)}, {plEncryption, []byte{encryptNotSup}}})
	cases := map[string][]byte{
		"http":              []byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n"),
		"short length":      {pktPrelogin, statusEOM, 0, 3, 0, 0, 0, 0},
		"login first":       packet(pktLogin7, make([]byte, 10)),
		"bad prelogin":      packet(pktPrelogin, []byte{0x00, 0x00, 0x50, 0x00, 0x06}),
		"truncated login7":  append(packet(pktPrelogin, goodPrelogin), packet(pktLogin7, make([]byte, 40))...),
		"login7 bad offset": append(packet(pktPrelogin, goodPrelogin), packet(pktLogin7, badLogin7())...),
		"tls garbage":       append([]byte{0x16, 3, 1, 0, 5}, make([]byte, 5)...),
	}
	for name, b := range cases {
		t.Run(name, func(t *testing.T) { sendRaw(t, addr, b) })
	}
	// The server is still fine.
	db := ts.open(t, "encrypt=disable")
	if err := db.Ping(); err != nil {
		t.Fatal(err)
	}
}

func badLogin7() []byte {
	b := make([]byte, loginFixedSize)
	binary.LittleEndian.PutUint32(b, loginFixedSize)
	binary.LittleEndian.PutUint16(b[40:], 60000) // user name offset far outside
	binary.LittleEndian.PutUint16(b[42:], 10)
	return b
}

// waitGoroutines polls until the goroutine count drops to at most want.
func waitGoroutines(t *testing.T, want int, what string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		n := runtime.NumGoroutine()
		if n <= want {
			return
		}
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<16)
			buf = buf[:runtime.Stack(buf, true)]
			t.Fatalf("%s: %d goroutines, want <= %d\n%s", what, n, want, buf)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestNoGoroutineLeaks(t *testing.T) {
	base := runtime.NumGoroutine()
	cert, err := GenerateCertificate()
	if err != nil {
		t.Fatal(err)
	}
	srv := NewServer(newFake(), Options{Certificate: &cert.TLS, Hook: func(r Request) Decision {
		if r.SQL == "SELECT 1" {
			return Decision{Delay: time.Hour} // a request still waiting at Close
		}
		return Decision{}
	}})
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(l) }()
	ts := &testServer{srv: srv, addr: l.Addr().(*net.TCPAddr)}

	// Clients that come and go leave nothing behind.
	for _, q := range []string{"encrypt=disable", "encrypt=true&trustservercertificate=true"} {
		db := ts.open(t, q)
		if _, err := db.Exec("SELECT TYPES"); err != nil {
			t.Fatal(err)
		}
		db.Close()
	}
	waitGoroutines(t, base+1, "after clients disconnected") // +1: Serve

	// A connection stuck in a delayed request and an idle one both end at Close.
	db := ts.open(t, "encrypt=disable")
	go func() { _, _ = db.Exec("SELECT 1") }()
	idle, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer idle.Close()
	time.Sleep(100 * time.Millisecond)
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	<-served
	db.Close()
	waitGoroutines(t, base, "after Close")
}

func FuzzReadMessage(f *testing.F) {
	f.Add(packet(pktSQLBatch, []byte("abc")))
	f.Add([]byte{1, 0, 0, 9, 0, 0, 0, 0, 1, 1, 1, 0, 9, 0, 0, 0, 0, 2})
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := readMessage(bytes.NewReader(b))
		if err == nil && len(m.data) > len(b) {
			t.Fatalf("message larger than input")
		}
	})
}

func FuzzParseLogin7(f *testing.F) {
	f.Add(badLogin7())
	f.Add(make([]byte, loginFixedSize))
	f.Fuzz(func(t *testing.T, b []byte) { _, _ = parseLogin7(b) })
}

func FuzzParsePrelogin(f *testing.F) {
	f.Add(buildPrelogin([]preloginOpt{{plVersion, make([]byte, 6)}, {plEncryption, []byte{0}}}))
	f.Fuzz(func(t *testing.T, b []byte) { _, _ = parsePrelogin(b) })
}

func FuzzParseRPC(f *testing.F) {
	f.Add(sampleRPC())
	f.Add([]byte{0xff, 0xff, 10, 0, 0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		calls, err := parseRPC(b)
		if err == nil {
			for _, c := range calls {
				_, _, _ = paramsFromCall(c)
			}
		}
	})
}

// sampleRPC is sp_executesql N'SELECT @a', N'@a int', @a=5 with an
// ALL_HEADERS block, as drivers send it.
func sampleRPC() []byte {
	var t tokens
	t.u32(22)
	t.u32(18)
	t.u16(2)
	t.b = append(t.b, make([]byte, 12)...)
	t.u16(0xFFFF)
	t.u16(procExecuteSQL)
	t.u16(0)
	for _, s := range []string{"SELECT @a", "@a int"} {
		t.u8(0)
		t.u8(0)
		t.u8(typNVarChar)
		t.u16(8000)
		t.b = append(t.b, collationLatin1CIAS[:]...)
		t.u16(uint16(len(s) * 2))
		t.ucs2(utf16Encode(s))
	}
	t.bvarchar("@a")
	t.u8(0)
	t.u8(typIntN)
	t.u8(4)
	t.u8(4)
	t.u32(5)
	return t.b
}

func TestParseSampleRPC(t *testing.T) {
	calls, err := parseRPC(sampleRPC())
	if err != nil {
		t.Fatal(err)
	}
	if len(calls) != 1 || !isExecuteSQL(calls[0]) {
		t.Fatalf("calls = %+v", calls)
	}
	stmt, params, err := paramsFromCall(calls[0])
	if err != nil || stmt != "SELECT @a" || len(params) != 1 || params[0].Name != "@a" || params[0].Value != int32(5) {
		t.Fatalf("stmt %q params %+v err %v", stmt, params, err)
	}
}

func TestSkipAllHeaders(t *testing.T) {
	text := []byte{'S', 0, 'E', 0, 'L', 0, 'E', 0, 'C', 0, 'T', 0}
	var withHdr tokens
	withHdr.u32(22) // total
	withHdr.u32(18) // transaction descriptor header
	withHdr.u16(2)
	withHdr.b = append(withHdr.b, make([]byte, 12)...)
	withHdr.b = append(withHdr.b, text...)
	bad := append([]byte{22, 0, 0, 0, 18, 0, 0, 0, 9, 0}, make([]byte, 12)...) // header type 9
	cases := []struct {
		name string
		b    []byte
		want int
	}{
		{"7.2+ with headers", withHdr.b, 22},
		{"7.1 without headers", text, 0},
		{"unknown header type", append(bad, text...), 0},
		{"short", []byte{1, 0}, 0},
	}
	for _, c := range cases {
		r := &reader{b: c.b}
		skipAllHeaders(r)
		if r.pos != c.want || r.err != nil {
			t.Errorf("%s: pos %d err %v, want %d", c.name, r.pos, r.err, c.want)
		}
	}
}
