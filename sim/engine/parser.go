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
		p.fail()
	case "DROP":
		p.next()
		return p.drop(a)
	case "BACKUP":
		p.next()
		return p.backupCert(a)
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
			return &tranStmt{at: a}
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
	case "COMMIT", "ROLLBACK":
		p.next()
		if p.accept("TRAN") || p.accept("TRANSACTION") || p.accept("WORK") {
			if isIdentTok(p.peek()) && !startsStatement(p.peek()) {
				p.next()
			}
		}
		return &tranStmt{at: a}
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
			return s // rethrow form; only meaningful in CATCH, which is not supported
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
			p.expr()
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
	case "USE", "CREATE", "ALTER", "DROP", "BACKUP", "GRANT", "REVOKE", "IF", "BEGIN",
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

func (p *parser) create(a at) stmt {
	switch {
	case p.accept("MASTER"):
		p.expect("KEY")
		s := &createMasterKeyStmt{at: a}
		p.expect("ENCRYPTION")
		p.expect("BY")
		p.expect("PASSWORD")
		p.expectOp("=")
		s.Password = p.stringLit()
		return s
	case p.accept("CERTIFICATE"):
		return p.createCert(a)
	case p.accept("ENDPOINT"):
		return p.endpoint(a, false)
	case p.accept("LOGIN"):
		return p.createLogin(a)
	case p.accept("USER"):
		return p.createUser(a)
	}
	p.fail()
	return nil
}

func (p *parser) drop(a at) stmt {
	switch {
	case p.accept("MASTER"):
		p.expect("KEY")
		return &dropMasterKeyStmt{at: a}
	case p.accept("CERTIFICATE"):
		return &dropCertStmt{at: a, Name: p.ident()}
	case p.accept("ENDPOINT"):
		return &dropEndpointStmt{at: a, Name: p.ident()}
	case p.accept("LOGIN"):
		return &dropLoginStmt{at: a, Name: p.ident()}
	case p.accept("USER"):
		s := &dropUserStmt{at: a}
		if p.peek().is("IF") && p.peekAt(1).is("EXISTS") {
			p.next()
			p.next()
			s.IfExists = true
		}
		s.Name = p.ident()
		return s
	}
	p.fail()
	return nil
}

func (p *parser) passwordClause() string {
	p.expect("BY")
	p.expect("PASSWORD")
	p.expectOp("=")
	return p.stringLit()
}

func (p *parser) createCert(a at) stmt {
	s := &createCertStmt{at: a, Name: p.ident()}
	if p.accept("AUTHORIZATION") {
		s.Owner = p.ident()
	}
	if p.accept("FROM") {
		p.accept("EXECUTABLE")
		switch {
		case p.accept("FILE"):
			p.expectOp("=")
			f := p.stringLit()
			s.FromFile = &f
		case p.accept("BINARY"):
			p.expectOp("=")
			t := p.peek()
			if t.Kind != tkBinary {
				p.fail()
			}
			p.next()
			s.FromBinary, s.HasBinary = t.Bin, true
		default:
			p.fail()
		}
		if p.accept("WITH") {
			if p.accept("FORMAT") {
				p.expectOp("=")
				p.stringLit()
				p.expectOp(",")
			}
			p.expect("PRIVATE")
			p.expect("KEY")
			p.expectOp("(")
			for {
				switch o := p.optionName(); {
				case o.is("FILE"):
					p.expectOp("=")
					f := p.stringLit()
					s.PrivKeyFile = &f
				case o.is("DECRYPTION"):
					pw := p.passwordClause()
					s.PrivKeyPwd = &pw
				case o.is("ENCRYPTION"):
					pw := p.passwordClause()
					s.Password = &pw
				default:
					p.failAt(o)
				}
				if !p.acceptOp(",") {
					break
				}
			}
			p.expectOp(")")
		}
	} else {
		if p.accept("ENCRYPTION") {
			pw := p.passwordClause()
			s.Password = &pw
		}
		p.expect("WITH")
		for {
			o := p.optionName()
			p.expectOp("=")
			v := p.stringLit()
			switch {
			case o.is("SUBJECT"):
				s.Subject = &v
			case o.is("START_DATE"):
				s.StartDate = &v
			case o.is("EXPIRY_DATE"):
				s.ExpiryDate = &v
			default:
				p.failAt(o)
			}
			if !p.acceptOp(",") {
				break
			}
		}
		if s.Subject == nil {
			p.fail()
		}
		if s.Password == nil && p.accept("ENCRYPTION") {
			pw := p.passwordClause()
			s.Password = &pw
		}
	}
	if p.accept("ACTIVE") {
		p.expect("FOR")
		p.expect("BEGIN_DIALOG")
		p.expectOp("=")
		if !p.accept("ON") && !p.accept("OFF") {
			p.fail()
		}
	}
	return s
}

func (p *parser) backupCert(a at) stmt {
	p.expect("CERTIFICATE")
	s := &backupCertStmt{at: a, Name: p.ident()}
	p.expect("TO")
	p.expect("FILE")
	p.expectOp("=")
	s.File = p.stringLit()
	if p.accept("WITH") {
		p.expect("PRIVATE")
		p.expect("KEY")
		p.expectOp("(")
		for {
			switch o := p.optionName(); {
			case o.is("FILE"):
				p.expectOp("=")
				f := p.stringLit()
				s.PrivFile = &f
			case o.is("ENCRYPTION"):
				pw := p.passwordClause()
				s.PrivPwd = &pw
			case o.is("DECRYPTION"):
				pw := p.passwordClause()
				s.PrivDecPwd = &pw
			default:
				p.failAt(o)
			}
			if !p.acceptOp(",") {
				break
			}
		}
		p.expectOp(")")
		if s.PrivFile == nil || s.PrivPwd == nil {
			p.fail()
		}
	}
	return s
}

func (p *parser) createLogin(a at) stmt {
	s := &createLoginStmt{at: a, Name: p.ident()}
	if p.accept("FROM") {
		p.expect("CERTIFICATE")
		s.FromCert = p.ident()
		return s
	}
	p.expect("WITH")
	for {
		o := p.optionName()
		p.expectOp("=")
		switch {
		case o.is("PASSWORD"):
			t := p.peek()
			if t.Kind == tkBinary {
				p.fail() // hashed passwords are not supported by the simulator
			}
			pw := p.stringLit()
			s.Password = &pw
			for p.accept("MUST_CHANGE") || p.accept("HASHED") {
			}
		case o.is("CHECK_POLICY"), o.is("CHECK_EXPIRATION"):
			v := p.onOff()
			if o.is("CHECK_POLICY") {
				s.CheckPolicy = &v
			} else {
				s.CheckExpiry = &v
			}
		case o.is("DEFAULT_DATABASE"):
			s.DefaultDB = p.ident()
		case o.is("DEFAULT_LANGUAGE"):
			p.ident()
		case o.is("SID"):
			if p.peek().Kind != tkBinary {
				p.fail()
			}
			p.next()
		default:
			p.failAt(o)
		}
		if !p.acceptOp(",") {
			break
		}
	}
	if s.Password == nil {
		p.fail()
	}
	return s
}

func (p *parser) onOff() bool {
	switch {
	case p.accept("ON"):
		return true
	case p.accept("OFF"):
		return false
	}
	p.fail()
	return false
}

func (p *parser) createUser(a at) stmt {
	s := &createUserStmt{at: a, Name: p.ident()}
	switch {
	case p.accept("FOR"), p.accept("FROM"):
		switch {
		case p.accept("LOGIN"):
			s.Login = p.ident()
		case p.accept("CERTIFICATE"):
			s.FromCert = p.ident()
		default:
			p.fail()
		}
	case p.accept("WITHOUT"):
		p.expect("LOGIN")
		s.WithoutLogin = true
	default:
		s.Login = s.Name // CREATE USER x maps to the login of the same name
	}
	if p.accept("WITH") {
		o := p.optionName()
		if !o.is("DEFAULT_SCHEMA") {
			p.failAt(o)
		}
		p.expectOp("=")
		p.ident()
	}
	return s
}

func (p *parser) grant(a at, revoke bool) stmt {
	s := &grantStmt{at: a, Revoke: revoke}
	if revoke && p.accept("GRANT") {
		p.expect("OPTION")
		p.expect("FOR")
	}
	perm := []string{}
	for p.peek().Kind == tkIdent && !p.peek().is("ON") && !p.peek().is("TO") {
		perm = append(perm, strings.ToUpper(p.next().Text))
	}
	if len(perm) == 0 {
		p.fail()
	}
	s.Permission = strings.Join(perm, " ")
	if p.accept("ON") {
		t := p.peek()
		if t.Kind == tkIdent && p.peekAt(1).isOp("::") {
			p.next()
			p.next()
			s.Class = strings.ToUpper(t.Text)
		}
		s.Object = p.ident()
	}
	if !p.accept("TO") && !(revoke && p.accept("FROM")) {
		p.fail()
	}
	s.Grantees = append(s.Grantees, p.ident())
	for p.acceptOp(",") {
		s.Grantees = append(s.Grantees, p.ident())
	}
	if p.accept("WITH") {
		p.expect("GRANT")
		p.expect("OPTION")
	}
	if p.accept("CASCADE") {
	}
	if p.accept("AS") {
		p.ident()
	}
	return s
}

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
