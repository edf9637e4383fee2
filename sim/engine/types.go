package engine

import (
	"math"
	"strings"
)

// inferType gives an expression's result column type from the query's
// schema alone, so an empty result still has the right COLMETADATA.
func (ev *evaluator) inferType(x expr) Column {
	switch x := x.(type) {
	case *litExpr:
		switch v := x.V.(type) {
		case int64:
			if v > math.MaxInt32 || v < math.MinInt32 {
				return Column{Type: BigInt}
			}
			return Column{Type: Int}
		case float64:
			// No float type reaches the wire: decimals travel as text.
			return Column{Type: NVarChar, Size: 40}
		case string:
			n := len([]rune(v))
			if n == 0 {
				n = 1
			}
			if n > 4000 {
				n = 0
			}
			return Column{Type: NVarChar, Size: n}
		case []byte:
			return Column{Type: VarBinary}
		}
		return Column{Type: Int, Nullable: true}
	case *varExpr:
		v := ev.s.variable(x.Name)
		return Column{Type: v.typ.T, Size: v.typ.Size, Nullable: true}
	case *sysVarExpr:
		switch x.Name {
		case "@@SERVERNAME", "@@SERVICENAME", "@@LANGUAGE":
			return Column{Type: NVarChar, Size: 128, Nullable: true}
		case "@@VERSION":
			return Column{Type: NVarChar, Size: 300, Nullable: true}
		case "@@MICROSOFTVERSION":
			return Column{Type: Int}
		}
		return Column{Type: Int, Nullable: true}
	case *colExpr:
		e, i := ev.lookup(x)
		c := e.cols[i].col
		return c
	case *idxExpr:
		return ev.env.cols[x.i].col
	case *funcExpr:
		return ev.funcType(x)
	case *castExpr:
		return Column{Type: x.To.T, Size: x.To.Size, Nullable: true}
	case *binExpr:
		switch x.Op {
		case "+", "-", "*", "/", "%", "&", "|", "^":
			l, r := ev.inferType(x.L), ev.inferType(x.R)
			switch {
			case hasFloatLiteral(x):
				return Column{Type: NVarChar, Size: 40, Nullable: true}
			case l.Type == NVarChar && r.Type == NVarChar:
				size := l.Size + r.Size
				if l.Size <= 0 || r.Size <= 0 || size > 4000 {
					size = 0
				}
				return Column{Type: NVarChar, Size: size, Nullable: true}
			case l.Type == VarBinary && r.Type == VarBinary:
				return Column{Type: VarBinary, Nullable: true}
			case l.Type == DateTime:
				return Column{Type: DateTime, Nullable: true}
			case l.Type == BigInt || r.Type == BigInt:
				return Column{Type: BigInt, Nullable: true}
			}
			return Column{Type: Int, Nullable: true}
		}
		return Column{Type: Bit, Nullable: true}
	case *unaryExpr:
		if x.Op == "NOT" {
			return Column{Type: Bit, Nullable: true}
		}
		return ev.inferType(x.X)
	case *subqueryExpr:
		res, _ := ev.runSelect(x.Sub, ev.env)
		if res != nil && len(res.Columns) > 0 {
			c := res.Columns[0]
			c.Name, c.Nullable = "", true
			return c
		}
		return Column{Type: Int, Nullable: true}
	case *caseExpr:
		if len(x.Whens) > 0 {
			c := ev.inferType(x.Whens[0].Then)
			c.Name, c.Nullable = "", true
			return c
		}
	}
	return Column{Type: Bit, Nullable: true}
}

func literalArg(f *funcExpr, i int) string {
	if i < len(f.Args) {
		if l, ok := f.Args[i].(*litExpr); ok {
			if s, ok := l.V.(string); ok {
				return strings.ToUpper(s)
			}
		}
	}
	return ""
}

func (ev *evaluator) funcType(f *funcExpr) Column {
	nv := func(n int) Column { return Column{Type: NVarChar, Size: n, Nullable: true} }
	in := Column{Type: Int, Nullable: true}
	switch f.Name {
	case "CERTENCODED", "SUSER_SID":
		return Column{Type: VarBinary, Nullable: true}
	case "CERTPROPERTY":
		switch literalArg(f, 1) {
		case "EXPIRY_DATE", "START_DATE":
			return Column{Type: DateTime, Nullable: true}
		case "SID":
			return Column{Type: VarBinary, Nullable: true}
		}
		return nv(4000)
	case "SERVERPROPERTY":
		switch literalArg(f, 0) {
		case "ENGINEEDITION", "ISCLUSTERED", "ISHADRENABLED", "ISINTEGRATEDSECURITYONLY", "ISSINGLEUSER", "PROCESSID":
			return in
		}
		return nv(128)
	case "SUSER_SNAME", "SUSER_NAME", "SYSTEM_USER", "ORIGINAL_LOGIN", "USER", "CURRENT_USER", "SESSION_USER", "USER_NAME", "DB_NAME":
		return nv(128)
	case "GETUTCDATE", "SYSUTCDATETIME", "GETDATE", "SYSDATETIME", "CURRENT_TIMESTAMP", "DATEADD":
		return Column{Type: DateTime, Nullable: true}
	case "ISNULL", "COALESCE", "NULLIF", "MAX", "MIN":
		if len(f.Args) > 0 {
			first := f.Args[0]
			for _, a := range f.Args {
				if l, ok := a.(*litExpr); !ok || l.V != nil {
					first = a // an untyped NULL literal takes the next argument's type
					break
				}
			}
			c := ev.inferType(first)
			c.Name, c.Nullable = "", true
			if f.Name == "ISNULL" && len(f.Args) > 1 {
				c.Nullable = ev.inferType(f.Args[1]).Nullable
			}
			return c
		}
	case "UPPER", "LOWER", "LTRIM", "RTRIM", "TRIM", "SUBSTRING", "LEFT", "RIGHT", "REPLACE":
		if len(f.Args) > 0 {
			c := ev.inferType(f.Args[0])
			if c.Type == VarBinary && f.Name == "SUBSTRING" {
				return Column{Type: VarBinary, Nullable: true}
			}
			if c.Type != NVarChar {
				c.Size = 4000
			}
			if f.Name == "REPLACE" {
				c.Size = 0
			}
			return Column{Type: NVarChar, Size: c.Size, Nullable: true}
		}
	case "IIF":
		if len(f.Args) == 3 {
			c := ev.inferType(f.Args[1])
			c.Name, c.Nullable = "", true
			return c
		}
	case "CONCAT", "ERROR_MESSAGE":
		return nv(4000)
	case "ERROR_PROCEDURE":
		return nv(128)
	case "QUOTENAME":
		return nv(258)
	case "NEWID":
		return nv(36)
	case "COUNT":
		return Column{Type: Int}
	case "COUNT_BIG":
		return Column{Type: BigInt}
	case "SUM":
		return Column{Type: BigInt, Nullable: true}
	}
	return in
}

// hasFloatLiteral reports arithmetic involving a decimal literal, whose
// result is a decimal (sent as text).
func hasFloatLiteral(x expr) bool {
	found := false
	walkExpr(x, func(e expr) {
		if l, ok := e.(*litExpr); ok {
			if _, f := l.V.(float64); f {
				found = true
			}
		}
	})
	return found
}
