package tds

import (
	"encoding/binary"
	"fmt"
	"math"
	"strings"
	"time"
	"unicode/utf16"

	"github.com/mirrorcert/mirrorcert/sim/engine"
)

// reader is a bounds-checked cursor over a request payload. Every read
// past the end sets err instead of panicking; callers check err once.
type reader struct {
	b   []byte
	pos int
	err error
}

func (r *reader) take(n int) []byte {
	if r.err != nil {
		return nil
	}
	if n < 0 || r.pos+n > len(r.b) {
		r.err = malformed("request truncated at byte %d (wanted %d more)", r.pos, n)
		return nil
	}
	out := r.b[r.pos : r.pos+n]
	r.pos += n
	return out
}

func (r *reader) u8() byte {
	if b := r.take(1); b != nil {
		return b[0]
	}
	return 0
}

func (r *reader) u16() uint16 {
	if b := r.take(2); b != nil {
		return binary.LittleEndian.Uint16(b)
	}
	return 0
}

func (r *reader) u32() uint32 {
	if b := r.take(4); b != nil {
		return binary.LittleEndian.Uint32(b)
	}
	return 0
}

func (r *reader) u64() uint64 {
	if b := r.take(8); b != nil {
		return binary.LittleEndian.Uint64(b)
	}
	return 0
}

func (r *reader) bvarchar() string { return decodeUCS2(r.take(int(r.u8()) * 2)) }

func (r *reader) done() bool { return r.err != nil || r.pos >= len(r.b) }

// skipAllHeaders skips the ALL_HEADERS block that TDS 7.2+ puts before a
// batch, RPC or transaction-manager request: a total length (including
// itself), then headers that each carry their own length and a type (1
// query notifications, 2 transaction descriptor, 3 trace activity). A
// block that does not add up is taken as absent, which is what an older
// (7.1) client that sends none looks like; the request's own parsing then
// decides whether it is well formed.
func skipAllHeaders(r *reader) {
	rest := r.b[r.pos:]
	if len(rest) < 4 {
		return
	}
	total := int(binary.LittleEndian.Uint32(rest))
	if total < 4 || total > len(rest) {
		return
	}
	for off := 4; off < total; {
		if off+6 > total {
			return
		}
		n := int(binary.LittleEndian.Uint32(rest[off:]))
		typ := binary.LittleEndian.Uint16(rest[off+4:])
		if n < 6 || off+n > total || typ < 1 || typ > 3 {
			return
		}
		off += n
	}
	r.pos += total
}

// rpcCall is one procedure call of an RPC request.
type rpcCall struct {
	procID uint16 // 0 when called by name
	name   string
	params []rpcParam
}

type rpcParam struct {
	name  string
	value any
	// badType is set when the type is one this server does not decode; the
	// call is answered with error 8009 instead of running.
	badType byte
}

// Well-known procedure ids ([MS-TDS] 2.2.6.6).
const procExecuteSQL = 10

// parseRPC decodes an RPC request: one or more calls separated by the batch
// flag byte (0xFF, TDS 7.2+).
func parseRPC(data []byte) ([]rpcCall, error) {
	r := &reader{b: data}
	skipAllHeaders(r)
	var calls []rpcCall
	for !r.done() {
		var c rpcCall
		nameLen := r.u16()
		if nameLen == 0xFFFF {
			c.procID = r.u16()
		} else {
			c.name = decodeUCS2(r.take(int(nameLen) * 2))
		}
		r.u16() // option flags
		for !r.done() {
			if r.b[r.pos] == 0xFF || r.b[r.pos] == 0x80 {
				r.pos++ // batch separator: another call follows
				break
			}
			c.params = append(c.params, readParam(r))
		}
		if r.err != nil {
			return nil, r.err
		}
		calls = append(calls, c)
	}
	if r.err != nil {
		return nil, r.err
	}
	return calls, nil
}

func readParam(r *reader) rpcParam {
	p := rpcParam{name: r.bvarchar()}
	r.u8() // status flags (by-ref, default value)
	typ := r.u8()
	v, ok := readTypedValue(r, typ)
	if !ok {
		p.badType = typ
		// The value's length cannot be known for an unknown type: nothing
		// after it can be read. Consume the rest.
		r.pos = len(r.b)
		return p
	}
	p.value = v
	return p
}

// readTypedValue reads TYPE_INFO (after the type byte) and the value. It
// returns ok=false for types it does not decode.
func readTypedValue(r *reader, typ byte) (any, bool) {
	switch typ {
	case typNull:
		return nil, true
	case typInt1:
		return int32(r.u8()), true
	case typBit:
		return r.u8() != 0, true
	case typInt2:
		return int32(int16(r.u16())), true
	case typInt4:
		return int32(r.u32()), true
	case typInt8:
		return int64(r.u64()), true
	case typFlt4:
		return float64(math.Float32frombits(r.u32())), true
	case typFlt8:
		return math.Float64frombits(r.u64()), true
	case typDateTime:
		return decodeDateTime(r.take(8)), true
	case typDateTim4:
		return decodeDateTime(r.take(4)), true
	case typIntN, typBitN, typFltN, typDateTimeN, typGUID, typMoneyN:
		r.u8() // max length
		n := int(r.u8())
		if n == 0 {
			return nil, true
		}
		return decodeFixedN(typ, r.take(n)), true
	case typDecimalN, typNumericN:
		r.u8() // max length
		r.u8() // precision
		scale := int(r.u8())
		n := int(r.u8())
		if n == 0 {
			return nil, true
		}
		return decodeDecimal(r.take(n), scale), true
	case typDateN:
		n := int(r.u8())
		if n == 0 {
			return nil, true
		}
		return decodeDate(r.take(n)), true
	case typTimeN, typDateTime2N, typDateTimeOffN:
		scale := int(r.u8())
		n := int(r.u8())
		if n == 0 {
			return nil, true
		}
		return decodeTime2(typ, r.take(n), scale), true
	case typBigVarChar, typBigChar, typNVarChar, typNChar, typBigVarBin, typBigBinary:
		maxLen := r.u16()
		if typ != typBigVarBin && typ != typBigBinary {
			r.take(5) // collation
		}
		var raw []byte
		present := true
		if maxLen == maxLenMax {
			raw, present = readPLP(r)
		} else {
			n := r.u16()
			if n == 0xFFFF {
				present = false
			} else {
				raw = r.take(int(n))
			}
		}
		if !present {
			return nil, true
		}
		return decodeVar(typ, raw), true
	case typText, typNText, typImage:
		r.u32() // max length
		if typ != typImage {
			r.take(5) // collation
		}
		// An RPC parameter of a LOB type carries no table name; the value
		// is a 4-byte length (0xFFFFFFFF for NULL) and the bytes.
		n := r.u32()
		if n == 0xFFFFFFFF {
			return nil, true
		}
		return decodeVar(typ, r.take(int(n))), true
	}
	return nil, false
}

// readPLP reads a partially length-prefixed value: total length (or the
// NULL marker), then chunks until a zero-length one.
func readPLP(r *reader) ([]byte, bool) {
	total := r.u64()
	if total == plpNull {
		return nil, false
	}
	var out []byte
	for r.err == nil {
		n := r.u32()
		if n == 0 {
			break
		}
		if len(out)+int(n) > maxMessageSize {
			r.err = malformed("PLP value larger than the message")
			break
		}
		out = append(out, r.take(int(n))...)
	}
	return out, true
}

var dateEpoch = time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)

// paramsFromCall turns sp_executesql's arguments into the statement and its
// typed parameters. Unnamed parameters get their names from the @params
// declaration, in order.
func paramsFromCall(c rpcCall) (stmt string, params []engine.Param, err error) {
	if len(c.params) == 0 {
		return "", nil, fmt.Errorf("procedure 'sp_executesql' expects parameter '@statement', which was not supplied")
	}
	stmt, _ = c.params[0].value.(string)
	var decl []string
	if len(c.params) > 1 {
		d, _ := c.params[1].value.(string)
		decl = declaredNames(d)
	}
	for i, p := range c.params[min(2, len(c.params)):] {
		name := p.name
		if name == "" && i < len(decl) {
			name = decl[i]
		}
		params = append(params, engine.Param{Name: name, Value: p.value})
	}
	return stmt, params, nil
}

// declaredNames extracts "@a", "@b" from "@a int, @b nvarchar(10)". Commas
// inside parentheses (decimal(10,2)) do not split.
func declaredNames(decl string) []string {
	var names []string
	depth := 0
	start := 0
	flush := func(part string) {
		f := strings.Fields(part)
		if len(f) > 0 && strings.HasPrefix(f[0], "@") {
			names = append(names, f[0])
		}
	}
	for i, ch := range decl {
		switch ch {
		case '(':
			depth++
		case ')':
			depth--
		case ',':
			if depth == 0 {
				flush(decl[start:i])
				start = i + 1
			}
		}
	}
	flush(decl[start:])
	return names
}

func utf16Encode(s string) []uint16 { return utf16.Encode([]rune(s)) }
