package styles

import (
	"fmt"
	"time"

	"strings"

	"github.com/charmbracelet/x/ansi"
)

// Fit truncates or pads a line to exactly w cells.
func Fit(s string, w int) string {
	if w <= 0 {
		return ""
	}
	n := ansi.StringWidth(s)
	switch {
	case n > w:
		s = ansi.Truncate(s, w, "")
		if n = ansi.StringWidth(s); n < w { // a wide rune cut at the edge
			s += strings.Repeat(" ", w-n)
		}
	case n < w:
		s += strings.Repeat(" ", w-n)
	}
	return s
}

// PadLines returns exactly n lines.
func PadLines(lines []string, n int) []string {
	if len(lines) > n {
		return lines[:n]
	}
	for len(lines) < n {
		lines = append(lines, "")
	}
	return lines
}

// Clean removes control characters (escape sequences, carriage returns,
// bells...) from text a server supplied, so a name or message can never
// drive the terminal. Newlines and tabs become spaces.
func Clean(s string) string {
	if !strings.ContainsFunc(s, isControl) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\n' || r == '\t' || r == '\r':
			b.WriteByte(' ')
		case isControl(r):
			// dropped
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Duration is d in a few characters for status lines.
func Duration(d time.Duration) string {
	switch {
	case d < time.Millisecond:
		return "<1ms"
	case d < time.Second:
		return fmt.Sprintf("%dms", d.Milliseconds())
	default:
		return d.Round(10 * time.Millisecond).String()
	}
}

// Plural is "s" unless n is 1.
func Plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// CleanLines is Clean for text of several lines (T-SQL): newlines stay.
func CleanLines(s string) string {
	if !strings.ContainsFunc(s, func(r rune) bool { return r != '\n' && isControl(r) }) {
		return s
	}
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = Clean(l)
	}
	return strings.Join(lines, "\n")
}

// isControl reports a C0 or C1 control character (or DEL).
func isControl(r rune) bool { return r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) }
