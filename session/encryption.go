package session

import (
	"encoding/binary"
	"fmt"
	"strings"
	"sync/atomic"

	"github.com/microsoft/go-mssqldb/msdsn"

	"github.com/mirrorcert/mirrorcert/plan"
	"github.com/mirrorcert/mirrorcert/steps"
)

// TDS PRELOGIN encryption values (MS-TDS 2.2.6.5).
const (
	preEncryptOff    = 0 // only the login packet is encrypted
	preEncryptOn     = 1
	preEncryptNotSup = 2
	preEncryptReq    = 3
	preUnknown       = -1
)

// preloginSniff reads the ENCRYPTION option of the server's PRELOGIN reply
// as the driver reads it. go-mssqldb does not say whether a connection ended
// up encrypted: with encrypt=optional it encrypts everything when the server
// answers ON or REQ, and only the login packet when it answers OFF. The reply
// is the first TDS packet the server sends (not with TDS 8 strict, where TLS
// comes first: that connection is encrypted anyway).
type preloginSniff struct {
	buf    []byte // touched only by the connection's reader
	done   bool
	result atomic.Int32 // preUnknown until parsed
}

func newPreloginSniff() *preloginSniff {
	p := &preloginSniff{}
	p.result.Store(preUnknown)
	return p
}

// feed takes the bytes of each Read until the first packet is complete.
func (p *preloginSniff) feed(b []byte) {
	if p == nil || p.done {
		return
	}
	p.buf = append(p.buf, b...)
	if len(p.buf) < 8 {
		return
	}
	p.done = true         // one packet decides, whatever it holds
	if p.buf[0] != 0x04 { // not a TDS reply: TLS first (strict), or not TDS
		return
	}
	size := int(binary.BigEndian.Uint16(p.buf[2:4]))
	if size < 8 || size > 4096 {
		return
	}
	if len(p.buf) < size {
		p.done = false // wait for the rest of the packet
		return
	}
	p.result.Store(int32(preloginEncryption(p.buf[8:size])))
	p.buf = nil
}

// preloginEncryption finds the ENCRYPTION option (token 0x01) in a PRELOGIN
// payload: a list of token, offset, length entries ended by 0xFF.
func preloginEncryption(data []byte) int {
	for i := 0; i < len(data) && data[i] != 0xFF; i += 5 {
		if i+5 > len(data) {
			return preUnknown
		}
		off := int(binary.BigEndian.Uint16(data[i+1:]))
		n := int(binary.BigEndian.Uint16(data[i+3:]))
		if data[i] == 0x01 && n >= 1 && off < len(data) {
			return int(data[off])
		}
	}
	return preUnknown
}

// connectionEncrypted says whether everything after the login travels
// encrypted. Strict is TLS from the first byte, and mandatory fails to
// connect otherwise; for the rest, the server's PRELOGIN answer decides.
func connectionEncrypted(mode msdsn.Encryption, server int) bool {
	switch {
	case mode == msdsn.EncryptionStrict, mode == msdsn.EncryptionRequired:
		return true
	case server == preEncryptOn, server == preEncryptReq:
		return true
	}
	return false
}

// cleartextCause says why a host's connection is not encrypted.
func cleartextCause(h plan.Host) string {
	switch strings.ToLower(h.Auth.Encrypt) {
	case plan.EncryptDisable:
		return "encrypt: disable: not even the login, with its password, was encrypted"
	case plan.EncryptOptional:
		return "encrypt: optional, and the server did not require encryption, so only the login was encrypted"
	}
	return "the server did not encrypt it"
}

// CleartextWarning returns, for a connected host whose connection is not
// encrypted, a one-line warning saying so and how to fix it ("" otherwise).
func CleartextWarning(h HostStatus, p *plan.Plan) string {
	if !h.Connected || h.Encrypted || p == nil || p.Host(h.Name) == nil {
		return ""
	}
	return fmt.Sprintf("%s: the connection is not encrypted (%s); steps that carry a password will not run on it. Use -N mandatory (with -C only for a test server's self-signed certificate)",
		h.Name, cleartextCause(*p.Host(h.Name)))
}

// secretAllowed refuses a statement carrying a secret for ref on a
// connection that is not encrypted, unless the caller allowed cleartext.
func (s *Session) secretAllowed(ref steps.Ref) error {
	if s.opts.AllowCleartextSecrets {
		return nil
	}
	hc := s.hosts[ref.Host]
	if hc == nil {
		return nil
	}
	s.mu.Lock()
	enc := hc.encrypted
	s.mu.Unlock()
	if enc {
		return nil
	}
	return fmt.Errorf("%s: not run: it carries a password and the connection to %s is not encrypted (%s); mirrorcert never sends a secret in clear. "+
		"Connect with -N mandatory (encrypt: mandatory in the plan; add -C only for a test server's self-signed certificate), or, knowingly, give --allow-cleartext-secrets",
		ref, ref.Host, cleartextCause(hc.host))
}

// CleartextSecretSteps lists the items apply would send (pending, blocked
// or failed) whose statements carry a secret and whose host's connection is not encrypted: with
// AllowCleartextSecrets unset, none of them can run. Callers refuse to start
// (exit 2) when it is not empty, before anything is sent.
func (s *Session) CleartextSecretSteps() []steps.Ref {
	plain := map[string]bool{}
	for _, h := range s.Hosts() {
		if h.Connected && !h.Encrypted {
			plain[h.Name] = true
		}
	}
	if len(plain) == 0 {
		return nil
	}
	var out []steps.Ref
	cl := s.Checklist()
	for _, hl := range cl.Hosts {
		if !plain[hl.Host] {
			continue
		}
		for _, it := range hl.Items {
			switch it.Status {
			case steps.Pending, steps.Blocked, steps.Failed:
			default:
				continue // done, or not something apply would send (a conflict)
			}
			for _, st := range it.Statements {
				if len(st.Secrets) > 0 {
					out = append(out, it.Ref)
					break
				}
			}
		}
	}
	return out
}
