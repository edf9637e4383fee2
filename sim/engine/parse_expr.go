package engine

import (
	"strconv"
	"strings"
)

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
