package engine

import (
	"strconv"
	"strings"
)

// parser is a recursive-descent parser over a token slice. Syntax errors are
// raised by panicking with a *parseError and recovered in parseBatch only, so
// the grammar code stays readable; any other panic is a bug the fuzz test finds.
type parser struct {
	toks  []token
	i     int
	depth int
}

// maxDepth bounds nesting so that hostile input cannot exhaust the stack;
// SQL Server has a similar limit (error 191).
const maxDepth = 500

// enter counts one level of nesting; callers defer p.leave().
func (p *parser) enter() {
	p.depth++
	if p.depth > maxDepth {
		panic(&parseError{errf(191, p.peek().Line, "Some part of your SQL statement is nested too deeply. Rewrite the query or break it up into smaller queries.")})
	}
}

func (p *parser) leave() { p.depth-- }

type parseError struct{ msg Message }

// parseBatch parses a whole batch. A batch that does not parse runs nothing.
func parseBatch(src string) (stmts []stmt, perr *Message) {
	toks, lerr := lex(src)
	if lerr != nil {
		return nil, &lerr.msg
	}
	p := &parser{toks: toks}
	defer func() {
		if r := recover(); r != nil {
			pe, ok := r.(*parseError)
			if !ok {
				panic(r)
			}
			stmts, perr = nil, &pe.msg
		}
	}()
	for {
		for p.peek().isOp(";") {
			p.next()
		}
		if p.peek().Kind == tkEOF {
			return stmts, nil
		}
		// The first statement of a batch may call a procedure without EXEC.
		if t := p.peek(); len(stmts) == 0 && t.Kind == tkIdent && !isReserved(t) && !startsStatement(t) && !isStatementWord(t) {
			stmts = append(stmts, p.exec(at{Line: t.Line}))
			continue
		}
		stmts = append(stmts, p.statement())
	}
}

// isStatementWord reports words that begin statements without being reserved.
func isStatementWord(t token) bool {
	return t.is("THROW") || t.is("RAISERROR")
}

func (p *parser) peek() token { return p.toks[p.i] }

func (p *parser) peekAt(n int) token {
	if p.i+n < len(p.toks) {
		return p.toks[p.i+n]
	}
	return p.toks[len(p.toks)-1]
}

func (p *parser) next() token {
	t := p.toks[p.i]
	if t.Kind != tkEOF {
		p.i++
	}
	return t
}

// fail raises the syntax error SQL Server reports for the token at hand: 156
// for a reserved keyword, 102 otherwise; at the end of the batch it names the
// last token.
func (p *parser) fail() {
	t := p.peek()
	if t.Kind == tkEOF && p.i > 0 {
		t = p.toks[p.i-1]
	}
	p.failAt(t)
}

func (p *parser) failAt(t token) {
	if isReserved(t) {
		panic(&parseError{errf(156, t.Line, txtSyntaxKeyword, t.Raw)})
	}
	raw := t.Raw
	switch t.Kind {
	case tkEOF:
		raw = ""
	case tkString:
		raw = t.Text // SQL Server names a string by its contents
	}
	panic(&parseError{errf(102, t.Line, txtSyntax, raw)})
}

// accept consumes the keyword kw if it is next.
func (p *parser) accept(kw string) bool {
	if p.peek().is(kw) {
		p.next()
		return true
	}
	return false
}

func (p *parser) acceptOp(op string) bool {
	if p.peek().isOp(op) {
		p.next()
		return true
	}
	return false
}

func (p *parser) expect(kw string) token {
	if !p.peek().is(kw) {
		p.fail()
	}
	return p.next()
}

func (p *parser) expectOp(op string) {
	if !p.acceptOp(op) {
		p.fail()
	}
}

// ident reads one identifier: plain (not reserved) or quoted.
func (p *parser) ident() string {
	t := p.peek()
	if t.Kind == tkQIdent || (t.Kind == tkIdent && !isReserved(t)) {
		p.next()
		return t.Text
	}
	p.fail()
	return ""
}

// isIdentTok reports whether t can be an identifier.
func isIdentTok(t token) bool {
	return t.Kind == tkQIdent || (t.Kind == tkIdent && !isReserved(t))
}

// multiName reads a dotted name of up to n parts (db..name keeps an empty part).
func (p *parser) multiName(n int) []string {
	parts := []string{p.ident()}
	for p.peek().isOp(".") && len(parts) < n {
		p.next()
		if p.peek().isOp(".") && len(parts) < n-1 {
			parts = append(parts, "")
			continue
		}
		parts = append(parts, p.ident())
	}
	return parts
}

// stringLit reads a '...' or N'...' literal.
func (p *parser) stringLit() string {
	t := p.peek()
	if t.Kind != tkString {
		p.fail()
	}
	p.next()
	return t.Text
}

// intLit reads an integer literal.
func (p *parser) intLit() int64 {
	t := p.peek()
	if t.Kind != tkNumber {
		p.fail()
	}
	n, err := strconv.ParseInt(t.Text, 10, 64)
	if err != nil {
		p.fail()
	}
	p.next()
	return n
}

// optionName reads the name in NAME = value, allowing reserved words such as FILE.
func (p *parser) optionName() token {
	t := p.peek()
	if t.Kind != tkIdent {
		p.fail()
	}
	return p.next()
}

// statement parses one statement starting at the current token.
func (p *parser) statement() stmt {
	p.enter()
	defer p.leave()
	t := p.peek()
	a := at{Line: t.Line}
	if t.Kind != tkIdent {
		p.fail()
	}
	switch strings.ToUpper(t.Text) {
	case "USE":
		p.next()
		return &useStmt{at: a, DB: p.ident()}
	case "CREATE":
		p.next()
		return p.create(a)
	case "ALTER":
		p.next()
		if p.accept("ENDPOINT") {
			return p.endpoint(a, true)
		}
		if p.accept("AUTHORIZATION") {
			return p.alterAuthorization(a)
		}
		if p.peek().is("MASTER") {
			p.next()
			p.expect("KEY")
			return p.alterMasterKey(a)
		}
		if p.accept("DATABASE") {
			return p.alterDatabase(a)
		}
		if p.peek().is("AVAILABILITY") {
			p.next()
			p.expect("GROUP")
			return p.alterAG(a)
		}
		p.fail()
	case "DROP":
		p.next()
		return p.drop(a)
	case "BACKUP":
		p.next()
		if p.peek().is("DATABASE") || p.peek().is("LOG") {
			return p.backupDB(a)
		}
		return p.backupCert(a)
	case "RESTORE":
		p.next()
		return p.restore(a)
	case "GRANT", "REVOKE":
		p.next()
		return p.grant(a, strings.EqualFold(t.Text, "REVOKE"))
	case "IF":
		p.next()
		s := &ifStmt{at: a, Cond: p.expr()}
		s.Then = p.body()
		for p.peek().isOp(";") && p.peekAt(1).is("ELSE") {
			p.next()
		}
		if p.accept("ELSE") {
			s.Else = p.body()
		}
		return s
	case "BEGIN":
		p.next()
		if p.accept("TRAN") || p.accept("TRANSACTION") {
			if isIdentTok(p.peek()) && !startsStatement(p.peek()) {
				p.next()
			}
			return &tranStmt{at: a, Op: "BEGIN"}
		}
		if p.accept("TRY") {
			return p.tryCatch(a)
		}
		b := &blockStmt{at: a}
		for {
			for p.acceptOp(";") {
			}
			if p.accept("END") {
				return b
			}
			if p.peek().Kind == tkEOF {
				p.fail()
			}
			b.Body = append(b.Body, p.statement())
		}
	case "OPEN", "CLOSE":
		p.next()
		p.expect("MASTER")
		p.expect("KEY")
		s := &masterKeyStmt{at: a, Op: strings.ToUpper(t.Text)}
		if s.Op == "OPEN" {
			p.expect("DECRYPTION")
			pw := p.passwordClause()
			s.Password = &pw
		}
		return s
	case "COMMIT", "ROLLBACK":
		p.next()
		if p.accept("TRAN") || p.accept("TRANSACTION") || p.accept("WORK") {
			if isIdentTok(p.peek()) && !startsStatement(p.peek()) {
				p.next()
			}
		}
		return &tranStmt{at: a, Op: strings.ToUpper(t.Text)}
	case "PRINT":
		p.next()
		return &printStmt{at: a, X: p.expr()}
	case "DECLARE":
		p.next()
		return p.declare(a)
	case "SET":
		p.next()
		return p.set(a)
	case "SELECT":
		return &selectStmt{at: a, Q: p.selectQuery()}
	case "EXEC", "EXECUTE":
		p.next()
		return p.exec(a)
	case "THROW":
		p.next()
		s := &throwStmt{at: a}
		if p.peek().Kind == tkEOF || p.peek().isOp(";") || startsStatement(p.peek()) {
			return s // rethrow form, for CATCH blocks
		}
		s.Num = p.expr()
		p.expectOp(",")
		s.Msg = p.expr()
		p.expectOp(",")
		s.State = p.expr()
		return s
	case "RAISERROR":
		p.next()
		p.expectOp("(")
		s := &raiserrorStmt{at: a, Msg: p.expr()}
		p.expectOp(",")
		s.Sev = p.expr()
		p.expectOp(",")
		s.State = p.expr()
		for p.acceptOp(",") {
			s.Args = append(s.Args, p.expr())
		}
		p.expectOp(")")
		if p.accept("WITH") {
			p.ident()
			for p.acceptOp(",") {
				p.ident()
			}
		}
		return s
	}
	p.fail()
	return nil
}

// startsStatement reports whether t begins a statement, which ends an
// optional trailing name (BEGIN TRAN name) or a bare alias.
func startsStatement(t token) bool {
	if t.Kind != tkIdent {
		return false
	}
	switch strings.ToUpper(t.Text) {
	case "USE", "CREATE", "ALTER", "DROP", "BACKUP", "RESTORE", "GRANT", "REVOKE", "IF", "BEGIN", "OPEN", "CLOSE",
		"COMMIT", "ROLLBACK", "PRINT", "DECLARE", "SET", "SELECT", "EXEC", "EXECUTE",
		"THROW", "RAISERROR", "ELSE", "END":
		return true
	}
	return false
}

// body parses the statement of an IF or ELSE branch.
func (p *parser) body() stmt {
	for p.acceptOp(";") {
	}
	if p.peek().Kind == tkEOF {
		p.fail()
	}
	return p.statement()
}

// tryCatch parses the rest of BEGIN TRY ... END TRY BEGIN CATCH ... END CATCH.
func (p *parser) tryCatch(a at) stmt {
	s := &tryStmt{at: a}
	block := func(kw string) []stmt {
		var body []stmt
		for {
			for p.acceptOp(";") {
			}
			if p.peek().is("END") && p.peekAt(1).is(kw) {
				p.next()
				p.next()
				return body
			}
			if p.peek().Kind == tkEOF {
				p.fail()
			}
			body = append(body, p.statement())
		}
	}
	s.Try = block("TRY")
	for p.acceptOp(";") {
	}
	p.expect("BEGIN")
	p.expect("CATCH")
	s.Catch = block("CATCH")
	return s
}

// alterMasterKey parses the rest of ALTER MASTER KEY:
// [FORCE] REGENERATE WITH ENCRYPTION BY PASSWORD = '...' |
// {ADD | DROP} ENCRYPTION BY {SERVICE MASTER KEY | PASSWORD = '...'}.
func (p *parser) alterMasterKey(a at) stmt {
	s := &masterKeyStmt{at: a}
	switch {
	case p.accept("FORCE"), p.peek().is("REGENERATE"):
		p.expect("REGENERATE")
		p.expect("WITH")
		p.expect("ENCRYPTION")
		pw := p.passwordClause()
		s.Op, s.Password = "REGENERATE", &pw
		return s
	case p.accept("ADD"):
		s.Op = "ADD"
	case p.accept("DROP"):
		s.Op = "DROP"
	default:
		p.fail()
	}
	p.expect("ENCRYPTION")
	p.expect("BY")
	if p.accept("SERVICE") {
		p.expect("MASTER")
		p.expect("KEY")
		s.BySMK = true
		return s
	}
	p.expect("PASSWORD")
	p.expectOp("=")
	pw := p.stringLit()
	s.Password = &pw
	return s
}
