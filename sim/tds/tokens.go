package tds

import (
	"encoding/binary"
	"math"
	"strconv"
	"time"
	"unicode/utf16"

	"github.com/mirrorcert/mirrorcert/sim/engine"
)

// Token stream ids ([MS-TDS] 2.2.7).
const (
	tokReturnStatus  = 0x79
	tokColMetadata   = 0x81
	tokError         = 0xAA
	tokInfo          = 0xAB
	tokLoginAck      = 0xAD
	tokFeatureExtAck = 0xAE
	tokRow           = 0xD1
	tokEnvChange     = 0xE3
	tokDone          = 0xFD
	tokDoneProc      = 0xFE
	tokDoneInProc    = 0xFF
)

// DONE status bits.
const (
	doneFinal  = 0x00
	doneMore   = 0x01
	doneError  = 0x02
	doneInXact = 0x04
	doneCount  = 0x10
	doneAttn   = 0x20
)

// DONE CurCmd values SQL Server reports.
const (
	cmdNone   = 0x00
	cmdSelect = 0xC1
)

// ENVCHANGE types.
const (
	envDatabase     = 1
	envLanguage     = 2
	envPacketSize   = 4
	envCollation    = 7
	envBeginTran    = 8
	envCommitTran   = 9
	envRollbackTran = 10
	envResetAck     = 18
)

// Data types ([MS-TDS] 2.2.5.4).
const (
	typNull                = 0x1F
	typInt1                = 0x30
	typBit                 = 0x32
	typInt2                = 0x34
	typInt4                = 0x38
	typDateTim4            = 0x3A
	typFlt4                = 0x3B
	typMoney               = 0x3C
	typDateTime            = 0x3D
	typFlt8                = 0x3E
	typMoney4              = 0x7A
	typInt8                = 0x7F
	typGUID                = 0x24
	typIntN                = 0x26
	typDecimal             = 0x37
	typNumeric             = 0x3F
	typBitN                = 0x68
	typDecimalN            = 0x6A
	typNumericN            = 0x6C
	typFltN                = 0x6D
	typMoneyN              = 0x6E
	typDateTimeN           = 0x6F
	typDateN               = 0x28
	typTimeN               = 0x29
	typDateTime2N          = 0x2A
	typDateTimeOffN        = 0x2B
	typChar                = 0x2F
	typVarChar             = 0x27
	typBinary              = 0x2D
	typVarBinary           = 0x25
	typBigVarBin           = 0xA5
	typBigVarChar          = 0xA7
	typBigBinary           = 0xAD
	typBigChar             = 0xAF
	typNVarChar            = 0xE7
	typNChar               = 0xEF
	typXML                 = 0xF1
	typUDT                 = 0xF0
	typText                = 0x23
	typImage               = 0x22
	typNText               = 0x63
	typVariant             = 0x62
	plpNull         uint64 = 0xFFFFFFFFFFFFFFFF
	maxLenMax              = 0xFFFF
)

// collationLatin1CIAS is SQL_Latin1_General_CP1_CI_AS, the default server
// collation: LCID 0x0409, case/kana/width-insensitive flags, sort id 52.
var collationLatin1CIAS = [5]byte{0x09, 0x04, 0xD0, 0x00, 0x34}

// tokens accumulates a token stream for one reply message.
type tokens struct{ b []byte }

func (t *tokens) u8(v byte)    { t.b = append(t.b, v) }
func (t *tokens) u16(v uint16) { t.b = binary.LittleEndian.AppendUint16(t.b, v) }
func (t *tokens) u32(v uint32) { t.b = binary.LittleEndian.AppendUint32(t.b, v) }
func (t *tokens) u64(v uint64) { t.b = binary.LittleEndian.AppendUint64(t.b, v) }

// bvarchar writes a B_VARCHAR: a one-byte character count, then UCS-2.
func (t *tokens) bvarchar(s string) {
	u := utf16.Encode([]rune(s))
	if len(u) > 255 {
		u = u[:255]
	}
	t.u8(byte(len(u)))
	t.ucs2(u)
}

// usvarchar writes a US_VARCHAR: a two-byte character count, then UCS-2.
func (t *tokens) usvarchar(s string) {
	u := utf16.Encode([]rune(s))
	if len(u) > 65535 {
		u = u[:65535]
	}
	t.u16(uint16(len(u)))
	t.ucs2(u)
}

func (t *tokens) ucs2(u []uint16) {
	for _, c := range u {
		t.u16(c)
	}
}

// lengthPrefixed runs body and back-patches the two-byte length before it.
func (t *tokens) lengthPrefixed(body func()) {
	at := len(t.b)
	t.u16(0)
	body()
	binary.LittleEndian.PutUint16(t.b[at:], uint16(len(t.b)-at-2))
}

// envChange writes an ENVCHANGE with B_VARCHAR new and old values.
func (t *tokens) envChange(typ byte, newVal, oldVal string) {
	t.u8(tokEnvChange)
	t.lengthPrefixed(func() {
		t.u8(typ)
		t.bvarchar(newVal)
		t.bvarchar(oldVal)
	})
}

// envChangeBytes writes an ENVCHANGE with B_VARBYTE new and old values.
func (t *tokens) envChangeBytes(typ byte, newVal, oldVal []byte) {
	t.u8(tokEnvChange)
	t.lengthPrefixed(func() {
		t.u8(typ)
		t.u8(byte(len(newVal)))
		t.b = append(t.b, newVal...)
		t.u8(byte(len(oldVal)))
		t.b = append(t.b, oldVal...)
	})
}

// message writes an INFO or ERROR token, chosen by the message's class.
func (t *tokens) message(m engine.Message, server string) {
	if m.IsError() {
		t.u8(tokError)
	} else {
		t.u8(tokInfo)
	}
	t.lengthPrefixed(func() {
		t.u32(uint32(m.Number))
		t.u8(m.State)
		t.u8(m.Class)
		t.usvarchar(m.Text)
		t.bvarchar(server)
		t.bvarchar(m.Proc)
		t.u32(uint32(m.Line))
	})
}

// done writes a DONE, DONEPROC or DONEINPROC token (TDS 7.2+ layout with a
// 64-bit row count).
func (t *tokens) done(tok byte, status, curCmd uint16, rows uint64) {
	t.u8(tok)
	t.u16(status)
	t.u16(curCmd)
	t.u64(rows)
}

func (t *tokens) returnStatus(v int32) {
	t.u8(tokReturnStatus)
	t.u32(uint32(v))
}

// loginAck writes LOGINACK: interface SQL_TSQL, the negotiated TDS version
// (big-endian on the wire), program name and the server version.
func (t *tokens) loginAck(tdsVersion uint32, progName string, major, minor byte, build uint16) {
	t.u8(tokLoginAck)
	t.lengthPrefixed(func() {
		t.u8(1)
		t.b = binary.BigEndian.AppendUint32(t.b, tdsVersion)
		t.bvarchar(progName)
		t.u8(major)
		t.u8(minor)
		t.u8(byte(build >> 8))
		t.u8(byte(build))
	})
}

// colMetadata writes COLMETADATA for cols. Non-nullable fixed-size columns
// use the fixed types (INT4, INT8, BIT, DATETIME) and nullable ones the
// nullable variants (INTN, BITN, DATETIMN), as SQL Server does.
func (t *tokens) colMetadata(cols []engine.Column) {
	t.u8(tokColMetadata)
	t.u16(uint16(len(cols)))
	for _, c := range cols {
		t.u32(0) // UserType
		flags := uint16(0)
		if c.Nullable {
			flags |= 0x0001
		}
		t.u16(flags)
		switch c.Type {
		case engine.Int, engine.BigInt, engine.Bit, engine.DateTime:
			fixed, nullable, size := fixedType(c.Type)
			if c.Nullable {
				t.u8(nullable)
				t.u8(size)
			} else {
				t.u8(fixed)
			}
		case engine.NVarChar:
			t.u8(typNVarChar)
			if isMax(c) {
				t.u16(maxLenMax)
			} else {
				t.u16(uint16(c.Size * 2))
			}
			t.b = append(t.b, collationLatin1CIAS[:]...)
		case engine.VarBinary:
			t.u8(typBigVarBin)
			if isMax(c) {
				t.u16(maxLenMax)
			} else {
				t.u16(uint16(c.Size))
			}
		case engine.UniqueIdentifier, engine.DateTimeOffset:
			t.extraTypeInfo(c)
		}
		t.bvarchar(c.Name)
	}
}

// fixedType gives the TDS type bytes of a fixed-size engine type: the one a
// NOT NULL column uses, its nullable (...N) variant, and the value size the
// nullable variant declares and prefixes to each value. Metadata and row
// values both read it, so the two cannot disagree on a size.
func fixedType(ty engine.Type) (fixed, nullable, size byte) {
	switch ty {
	case engine.Int:
		return typInt4, typIntN, 4
	case engine.BigInt:
		return typInt8, typIntN, 8
	case engine.Bit:
		return typBit, typBitN, 1
	case engine.DateTime:
		return typDateTime, typDateTimeN, 8
	}
	return 0, 0, 0
}

// nullPrefix writes the length byte that precedes a value of a nullable
// fixed-size column: 0 for NULL, after which no value follows, else the
// type's size. NOT NULL columns carry no prefix. It reports whether the
// value is to be written.
func (t *tokens) nullPrefix(c engine.Column, present bool) bool {
	if !c.Nullable {
		return true
	}
	if !present {
		t.u8(0)
		return false
	}
	_, _, size := fixedType(c.Type)
	t.u8(size)
	return true
}

// isMax reports whether a variable-length column is sent as (max), which uses
// partially length-prefixed (PLP) values. nvarchar above 4000 characters and
// varbinary above 8000 bytes do not exist in T-SQL, so they become (max).
func isMax(c engine.Column) bool {
	switch c.Type {
	case engine.NVarChar:
		return c.Size <= 0 || c.Size > 4000
	case engine.VarBinary:
		return c.Size <= 0 || c.Size > 8000
	}
	return false
}

// row writes one ROW token. A value of the wrong Go type for its column is
// sent as NULL in a nullable column and as the zero value otherwise, so a
// bug in the engine can never corrupt the stream.
func (t *tokens) row(cols []engine.Column, vals []any) {
	t.u8(tokRow)
	for i, c := range cols {
		var v any
		if i < len(vals) {
			v = vals[i]
		}
		t.value(c, v)
	}
}

func (t *tokens) value(c engine.Column, v any) {
	switch c.Type {
	case engine.Int:
		n, ok := v.(int32)
		if !ok {
			if iv, isInt := v.(int); isInt && iv >= math.MinInt32 && iv <= math.MaxInt32 {
				n, ok = int32(iv), true
			}
		}
		if !t.nullPrefix(c, ok) {
			return
		}
		t.u32(uint32(n))
	case engine.BigInt:
		n, ok := v.(int64)
		if !ok {
			if iv, isInt := v.(int); isInt {
				n, ok = int64(iv), true
			} else if i32, isI32 := v.(int32); isI32 {
				n, ok = int64(i32), true
			}
		}
		if !t.nullPrefix(c, ok) {
			return
		}
		t.u64(uint64(n))
	case engine.Bit:
		b, ok := v.(bool)
		if !t.nullPrefix(c, ok) {
			return
		}
		if b {
			t.u8(1)
		} else {
			t.u8(0)
		}
	case engine.DateTime:
		tm, ok := v.(time.Time)
		if !t.nullPrefix(c, ok) {
			return
		}
		days, ticks := encodeDateTime(tm)
		t.u32(uint32(days))
		t.u32(ticks)
	case engine.NVarChar:
		s, ok := v.(string)
		if !ok && !c.Nullable {
			ok = true
		}
		var enc []byte
		if ok {
			for _, u := range utf16.Encode([]rune(s)) {
				enc = binary.LittleEndian.AppendUint16(enc, u)
			}
			if !isMax(c) && len(enc) > c.Size*2 {
				enc = enc[:c.Size*2]
			}
		}
		t.varValue(isMax(c), ok, enc)
	case engine.VarBinary:
		b, ok := v.([]byte)
		if !ok && !c.Nullable {
			ok = true
		}
		if ok && !isMax(c) && len(b) > c.Size {
			b = b[:c.Size]
		}
		t.varValue(isMax(c), ok, b)
	case engine.UniqueIdentifier, engine.DateTimeOffset:
		t.extraValue(c, v)
	}
}

// varValue writes a USHORTLEN value, or a PLP value for (max) columns.
func (t *tokens) varValue(plp, present bool, data []byte) {
	if !plp {
		if !present {
			t.u16(0xFFFF)
			return
		}
		t.u16(uint16(len(data)))
		t.b = append(t.b, data...)
		return
	}
	if !present {
		t.u64(plpNull)
		return
	}
	t.u64(uint64(len(data)))
	if len(data) > 0 {
		t.u32(uint32(len(data)))
		t.b = append(t.b, data...)
	}
	t.u32(0)
}

// sqlEpoch is day zero of the datetime type.
var sqlEpoch = time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)

// encodeDateTime converts to datetime's days since 1900-01-01 and 1/300 s
// ticks since midnight, rounding as SQL Server does.
func encodeDateTime(tm time.Time) (int32, uint32) {
	tm = tm.UTC()
	midnight := time.Date(tm.Year(), tm.Month(), tm.Day(), 0, 0, 0, 0, time.UTC)
	days := int32(midnight.Sub(sqlEpoch).Hours() / 24)
	ns := tm.Sub(midnight).Nanoseconds()
	ticks := uint32((ns*3 + 5_000_000) / 10_000_000)
	if ticks >= 300*86400 {
		days++
		ticks = 0
	}
	return days, ticks
}

// itoa keeps strconv in one place for ENVCHANGE values.
func itoa(n int) string { return strconv.Itoa(n) }
