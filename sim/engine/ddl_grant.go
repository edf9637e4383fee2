package engine

// GRANT and REVOKE on endpoints, logins and the server.

func (r *runner) grant(st *grantStmt) {
	in := r.s.inst
	in.mu.Lock()
	defer in.mu.Unlock()
	c := in.cat
	if d := r.currentDB(); d.id != 1 {
		// Endpoints, logins and the server are server-scope securables:
		// SQL Server grants on them only from master.
		panic(newErr(4621, "Permissions at the server scope can only be granted when the current database is master"))
	}
	class, major := int32(100), int32(0)
	switch st.Class {
	case "ENDPOINT":
		e := c.endpoint(st.Object)
		if e == nil {
			panic(newErr(15151, txtCannotFind, "endpoint", st.Object))
		}
		class, major = 105, e.id
		switch st.Permission {
		case "CONNECT", "ALTER", "CONTROL", "TAKE OWNERSHIP", "VIEW DEFINITION":
		default:
			panic(newErr(102, txtSyntax, st.Permission))
		}
	case "LOGIN":
		l := c.login(st.Object)
		if l == nil {
			panic(newErr(15151, txtCannotFind, "login", st.Object))
		}
		class, major = 101, l.id
	case "":
		if st.Object != "" {
			panic(newErr(15151, txtCannotFind, "object", st.Object))
		}
	default:
		panic(newErr(102, txtSyntax, st.Class))
	}
	var grantees []*login
	for _, g := range st.Grantees {
		l := c.login(g)
		if l == nil {
			panic(newErr(15151, txtCannotFind, "login", g))
		}
		grantees = append(grantees, l)
	}
	grantor := int32(1)
	if l := c.login(r.s.login); l != nil {
		grantor = l.id
	}
	typ := permType(st.Permission)
	for _, l := range grantees {
		var existing *serverPerm
		idx := -1
		for i, p := range c.perms {
			if p.class == class && p.majorID == major && p.grantee == l.id && p.name == st.Permission {
				existing, idx = p, i
			}
		}
		if st.Revoke {
			if idx >= 0 {
				c.perms = append(c.perms[:idx:idx], c.perms[idx+1:]...)
			}
			continue
		}
		if existing == nil {
			c.perms = append(c.perms, &serverPerm{class: class, majorID: major, grantee: l.id, grantor: grantor, typ: typ, name: st.Permission, state: "G"})
		}
	}
}

func permType(name string) string {
	switch name {
	case "CONNECT":
		return "CO"
	case "ALTER":
		return "AL"
	case "CONTROL":
		return "CL"
	case "TAKE OWNERSHIP":
		return "TO"
	case "VIEW DEFINITION":
		return "VW"
	case "CONNECT SQL":
		return "COSQ"
	case "VIEW SERVER STATE":
		return "VWSS"
	case "VIEW ANY DATABASE":
		return "VWDB"
	case "CONTROL SERVER":
		return "CL"
	case "VIEW ANY DEFINITION":
		return "VWAD"
	case "ALTER ANY LOGIN":
		return "ALLG"
	case "ALTER ANY ENDPOINT":
		return "ALHE"
	case "CREATE ENDPOINT":
		return "CRHE"
	case "CREATE CERTIFICATE":
		return "CRCF"
	case "ALTER ANY USER":
		return "ALUS"
	}
	if len(name) > 4 {
		return name[:4]
	}
	return name
}
