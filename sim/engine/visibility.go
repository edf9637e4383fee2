package engine

// Metadata visibility: SQL Server shows a login without sysadmin only the
// catalog rows of securables it owns or holds a permission on. A tool that
// connects with too little permission sees an incomplete picture, not an
// error, and the simulator reproduces that so the product can detect it.

// visibility is what one session may see in one database.
type visibility struct {
	all       bool
	logins    bool // ALTER ANY LOGIN: every server principal
	anyEP     bool // ALTER ANY ENDPOINT: every endpoint
	db        bool // CONTROL on the database: everything in it
	loginID   int32
	userID    int32
	endpoints map[int32]bool // endpoints the login or public may CONNECT to
}

// visibilityLocked works out the session's visibility; mu must be held.
func (in *instance) visibilityLocked(s *session, d *database) visibility {
	l := in.cat.login(s.login)
	if in.hasServerPermLocked(l, "VIEW ANY DEFINITION") {
		return visibility{all: true}
	}
	v := visibility{loginID: -1, userID: 2, endpoints: map[int32]bool{},
		logins: in.hasServerPermLocked(l, "ALTER ANY LOGIN"), anyEP: in.hasServerPermLocked(l, "ALTER ANY ENDPOINT"),
		db: in.hasDBPermLocked(l, d, "CONTROL")}
	if l != nil {
		v.loginID = l.id
		if u := d.principalBySID(l.sid); u != nil {
			v.userID = u.id
		}
	}
	for _, p := range in.cat.perms {
		if p.class == 105 && (p.grantee == v.loginID || p.grantee == 2) {
			v.endpoints[p.majorID] = true
		}
	}
	return v
}

// filter keeps the rows of view that the session may see.
func (v visibility) filter(view string, cols []Column, rows [][]any) [][]any {
	if v.all {
		return rows
	}
	idx := func(name string) int {
		for i, c := range cols {
			if c.Name == name {
				return i
			}
		}
		return -1
	}
	id := func(row []any, col int) int32 {
		if col < 0 || row[col] == nil {
			return -1
		}
		return int32(toInt(row[col]))
	}
	var keep func(row []any) bool
	all := func([]any) bool { return true }
	switch view {
	case "server_principals", "sql_logins":
		pid, typ := idx("principal_id"), idx("type")
		keep = func(r []any) bool { return v.logins || id(r, pid) == v.loginID || id(r, pid) == 1 || r[typ] == "R" }
	case "server_permissions":
		g := idx("grantee_principal_id")
		keep = func(r []any) bool { return id(r, g) == v.loginID || id(r, g) == 2 }
	case "certificates":
		owner := idx("principal_id")
		keep = func(r []any) bool { return id(r, owner) == v.userID }
	case "symmetric_keys":
		keep = func([]any) bool { return false }
	case "database_principals":
		pid, fixed := idx("principal_id"), idx("is_fixed_role")
		keep = func(r []any) bool { return id(r, pid) == v.userID || id(r, pid) < 5 || r[fixed] == true }
	case "database_permissions":
		g := idx("grantee_principal_id")
		keep = func(r []any) bool { return id(r, g) == v.userID || id(r, g) == 0 }
	case "endpoints", "tcp_endpoints", "database_mirroring_endpoints":
		e := idx("endpoint_id")
		keep = func(r []any) bool { return v.anyEP || v.endpoints[id(r, e)] }
	default:
		return rows
	}
	if v.db && (view == "certificates" || view == "symmetric_keys" || view == "database_principals" || view == "database_permissions") {
		keep = all
	}
	var out [][]any
	for _, r := range rows {
		if keep(r) {
			out = append(out, r)
		}
	}
	return out
}
