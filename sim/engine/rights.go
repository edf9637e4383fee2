package engine

import "strings"

// Rights: what a login may do, as SQL Server's documented permissions say,
// for the statements of the procedure. sysadmin and CONTROL SERVER may do
// everything; otherwise each statement needs its own permission:
//
//	CREATE/ALTER/DROP/OPEN MASTER KEY      CONTROL on the database
//	CREATE CERTIFICATE                     CREATE CERTIFICATE on the database
//	DROP/BACKUP CERTIFICATE, ALTER AUTH.   CONTROL on the database (covers the certificate's CONTROL / TAKE OWNERSHIP)
//	CREATE ENDPOINT                        CREATE ENDPOINT (ALTER ANY ENDPOINT implies it)
//	ALTER/DROP ENDPOINT, GRANT on one      ALTER ANY ENDPOINT
//	CREATE/DROP LOGIN                      ALTER ANY LOGIN
//	CREATE/DROP USER                       ALTER ANY USER on the database
//	GRANT of a server permission           CONTROL SERVER
//	GRANT on DATABASE::                    CONTROL on the database
//
// Database CONTROL implies every permission on that database. Metadata
// visibility follows too (visibility.go): VIEW ANY DEFINITION shows every
// catalog row, ALTER ANY LOGIN every login, ALTER ANY ENDPOINT every
// endpoint, database CONTROL everything in that database.

// dbPerm is a GRANT on a database to one of its users.
type dbPerm struct {
	grantee int32 // database principal id
	name    string
}

// serverImplied lists, for a server permission, the ones that imply it
// besides CONTROL SERVER.
func serverImplied(perm string) []string {
	if perm == "CREATE ENDPOINT" {
		return []string{"ALTER ANY ENDPOINT"}
	}
	return nil
}

// hasServerPermLocked reports whether login l holds server permission perm
// (or one implying it); mu must be held.
func (in *instance) hasServerPermLocked(l *login, perm string) bool {
	if l == nil {
		return false
	}
	if l.sysadmin {
		return true
	}
	perm = strings.ToUpper(perm)
	want := append([]string{perm, "CONTROL SERVER"}, serverImplied(perm)...)
	for _, p := range in.cat.perms {
		// A grant to public (principal 2) is every login's.
		if p.class != 100 || (p.grantee != l.id && p.grantee != 2) || p.state == "D" {
			continue
		}
		for _, w := range want {
			if p.name == w {
				return true
			}
		}
	}
	return false
}

// hasDBPermLocked reports whether login l holds perm on database d:
// through the server (sysadmin, CONTROL SERVER), or a grant of perm or of
// CONTROL to its user in d. mu must be held.
func (in *instance) hasDBPermLocked(l *login, d *database, perm string) bool {
	if in.hasServerPermLocked(l, "CONTROL SERVER") {
		return true
	}
	if l == nil || d == nil {
		return false
	}
	u := d.principalBySID(l.sid)
	if u == nil {
		return false
	}
	perm = strings.ToUpper(perm)
	for _, p := range d.perms {
		if p.grantee == u.id && (p.name == perm || p.name == "CONTROL") {
			return true
		}
	}
	return false
}

// authorize raises 15247 unless the session's login may run st.
func (r *runner) authorize(st stmt) {
	in := r.s.inst
	in.mu.Lock()
	defer in.mu.Unlock()
	l := in.cat.login(r.s.login)
	d := in.cat.db(r.s.db)
	server := func(p string) bool { return in.hasServerPermLocked(l, p) }
	db := func(p string) bool { return in.hasDBPermLocked(l, d, p) }
	var ok bool
	switch st := st.(type) {
	case *createMasterKeyStmt, *dropMasterKeyStmt, *masterKeyStmt, *dropCertStmt, *backupCertStmt, *alterAuthStmt:
		ok = db("CONTROL")
	case *createCertStmt:
		ok = db("CREATE CERTIFICATE")
	case *endpointStmt:
		ok = server("ALTER ANY ENDPOINT") || !st.Alter && server("CREATE ENDPOINT")
	case *dropEndpointStmt:
		ok = server("ALTER ANY ENDPOINT")
	case *createLoginStmt, *dropLoginStmt:
		ok = server("ALTER ANY LOGIN")
	case *createUserStmt, *dropUserStmt:
		ok = db("ALTER ANY USER")
	case *grantStmt:
		switch st.Class {
		case "ENDPOINT":
			ok = server("ALTER ANY ENDPOINT")
		case "DATABASE":
			ok = db("CONTROL")
		default:
			ok = server("CONTROL SERVER")
		}
	default:
		ok = server("CONTROL SERVER")
	}
	if !ok {
		panic(newErr(15247, txtNoPermission))
	}
}

// grantDatabase runs GRANT/REVOKE perm ON DATABASE::d TO user.
func (r *runner) grantDatabase(st *grantStmt) {
	in := r.s.inst
	in.mu.Lock()
	defer in.mu.Unlock()
	d := in.cat.db(st.Object)
	if d == nil {
		panic(newErr(15151, txtCannotFind, "database", st.Object))
	}
	if cur := r.currentDB(); cur != d {
		// A database grant names the current database.
		panic(newErr(15151, txtCannotFind, "database", st.Object))
	}
	for _, g := range st.Grantees {
		u := d.principal(g)
		if u == nil {
			panic(newErr(15151, txtCannotFind, "user", g))
		}
		d.perms = without(d.perms, func(p *dbPerm) bool { return p.grantee == u.id && p.name == st.Permission })
		if !st.Revoke {
			d.perms = append(d.perms, &dbPerm{grantee: u.id, name: st.Permission})
		}
	}
}

// permsByName answers HAS_PERMS_BY_NAME(securable, class, permission)
// for the server and database classes; other classes answer as the
// server-wide CONTROL SERVER would.
func (s *session) permsByName(a []any) any {
	if len(a) < 3 || a[2] == nil {
		return nil
	}
	in := s.inst
	in.mu.Lock()
	defer in.mu.Unlock()
	l := in.cat.login(s.login)
	perm := strings.ToUpper(toString(a[2]))
	class := "SERVER"
	if a[1] != nil {
		class = strings.ToUpper(toString(a[1]))
	}
	yes := false
	switch class {
	case "SERVER":
		yes = in.hasServerPermLocked(l, perm)
	case "DATABASE":
		name := s.db
		if a[0] != nil {
			name = toString(a[0])
		}
		d := in.cat.db(name)
		if d == nil {
			return nil
		}
		yes = in.hasDBPermLocked(l, d, perm)
	default:
		yes = in.hasServerPermLocked(l, "CONTROL SERVER")
	}
	if yes {
		return int64(1)
	}
	return int64(0)
}

// hasControlServer reports whether the session's login is sysadmin or holds
// CONTROL SERVER.
func (s *session) hasControlServer() bool {
	s.inst.mu.Lock()
	defer s.inst.mu.Unlock()
	return s.inst.hasServerPermLocked(s.inst.cat.login(s.login), "CONTROL SERVER")
}
