package engine

import (
	"strconv"
	"strings"
)

// raiserrorFormat applies RAISERROR's printf-style message: %s, %d, %i, %u
// (with optional flags, width and precision, which are read and ignored
// except precision for %s) take the arguments in order; %% is a percent
// sign. A placeholder without an argument prints "(null)", as SQL Server
// does. As on SQL Server, an argument must suit its placeholder (a string
// for %s, an integer for the others: 2786) and be of a type RAISERROR
// takes at all (2748): a script that passes the wrong one fails there too.
func raiserrorFormat(msg string, args []any) string {
	var b strings.Builder
	next := 0
	for i := 0; i < len(msg); i++ {
		c := msg[i]
		if c != '%' || i+1 >= len(msg) {
			b.WriteByte(c)
			continue
		}
		if msg[i+1] == '%' {
			b.WriteByte('%')
			i++
			continue
		}
		j := i + 1
		for j < len(msg) && strings.IndexByte("-+ #0", msg[j]) >= 0 {
			j++
		}
		for j < len(msg) && msg[j] >= '0' && msg[j] <= '9' {
			j++
		}
		prec := -1
		if j < len(msg) && msg[j] == '.' {
			k := j + 1
			for k < len(msg) && msg[k] >= '0' && msg[k] <= '9' {
				k++
			}
			prec, _ = strconv.Atoi(msg[j+1 : k])
			j = k
		}
		for j < len(msg) && (msg[j] == 'h' || msg[j] == 'l' || msg[j] == 'I' || msg[j] == '6' || msg[j] == '4') {
			j++
		}
		if j >= len(msg) || strings.IndexByte("sdiuoxX", msg[j]) < 0 {
			b.WriteByte(c)
			continue
		}
		var v any
		if next < len(args) {
			v = args[next]
		}
		next++
		var out string
		switch v.(type) {
		case nil, string, int64, []byte:
		default:
			panic(newErr(2748, "Cannot specify %s data type (parameter %d) as a substitution parameter.", valueTypeName(v), next))
		}
		_, isInt := v.(int64)
		if _, bin := v.([]byte); !bin && v != nil && isInt == (msg[j] == 's') {
			panic(newErr(2786, "The data type of substitution parameter %d does not match the expected type of the format specification.", next))
		}
		switch {
		case v == nil:
			out = "(null)"
		case msg[j] == 's':
			out = toString(v)
			if prec >= 0 && prec < len([]rune(out)) {
				out = string([]rune(out)[:prec])
			}
		case msg[j] == 'x':
			out = strconv.FormatUint(uint64(uint32(toInt(v))), 16)
		case msg[j] == 'X':
			out = strings.ToUpper(strconv.FormatUint(uint64(uint32(toInt(v))), 16))
		case msg[j] == 'o':
			out = strconv.FormatUint(uint64(uint32(toInt(v))), 8)
		case msg[j] == 'u':
			out = strconv.FormatUint(uint64(uint32(toInt(v))), 10)
		default:
			out = strconv.FormatInt(toInt(v), 10)
		}
		b.WriteString(out)
		i = j
	}
	return b.String()
}
