package tds

import (
	"encoding/binary"
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf16"
)

// decodeUCS2Ref is the straightforward decoder decodeUCS2 replaced.
func decodeUCS2Ref(b []byte) string {
	u := make([]uint16, len(b)/2)
	for i := range u {
		u[i] = binary.LittleEndian.Uint16(b[2*i:])
	}
	return string(utf16.Decode(u))
}

// TestDecodeUCS2 compares decodeUCS2 with utf16.Decode on edge cases
// (surrogate pairs, lone and reversed surrogates, an odd trailing byte) and
// on random code units biased towards surrogates.
func TestDecodeUCS2(t *testing.T) {
	le := func(units ...uint16) []byte {
		b := make([]byte, 2*len(units))
		for i, u := range units {
			binary.LittleEndian.PutUint16(b[2*i:], u)
		}
		return b
	}
	cases := [][]byte{
		nil, {0x41}, le('S', 'E', 'L'), append(le('a', 'b'), 0x7f),
		le(0xD83D, 0xDE00), le(0xD83D), le(0xDE00), le(0xDE00, 0xD83D), le(0xD83D, 'x'), le(0xD83D, 0xD83D, 0xDE00),
		le(0x00E9, 0x4E2D, 0xFFFF, 0xFFFD, 0), []byte(strings.Repeat("a\x00", 1000)),
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		units := make([]uint16, rng.IntN(12))
		for i := range units {
			switch rng.IntN(4) {
			case 0:
				units[i] = uint16(0xD800 + rng.IntN(0x800))
			case 1:
				units[i] = uint16(rng.IntN(0x80))
			default:
				units[i] = uint16(rng.IntN(0x10000))
			}
		}
		cases = append(cases, le(units...))
	}
	for _, b := range cases {
		if got, want := decodeUCS2(b), decodeUCS2Ref(b); got != want {
			t.Fatalf("decodeUCS2(% x) = %q, want %q", b, got, want)
		}
	}
}

// BenchmarkDecodeUCS2 decodes a 2 KB batch, about the state read's size.
func BenchmarkDecodeUCS2(b *testing.B) {
	src := []byte(strings.Repeat("S\x00E\x00L\x00E\x00C\x00T\x00 \x00", 300))
	b.ReportAllocs()
	for b.Loop() {
		decodeUCS2(src)
	}
}
