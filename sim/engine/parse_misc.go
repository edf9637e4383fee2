package engine

import "strings"

// DECLARE, SET and EXEC.

func (p *parser) declare(a at) stmt {
	s := &declareStmt{at: a}
	for {
		t := p.peek()
		if t.Kind != tkVar {
			p.fail()
		}
		p.next()
		p.accept("AS")
		v := declVar{Name: t.Text, Type: p.dataType()}
		if p.acceptOp("=") {
			v.Init = p.expr()
		}
		s.Vars = append(s.Vars, v)
		if !p.acceptOp(",") {
			return s
		}
	}
}

// dataType parses a type name with optional (n|max) or (p, s).
func (p *parser) dataType() sqlType {
	t := p.peek()
	if t.Kind != tkIdent && t.Kind != tkQIdent {
		p.fail()
	}
	p.next()
	name := strings.ToLower(t.Text)
	st := sqlType{Name: name}
	switch name {
	case "int", "smallint", "tinyint":
		st.T = Int
	case "bigint", "decimal", "numeric", "float", "real", "money":
		st.T = BigInt
	case "bit":
		st.T = Bit
	case "nvarchar", "varchar", "nchar", "char", "sysname", "sql_variant", "uniqueidentifier", "xml", "ntext", "text":
		st.T, st.Size = NVarChar, 30
		if name == "sysname" {
			st.Size = 128
		}
		if name == "sql_variant" || name == "xml" || name == "ntext" || name == "text" {
			st.Size = 0
		}
	case "varbinary", "binary", "image":
		st.T, st.Size = VarBinary, 30
		if name == "image" {
			st.Size = 0
		}
	case "datetime", "datetime2", "date", "smalldatetime", "datetimeoffset", "time":
		st.T = DateTime
	default:
		p.failAt(t)
	}
	if p.acceptOp("(") {
		if p.accept("MAX") {
			st.Size = 0
		} else {
			n := p.intLit()
			if st.T == NVarChar || st.T == VarBinary {
				st.Size = int(n)
			}
			if p.acceptOp(",") {
				p.intLit()
			}
		}
		p.expectOp(")")
	} else if (name == "nchar" || name == "char" || name == "binary") && st.Size == 30 {
		st.Size = 1
	}
	return st
}

func (p *parser) set(a at) stmt {
	t := p.peek()
	if t.Kind == tkVar {
		p.next()
		s := &setVarStmt{at: a, Name: t.Text}
		p.expectOp("=")
		s.X = p.expr()
		return s
	}
	if t.Kind != tkIdent {
		p.fail()
	}
	s := &setOptionStmt{at: a}
	switch strings.ToUpper(t.Text) {
	case "TEXTSIZE", "LOCK_TIMEOUT", "DATEFIRST", "ROWCOUNT", "QUERY_GOVERNOR_COST_LIMIT":
		p.next()
		s.Options = []string{strings.ToUpper(t.Text)}
		p.acceptOp("-")
		if p.peek().Kind == tkNumber || p.peek().Kind == tkVar {
			p.next()
		} else {
			p.fail()
		}
		return s
	case "LANGUAGE", "DATEFORMAT", "DEADLOCK_PRIORITY":
		p.next()
		s.Options = []string{strings.ToUpper(t.Text)}
		nt := p.peek()
		if nt.Kind == tkIdent || nt.Kind == tkQIdent || nt.Kind == tkString || nt.Kind == tkNumber || nt.Kind == tkVar {
			p.next()
		} else {
			p.fail()
		}
		return s
	case "TRANSACTION":
		p.next()
		p.expect("ISOLATION")
		p.expect("LEVEL")
		for p.peek().Kind == tkIdent && !startsStatement(p.peek()) {
			p.next()
		}
		s.Options = []string{"TRANSACTION ISOLATION LEVEL"}
		return s
	}
	for {
		o := p.peek()
		if o.Kind != tkIdent || isReserved(o) {
			p.fail()
		}
		p.next()
		s.Options = append(s.Options, strings.ToUpper(o.Text))
		if !p.acceptOp(",") {
			break
		}
	}
	s.On = p.onOff()
	return s
}

func (p *parser) exec(a at) stmt {
	s := &execStmt{at: a}
	if p.acceptOp("(") {
		s.Dynamic = p.expr()
		for p.acceptOp("+") {
			s.Dynamic = &binExpr{Op: "+", L: s.Dynamic, R: p.expr()}
		}
		p.expectOp(")")
		return s
	}
	if p.peek().Kind == tkVar && p.peekAt(1).isOp("=") {
		p.next() // EXEC @rc = proc: the return code is not kept
		p.next()
	}
	start := p.peek()
	if start.Kind == tkVar {
		p.fail()
	}
	parts := p.multiName(3)
	s.Proc = strings.Join(parts, ".")
	for {
		nt := p.peek()
		if nt.Kind == tkEOF || nt.isOp(";") || startsStatement(nt) {
			return s
		}
		var arg execArg
		if nt.Kind == tkVar && p.peekAt(1).isOp("=") {
			p.next()
			p.next()
			arg.Name = nt.Text
		}
		if p.peek().Kind == tkIdent && !isReserved(p.peek()) && !p.peekAt(1).isOp("(") {
			// Bare words are string arguments in EXEC (EXEC sp_x abc).
			w := p.next()
			arg.X = &litExpr{V: w.Text}
		} else {
			arg.X = p.expr()
		}
		if p.accept("OUTPUT") || p.accept("OUT") {
			arg.Output = true
		}
		s.Args = append(s.Args, arg)
		if !p.acceptOp(",") {
			return s
		}
	}
}
