package tds

import (
	"bufio"
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"sync"
	"time"
)

// peekConn is a net.Conn whose reads go through a bufio.Reader, so the first
// byte can be inspected (TLS record or PRELOGIN packet) without losing it.
type peekConn struct {
	net.Conn
	r *bufio.Reader
}

func (c *peekConn) Read(b []byte) (int, error) { return c.r.Read(b) }

// switchConn forwards to an inner conn that can be replaced. The TLS layer
// sits on it: first over prelogin-wrapping, then directly over TCP, exactly
// as clients switch after the handshake.
type switchConn struct {
	mu    sync.Mutex
	inner net.Conn
}

func (c *switchConn) get() net.Conn {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.inner
}

func (c *switchConn) set(n net.Conn) {
	c.mu.Lock()
	c.inner = n
	c.mu.Unlock()
}

func (c *switchConn) Read(b []byte) (int, error)         { return c.get().Read(b) }
func (c *switchConn) Write(b []byte) (int, error)        { return c.get().Write(b) }
func (c *switchConn) Close() error                       { return c.get().Close() }
func (c *switchConn) LocalAddr() net.Addr                { return c.get().LocalAddr() }
func (c *switchConn) RemoteAddr() net.Addr               { return c.get().RemoteAddr() }
func (c *switchConn) SetDeadline(t time.Time) error      { return c.get().SetDeadline(t) }
func (c *switchConn) SetReadDeadline(t time.Time) error  { return c.get().SetReadDeadline(t) }
func (c *switchConn) SetWriteDeadline(t time.Time) error { return c.get().SetWriteDeadline(t) }

// preloginWrap carries TLS handshake records inside PRELOGIN (0x12)
// messages, as TDS 7.x requires. Writes are collected and sent as one
// message when the TLS layer next wants to read (the end of a flight) or
// when flush is called after the handshake.
type preloginWrap struct {
	net.Conn // the raw connection
	in       []byte
	out      bytes.Buffer
	spid     uint16
}

func (w *preloginWrap) Read(b []byte) (int, error) {
	if err := w.flush(); err != nil {
		return 0, err
	}
	for len(w.in) == 0 {
		m, err := readMessage(w.Conn)
		if err != nil {
			return 0, err
		}
		// Some clients label handshake packets as replies (0x04).
		if m.typ != pktPrelogin && m.typ != pktReply {
			return 0, malformed("packet type %#x during the TLS handshake", m.typ)
		}
		w.in = m.data
	}
	n := copy(b, w.in)
	w.in = w.in[n:]
	return n, nil
}

func (w *preloginWrap) Write(b []byte) (int, error) { return w.out.Write(b) }

func (w *preloginWrap) flush() error {
	if w.out.Len() == 0 {
		return nil
	}
	err := writeMessage(w.Conn, pktPrelogin, w.out.Bytes(), defaultPacketSize, w.spid)
	w.out.Reset()
	return err
}

// wrappedTLSConfig is the TLS configuration for handshakes inside PRELOGIN.
// SQL Server offers TLS 1.2 there (1.3 only with TDS 8), and session tickets
// are off because a ticket sent after the handshake would travel outside
// the PRELOGIN wrapping some clients still expect.
func wrappedTLSConfig(cert tls.Certificate) *tls.Config {
	return &tls.Config{
		Certificates:           []tls.Certificate{cert},
		MinVersion:             tls.VersionTLS12,
		MaxVersion:             tls.VersionTLS12,
		SessionTicketsDisabled: true,
	}
}

// strictTLSConfig is the TDS 8 configuration: TLS first, ALPN "tds/8.0".
func strictTLSConfig(cert tls.Certificate) *tls.Config {
	return &tls.Config{
		Certificates:           []tls.Certificate{cert},
		MinVersion:             tls.VersionTLS12,
		NextProtos:             []string{"tds/8.0"},
		SessionTicketsDisabled: true,
	}
}

// Certificate is a server certificate with its PEM encoding, which clients
// are given to trust (TDS 8 strict verifies the chain).
type Certificate struct {
	TLS     tls.Certificate
	CertPEM []byte
}

// GenerateCertificate makes a self-signed ECDSA P-256 certificate valid for
// localhost, 127.0.0.1 and ::1 (plus any extra DNS names), usable both as the
// server certificate and as the CA that clients trust.
func GenerateCertificate(extraNames ...string) (*Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("generate TLS key: %w", err)
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 120))
	if err != nil {
		return nil, fmt.Errorf("generate TLS serial: %w", err)
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: "localhost", Organization: []string{"mirrorcert simulator"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.AddDate(1, 0, 0),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		DNSNames:              append([]string{"localhost"}, extraNames...),
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, fmt.Errorf("create TLS certificate: %w", err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("parse generated TLS certificate: %w", err)
	}
	return &Certificate{
		TLS:     tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf},
		CertPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
	}, nil
}

// LoadCertificate reads a PEM certificate chain and key from files.
func LoadCertificate(certFile, keyFile string) (*Certificate, error) {
	pair, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return nil, fmt.Errorf("load TLS certificate %s / key %s: %w", certFile, keyFile, err)
	}
	var pemOut []byte
	for _, der := range pair.Certificate {
		pemOut = append(pemOut, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})...)
	}
	return &Certificate{TLS: pair, CertPEM: pemOut}, nil
}
