package engine

import (
	"strings"
)

// scopeCol is one column visible to expressions of a query: its qualifier
// (table alias, or the view's name without schema) and its metadata.
type scopeCol struct {
	qual string
	col  Column
}

// env is the row an expression is evaluated against; parent is the outer
// query's row for correlated subqueries.
type env struct {
	cols   []scopeCol
	row    []any
	parent *env
	// rc is shared by every env of one scope (same cols, same parent
	// chain), so each column reference is resolved once per scope instead
	// of once per row; nil resolves every time.
	rc resolveCache
}

// resolveCache maps a column reference of the parsed query to where it
// resolved: how many outer scopes up, and which column there. Only
// successful resolutions are kept, so a bad name fails (207, 209, 4104)
// exactly as without the cache.
type resolveCache map[*colExpr]colRef

type colRef struct{ depth, idx int }

// evaluator evaluates expressions for one session. group holds the rows of
// the current group while aggregate functions are evaluated.
type evaluator struct {
	s     *session
	env   *env
	group [][]any
}

func (ev *evaluator) with(e *env) *evaluator {
	return &evaluator{s: ev.s, env: e}
}

// lookup resolves a column reference through the scope's cache.
func (ev *evaluator) lookup(x *colExpr) (*env, int) {
	var rc resolveCache
	if ev.env != nil {
		rc = ev.env.rc
	}
	if rc != nil {
		if r, ok := rc[x]; ok {
			e := ev.env
			for d := r.depth; d > 0; d-- {
				e = e.parent
			}
			return e, r.idx
		}
	}
	e, i := ev.resolve(x.Parts)
	if rc != nil {
		d := 0
		for p := ev.env; p != e; p = p.parent {
			d++
		}
		rc[x] = colRef{depth: d, idx: i}
	}
	return e, i
}

// resolve finds a column reference, searching outward through outer queries.
// It returns the env and index, or raises 207 / 4104 / 209.
func (ev *evaluator) resolve(parts []string) (*env, int) {
	name := parts[len(parts)-1]
	qual := ""
	if len(parts) > 1 {
		qual = parts[len(parts)-2]
	}
	for e := ev.env; e != nil; e = e.parent {
		found := -1
		for i, c := range e.cols {
			if !strings.EqualFold(c.col.Name, name) {
				continue
			}
			if qual != "" && !strings.EqualFold(c.qual, qual) {
				continue
			}
			if found >= 0 {
				panic(newErr(209, "Ambiguous column name '%s'.", name))
			}
			found = i
		}
		if found >= 0 {
			return e, found
		}
	}
	if qual != "" {
		bound := false
		for e := ev.env; e != nil; e = e.parent {
			for _, c := range e.cols {
				if strings.EqualFold(c.qual, qual) {
					bound = true
				}
			}
		}
		if !bound {
			panic(&sqlError{msg: errf(4104, 0, "The multi-part identifier \"%s\" could not be bound.", strings.Join(parts, ".")), abortBatch: true})
		}
	}
	panic(&sqlError{msg: errf(207, 0, txtInvalidColumn, name), abortBatch: true})
}

// eval computes an expression's value.
func (ev *evaluator) eval(x expr) any {
	switch x := x.(type) {
	case *litExpr:
		return x.V
	case *varExpr:
		return ev.s.variable(x.Name).val
	case *sysVarExpr:
		return ev.sysVar(x.Name)
	case *colExpr:
		e, i := ev.lookup(x)
		if e.row == nil {
			return nil
		}
		return e.row[i]
	case *idxExpr:
		if ev.env.row == nil {
			return nil
		}
		return ev.env.row[x.i]
	case *funcExpr:
		return ev.call(x)
	case *castExpr:
		return ev.cast(x)
	case *binExpr:
		switch x.Op {
		case "+", "-", "*", "/", "%", "&", "|", "^":
			return ev.arith(x)
		}
		return triValue(ev.pred(x))
	case *unaryExpr:
		if x.Op == "NOT" {
			return triValue(ev.pred(x))
		}
		v := ev.eval(x.X)
		switch n := v.(type) {
		case nil:
			return nil
		case int64:
			if x.Op == "~" {
				return ^n
			}
			return -n
		case float64:
			return -n
		case bool:
			if n {
				return int64(-1)
			}
			return int64(0)
		}
		panic(newErr(8117, "Operand data type %s is invalid for minus operator.", valueTypeName(v)))
	case *isNullExpr, *likeExpr, *inExpr, *betweenExpr, *existsExpr:
		return triValue(ev.pred(x))
	case *subqueryExpr:
		res, n := ev.runSelect(x.Sub, ev.env)
		if n > 1 {
			panic(newErr(512, "Subquery returned more than 1 value. This is not permitted when the subquery follows =, !=, <, <= , >, >= or when the subquery is used as an expression."))
		}
		if res == nil || len(res.Rows) == 0 || len(res.Rows[0]) == 0 {
			return nil
		}
		return fromGo(res.Rows[0][0])
	case *caseExpr:
		for _, w := range x.Whens {
			var hit bool
			if x.Operand != nil {
				a, b := ev.eval(x.Operand), ev.eval(w.When)
				hit = a != nil && b != nil && ev.cmp(a, b) == 0
			} else {
				hit = ev.pred(w.When) == triTrue
			}
			if hit {
				return ev.eval(w.Then)
			}
		}
		if x.Else != nil {
			return ev.eval(x.Else)
		}
		return nil
	}
	panic(newErr(102, txtSyntax, "?"))
}

func triValue(t tri) any {
	switch t {
	case triTrue:
		return true
	case triFalse:
		return false
	}
	return nil
}

// pred evaluates a search condition in three-valued logic.
func (ev *evaluator) pred(x expr) tri {
	switch x := x.(type) {
	case *binExpr:
		switch x.Op {
		case "AND":
			l := ev.pred(x.L)
			if l == triFalse {
				return triFalse
			}
			r := ev.pred(x.R)
			if r == triFalse {
				return triFalse
			}
			if l == triTrue && r == triTrue {
				return triTrue
			}
			return triUnknown
		case "OR":
			l := ev.pred(x.L)
			if l == triTrue {
				return triTrue
			}
			r := ev.pred(x.R)
			if r == triTrue {
				return triTrue
			}
			if l == triFalse && r == triFalse {
				return triFalse
			}
			return triUnknown
		case "=", "<>", "<", ">", "<=", ">=":
			a, b := ev.eval(x.L), ev.eval(x.R)
			if a == nil || b == nil {
				return triUnknown
			}
			c := ev.cmp(a, b)
			var ok bool
			switch x.Op {
			case "=":
				ok = c == 0
			case "<>":
				ok = c != 0
			case "<":
				ok = c < 0
			case ">":
				ok = c > 0
			case "<=":
				ok = c <= 0
			case ">=":
				ok = c >= 0
			}
			return boolTri(ok)
		}
	case *unaryExpr:
		if x.Op == "NOT" {
			switch ev.pred(x.X) {
			case triTrue:
				return triFalse
			case triFalse:
				return triTrue
			}
			return triUnknown
		}
	case *isNullExpr:
		return boolTri((ev.eval(x.X) == nil) != x.Not)
	case *likeExpr:
		a, p := ev.eval(x.X), ev.eval(x.Pattern)
		if a == nil || p == nil {
			return triUnknown
		}
		return boolTri(ev.like(toString(a), toString(p)) != x.Not)
	case *inExpr:
		a := ev.eval(x.X)
		if a == nil {
			return triUnknown
		}
		var vals []any
		if x.Sub != nil {
			res, _ := ev.runSelect(x.Sub, ev.env)
			if res != nil {
				for _, r := range res.Rows {
					if len(r) > 0 {
						vals = append(vals, fromGo(r[0]))
					}
				}
			}
		} else {
			for _, e := range x.List {
				vals = append(vals, ev.eval(e))
			}
		}
		sawNull := false
		for _, v := range vals {
			if v == nil {
				sawNull = true
				continue
			}
			if ev.cmp(a, v) == 0 {
				return boolTri(!x.Not)
			}
		}
		if sawNull {
			return triUnknown
		}
		return boolTri(x.Not)
	case *betweenExpr:
		a, lo, hi := ev.eval(x.X), ev.eval(x.Lo), ev.eval(x.Hi)
		if a == nil || lo == nil || hi == nil {
			return triUnknown
		}
		return boolTri((ev.cmp(a, lo) >= 0 && ev.cmp(a, hi) <= 0) != x.Not)
	case *existsExpr:
		_, n := ev.runSelect(x.Sub, ev.env)
		return boolTri(n > 0)
	}
	panic(newErr(4145, "An expression of non-boolean type specified in a context where a condition is expected."))
}

func boolTri(b bool) tri {
	if b {
		return triTrue
	}
	return triFalse
}
