package engine

import "strings"

// endpoint parses CREATE ENDPOINT / ALTER ENDPOINT (after the ENDPOINT keyword).
//
//	name [AUTHORIZATION login] [STATE = STARTED|STOPPED|DISABLED]
//	[AS TCP (LISTENER_PORT = n [, LISTENER_IP = ALL | (ip)])]
//	[FOR DATABASE_MIRRORING (...) | FOR SERVICE_BROKER (...) | FOR TSQL ()]
func (p *parser) endpoint(a at, alter bool) stmt {
	s := &endpointStmt{at: a, Alter: alter, Name: p.ident()}
	if p.accept("AUTHORIZATION") {
		s.Owner = p.ident()
	}
	if p.peek().is("STATE") {
		p.next()
		p.expectOp("=")
		s.State = p.keywordOf("STARTED", "STOPPED", "DISABLED")
	}
	hasAs := false
	if p.accept("AS") {
		hasAs = true
		p.expect("TCP")
		p.expectOp("(")
		for {
			o := p.optionName()
			p.expectOp("=")
			switch {
			case o.is("LISTENER_PORT"):
				n := p.intLit()
				s.Port = &n
			case o.is("LISTENER_IP"):
				ip := ""
				if p.accept("ALL") {
					ip = "ALL"
				} else {
					p.expectOp("(")
					t := p.next()
					switch t.Kind {
					case tkNumber, tkString:
						ip = t.Text
					default:
						p.failAt(t)
					}
					p.expectOp(")")
				}
				s.IP = &ip
			default:
				p.failAt(o)
			}
			if !p.acceptOp(",") {
				break
			}
		}
		p.expectOp(")")
	}
	if !alter && (!hasAs || s.Port == nil) {
		p.fail()
	}
	if p.accept("FOR") {
		s.Payload = p.keywordOf("DATABASE_MIRRORING", "SERVICE_BROKER", "TSQL")
		p.expectOp("(")
		if s.Payload != "TSQL" {
			p.payloadOptions(s)
		}
		p.expectOp(")")
		if !alter && s.Payload == "DATABASE_MIRRORING" && s.Role == "" {
			p.fail() // ROLE is not optional when the endpoint is created
		}
	} else if !alter {
		p.fail()
	}
	return s
}

func (p *parser) payloadOptions(s *endpointStmt) {
	first := true
	for {
		if !first {
			p.acceptOp(",") // the commas between these options are optional
		}
		if p.peek().isOp(")") {
			if first {
				p.fail()
			}
			return
		}
		first = false
		o := p.optionName()
		p.expectOp("=")
		switch {
		case o.is("AUTHENTICATION"):
			s.Auth = p.authSpec()
		case o.is("ENCRYPTION"):
			s.Encryption = p.keywordOf("DISABLED", "SUPPORTED", "REQUIRED")
			if s.Encryption != "DISABLED" && p.accept("ALGORITHM") {
				alg := p.keywordOf("AES", "RC4")
				if p.peek().is("AES") || p.peek().is("RC4") {
					second := p.keywordOf("AES", "RC4")
					if second == alg {
						p.fail()
					}
					alg += " " + second
				}
				s.Algorithm = alg
			}
		case o.is("ROLE") && s.Payload == "DATABASE_MIRRORING":
			s.Role = p.keywordOf("ALL", "PARTNER", "WITNESS")
		case s.Payload == "SERVICE_BROKER" && (o.is("MESSAGE_FORWARDING") || o.is("MESSAGE_FORWARD_SIZE")):
			p.next()
		default:
			p.failAt(o)
		}
	}
}

// authSpec parses the value of AUTHENTICATION = in its four forms.
func (p *parser) authSpec() *authSpec {
	a := &authSpec{}
	windows := func() {
		a.HasWin = true
		a.Windows = "NEGOTIATE"
		for _, k := range []string{"NTLM", "KERBEROS", "NEGOTIATE"} {
			if p.accept(k) {
				a.Windows = k
			}
		}
	}
	switch {
	case p.accept("WINDOWS"):
		windows()
		if p.accept("CERTIFICATE") {
			a.Cert = p.ident()
		}
	case p.accept("CERTIFICATE"):
		a.Cert = p.ident()
		a.CertFirst = true
		if p.accept("WINDOWS") {
			windows()
		}
	default:
		p.fail()
	}
	return a
}

// keywordOf consumes one of the given keywords and returns it upper-cased.
func (p *parser) keywordOf(kws ...string) string {
	t := p.peek()
	for _, k := range kws {
		if t.is(k) {
			p.next()
			return strings.ToUpper(k)
		}
	}
	p.fail()
	return ""
}
