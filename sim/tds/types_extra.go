package tds

import (
	"encoding/binary"
	"time"

	"github.com/mirrorcert/mirrorcert/sim/engine"
)

// uniqueidentifier and datetimeoffset(7), which SSISDB's
// catalog.worker_agents returns. Both are always sent as their nullable
// variable-length forms (GUIDTYPE, DATETIMEOFFSETNTYPE), as SQL Server does.

// dtoScale is datetimeoffset's default fractional-second precision, 7
// digits (100 ns), whose time part takes 5 bytes.
const dtoScale = 7

// extraTypeInfo writes the TYPE_INFO of the two types.
func (t *tokens) extraTypeInfo(c engine.Column) {
	switch c.Type {
	case engine.UniqueIdentifier:
		t.u8(typGUID)
		t.u8(16)
	case engine.DateTimeOffset:
		t.u8(typDateTimeOffN)
		t.u8(dtoScale)
	}
}

// extraValue writes a value of the two types; a value of the wrong Go type
// is sent as NULL, so an engine bug cannot corrupt the stream.
func (t *tokens) extraValue(c engine.Column, v any) {
	switch c.Type {
	case engine.UniqueIdentifier:
		g, ok := v.([16]byte)
		if !ok {
			t.u8(0)
			return
		}
		t.u8(16)
		t.b = append(t.b, g[:]...)
	case engine.DateTimeOffset:
		tm, ok := v.(time.Time)
		if !ok {
			t.u8(0)
			return
		}
		t.u8(10)
		t.b = appendDateTimeOffset(t.b, tm)
	}
}

// appendDateTimeOffset encodes tm as datetimeoffset(7): the UTC time of day
// in 100 ns units (5 bytes), the UTC date as days since 0001-01-01 (3
// bytes), and the offset in minutes (2 bytes), all little-endian.
func appendDateTimeOffset(b []byte, tm time.Time) []byte {
	_, off := tm.Zone()
	u := tm.UTC()
	midnight := time.Date(u.Year(), u.Month(), u.Day(), 0, 0, 0, 0, time.UTC)
	ticks := uint64(u.Sub(midnight) / 100)
	var t8 [8]byte
	binary.LittleEndian.PutUint64(t8[:], ticks)
	b = append(b, t8[:5]...)
	// Unix seconds, not Sub: a time.Duration cannot span 2000 years.
	days := uint32((midnight.Unix() - dateEpoch.Unix()) / 86400)
	b = append(b, byte(days), byte(days>>8), byte(days>>16))
	return binary.LittleEndian.AppendUint16(b, uint16(int16(off/60)))
}
