package engine

import (
	"strconv"
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

func (p *parser) expr() expr {
	p.enter()
	defer p.leave()
	l := p.andExpr()
	for p.accept("OR") {
		l = &binExpr{Op: "OR", L: l, R: p.andExpr()}
	}
	return l
}

func (p *parser) andExpr() expr {
	l := p.notExpr()
	for p.accept("AND") {
		l = &binExpr{Op: "AND", L: l, R: p.notExpr()}
	}
	return l
}

func (p *parser) notExpr() expr {
	p.enter()
	defer p.leave()
	if p.accept("NOT") {
		return &unaryExpr{Op: "NOT", X: p.notExpr()}
	}
	return p.predicate()
}

func (p *parser) predicate() expr {
	if p.accept("EXISTS") {
		p.expectOp("(")
		q := p.selectQuery()
		p.expectOp(")")
		return &existsExpr{Sub: q}
	}
	l := p.additive()
	t := p.peek()
	if t.Kind == tkOp {
		switch t.Text {
		case "=", "<>", "!=", "<", ">", "<=", ">=", "!<", "!>":
			p.next()
			op := t.Text
			switch op {
			case "!=":
				op = "<>"
			case "!<":
				op = ">="
			case "!>":
				op = "<="
			}
			return &binExpr{Op: op, L: l, R: p.additive()}
		}
		return l
	}
	not := false
	if t.is("NOT") && (p.peekAt(1).is("LIKE") || p.peekAt(1).is("IN") || p.peekAt(1).is("BETWEEN")) {
		p.next()
		not = true
	}
	switch {
	case p.accept("IS"):
		n := p.accept("NOT")
		p.expect("NULL")
		return &isNullExpr{X: l, Not: n}
	case p.accept("LIKE"):
		e := &likeExpr{X: l, Pattern: p.additive(), Not: not}
		if p.accept("ESCAPE") {
			p.fail() // not needed by the procedure
		}
		return e
	case p.accept("IN"):
		p.expectOp("(")
		e := &inExpr{X: l, Not: not}
		if p.peek().is("SELECT") {
			e.Sub = p.selectQuery()
		} else {
			for {
				e.List = append(e.List, p.expr())
				if !p.acceptOp(",") {
					break
				}
			}
		}
		p.expectOp(")")
		return e
	case p.accept("BETWEEN"):
		e := &betweenExpr{X: l, Not: not}
		e.Lo = p.additive()
		p.expect("AND")
		e.Hi = p.additive()
		return e
	}
	return l
}

func (p *parser) additive() expr {
	l := p.multiplicative()
	for {
		t := p.peek()
		if t.isOp("+") || t.isOp("-") || t.isOp("&") || t.isOp("|") || t.isOp("^") {
			p.next()
			l = &binExpr{Op: t.Text, L: l, R: p.multiplicative()}
			continue
		}
		return l
	}
}

func (p *parser) multiplicative() expr {
	l := p.unary()
	for {
		t := p.peek()
		if t.isOp("*") || t.isOp("/") || t.isOp("%") {
			p.next()
			l = &binExpr{Op: t.Text, L: l, R: p.unary()}
			continue
		}
		return l
	}
}

func (p *parser) unary() expr {
	p.enter()
	defer p.leave()
	if p.acceptOp("-") {
		return &unaryExpr{Op: "-", X: p.unary()}
	}
	if p.acceptOp("+") {
		return p.unary()
	}
	if p.acceptOp("~") {
		return &unaryExpr{Op: "~", X: p.unary()}
	}
	return p.primary()
}

func (p *parser) primary() expr {
	t := p.peek()
	switch t.Kind {
	case tkNumber:
		p.next()
		if n, err := strconv.ParseInt(t.Text, 10, 64); err == nil {
			return &litExpr{V: n}
		}
		f, err := strconv.ParseFloat(t.Text, 64)
		if err != nil {
			p.failAt(t)
		}
		return &litExpr{V: f}
	case tkString:
		p.next()
		return &litExpr{V: t.Text}
	case tkBinary:
		p.next()
		return &litExpr{V: t.Bin}
	case tkVar:
		p.next()
		return &varExpr{Name: t.Text}
	case tkSysVar:
		p.next()
		return &sysVarExpr{Name: strings.ToUpper(t.Text)}
	case tkOp:
		if t.Text == "(" {
			p.next()
			if p.peek().is("SELECT") {
				q := p.selectQuery()
				p.expectOp(")")
				return &subqueryExpr{Sub: q}
			}
			e := p.expr()
			p.expectOp(")")
			return e
		}
		p.fail()
	case tkIdent, tkQIdent:
		return p.nameOrCall()
	}
	p.fail()
	return nil
}

func (p *parser) nameOrCall() expr {
	t := p.peek()
	if t.Kind == tkIdent {
		up := strings.ToUpper(t.Text)
		switch up {
		case "NULL":
			p.next()
			return &litExpr{V: nil}
		case "CASE":
			p.next()
			return p.caseExpr()
		case "CAST", "TRY_CAST":
			if p.peekAt(1).isOp("(") {
				p.next()
				p.next()
				c := &castExpr{X: p.expr()}
				p.expect("AS")
				c.To = p.dataType()
				p.expectOp(")")
				return c
			}
		case "CONVERT", "TRY_CONVERT":
			if p.peekAt(1).isOp("(") {
				p.next()
				p.next()
				c := &castExpr{To: p.dataType()}
				p.expectOp(",")
				c.X = p.expr()
				if p.acceptOp(",") {
					c.Style = p.expr()
				}
				p.expectOp(")")
				return c
			}
		case "CURRENT_TIMESTAMP", "SYSTEM_USER", "CURRENT_USER", "SESSION_USER", "USER":
			if !p.peekAt(1).isOp("(") {
				p.next()
				return &funcExpr{Name: up}
			}
		}
		if p.peekAt(1).isOp("(") && (!isReserved(t) || up == "LEFT" || up == "RIGHT") {
			return p.call(up)
		}
	}
	if !isIdentTok(t) {
		p.fail()
	}
	parts := p.multiName(4)
	if p.peek().isOp("(") {
		// schema-qualified function such as sys.fn_x(): keep the last part.
		return p.callNamed(strings.ToUpper(parts[len(parts)-1]))
	}
	return &colExpr{Parts: parts}
}

func (p *parser) call(name string) expr {
	p.next()
	return p.callNamed(name)
}

func (p *parser) callNamed(name string) expr {
	prev := p.toks[p.i-1]
	p.expectOp("(")
	f := &funcExpr{Name: name, Raw: prev.Text, Line: prev.Line}
	if p.acceptOp(")") {
		return f
	}
	if p.peek().isOp("*") {
		p.next()
		f.Star = true
		p.expectOp(")")
		return f
	}
	p.accept("DISTINCT")
	if name == "DATEADD" || name == "DATEDIFF" || name == "DATEPART" || name == "DATENAME" {
		// The first argument is a bare date-part word.
		t := p.peek()
		if t.Kind != tkIdent {
			p.fail()
		}
		p.next()
		f.Args = append(f.Args, &litExpr{V: strings.ToLower(t.Text)})
		if !p.acceptOp(",") {
			p.fail()
		}
	}
	for {
		f.Args = append(f.Args, p.expr())
		if !p.acceptOp(",") {
			break
		}
	}
	p.expectOp(")")
	return f
}

func (p *parser) caseExpr() expr {
	c := &caseExpr{}
	if !p.peek().is("WHEN") {
		c.Operand = p.expr()
	}
	for p.accept("WHEN") {
		w := whenClause{When: p.expr()}
		p.expect("THEN")
		w.Then = p.expr()
		c.Whens = append(c.Whens, w)
	}
	if len(c.Whens) == 0 {
		p.fail()
	}
	if p.accept("ELSE") {
		c.Else = p.expr()
	}
	p.expect("END")
	return c
}
