package engine

import (
	"strconv"
	"strings"
)

// raiserrorFormat applies RAISERROR's printf-style message: %s, %d, %i, %u
// (with optional flags, width and precision, which are read and ignored
// except precision for %s) take the arguments in order; %% is a percent
// sign. A placeholder without an argument prints "(null)", as SQL Server
// does.
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
		switch {
		case v == nil:
			out = "(null)"
		case msg[j] == 's':
			out = toString(v)
			if prec >= 0 && prec < len([]rune(out)) {
				out = string([]rune(out)[:prec])
			}
		default:
			out = strconv.FormatInt(toInt(v), 10)
		}
		b.WriteString(out)
		i = j
	}
	return b.String()
}
