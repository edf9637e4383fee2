package engine

// join adds table j to the rows so far (columns cols): INNER, LEFT or CROSS
// JOIN, each left row with every matching right row, in that order; a LEFT
// JOIN keeps an unmatched left row with NULLs on the right.
//
// The ON condition is evaluated against one scratch row (left then right
// values) in one env whose column references are resolved once, and only a
// matching combination is copied out: the catalog joins of the state read
// compare hundreds of pairs to keep a few dozen.
func (ev *evaluator) join(cols []scopeCol, rows [][]any, j joinClause, parent *env) ([]scopeCol, [][]any) {
	jcols, jrows := ev.loadTable(j.Table)
	if j.Kind == "LEFT" {
		for i := range jcols {
			jcols[i].col.Nullable = true
		}
	}
	combined := append(append(make([]scopeCol, 0, len(cols)+len(jcols)), cols...), jcols...)
	scratch := make([]any, len(combined))
	on := &env{cols: combined, row: scratch, parent: parent, rc: resolveCache{}}
	onEv := ev.with(on)
	if j.On != nil {
		onEv.with(&env{cols: combined, parent: parent, rc: on.rc}).check(j.On)
	}
	if out, ok := onEv.hashJoin(j, cols, rows, jrows, scratch); ok {
		return combined, out
	}
	var out [][]any
	for _, l := range rows {
		copy(scratch, l)
		matched := false
		for _, r := range jrows {
			copy(scratch[len(cols):], r)
			if j.Kind == "CROSS" || onEv.pred(j.On) == triTrue {
				out = append(out, append(make([]any, 0, len(combined)), scratch...))
				matched = true
			}
		}
		if !matched && j.Kind == "LEFT" {
			row := make([]any, len(combined))
			copy(row, l)
			out = append(out, row)
		}
	}
	return combined, out
}

// hashJoin does what join's loop does for an ON condition that is one
// equality of a left column and a right column, when every value of both
// is an integer or every value is binary: only the right rows whose value
// hashes like the left row's are tried, and each is still checked with the
// ON condition. Keys are exactly what compare calls equal (integers as
// float64, as compare compares them; bytes as bytes), a NULL never matches,
// and such a comparison cannot raise an error, so the rows, their order and
// the errors are the nested loop's. ok is false when the condition or the
// values do not qualify (anything more, e.g. an AND whose other term could
// raise a conversion error on a pair the hash would skip, takes the loop).
func (ev *evaluator) hashJoin(j joinClause, cols []scopeCol, rows, jrows [][]any, scratch []any) ([][]any, bool) {
	li, ri, ok := ev.equiColumns(j.On, len(cols))
	if !ok || len(rows) == 0 {
		return nil, false
	}
	kind := 0 // 1: integers, 2: binary
	keyOf := func(v any) (any, bool) {
		switch x := v.(type) {
		case int64:
			if kind == 0 {
				kind = 1
			}
			return float64(x), kind == 1
		case []byte:
			if kind == 0 {
				kind = 2
			}
			return string(x), kind == 2
		}
		return nil, false
	}
	buckets := map[any][]int{}
	for i, r := range jrows {
		if r[ri] == nil {
			continue
		}
		k, ok := keyOf(r[ri])
		if !ok {
			return nil, false
		}
		buckets[k] = append(buckets[k], i)
	}
	keys := make([]any, len(rows))
	for i, l := range rows {
		if l[li] == nil {
			continue
		}
		k, ok := keyOf(l[li])
		if !ok {
			return nil, false
		}
		keys[i] = k
	}
	var out [][]any
	for i, l := range rows {
		matched := false
		if keys[i] != nil {
			copy(scratch, l)
			for _, r := range buckets[keys[i]] {
				copy(scratch[len(cols):], jrows[r])
				if ev.pred(j.On) == triTrue {
					out = append(out, append(make([]any, 0, len(scratch)), scratch...))
					matched = true
				}
			}
		}
		if !matched && j.Kind == "LEFT" {
			row := make([]any, len(scratch))
			copy(row, l)
			out = append(out, row)
		}
	}
	return out, true
}

// equiColumns reports whether on is left.col = right.col (in either order)
// between this scope's own columns; nleft is how many of them are the left
// side's. It returns their indexes in the left and right rows.
func (ev *evaluator) equiColumns(on expr, nleft int) (li, ri int, ok bool) {
	b, isBin := on.(*binExpr)
	if !isBin || b.Op != "=" {
		return 0, 0, false
	}
	x, okx := b.L.(*colExpr)
	y, oky := b.R.(*colExpr)
	if !okx || !oky {
		return 0, 0, false
	}
	cx, okx := ev.env.rc[x]
	cy, oky := ev.env.rc[y]
	if !okx || !oky || cx.depth != 0 || cy.depth != 0 {
		return 0, 0, false
	}
	switch {
	case cx.idx < nleft && cy.idx >= nleft:
		return cx.idx, cy.idx - nleft, true
	case cy.idx < nleft && cx.idx >= nleft:
		return cy.idx, cx.idx - nleft, true
	}
	return 0, 0, false
}
