package engine

import (
	"fmt"
	"sort"
	"strings"
)

// idxExpr is a column picked by position, produced when * is expanded, so
// that SELECT * over a join never reports an ambiguous name.
type idxExpr struct{ i int }

// runSelect evaluates a query with parent as the outer row (correlated
// subqueries). It returns the result set (nil for a variable-assigning
// SELECT) and the row count.
func (ev *evaluator) runSelect(q *selectQuery, parent *env) (*ResultSet, int64) {
	if len(q.Unions) > 0 {
		return ev.runUnion(q, parent)
	}
	var cols []scopeCol
	var rows [][]any
	if q.From == nil {
		rows = [][]any{{}}
	} else {
		cols, rows = ev.loadTable(*q.From)
		for _, j := range q.Joins {
			cols, rows = ev.join(cols, rows, j, parent)
		}
	}
	// Every env of this scope shares one resolve cache: names are looked
	// up once per statement, not once per row.
	rc := resolveCache{}
	schema := &evaluator{s: ev.s, env: &env{cols: cols, parent: parent, rc: rc}}

	// Expand * and work out the output columns before looking at any row, so
	// unknown columns fail (207) and empty results keep their metadata.
	var items []selItem
	for _, it := range q.Items {
		if !it.Star {
			items = append(items, it)
			continue
		}
		matched := false
		for i, c := range cols {
			if it.StarQual == "" || strings.EqualFold(lastPart(it.StarQual), c.qual) {
				items = append(items, selItem{X: &idxExpr{i: i}, Alias: c.col.Name})
				matched = true
			}
		}
		if !matched && it.StarQual != "" {
			panic(&sqlError{msg: errf(4104, 0, "The multi-part identifier \"%s\" could not be bound.", it.StarQual), abortBatch: true})
		}
		if q.From == nil {
			panic(newErr(263, "Must specify table to select from."))
		}
	}
	assign := false
	outCols := make([]Column, len(items))
	for i, it := range items {
		if it.Assign != "" {
			assign = true
			schema.s.variable(it.Assign)
			schema.check(it.X)
			continue
		} else if assign {
			panic(newErr(141, "A SELECT statement that assigns a value to a variable must not be combined with data-retrieval operations."))
		}
		c := schema.inferType(it.X)
		c.Name = it.Alias
		if c.Name == "" {
			if ce, ok := it.X.(*colExpr); ok {
				c.Name = ce.Parts[len(ce.Parts)-1]
			}
		}
		outCols[i] = c
	}
	if assign {
		for _, it := range items {
			if it.Assign == "" {
				panic(newErr(141, "A SELECT statement that assigns a value to a variable must not be combined with data-retrieval operations."))
			}
		}
	}
	if q.Where != nil {
		schema.check(q.Where)
		// One env for every row: nothing keeps it once pred returns.
		we := &env{cols: cols, parent: parent, rc: rc}
		wev := ev.with(we)
		var kept [][]any
		for _, r := range rows {
			we.row = r
			if wev.pred(q.Where) == triTrue {
				kept = append(kept, r)
			}
		}
		rows = kept
	}
	for _, o := range q.OrderBy {
		if !isOrdinal(o.X) && !isOutputAlias(o.X, outCols) {
			schema.check(o.X)
		}
	}

	type outRow struct {
		vals []any
		ev   *evaluator
	}
	var out []outRow
	project := func(e *evaluator) {
		vals := make([]any, len(items))
		for i, it := range items {
			vals[i] = e.eval(it.X)
		}
		out = append(out, outRow{vals: vals, ev: e})
	}
	grouped := len(q.GroupBy) > 0
	for _, it := range items {
		grouped = grouped || hasAggregate(it.X)
	}
	if grouped {
		var keys []string
		groups := map[string][][]any{}
		for _, r := range rows {
			e := ev.with(&env{cols: cols, row: r, parent: parent, rc: rc})
			var kb strings.Builder
			for _, g := range q.GroupBy {
				fmt.Fprintf(&kb, "%T:%s|", e.eval(g), e.fold(toString(e.eval(g))))
			}
			k := kb.String()
			if _, ok := groups[k]; !ok {
				keys = append(keys, k)
			}
			groups[k] = append(groups[k], r)
		}
		if len(q.GroupBy) == 0 && len(keys) == 0 {
			keys = []string{""}
			groups[""] = [][]any{}
		}
		for _, k := range keys {
			g := groups[k]
			first := make([]any, len(cols))
			if len(g) > 0 {
				first = g[0]
			}
			project(&evaluator{s: ev.s, env: &env{cols: cols, row: first, parent: parent, rc: rc}, group: g})
		}
	} else if len(q.OrderBy) == 0 {
		// Only ORDER BY looks at a row's evaluator after projecting it,
		// so without one every row can share one.
		pe := &env{cols: cols, parent: parent, rc: rc}
		pev := ev.with(pe)
		for _, r := range rows {
			pe.row = r
			project(pev)
		}
	} else {
		for _, r := range rows {
			project(ev.with(&env{cols: cols, row: r, parent: parent, rc: rc}))
		}
	}

	if len(q.OrderBy) > 0 {
		keys := make([][]any, len(out))
		for i, o := range out {
			for _, ob := range q.OrderBy {
				keys[i] = append(keys[i], orderKey(ob.X, o.vals, outCols, o.ev))
			}
		}
		idx := make([]int, len(out))
		for i := range idx {
			idx[i] = i
		}
		sort.SliceStable(idx, func(a, b int) bool {
			for k, ob := range q.OrderBy {
				if c := orderCompare(keys[idx[a]][k], keys[idx[b]][k], ob.Desc); c != 0 {
					return c < 0
				}
			}
			return false
		})
		sorted := make([]outRow, len(out))
		for i, j := range idx {
			sorted[i] = out[j]
		}
		out = sorted
	}
	if q.Distinct {
		seen := map[string]bool{}
		var kept []outRow
		for _, o := range out {
			k := fmt.Sprintf("%#v", ev.foldStrings(o.vals))
			if !seen[k] {
				seen[k] = true
				kept = append(kept, o)
			}
		}
		out = kept
	}
	if q.Top != nil {
		n := toInt(ev.eval(q.Top))
		if n < 0 {
			panic(newErr(1060, "The number of rows in the TOP clause must be an integer."))
		}
		if int64(len(out)) > n {
			out = out[:n]
		}
	}
	if assign {
		for _, o := range out {
			for i, it := range items {
				v := ev.s.variable(it.Assign)
				v.val = convertTo(o.vals[i], v.typ)
			}
		}
		return nil, int64(len(out))
	}
	res := &ResultSet{Columns: outCols, Rows: make([][]any, len(out))}
	for i, o := range out {
		// o.vals was made for this row alone: convert it in place.
		for j, v := range o.vals {
			o.vals[j] = outValue(v, outCols[j].Type)
		}
		res.Rows[i] = o.vals
	}
	return res, int64(len(out))
}

func lastPart(name string) string {
	if i := strings.LastIndex(name, "."); i >= 0 {
		return name[i+1:]
	}
	return name
}

func isOrdinal(x expr) bool {
	l, ok := x.(*litExpr)
	if !ok {
		return false
	}
	_, ok = l.V.(int64)
	return ok
}

func isOutputAlias(x expr, cols []Column) bool {
	c, ok := x.(*colExpr)
	if !ok || len(c.Parts) != 1 {
		return false
	}
	for _, oc := range cols {
		if strings.EqualFold(oc.Name, c.Parts[0]) {
			return true
		}
	}
	return false
}

// orderKey evaluates an ORDER BY item: an ordinal, an output column alias,
// or an expression over the source row.
func orderKey(x expr, vals []any, cols []Column, ev *evaluator) any {
	if l, ok := x.(*litExpr); ok {
		if n, ok := l.V.(int64); ok {
			if n < 1 || int(n) > len(vals) {
				panic(newErr(108, "The ORDER BY position number %d is out of range of the number of items in the select list.", n))
			}
			return vals[n-1]
		}
	}
	if c, ok := x.(*colExpr); ok && len(c.Parts) == 1 {
		for i, oc := range cols {
			if strings.EqualFold(oc.Name, c.Parts[0]) {
				return vals[i]
			}
		}
	}
	return ev.eval(x)
}

// hasAggregate reports whether x uses an aggregate outside a subquery.
func hasAggregate(x expr) bool {
	found := false
	walkExpr(x, func(e expr) {
		if f, ok := e.(*funcExpr); ok && isAggregate(f.Name) {
			found = true
		}
	})
	return found
}

// check resolves every column reference in x (outside subqueries) so that a
// wrong name fails even when there are no rows.
func (ev *evaluator) check(x expr) {
	walkExpr(x, func(e expr) {
		if c, ok := e.(*colExpr); ok {
			ev.lookup(c)
		}
	})
}

// walkExpr visits x and its sub-expressions, not descending into subqueries.
func walkExpr(x expr, fn func(expr)) {
	if x == nil {
		return
	}
	fn(x)
	switch x := x.(type) {
	case *funcExpr:
		for _, a := range x.Args {
			walkExpr(a, fn)
		}
	case *castExpr:
		walkExpr(x.X, fn)
		walkExpr(x.Style, fn)
	case *binExpr:
		walkExpr(x.L, fn)
		walkExpr(x.R, fn)
	case *unaryExpr:
		walkExpr(x.X, fn)
	case *isNullExpr:
		walkExpr(x.X, fn)
	case *likeExpr:
		walkExpr(x.X, fn)
		walkExpr(x.Pattern, fn)
	case *inExpr:
		walkExpr(x.X, fn)
		for _, e := range x.List {
			walkExpr(e, fn)
		}
	case *betweenExpr:
		walkExpr(x.X, fn)
		walkExpr(x.Lo, fn)
		walkExpr(x.Hi, fn)
	case *caseExpr:
		walkExpr(x.Operand, fn)
		for _, w := range x.Whens {
			walkExpr(w.When, fn)
			walkExpr(w.Then, fn)
		}
		walkExpr(x.Else, fn)
	}
}

// loadTable materialises a catalog view for a FROM item; an unknown name is
// error 208, which ends the batch as deferred name resolution does.
func (ev *evaluator) loadTable(tr tableRef) ([]scopeCol, [][]any) {
	cols, rows, ok := ev.s.inst.view(ev.s, tr.Parts)
	if !ok {
		panic(&sqlError{msg: errf(208, 0, txtInvalidObject, tr.Raw), abortBatch: true})
	}
	qual := tr.Alias
	if qual == "" {
		qual = tr.Parts[len(tr.Parts)-1]
	}
	sc := make([]scopeCol, len(cols))
	for i, c := range cols {
		sc[i] = scopeCol{qual: qual, col: c}
	}
	return sc, rows
}

// runUnion evaluates SELECT ... UNION [ALL] SELECT ...: the first query's
// columns name and type the result; ORDER BY may name only those columns.
func (ev *evaluator) runUnion(q *selectQuery, parent *env) (*ResultSet, int64) {
	first := *q
	first.Unions, first.OrderBy = nil, nil
	res, _ := ev.runSelect(&first, parent)
	if res == nil {
		panic(newErr(141, "A SELECT statement that assigns a value to a variable must not be combined with data-retrieval operations."))
	}
	rows := res.Rows
	for _, u := range q.Unions {
		part, _ := ev.runSelect(u.Q, parent)
		if part == nil || len(part.Columns) != len(res.Columns) {
			panic(newErr(205, "All queries combined using a UNION, INTERSECT or EXCEPT operator must have an equal number of expressions in their target lists."))
		}
		for _, r := range part.Rows {
			conv := make([]any, len(r))
			for i, v := range r {
				conv[i] = outValue(convertTo(fromGo(v), sqlType{T: res.Columns[i].Type}), res.Columns[i].Type)
			}
			rows = append(rows, conv)
		}
		if !u.All {
			seen := map[string]bool{}
			var kept [][]any
			for _, r := range rows {
				vals := make([]any, len(r))
				for i, v := range r {
					vals[i] = fromGo(v)
				}
				k := fmt.Sprintf("%#v", ev.foldStrings(vals))
				if !seen[k] {
					seen[k] = true
					kept = append(kept, r)
				}
			}
			rows = kept
		}
	}
	for i := range res.Columns {
		res.Columns[i].Nullable = true
	}
	if len(q.OrderBy) > 0 {
		idx := make([]int, len(q.OrderBy))
		for k, ob := range q.OrderBy {
			idx[k] = -1
			if isOrdinal(ob.X) {
				n := ob.X.(*litExpr).V.(int64)
				if n >= 1 && int(n) <= len(res.Columns) {
					idx[k] = int(n - 1)
				}
			} else if c, ok := ob.X.(*colExpr); ok {
				for i, oc := range res.Columns {
					if strings.EqualFold(oc.Name, c.Parts[len(c.Parts)-1]) {
						idx[k] = i
					}
				}
			}
			if idx[k] < 0 {
				panic(newErr(104, "ORDER BY items must appear in the select list if the statement contains a UNION, INTERSECT or EXCEPT operator."))
			}
		}
		sort.SliceStable(rows, func(a, b int) bool {
			for k, ob := range q.OrderBy {
				if c := orderCompare(fromGo(rows[a][idx[k]]), fromGo(rows[b][idx[k]]), ob.Desc); c != 0 {
					return c < 0
				}
			}
			return false
		})
	}
	res.Rows = rows
	return res, int64(len(rows))
}
