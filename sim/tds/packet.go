package tds

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// Packet types of the TDS packet header ([MS-TDS] 2.2.3.1.1).
const (
	pktSQLBatch   = 0x01
	pktRPC        = 0x03
	pktReply      = 0x04
	pktAttention  = 0x06
	pktBulkLoad   = 0x07
	pktFedAuth    = 0x08
	pktTransMgr   = 0x0E
	pktLogin7     = 0x10
	pktSSPI       = 0x11
	pktPrelogin   = 0x12
	headerSize    = 8
	maxPacketSize = 32767
	// minPacketSize is the smallest packet size a client may negotiate.
	minPacketSize = 512
	// defaultPacketSize is used before LOGIN7 has negotiated one: every
	// client starts with 4096-byte buffers, so pre-login replies must fit.
	defaultPacketSize = 4096
	// maxMessageSize bounds one request so a hostile client cannot make the
	// simulator buffer unbounded memory. The procedure's largest batch (a
	// certificate as a hex literal) is a few kilobytes.
	maxMessageSize = 16 << 20
)

// Packet header status bits ([MS-TDS] 2.2.3.1.2).
const (
	statusEOM            = 0x01
	statusIgnore         = 0x02
	statusResetConn      = 0x08
	statusResetConnKeepX = 0x10
)

// message is one TDS message: the concatenated payload of its packets, with
// the type and the status of its first packet (where the reset flags live).
type message struct {
	typ    byte
	status byte
	data   []byte
}

// errMalformed marks protocol violations; the connection is closed on them.
var errMalformed = errors.New("malformed TDS stream")

func malformed(format string, args ...any) error {
	return fmt.Errorf("%w: %s", errMalformed, fmt.Sprintf(format, args...))
}

// readMessage reads packets until one has the end-of-message bit. A message
// whose last packet carries the ignore bit was abandoned by the client and is
// skipped, as the spec requires.
func readMessage(r io.Reader) (message, error) {
	var hdr [headerSize]byte
	for {
		var m message
		first := true
		for {
			if _, err := io.ReadFull(r, hdr[:]); err != nil {
				return message{}, err
			}
			typ, status := hdr[0], hdr[1]
			size := int(binary.BigEndian.Uint16(hdr[2:4]))
			if !knownPacketType(typ) {
				return message{}, malformed("unknown packet type %#x", typ)
			}
			if size < headerSize || size > maxPacketSize {
				return message{}, malformed("packet length %d out of range", size)
			}
			if first {
				m.typ, m.status = typ, status
				first = false
			} else if typ != m.typ {
				return message{}, malformed("packet type changed from %#x to %#x inside a message", m.typ, typ)
			}
			if len(m.data)+size-headerSize > maxMessageSize {
				return message{}, malformed("message larger than %d bytes", maxMessageSize)
			}
			start := len(m.data)
			m.data = append(m.data, make([]byte, size-headerSize)...)
			if _, err := io.ReadFull(r, m.data[start:]); err != nil {
				return message{}, err
			}
			if status&statusEOM != 0 {
				if status&statusIgnore != 0 {
					break // abandoned by the client: read the next message
				}
				return m, nil
			}
		}
	}
}

// writeMessage splits payload into packets of at most packetSize bytes and
// writes each with one Write call, so that a TLS record never mixes packets
// (some clients rely on that). spid goes in every header as SQL Server does;
// FreeTDS reads the session id from there.
func writeMessage(w io.Writer, typ byte, payload []byte, packetSize int, spid uint16) error {
	if packetSize < minPacketSize || packetSize > maxPacketSize {
		packetSize = defaultPacketSize
	}
	chunk := packetSize - headerSize
	buf := make([]byte, 0, packetSize)
	seq := byte(1)
	for {
		n := len(payload)
		if n > chunk {
			n = chunk
		}
		status := byte(0)
		if n == len(payload) {
			status = statusEOM
		}
		buf = buf[:0]
		buf = append(buf, typ, status, 0, 0, 0, 0, seq, 0)
		binary.BigEndian.PutUint16(buf[2:4], uint16(headerSize+n))
		binary.BigEndian.PutUint16(buf[4:6], spid)
		buf = append(buf, payload[:n]...)
		if _, err := w.Write(buf); err != nil {
			return err
		}
		payload = payload[n:]
		seq++
		if status == statusEOM {
			return nil
		}
	}
}

// knownPacketType reports whether a client may send typ. Rejecting anything
// else at once closes connections from non-TDS clients (an HTTP probe)
// instead of waiting for a length that was never meant as one.
func knownPacketType(typ byte) bool {
	switch typ {
	case pktSQLBatch, pktRPC, pktReply, pktAttention, pktBulkLoad, pktFedAuth,
		pktTransMgr, pktLogin7, pktSSPI, pktPrelogin:
		return true
	}
	return false
}
