package engine

import (
	"bytes"
	"strings"
)

// uniqueidentifier values ([16]byte, see api.go) in expressions: SQL Server
// converts a string compared with one to uniqueidentifier (8169 when it is
// not a GUID), refuses any other type (206), orders two by its own byte
// order, and prints one as the upper-case 8-4-4-4-12 text.

// guidText is g as CAST(g AS nvarchar(36)) prints it: the first three
// groups are stored little-endian (guidBytes is the inverse).
func guidText(g [16]byte) string {
	printed := append([]byte{g[3], g[2], g[1], g[0], g[5], g[4], g[7], g[6]}, g[8:]...)
	return strings.ToUpper(formatGUID(printed))
}

// guidOf converts a string to uniqueidentifier as SQL Server does: the
// 36-character form, optionally in braces; anything else is 8169.
func guidOf(s string) [16]byte {
	t := strings.TrimSpace(s)
	if len(t) == 38 && t[0] == '{' && t[37] == '}' {
		t = t[1:37]
	}
	ok := len(t) == 36
	for i := 0; ok && i < len(t); i++ {
		if i == 8 || i == 13 || i == 18 || i == 23 {
			ok = t[i] == '-'
		}
	}
	g, err := guidBytes(t)
	if !ok || err != nil {
		panic(newErr(8169, "Conversion failed when converting from a character string to uniqueidentifier."))
	}
	return g
}

// guidOrder is the order in which SQL Server compares the bytes of two
// uniqueidentifiers: the last six first, the first four last.
var guidOrder = [16]int{10, 11, 12, 13, 14, 15, 8, 9, 6, 7, 4, 5, 0, 1, 2, 3}

// compareGUID orders uniqueidentifier a against b.
func compareGUID(a [16]byte, b any) int {
	var y [16]byte
	switch v := b.(type) {
	case [16]byte:
		y = v
	case string:
		y = guidOf(v)
	case []byte:
		copy(y[:], v) // binary converts implicitly: padded or cut to 16 bytes
	default:
		panic(newErr(206, "Operand type clash: uniqueidentifier is incompatible with %s", valueTypeName(b)))
	}
	for _, i := range guidOrder {
		if c := bytes.Compare(a[i:i+1], y[i:i+1]); c != 0 {
			return c
		}
	}
	return 0
}
