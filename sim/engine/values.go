package engine

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Values inside the evaluator are nil (NULL), int64, float64, string, []byte,
// bool (bit) or time.Time (UTC). outValue converts them to the API's types.

// tri is SQL's three-valued logic.
type tri int8

const (
	triFalse   tri = 0
	triTrue    tri = 1
	triUnknown tri = -1
)

func typeName(t sqlType) string {
	if t.Name != "" {
		return t.Name
	}
	switch t.T {
	case Int:
		return "int"
	case BigInt:
		return "bigint"
	case Bit:
		return "bit"
	case VarBinary:
		return "varbinary"
	case DateTime:
		return "datetime"
	}
	return "nvarchar"
}

// valueTypeName names a value's SQL type for conversion error texts.
func valueTypeName(v any) string {
	switch v.(type) {
	case int64:
		return "int"
	case float64:
		return "float"
	case bool:
		return "bit"
	case []byte:
		return "varbinary"
	case time.Time:
		return "datetime"
	case [16]byte:
		return "uniqueidentifier"
	}
	return "nvarchar"
}

func convFail(v any, t sqlType) *sqlError {
	return newErr(245, "Conversion failed when converting the %s value '%s' to data type %s.", valueTypeName(v), toString(v), typeName(t))
}

// convertTo converts v to type t the way CAST and assignment do.
func convertTo(v any, t sqlType) any {
	if v == nil {
		return nil
	}
	switch t.T {
	case Int, BigInt:
		var n int64
		switch x := v.(type) {
		case int64:
			n = x
		case float64:
			n = int64(x)
		case bool:
			if x {
				n = 1
			}
		case string:
			p, err := strconv.ParseInt(strings.TrimSpace(x), 10, 64)
			if err != nil {
				panic(convFail(v, t))
			}
			n = p
		case []byte:
			for _, b := range x {
				n = n<<8 | int64(b)
			}
		default:
			panic(newErr(529, "Explicit conversion from data type %s to %s is not allowed.", valueTypeName(v), typeName(t)))
		}
		if t.T == Int && (n > math.MaxInt32 || n < math.MinInt32) && t.Name != "bigint" {
			panic(newErr(8115, "Arithmetic overflow error converting expression to data type int."))
		}
		return n
	case Bit:
		switch x := v.(type) {
		case bool:
			return x
		case int64:
			return x != 0
		case float64:
			return x != 0
		case string:
			switch strings.ToUpper(strings.TrimSpace(x)) {
			case "TRUE":
				return true
			case "FALSE":
				return false
			}
			n, err := strconv.ParseInt(strings.TrimSpace(x), 10, 64)
			if err != nil {
				panic(convFail(v, t))
			}
			return n != 0
		}
		panic(convFail(v, t))
	case NVarChar:
		s := toString(v)
		if t.Size > 0 && len([]rune(s)) > t.Size {
			s = string([]rune(s)[:t.Size])
		}
		return s
	case VarBinary:
		var b []byte
		switch x := v.(type) {
		case []byte:
			b = x
		case string:
			b = []byte(x)
		case int64:
			b = binary.BigEndian.AppendUint32(nil, uint32(x))
		case bool:
			b = []byte{0}
			if x {
				b[0] = 1
			}
		default:
			panic(newErr(529, "Explicit conversion from data type %s to %s is not allowed.", valueTypeName(v), typeName(t)))
		}
		if t.Size > 0 && len(b) > t.Size {
			b = b[:t.Size]
		}
		return b
	case DateTime:
		switch x := v.(type) {
		case time.Time:
			return x
		case string:
			d, ok := parseSQLDate(x)
			if !ok {
				panic(newErr(241, "Conversion failed when converting date and/or time from character string."))
			}
			return d
		case int64:
			return time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, int(x))
		}
		panic(newErr(529, "Explicit conversion from data type %s to %s is not allowed.", valueTypeName(v), typeName(t)))
	}
	return v
}

// toString renders a value as SQL Server converts it to nvarchar.
func toString(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	case bool:
		if x {
			return "1"
		}
		return "0"
	case []byte:
		return string(x)
	case [16]byte:
		return guidText(x)
	case time.Time:
		// Style 0, the default datetime-to-string conversion:
		// "Nov 30 2029 12:00AM", day and hour padded with a space to two places.
		return fmt.Sprintf("%s %2d %d %2d:%02d%s", x.Format("Jan"), x.Day(), x.Year(), (x.Hour()+11)%12+1, x.Minute(), x.Format("PM"))
	}
	return ""
}

// toInt converts a value to int64 for arguments such as TOP or THROW numbers.
func toInt(v any) int64 {
	n, _ := convertTo(v, sqlType{T: BigInt, Name: "bigint"}).(int64)
	return n
}

// binaryHex formats bytes as CONVERT(varchar, bin, 1) does.
func binaryHex(b []byte, prefix bool) string {
	h := strings.ToUpper(hex.EncodeToString(b))
	if prefix {
		return "0x" + h
	}
	return h
}

// compare orders two non-NULL values after SQL Server's implicit conversion:
// strings compare case-insensitively and ignore trailing spaces (the default
// CI_AS collation); a string meeting a number or date is converted to it.
func compare(a, b any) int {
	switch x := a.(type) {
	case string:
		switch y := b.(type) {
		case string:
			return compareCI(x, y)
		case int64, float64, bool:
			return compare(convertTo(x, sqlType{T: BigInt, Name: "int"}), y)
		case time.Time:
			return compare(convertTo(x, sqlType{T: DateTime}), y)
		case []byte:
			return bytes.Compare([]byte(x), y)
		case [16]byte:
			return -compareGUID(y, x)
		}
	case [16]byte:
		return compareGUID(x, b)
	case int64, float64, bool:
		if g, ok := b.([16]byte); ok {
			return -compareGUID(g, a)
		}
		if s, ok := b.(string); ok {
			return compare(a, convertTo(s, sqlType{T: BigInt, Name: "int"}))
		}
		fa, fb := toFloat(a), toFloat(b)
		switch {
		case fa < fb:
			return -1
		case fa > fb:
			return 1
		}
		return 0
	case []byte:
		if g, ok := b.([16]byte); ok {
			return -compareGUID(g, a)
		}
		if y, ok := b.([]byte); ok {
			return bytes.Compare(x, y)
		}
		if y, ok := b.(string); ok {
			return bytes.Compare(x, []byte(y))
		}
		return bytes.Compare(x, convertTo(b, sqlType{T: VarBinary}).([]byte))
	case time.Time:
		var y time.Time
		switch bv := b.(type) {
		case time.Time:
			y = bv
		case string:
			y = convertTo(bv, sqlType{T: DateTime}).(time.Time)
		default:
			panic(newErr(206, "Operand type clash: %s is incompatible with datetime", valueTypeName(b)))
		}
		return x.Compare(y)
	}
	return 0
}

func toFloat(v any) float64 {
	switch x := v.(type) {
	case int64:
		return float64(x)
	case float64:
		return x
	case bool:
		if x {
			return 1
		}
	case []byte:
		return float64(toInt(x))
	}
	return 0
}

func compareCI(a, b string) int {
	a, b = strings.TrimRight(a, " "), strings.TrimRight(b, " ")
	if c, ok := compareUpperASCII(a, b); ok {
		return c
	}
	return strings.Compare(strings.ToUpper(a), strings.ToUpper(b))
}

// likeMatch implements LIKE with %, _ and [set] / [^set], case-insensitive.
// It compiles the pattern to elements and matches by dynamic programming, so
// a pattern full of % costs O(len(s) * len(pattern)), never exponential time.
func likeMatch(s, pattern string) bool {
	return likeRunes([]rune(strings.ToUpper(s)), []rune(strings.ToUpper(pattern)))
}

// likeMatchCase is LIKE under a case-sensitive collation.
func likeMatchCase(s, pattern string) bool { return likeRunes([]rune(s), []rune(pattern)) }

func likeRunes(str, pattern []rune) bool {
	elems := compileLike(pattern)
	// cur[j]: the first i runes of str match the first j elements.
	cur := make([]bool, len(elems)+1)
	cur[0] = true
	for j, e := range elems {
		cur[j+1] = cur[j] && e.any
	}
	next := make([]bool, len(elems)+1)
	for _, r := range str {
		next[0] = false
		for j, e := range elems {
			switch {
			case e.any:
				next[j+1] = next[j] || cur[j+1]
			default:
				next[j+1] = cur[j] && e.matches(r)
			}
		}
		cur, next = next, cur
	}
	return cur[len(elems)]
}

// likeElem is one pattern element: % (any run), _ (one rune), a [set] or a
// literal rune.
type likeElem struct {
	any    bool
	one    bool
	lit    rune
	set    []rune // pairs of inclusive ranges
	neg    bool
	hasSet bool
}

func (e likeElem) matches(r rune) bool {
	switch {
	case e.one:
		return true
	case e.hasSet:
		in := false
		for i := 0; i+1 < len(e.set); i += 2 {
			if r >= e.set[i] && r <= e.set[i+1] {
				in = true
			}
		}
		return in != e.neg
	}
	return r == e.lit
}

func compileLike(p []rune) []likeElem {
	var out []likeElem
	for i := 0; i < len(p); i++ {
		switch p[i] {
		case '%':
			if len(out) == 0 || !out[len(out)-1].any {
				out = append(out, likeElem{any: true})
			}
		case '_':
			out = append(out, likeElem{one: true})
		case '[':
			end := -1
			for k := i + 2; k < len(p); k++ {
				if p[k] == ']' {
					end = k
					break
				}
			}
			if end < 0 {
				out = append(out, likeElem{lit: '['}) // an unclosed [ is literal
				continue
			}
			body := p[i+1 : end]
			e := likeElem{hasSet: true}
			if len(body) > 0 && body[0] == '^' {
				e.neg, body = true, body[1:]
			}
			for k := 0; k < len(body); k++ {
				if k+2 < len(body) && body[k+1] == '-' {
					e.set = append(e.set, body[k], body[k+2])
					k += 2
					continue
				}
				e.set = append(e.set, body[k], body[k])
			}
			out = append(out, e)
			i = end
		default:
			out = append(out, likeElem{lit: p[i]})
		}
	}
	return out
}

// outValue converts an evaluator value to the API type of column type t.
func outValue(v any, t Type) any {
	if v == nil {
		return nil
	}
	switch t {
	case Int:
		return int32(toInt(v))
	case BigInt:
		return toInt(v)
	case Bit:
		b, _ := convertTo(v, sqlType{T: Bit}).(bool)
		return b
	case NVarChar:
		return toString(v)
	case VarBinary:
		b, _ := convertTo(v, sqlType{T: VarBinary}).([]byte)
		return bytes.Clone(b)
	case DateTime:
		d, _ := convertTo(v, sqlType{T: DateTime}).(time.Time)
		return d.UTC()
	}
	return v
}

// orderCompare compares two ORDER BY keys: NULL sorts first, as on SQL
// Server, and desc reverses the result (so NULL then sorts last). SELECT and
// UNION ordering share it so both place NULLs the same way.
func orderCompare(x, y any, desc bool) int {
	c := 0
	switch {
	case x == nil && y == nil:
	case x == nil:
		c = -1
	case y == nil:
		c = 1
	default:
		c = compare(x, y)
	}
	if desc {
		c = -c
	}
	return c
}
