package tsql

import "strings"

// This file holds the read-only batch the session sends to learn a host's
// whole state in one round trip. It lives here because tsql is the only place
// the product writes SQL text.

// State result sets, in the order StateQuery returns them. File probes follow
// as one result set each, in the order of the paths given.
const (
	StateSetServer       = iota // product_version, server_name, collation, master_collation, login_name, is_sysadmin, then one column per RightsChecked entry
	StateSetMasterKey           // master_key (count)
	StateSetCertificates        // name, certificate_id, owner, pvt_key_encryption_type, subject, start_date, expiry_date, thumbprint[, encoded]
	StateSetEndpoint            // name, endpoint_id, state_desc, role_desc, connection_auth_desc, cert_name, is_encryption_enabled, encryption_algorithm_desc, port
	StateSetLogins              // name, sid
	StateSetUsers               // name, sid, login_name
	StateSetGrants              // grantee, major_id
	StateSetCount               // number of fixed result sets
)

// StateQuery returns the batch that reads everything steps.State holds.
// withEncoded adds CERTENCODED for every certificate, which needs SQL Server
// 2012 (11.x) or later; an older server rejects the whole batch, so the session
// retries once without it. filesToProbe adds one xp_fileexist call per path.
func StateQuery(withEncoded bool, filesToProbe []string) string {
	var b strings.Builder
	b.WriteString("SET NOCOUNT ON;\n")
	b.WriteString("SELECT CAST(SERVERPROPERTY('ProductVersion') AS nvarchar(128)) AS product_version, @@SERVERNAME AS server_name" +
		", CAST(SERVERPROPERTY('Collation') AS nvarchar(128)) AS collation" +
		", (SELECT collation_name FROM master.sys.databases WHERE database_id = 1) AS master_collation" +
		", SUSER_SNAME() AS login_name, IS_SRVROLEMEMBER('sysadmin') AS is_sysadmin")
	for _, r := range RightsChecked() {
		b.WriteString(", " + r.Expr())
	}
	b.WriteString(";\n")
	b.WriteString("SELECT COUNT(*) AS master_key FROM master.sys.symmetric_keys WHERE name = N'##MS_DatabaseMasterKey##';\n")
	b.WriteString("SELECT c.name, c.certificate_id, dp.name AS owner, c.pvt_key_encryption_type, c.subject, c.start_date, c.expiry_date, c.thumbprint")
	if withEncoded {
		b.WriteString(", CERTENCODED(c.certificate_id) AS encoded")
	}
	b.WriteString(" FROM master.sys.certificates AS c LEFT JOIN master.sys.database_principals AS dp ON dp.principal_id = c.principal_id WHERE c.name NOT LIKE '##%';\n")
	b.WriteString("SELECT e.name, e.endpoint_id, e.state_desc, e.role_desc, e.connection_auth_desc, c.name AS cert_name, e.is_encryption_enabled, e.encryption_algorithm_desc, t.port" +
		" FROM master.sys.database_mirroring_endpoints AS e JOIN master.sys.tcp_endpoints AS t ON t.endpoint_id = e.endpoint_id" +
		" LEFT JOIN master.sys.certificates AS c ON c.certificate_id = e.certificate_id;\n")
	b.WriteString("SELECT name, sid FROM master.sys.server_principals WHERE type = 'S';\n")
	b.WriteString("SELECT dp.name, dp.sid, sp.name AS login_name FROM master.sys.database_principals AS dp LEFT JOIN master.sys.server_principals AS sp ON sp.sid = dp.sid;\n")
	b.WriteString("SELECT sp.name, p.major_id FROM master.sys.server_permissions AS p JOIN master.sys.server_principals AS sp ON sp.principal_id = p.grantee_principal_id" +
		" WHERE p.class_desc = 'ENDPOINT' AND p.permission_name = 'CONNECT' AND p.state IN ('G', 'W');\n")
	for _, f := range filesToProbe {
		b.WriteString("EXEC master.sys.xp_fileexist " + QuoteLiteral(f) + ";\n")
	}
	return b.String()
}
