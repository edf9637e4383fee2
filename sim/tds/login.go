package tds

import (
	"encoding/binary"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// TDS versions as LOGIN7 and LOGINACK carry them.
const (
	tds72  = 0x72090002
	tds73A = 0x730A0003
	tds73B = 0x730B0003
	tds74  = 0x74000004
)

// login7 is what the server needs from a LOGIN7 record ([MS-TDS] 2.2.6.4).
// The password is kept only as long as it takes to authenticate.
type login7 struct {
	tdsVersion uint32
	packetSize uint32
	integrated bool // OptionFlags2 fIntSecurity: SSPI requested
	hasFeatExt bool // OptionFlags3 fExtension
	hostName   string
	userName   string
	password   string
	appName    string
	serverName string
	language   string
	database   string
	changePwd  bool
}

const loginFixedSize = 94

// parseLogin7 decodes the fixed part and the offset/length-described
// strings. Every offset is bounds-checked: a hostile LOGIN7 must not panic.
func parseLogin7(d []byte) (*login7, error) {
	if len(d) < loginFixedSize {
		return nil, malformed("LOGIN7 shorter than its fixed part (%d bytes)", len(d))
	}
	total := int(binary.LittleEndian.Uint32(d[0:4]))
	if total > len(d) || total < loginFixedSize {
		return nil, malformed("LOGIN7 length %d does not match the packet (%d bytes)", total, len(d))
	}
	d = d[:total]
	l := &login7{
		tdsVersion: binary.LittleEndian.Uint32(d[4:8]),
		packetSize: binary.LittleEndian.Uint32(d[8:12]),
		integrated: d[25]&0x80 != 0,
		changePwd:  d[27]&0x01 != 0,
		hasFeatExt: d[27]&0x10 != 0,
	}
	str := func(at int) (string, error) {
		off := int(binary.LittleEndian.Uint16(d[at:]))
		n := int(binary.LittleEndian.Uint16(d[at+2:])) * 2
		if n == 0 {
			return "", nil
		}
		if off+n > len(d) {
			return "", malformed("LOGIN7 string at offset %d length %d outside the record", off, n)
		}
		return decodeUCS2(d[off : off+n]), nil
	}
	var err error
	fields := []struct {
		at  int
		dst *string
	}{
		{36, &l.hostName}, {40, &l.userName}, {48, &l.appName},
		{52, &l.serverName}, {64, &l.language}, {68, &l.database},
	}
	for _, f := range fields {
		if *f.dst, err = str(f.at); err != nil {
			return nil, err
		}
	}
	// The password is obfuscated: each byte had its nibbles swapped, then
	// was XORed with 0xA5. Undo both.
	off := int(binary.LittleEndian.Uint16(d[44:]))
	n := int(binary.LittleEndian.Uint16(d[46:])) * 2
	if off+n > len(d) {
		return nil, malformed("LOGIN7 password outside the record")
	}
	pw := make([]byte, n)
	for i, b := range d[off : off+n] {
		b ^= 0xA5
		pw[i] = b<<4 | b>>4
	}
	l.password = decodeUCS2(pw)
	clear(pw)
	return l, nil
}

// decodeUCS2 decodes UTF-16LE, pairing surrogates; an odd trailing byte is
// dropped.
// It writes UTF-8 straight into the string (every batch the server runs
// comes through here): no []uint16 and []rune copies on the way.
// Unpaired surrogates become U+FFFD, as utf16.Decode makes them.
func decodeUCS2(b []byte) string {
	n := len(b) / 2
	var s strings.Builder
	s.Grow(n)
	for i := 0; i < n; i++ {
		r := rune(binary.LittleEndian.Uint16(b[2*i:]))
		switch {
		case r < utf8.RuneSelf:
			s.WriteByte(byte(r))
			continue
		case utf16.IsSurrogate(r):
			r2 := utf8.RuneError
			if i+1 < n {
				r2 = rune(binary.LittleEndian.Uint16(b[2*i+2:]))
			}
			if d := utf16.DecodeRune(r, r2); d != utf8.RuneError {
				r = d
				i++
			} else {
				r = utf8.RuneError
			}
		}
		s.WriteRune(r)
	}
	return s.String()
}

// negotiateVersion answers with the client's version when it is one this
// server speaks (7.2 and later, needed for PLP and ALL_HEADERS), else 7.4.
func negotiateVersion(client uint32) uint32 {
	switch client {
	case tds72, tds73A, tds73B, tds74:
		return client
	}
	return tds74
}
