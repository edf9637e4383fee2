package engine

import (
	"bytes"
	"strings"
)

// ALTER AUTHORIZATION ON CERTIFICATE::name TO principal: hands a certificate
// to another database user. The product sends it to fix a peer
// certificate's owner; connections authenticated by that certificate then
// run as the new owner's login.

type alterAuthStmt struct {
	at
	Class  string // CERTIFICATE, or "" for an object (not simulated)
	Entity string
	To     string
}

// alterAuthorization parses the rest of ALTER AUTHORIZATION ON
// [class::]entity TO { principal | SCHEMA OWNER }.
func (p *parser) alterAuthorization(a at) stmt {
	p.expect("ON")
	s := &alterAuthStmt{at: a}
	if t := p.peek(); t.Kind == tkIdent && p.peekAt(1).isOp("::") {
		p.next()
		p.next()
		s.Class = strings.ToUpper(t.Text)
	}
	s.Entity = p.ident()
	p.expect("TO")
	if p.peek().is("SCHEMA") && p.peekAt(1).is("OWNER") {
		p.next()
		p.next()
		s.To = "SCHEMA OWNER"
		return s
	}
	s.To = p.ident()
	return s
}

func (r *runner) alterAuthorization(st *alterAuthStmt) {
	in := r.s.inst
	in.mu.Lock()
	defer in.mu.Unlock()
	d := r.currentDB()
	if st.Class != "CERTIFICATE" {
		// Only certificates are simulated; name the class as the server
		// would name an object it cannot find.
		what := strings.ToLower(st.Class)
		if what == "" {
			what = "object"
		}
		panic(newErr(15151, txtCannotFind, what, st.Entity))
	}
	c := d.cert(st.Entity)
	if c == nil || c.isBuiltin {
		panic(newErr(15151, txtCannotFind, "certificate", st.Entity))
	}
	if st.To == "SCHEMA OWNER" {
		// SCHEMA OWNER applies to schema-contained objects only.
		panic(newErr(15344, "Ownership change for %s is not supported.", "certificate"))
	}
	u := d.principal(st.To)
	if u == nil {
		panic(newErr(15151, txtCannotFind, "user", st.To))
	}
	if u.typ == "R" || u.typ == "C" || u.typ == "K" || u.typ == "G" || u.noLogin && u.id < 5 {
		panic(newErr(15345, "An entity of type %s cannot be owned by a role, a group, or by principals mapped to certificates or asymmetric keys.", "certificate"))
	}
	if bytes.Equal(u.sid, c.sid) {
		panic(newErr(15345, "An entity of type %s cannot be owned by a role, a group, or by principals mapped to certificates or asymmetric keys.", "certificate"))
	}
	c.ownerID = u.id
}
