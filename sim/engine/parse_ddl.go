package engine

import "strings"

// The security DDL statements: CREATE/DROP of master keys, certificates,
// logins and users, BACKUP CERTIFICATE, GRANT and REVOKE.

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
	case p.accept("DATABASE"):
		return p.createDatabase(a)
	case p.peek().is("AVAILABILITY"):
		p.next()
		p.expect("GROUP")
		return p.createAG(a)
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
	case p.accept("DATABASE"):
		return p.dropDatabase(a)
	case p.peek().is("AVAILABILITY"):
		p.next()
		p.expect("GROUP")
		return &dropAGStmt{at: a, Name: p.ident()}
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
			k := p.privateKey()
			s.PrivKeyFile, s.PrivKeyPwd, s.Password = k.file, k.decryption, k.encryption
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
		k := p.privateKey()
		s.PrivFile, s.PrivPwd, s.PrivDecPwd = k.file, k.encryption, k.decryption
		if s.PrivFile == nil || s.PrivPwd == nil {
			p.fail()
		}
	}
	return s
}

// privateKeyOpts are the options of a PRIVATE KEY (...) clause; nil means
// not given.
type privateKeyOpts struct {
	file, encryption, decryption *string
}

// privateKey parses "PRIVATE KEY ( FILE = '...', ENCRYPTION BY PASSWORD =
// '...', DECRYPTION BY PASSWORD = '...' )", options in any order. CREATE
// CERTIFICATE ... FROM FILE and BACKUP CERTIFICATE accept the same clause,
// so they share this parser; each statement checks which options it needs.
func (p *parser) privateKey() privateKeyOpts {
	var k privateKeyOpts
	p.expect("PRIVATE")
	p.expect("KEY")
	p.expectOp("(")
	for {
		switch o := p.optionName(); {
		case o.is("FILE"):
			p.expectOp("=")
			f := p.stringLit()
			k.file = &f
		case o.is("ENCRYPTION"):
			pw := p.passwordClause()
			k.encryption = &pw
		case o.is("DECRYPTION"):
			pw := p.passwordClause()
			k.decryption = &pw
		default:
			p.failAt(o)
		}
		if !p.acceptOp(",") {
			break
		}
	}
	p.expectOp(")")
	return k
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
