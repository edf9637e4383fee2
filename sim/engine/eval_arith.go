package engine

import (
	"strconv"
	"strings"
	"time"
)

func (ev *evaluator) arith(x *binExpr) any {
	a, b := ev.eval(x.L), ev.eval(x.R)
	if a == nil || b == nil {
		return nil
	}
	// + on two strings (or a string and NULL-free other string-ish) concatenates.
	if x.Op == "+" {
		_, as := a.(string)
		_, bs := b.(string)
		if as && bs {
			return a.(string) + b.(string)
		}
		ab, aok := a.([]byte)
		bb, bok := b.([]byte)
		if aok && bok {
			return append(append([]byte{}, ab...), bb...)
		}
		if t, ok := a.(time.Time); ok {
			return t.Add(time.Duration(toFloat(convertTo(b, sqlType{T: BigInt})) * 24 * float64(time.Hour)))
		}
	}
	_, af := a.(float64)
	_, bf := b.(float64)
	if af || bf {
		fa, fb := numeric(a), numeric(b)
		switch x.Op {
		case "+":
			return fa + fb
		case "-":
			return fa - fb
		case "*":
			return fa * fb
		case "/":
			if fb == 0 {
				panic(newErr(8134, "Divide by zero error encountered."))
			}
			return fa / fb
		}
	}
	na := toInt(convertTo(a, sqlType{T: BigInt, Name: "int"}))
	nb := toInt(convertTo(b, sqlType{T: BigInt, Name: "int"}))
	switch x.Op {
	case "+":
		return na + nb
	case "-":
		return na - nb
	case "*":
		return na * nb
	case "/", "%":
		if nb == 0 {
			panic(newErr(8134, "Divide by zero error encountered."))
		}
		if x.Op == "/" {
			return na / nb
		}
		return na % nb
	case "&":
		return na & nb
	case "|":
		return na | nb
	case "^":
		return na ^ nb
	}
	return nil
}

func (ev *evaluator) cast(x *castExpr) any {
	v := ev.eval(x.X)
	if x.Style != nil && v != nil {
		style := toInt(ev.eval(x.Style))
		if b, ok := v.([]byte); ok && x.To.T == NVarChar && (style == 1 || style == 2) {
			return convertTo(binaryHex(b, style == 1), x.To)
		}
		if s, ok := v.(string); ok && x.To.T == VarBinary && (style == 1 || style == 2) {
			h := s
			if style == 1 {
				if !strings.HasPrefix(strings.ToLower(h), "0x") {
					panic(convFail(v, x.To))
				}
				h = h[2:]
			}
			toks, lerr := lex("0x" + h)
			if lerr != nil || len(toks) != 2 || toks[0].Kind != tkBinary {
				panic(convFail(v, x.To))
			}
			return toks[0].Bin
		}
		if t, ok := v.(time.Time); ok && x.To.T == NVarChar {
			switch style {
			case 120, 20:
				return convertTo(t.Format("2006-01-02 15:04:05"), x.To)
			case 121, 21:
				return convertTo(t.Format("2006-01-02 15:04:05.000"), x.To)
			case 126, 127:
				return convertTo(t.Format("2006-01-02T15:04:05.000"), x.To)
			case 112:
				return convertTo(t.Format("20060102"), x.To)
			case 23:
				return convertTo(t.Format("2006-01-02"), x.To)
			case 101:
				return convertTo(t.Format("01/02/2006"), x.To)
			}
		}
	}
	return convertTo(v, x.To)
}

// numeric converts an operand of float arithmetic, a string by parsing it.
func numeric(v any) float64 {
	if s, ok := v.(string); ok {
		f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil {
			panic(newErr(8114, "Error converting data type varchar to float."))
		}
		return f
	}
	return toFloat(v)
}
