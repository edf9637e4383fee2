package engine

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
)

// The handshake's messages. SQL Server's own protocol is not public; this is
// the simulator's, built to reach the documented outcomes:
//
//	connector -> acceptor  hello     who I am, my auth methods, encryption, my endpoint certificate
//	acceptor  -> connector challenge a fresh nonce (or the connection is closed: refused)
//	connector -> acceptor  proof     RSA signature (SHA-256, PKCS#1 v1.5) over nonce and hello
//	acceptor  -> connector welcome   the negotiated auth and algorithm, its own certificate
//
// Each message is a 4-byte big-endian length and a JSON object.
const (
	mirrorProtocol = "mirrorcert-dbm/1"
	maxFrame       = 1 << 16
)

type hsHello struct {
	Protocol   string   `json:"protocol"`
	Server     string   `json:"server"`
	Auth       []string `json:"auth"` // CERTIFICATE / WINDOWS, in the endpoint's order
	Encryption string   `json:"encryption"`
	Algorithms []string `json:"algorithms"`
	Cert       []byte   `json:"cert,omitempty"` // DER of the endpoint certificate
}

type hsChallenge struct {
	Nonce []byte `json:"nonce"`
}

type hsProof struct {
	Signature []byte `json:"signature"`
}

type hsWelcome struct {
	Server    string `json:"server"`
	Auth      string `json:"auth"`
	Algorithm string `json:"algorithm"`
	Cert      []byte `json:"cert,omitempty"`
}

// writeFrame and readFrame carry one JSON message.
func writeFrame(w io.Writer, v any) error {
	body, err := json.Marshal(v)
	if err != nil {
		return err
	}
	buf := binary.BigEndian.AppendUint32(make([]byte, 0, 4+len(body)), uint32(len(body)))
	_, err = w.Write(append(buf, body...))
	return err
}

func readFrame(r io.Reader, v any) error {
	var hdr [4]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return err
	}
	n := binary.BigEndian.Uint32(hdr[:])
	if n > maxFrame {
		return fmt.Errorf("frame of %d bytes is too long", n)
	}
	body := make([]byte, n)
	if _, err := io.ReadFull(r, body); err != nil {
		return err
	}
	return json.Unmarshal(body, v)
}

// WriteMirrorFrame and ReadMirrorFrame let the transport carry session
// messages after the handshake in the same framing.
func WriteMirrorFrame(w io.Writer, m MirrorMessage) error { return writeFrame(w, m) }

// ReadMirrorFrame reads one message written by WriteMirrorFrame.
func ReadMirrorFrame(r io.Reader) (MirrorMessage, error) {
	var m MirrorMessage
	err := readFrame(r, &m)
	return m, err
}

// signedData is what the proof signs: the acceptor's nonce and the whole
// hello, so a proof cannot be replayed for another nonce or another offer.
func signedData(nonce []byte, hello hsHello) []byte {
	b, _ := json.Marshal(hello)
	sum := sha256.Sum256(append(append([]byte("mirrorcert-dbm proof\x00"), nonce...), b...))
	return sum[:]
}

// authMethods lists an endpoint's authentication methods in its order.
func authMethods(a *authSpec) []string {
	switch {
	case a == nil:
		return []string{"WINDOWS"}
	case a.Cert == "":
		return []string{"WINDOWS"}
	case !a.HasWin:
		return []string{"CERTIFICATE"}
	case a.CertFirst:
		return []string{"CERTIFICATE", "WINDOWS"}
	}
	return []string{"WINDOWS", "CERTIFICATE"}
}

// algorithms lists an endpoint's algorithms in preference order; none when
// encryption is DISABLED.
func algorithms(enc, alg string) []string {
	if enc == "DISABLED" || alg == "" {
		return nil
	}
	return splitFields(alg)
}

func splitFields(s string) []string {
	return strings.Fields(strings.ReplaceAll(s, ",", " "))
}

// negotiateAuth picks the method both sides offer. Windows authentication
// never succeeds in the simulator (no domain), so certificate wins whenever
// both offer it, whatever the order; "" means nothing in common.
func negotiateAuth(mine, theirs []string) string {
	common := ""
	for _, m := range mine {
		if slices.Contains(theirs, m) {
			if m == "CERTIFICATE" {
				return m
			}
			common = m
		}
	}
	return common
}

// negotiateEncryption applies handshake.md's table: DISABLED against
// REQUIRED fails; plain when either side is DISABLED; else the acceptor's
// most preferred algorithm the connector also has. ok is false when there is
// no compatible setting.
func negotiateEncryption(accEnc string, accAlgs []string, conEnc string, conAlgs []string) (alg string, ok bool) {
	if accEnc == "DISABLED" || conEnc == "DISABLED" {
		if accEnc == "REQUIRED" || conEnc == "REQUIRED" {
			return "", false
		}
		return "NONE", true
	}
	for _, a := range accAlgs {
		if slices.Contains(conAlgs, a) {
			return a, true
		}
	}
	return "", false
}

// verifyProof checks the connector's signature with the public key of the
// certificate the acceptor holds.
func verifyProof(x *x509.Certificate, nonce []byte, hello hsHello, sig []byte) error {
	pub, ok := x.PublicKey.(*rsa.PublicKey)
	if !ok {
		return errors.New("not an RSA certificate")
	}
	return rsa.VerifyPKCS1v15(pub, crypto.SHA256, signedData(nonce, hello), sig)
}
