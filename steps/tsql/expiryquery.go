package tsql

// Expiry inventory result sets, in the order ExpiryQuery returns them.
const (
	ExpirySetServer       = iota // server_name
	ExpirySetCertificates        // name, certificate_id, owner, owner_login, pvt_key_encryption_type, expiry_date, thumbprint
	ExpirySetEndpoints           // endpoint name, certificate_id (certificate-authenticated endpoints only)
	ExpirySetCount
)

// ExpiryQuery is the one batch `mirrorcert expiry` sends to each instance:
// the certificates of master (without the ##MS_ built-ins) with their owners,
// and the certificate the mirroring endpoint authenticates with (Service
// Broker endpoints are not part of mirroring). It changes nothing, and reads
// only what VIEW ANY DEFINITION (or sysadmin) shows.
func ExpiryQuery() string {
	return "SET NOCOUNT ON;\n" +
		"SELECT @@SERVERNAME AS server_name;\n" +
		"SELECT c.name, c.certificate_id, dp.name AS owner, sp.name AS owner_login, c.pvt_key_encryption_type, c.expiry_date, c.thumbprint" +
		" FROM master.sys.certificates AS c" +
		" LEFT JOIN master.sys.database_principals AS dp ON dp.principal_id = c.principal_id" +
		" LEFT JOIN master.sys.server_principals AS sp ON sp.sid = dp.sid" +
		" WHERE c.name NOT LIKE '##%';\n" +
		"SELECT e.name, e.certificate_id FROM master.sys.database_mirroring_endpoints AS e WHERE e.certificate_id <> 0;\n"
}

// Registered-server result sets of RegisteredServersQuery.
const (
	CMSSetGroups  = iota // server_group_id, name, parent_id
	CMSSetServers        // server_group_id, name, server_name
	CMSSetCount
)

// RegisteredServersQuery reads a Central Management Server's shared
// registered servers and their groups from msdb, as SSMS does. Only the
// Database Engine's servers (server_type 0) are read.
func RegisteredServersQuery() string {
	return "SET NOCOUNT ON;\n" +
		"SELECT g.server_group_id, g.name, g.parent_id FROM msdb.dbo.sysmanagement_shared_server_groups AS g WHERE g.server_type = 0;\n" +
		"SELECT s.server_group_id, s.name, s.server_name FROM msdb.dbo.sysmanagement_shared_registered_servers AS s WHERE s.server_type = 0;\n"
}

// Live result sets of LiveQuery.
const (
	LiveSetConnections = iota // is_accept, principal_name, peer_certificate_id, state_desc
	LiveSetMirroring          // database name, mirroring_state_desc, mirroring_partner_name
	LiveSetCount
)

// LiveQuery reads the running mirroring connections and sessions of an
// instance: who is connected, authenticated by which certificate, and
// whether each mirrored database is synchronized. Rotation verifies with it.
func LiveQuery() string {
	return "SET NOCOUNT ON;\n" +
		"SELECT c.is_accept, c.principal_name, c.peer_certificate_id, c.state_desc FROM sys.dm_db_mirroring_connections AS c;\n" +
		"SELECT DB_NAME(m.database_id) AS database_name, m.mirroring_state_desc, m.mirroring_partner_name FROM sys.database_mirroring AS m WHERE m.mirroring_guid IS NOT NULL;\n"
}
