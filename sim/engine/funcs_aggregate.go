package engine

import (
	"strings"
)

// isAggregate reports whether a function name is an aggregate.
func isAggregate(name string) bool {
	switch name {
	case "COUNT", "COUNT_BIG", "MAX", "MIN", "SUM":
		return true
	}
	return false
}

// aggregate evaluates COUNT/MAX/MIN/SUM over the current group.
func (ev *evaluator) aggregate(f *funcExpr) any {
	if ev.group == nil {
		panic(newErr(147, "An aggregate may not appear in the WHERE clause unless it is in a subquery contained in a HAVING clause or a select list, and the column being aggregated is an outer reference."))
	}
	var n int64
	var best any
	for _, row := range ev.group {
		sub := &evaluator{s: ev.s, env: &env{cols: ev.env.cols, row: row, parent: ev.env.parent, rc: ev.env.rc}}
		if f.Star {
			n++
			continue
		}
		if len(f.Args) != 1 {
			panic(newErr(174, "The %s function requires 1 argument(s).", strings.ToLower(f.Name)))
		}
		v := sub.eval(f.Args[0])
		if v == nil {
			continue
		}
		n++
		switch f.Name {
		case "MAX":
			if best == nil || compare(v, best) > 0 {
				best = v
			}
		case "MIN":
			if best == nil || compare(v, best) < 0 {
				best = v
			}
		case "SUM":
			if best == nil {
				best = int64(0)
			}
			best = toInt(best) + toInt(v)
		}
	}
	if f.Name == "COUNT" || f.Name == "COUNT_BIG" {
		return n
	}
	return best
}
