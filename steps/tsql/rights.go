package tsql

// Right is one permission the state read checks with HAS_PERMS_BY_NAME.
// HAS_PERMS_BY_NAME follows the permission hierarchy (CONTROL SERVER
// implies every one of these), and exists in every version from 2005 on.
type Right struct {
	Name string // the permission, e.g. "ALTER ANY LOGIN"
	// OnMaster marks a permission on database master rather than the server.
	OnMaster bool
}

// RightsChecked are the permissions the procedure needs, in the order the
// state query reads them: seeing every object it checks (VIEW ANY
// DEFINITION), creating the peers' logins, creating and altering the
// endpoint and granting CONNECT on it (ALTER ANY ENDPOINT implies CREATE
// ENDPOINT), and in master the master key, certificates and users (CONTROL
// on the database implies CREATE CERTIFICATE and ALTER ANY USER).
func RightsChecked() []Right {
	return []Right{
		{Name: "VIEW ANY DEFINITION"},
		{Name: "ALTER ANY LOGIN"},
		{Name: "ALTER ANY ENDPOINT"},
		{Name: "CONTROL", OnMaster: true},
	}
}

// Expr is the HAS_PERMS_BY_NAME call that reads r for the connected login.
func (r Right) Expr() string {
	if r.OnMaster {
		return "HAS_PERMS_BY_NAME(N'master', N'DATABASE', " + QuoteLiteral(r.Name) + ")"
	}
	return "HAS_PERMS_BY_NAME(NULL, NULL, " + QuoteLiteral(r.Name) + ")"
}

// Grant says how a sysadmin gives login right r: the statement for a
// server permission; for one on master, the grant to the login's user
// there, which must exist first.
func (r Right) Grant(login string) string {
	if r.OnMaster {
		return "in master: GRANT " + r.Name + " ON DATABASE::[master] TO <the user of " + QuoteIdent(login) +
			" in master> (CREATE USER " + QuoteIdent(login) + " FOR LOGIN " + QuoteIdent(login) + " first if it has none)"
	}
	return "GRANT " + r.Name + " TO " + QuoteIdent(login) + ";"
}
