package tds

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/big"
	"strings"
	"time"
)

func decodeVar(typ byte, raw []byte) any {
	switch typ {
	case typNVarChar, typNChar, typNText:
		return decodeUCS2(raw)
	case typBigVarChar, typBigChar, typText:
		// Single-byte code page 1252 (the default collation); the ASCII
		// range, which is all T-SQL identifiers and literals here, is
		// identical in Latin-1.
		rs := make([]rune, len(raw))
		for i, c := range raw {
			rs[i] = rune(c)
		}
		return string(rs)
	}
	return append([]byte{}, raw...)
}

func decodeFixedN(typ byte, b []byte) any {
	switch typ {
	case typIntN:
		switch len(b) {
		case 1:
			return int32(b[0])
		case 2:
			return int32(int16(binary.LittleEndian.Uint16(b)))
		case 4:
			return int32(binary.LittleEndian.Uint32(b))
		case 8:
			return int64(binary.LittleEndian.Uint64(b))
		}
	case typBitN:
		return len(b) > 0 && b[0] != 0
	case typFltN:
		switch len(b) {
		case 4:
			return float64(math.Float32frombits(binary.LittleEndian.Uint32(b)))
		case 8:
			return math.Float64frombits(binary.LittleEndian.Uint64(b))
		}
	case typDateTimeN:
		return decodeDateTime(b)
	case typGUID:
		if len(b) == 16 {
			// Mixed-endian like SQL Server prints it.
			return strings.ToUpper(fmt.Sprintf("%08X-%04X-%04X-%X-%X",
				binary.LittleEndian.Uint32(b[0:4]), binary.LittleEndian.Uint16(b[4:6]),
				binary.LittleEndian.Uint16(b[6:8]), b[8:10], b[10:16]))
		}
	case typMoneyN:
		var units int64
		switch len(b) {
		case 4:
			units = int64(int32(binary.LittleEndian.Uint32(b)))
		case 8:
			units = int64(binary.LittleEndian.Uint32(b[0:4]))<<32 | int64(binary.LittleEndian.Uint32(b[4:8]))
		}
		return float64(units) / 10000
	}
	return append([]byte{}, b...)
}

// decodeDecimal renders DECIMAL/NUMERIC exactly as a string: the engine
// parses numbers from text, so no precision is lost.
func decodeDecimal(b []byte, scale int) any {
	if len(b) < 1 {
		return nil
	}
	mag := make([]byte, len(b)-1)
	for i := range mag {
		mag[i] = b[len(b)-1-i] // little-endian to big-endian
	}
	s := new(big.Int).SetBytes(mag).String()
	if scale > 0 {
		for len(s) <= scale {
			s = "0" + s
		}
		s = s[:len(s)-scale] + "." + s[len(s)-scale:]
	}
	if b[0] == 0 {
		s = "-" + s
	}
	return s
}

func decodeDateTime(b []byte) any {
	switch len(b) {
	case 8:
		days := int32(binary.LittleEndian.Uint32(b[0:4]))
		ticks := binary.LittleEndian.Uint32(b[4:8])
		ns := (int64(ticks)*10_000_000 + 1) / 3 // 1/300 s
		return sqlEpoch.AddDate(0, 0, int(days)).Add(time.Duration(ns))
	case 4:
		days := binary.LittleEndian.Uint16(b[0:2])
		mins := binary.LittleEndian.Uint16(b[2:4])
		return sqlEpoch.AddDate(0, 0, int(days)).Add(time.Duration(mins) * time.Minute)
	}
	return nil
}

func decodeDate(b []byte) any {
	if len(b) != 3 {
		return nil
	}
	days := int(b[0]) | int(b[1])<<8 | int(b[2])<<16
	return dateEpoch.AddDate(0, 0, days)
}

// decodeTime2 decodes time, datetime2 and datetimeoffset: a time of day in
// 10^-scale second units (3 to 5 bytes), then for the latter two a 3-byte
// date, then for datetimeoffset a signed offset in minutes. Values are
// returned in UTC, which is how the wire stores them.
func decodeTime2(typ byte, b []byte, scale int) any {
	if scale > 7 {
		return nil
	}
	tlen := 3
	switch {
	case scale >= 5:
		tlen = 5
	case scale >= 3:
		tlen = 4
	}
	if len(b) < tlen {
		return nil
	}
	var units uint64
	for i := tlen - 1; i >= 0; i-- {
		units = units<<8 | uint64(b[i])
	}
	for i := scale; i < 9; i++ {
		units *= 10
	}
	tod := time.Duration(units)
	if typ == typTimeN {
		return dateEpoch.Add(tod)
	}
	if len(b) < tlen+3 {
		return nil
	}
	d, _ := decodeDate(b[tlen : tlen+3]).(time.Time)
	return d.Add(tod)
}
