package engine

import (
	"strings"
)

// selectQuery parses SELECT ... [UNION [ALL] SELECT ...] [ORDER BY ...]
// (the current token is SELECT).
func (p *parser) selectQuery() *selectQuery {
	q := p.selectCore()
	for p.accept("UNION") {
		part := unionPart{All: p.accept("ALL")}
		if !p.peek().is("SELECT") {
			p.fail()
		}
		part.Q = p.selectCore()
		q.Unions = append(q.Unions, part)
	}
	if p.accept("ORDER") {
		p.expect("BY")
		for {
			o := orderItem{X: p.expr()}
			if p.accept("DESC") {
				o.Desc = true
			} else {
				p.accept("ASC")
			}
			q.OrderBy = append(q.OrderBy, o)
			if !p.acceptOp(",") {
				break
			}
		}
	}
	return q
}

// selectCore parses one SELECT without ORDER BY.
func (p *parser) selectCore() *selectQuery {
	p.expect("SELECT")
	q := &selectQuery{}
	if p.accept("DISTINCT") {
		q.Distinct = true
	} else {
		p.accept("ALL")
	}
	if p.accept("TOP") {
		if p.acceptOp("(") {
			q.Top = p.expr()
			p.expectOp(")")
		} else {
			t := p.peek()
			if t.Kind != tkNumber {
				p.fail()
			}
			q.Top = p.primary()
		}
	}
	for {
		q.Items = append(q.Items, p.selItem())
		if !p.acceptOp(",") {
			break
		}
	}
	if p.accept("FROM") {
		tr := p.tableRef()
		q.From = &tr
		for {
			var j joinClause
			switch {
			case p.acceptOp(","):
				j.Kind = "CROSS"
			case p.accept("CROSS"):
				p.expect("JOIN")
				j.Kind = "CROSS"
			case p.accept("INNER"):
				p.expect("JOIN")
				j.Kind = "INNER"
			case p.accept("JOIN"):
				j.Kind = "INNER"
			case p.accept("LEFT"):
				p.accept("OUTER")
				p.expect("JOIN")
				j.Kind = "LEFT"
			default:
				goto where
			}
			j.Table = p.tableRef()
			if j.Kind != "CROSS" {
				p.expect("ON")
				j.On = p.expr()
			}
			q.Joins = append(q.Joins, j)
		}
	}
where:
	if p.accept("WHERE") {
		q.Where = p.expr()
	}
	if p.accept("GROUP") {
		p.expect("BY")
		for {
			q.GroupBy = append(q.GroupBy, p.expr())
			if !p.acceptOp(",") {
				break
			}
		}
	}
	return q
}

func (p *parser) selItem() selItem {
	t := p.peek()
	if t.isOp("*") {
		p.next()
		return selItem{Star: true}
	}
	// qualifier.* (up to three-part qualifiers)
	if isIdentTok(t) {
		j := p.i
		var parts []string
		for j+1 < len(p.toks) && isIdentTok(p.toks[j]) && p.toks[j+1].isOp(".") {
			parts = append(parts, p.toks[j].Text)
			j += 2
		}
		if len(parts) > 0 && j < len(p.toks) && p.toks[j].isOp("*") {
			p.i = j + 1
			return selItem{Star: true, StarQual: strings.Join(parts, ".")}
		}
	}
	if t.Kind == tkVar && p.peekAt(1).isOp("=") {
		p.next()
		p.next()
		return selItem{Assign: t.Text, X: p.expr()}
	}
	if (isIdentTok(t) || t.Kind == tkString) && p.peekAt(1).isOp("=") {
		p.next()
		p.next()
		return selItem{Alias: t.Text, X: p.expr()}
	}
	it := selItem{X: p.expr()}
	if p.accept("AS") {
		nt := p.peek()
		if nt.Kind == tkString {
			p.next()
			it.Alias = nt.Text
		} else {
			it.Alias = p.ident()
		}
	} else if nt := p.peek(); (isIdentTok(nt) && !startsStatement(nt)) || nt.Kind == tkString {
		p.next()
		it.Alias = nt.Text
	}
	return it
}

func (p *parser) tableRef() tableRef {
	start := p.i
	parts := p.multiName(3)
	tr := tableRef{Parts: parts, Raw: rawSpan(p.toks[start:p.i])}
	if p.accept("AS") {
		tr.Alias = p.ident()
	} else if nt := p.peek(); isIdentTok(nt) && !startsStatement(nt) {
		tr.Alias = p.ident()
	}
	if p.peek().is("WITH") && p.peekAt(1).isOp("(") {
		p.next()
		p.next()
		for !p.peek().isOp(")") {
			if p.peek().Kind == tkEOF {
				p.fail()
			}
			p.next()
		}
		p.next()
	}
	return tr
}

// rawSpan rebuilds a dotted name's source text for messages such as 208
// from its tokens (only those: scanning the whole batch per name made
// parsing quadratic).
func rawSpan(toks []token) string {
	var b strings.Builder
	for _, t := range toks {
		if t.Kind != tkEOF {
			b.WriteString(t.Text)
		}
	}
	return b.String()
}

// Expressions, lowest precedence first.
