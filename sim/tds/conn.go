package tds

import (
	"bufio"
	"crypto/tls"
	"fmt"
	"net"
	"strings"

	"github.com/mirrorcert/mirrorcert/sim/engine"
)

// conn is one client connection.
type conn struct {
	s          *Server
	raw        net.Conn
	rw         net.Conn // current transport: raw, buffered, or TLS
	id         uint64
	spid       uint16
	packetSize int
	login7     string // login name
	security   string // how the connection is protected, for the log
	sess       engine.Session
	database   string
	tranID     uint64 // open transaction descriptor, 0 when none
	seq        int
}

func (c *conn) name() string { return c.s.inst.Name() }

// login runs PRELOGIN, the optional TLS handshake and LOGIN7.
func (c *conn) login() error {
	pc := &peekConn{Conn: c.raw, r: bufio.NewReaderSize(c.raw, defaultPacketSize)}
	c.rw = pc
	first, err := pc.r.Peek(1)
	if err != nil {
		return err
	}
	cert := c.s.opts.Certificate
	// TDS 8 strict starts with a TLS ClientHello record (content type 0x16)
	// instead of a PRELOGIN packet (0x12).
	strict := first[0] == 0x16
	if strict {
		if cert == nil {
			return fmt.Errorf("TDS 8 strict requested but no certificate is configured")
		}
		t := tls.Server(pc, strictTLSConfig(*cert))
		if err := t.Handshake(); err != nil {
			return fmt.Errorf("TLS handshake (strict): %w", err)
		}
		c.rw = t
		c.security = "TDS 8 strict, " + tls.VersionName(t.ConnectionState().Version)
	}

	m, err := readMessage(c.rw)
	if err != nil {
		return err
	}
	if m.typ != pktPrelogin {
		return malformed("expected PRELOGIN, got packet type %#x", m.typ)
	}
	opts, err := parsePrelogin(m.data)
	if err != nil {
		return err
	}
	enc := byte(encryptNotSup)
	switch {
	case strict:
		enc = encryptOn // already encrypted; clients ignore the value
	case cert != nil:
		client := byte(encryptOff) // an absent option means OFF
		if v := opts[plEncryption]; len(v) > 0 {
			client = v[0]
		}
		enc = negotiateEncryption(client)
	}
	if err := writeMessage(c.rw, pktReply, preloginReply(c.s.opts.ProductVersion, enc, opts), defaultPacketSize, c.spid); err != nil {
		return err
	}

	loginOnly := false
	fullTLS := strict
	if !strict && enc != encryptNotSup {
		wrap := &preloginWrap{Conn: pc, spid: c.spid}
		sw := &switchConn{inner: wrap}
		t := tls.Server(sw, wrappedTLSConfig(*cert))
		if err := t.Handshake(); err != nil {
			return fmt.Errorf("TLS handshake: %w", err)
		}
		if err := wrap.flush(); err != nil {
			return err
		}
		// From here TLS records travel bare on the TCP stream.
		sw.set(pc)
		c.rw = t
		loginOnly = enc == encryptOff
		fullTLS = !loginOnly
		c.security = "encrypted, " + tls.VersionName(t.ConnectionState().Version)
		if loginOnly {
			c.security = "login packet encrypted only, " + tls.VersionName(t.ConnectionState().Version)
		}
	} else if !strict {
		c.security = "not encrypted"
	}

	m, err = readMessage(c.rw)
	if err != nil {
		return err
	}
	if loginOnly {
		// encrypt=optional: only LOGIN7 was encrypted; the rest is plain.
		c.rw = pc
	}
	if m.typ != pktLogin7 {
		return malformed("expected LOGIN7, got packet type %#x", m.typ)
	}
	l, err := parseLogin7(m.data)
	if err != nil {
		return err
	}
	return c.finishLogin(l, fullTLS)
}

// finishLogin authenticates and sends the login response.
func (c *conn) finishLogin(l *login7, encrypted bool) error {
	var t tokens
	server := c.name()
	refuse := func(msgs ...engine.Message) error {
		for _, m := range msgs {
			t.message(m, server)
		}
		t.done(tokDone, doneError, cmdNone, 0)
		_ = writeMessage(c.rw, pktReply, t.b, defaultPacketSize, c.spid)
		return errLoginRefused
	}
	if l.integrated {
		return refuse(engine.Message{Number: 18452, State: 1, Class: 14, Line: 1,
			Text: "Login failed. The login is from an untrusted domain and cannot be used with Integrated authentication."})
	}
	if l.changePwd {
		return refuse(loginFailed(l.userName))
	}
	if m := c.s.inst.Authenticate(l.userName, l.password); m != nil {
		l.password = ""
		return refuse(*m)
	}
	l.password = ""
	c.login7 = l.userName
	c.sess = c.s.inst.NewSession(l.userName)
	c.database = c.sess.Database()
	if db := l.database; db != "" && !strings.EqualFold(db, c.database) {
		failed := false
		for _, o := range c.sess.ExecBatch("USE " + quoteName(db)) {
			for _, m := range o.Messages {
				failed = failed || m.IsError()
			}
		}
		if failed {
			return refuse(
				engine.Message{Number: 4060, State: 1, Class: 11, Line: 1,
					Text: fmt.Sprintf("Cannot open database \"%s\" requested by the login. The login failed.", db)},
				loginFailed(l.userName))
		}
	}

	ps := int(l.packetSize)
	if ps == 0 {
		ps = defaultPacketSize
	}
	ps = min(max(ps, minPacketSize), maxPacketSize)
	if encrypted {
		// TLS records cap what SQL Server accepts per packet.
		ps = min(ps, 16383)
	}
	c.packetSize = ps

	oldDB := c.database
	c.database = c.sess.Database()
	t.envChange(envDatabase, c.database, oldDB)
	t.message(engine.Message{Number: 5701, State: 2, Class: 0, Line: 1,
		Text: fmt.Sprintf("Changed database context to '%s'.", c.database)}, server)
	t.envChangeBytes(envCollation, collationLatin1CIAS[:], nil)
	t.envChange(envLanguage, "us_english", "")
	t.message(engine.Message{Number: 5703, State: 1, Class: 0, Line: 1,
		Text: "Changed language setting to us_english."}, server)
	major, minor, build, _ := versionParts(c.s.opts.ProductVersion)
	t.loginAck(negotiateVersion(l.tdsVersion), "Microsoft SQL Server", major, minor, build)
	if l.hasFeatExt {
		// Acknowledge no optional feature (UTF-8, session recovery, ...):
		// the client falls back to the classic behaviour.
		t.u8(tokFeatureExtAck)
		t.u8(0xFF)
	}
	t.envChange(envPacketSize, itoa(ps), itoa(int(l.packetSize)))
	t.done(tokDone, doneFinal, cmdNone, 0)
	return writeMessage(c.rw, pktReply, t.b, ps, c.spid)
}

// quoteName brackets an identifier, doubling any closing bracket.
func quoteName(s string) string {
	return "[" + strings.ReplaceAll(s, "]", "]]") + "]"
}
