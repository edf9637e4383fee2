package tds

import (
	"encoding/binary"
	"strconv"
	"strings"
)

// PRELOGIN option tokens ([MS-TDS] 2.2.6.5).
const (
	plVersion    = 0x00
	plEncryption = 0x01
	plInstOpt    = 0x02
	plThreadID   = 0x03
	plMARS       = 0x04
	plTraceID    = 0x05
	plFedAuth    = 0x06
	plNonce      = 0x07
	plTerminator = 0xFF
)

// Encryption option values.
const (
	encryptOff    = 0x00
	encryptOn     = 0x01
	encryptNotSup = 0x02
	encryptReq    = 0x03
	encryptStrict = 0x04
)

// parsePrelogin reads the option table of a PRELOGIN payload. Offsets and
// lengths are checked against the payload; anything out of range is a
// protocol error.
func parsePrelogin(data []byte) (map[byte][]byte, error) {
	opts := map[byte][]byte{}
	for pos := 0; ; pos += 5 {
		if pos >= len(data) {
			return nil, malformed("PRELOGIN option table has no terminator")
		}
		tok := data[pos]
		if tok == plTerminator {
			return opts, nil
		}
		if pos+5 > len(data) {
			return nil, malformed("PRELOGIN option %d truncated", tok)
		}
		off := int(binary.BigEndian.Uint16(data[pos+1:]))
		n := int(binary.BigEndian.Uint16(data[pos+3:]))
		if off+n > len(data) {
			return nil, malformed("PRELOGIN option %d points outside the packet", tok)
		}
		opts[tok] = data[off : off+n]
	}
}

// buildPrelogin serialises options in ascending token order.
func buildPrelogin(opts []preloginOpt) []byte {
	head := len(opts)*5 + 1
	out := make([]byte, head)
	pos := 0
	off := head
	for _, o := range opts {
		out[pos] = o.tok
		binary.BigEndian.PutUint16(out[pos+1:], uint16(off))
		binary.BigEndian.PutUint16(out[pos+3:], uint16(len(o.val)))
		pos += 5
		off += len(o.val)
	}
	out[pos] = plTerminator
	for _, o := range opts {
		out = append(out, o.val...)
	}
	return out
}

type preloginOpt struct {
	tok byte
	val []byte
}

// negotiateEncryption answers the client's ENCRYPTION option for a server
// that has a certificate but does not force encryption, following the
// client/server matrix of [MS-TDS] 2.2.6.5: OFF stays OFF (only LOGIN7 is
// encrypted), ON and REQ get ON (everything encrypted), NOT_SUP gets NOT_SUP.
// The high bit (client certificate) is ignored: certificates are not used to
// log in here.
func negotiateEncryption(client byte) byte {
	switch client & 0x0F {
	case encryptOff:
		return encryptOff
	case encryptNotSup:
		return encryptNotSup
	default:
		return encryptOn
	}
}

// versionParts splits "16.0.4135.4" into the PRELOGIN/LOGINACK fields.
// Missing or bad parts read as zero.
func versionParts(v string) (major, minor byte, build, sub uint16) {
	parts := strings.Split(v, ".")
	num := func(i int) int {
		if i >= len(parts) {
			return 0
		}
		n, err := strconv.Atoi(parts[i])
		if err != nil || n < 0 {
			return 0
		}
		return n
	}
	return byte(num(0)), byte(num(1)), uint16(num(2)), uint16(num(3))
}

// preloginReply builds the server's PRELOGIN response.
func preloginReply(productVersion string, encryption byte, clientOpts map[byte][]byte) []byte {
	major, minor, build, sub := versionParts(productVersion)
	ver := []byte{major, minor, byte(build >> 8), byte(build), byte(sub >> 8), byte(sub)}
	opts := []preloginOpt{
		{plVersion, ver},
		{plEncryption, []byte{encryption}},
		{plInstOpt, []byte{0}},
		{plThreadID, nil},
		{plMARS, []byte{0}},
	}
	// FEDAUTHREQUIRED is answered only when asked, and then with 0: SQL
	// authentication is what this server does.
	if _, ok := clientOpts[plFedAuth]; ok {
		opts = append(opts, preloginOpt{plFedAuth, []byte{0}})
	}
	return buildPrelogin(opts)
}
