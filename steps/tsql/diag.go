package tsql

// Diagnostic SELECTs: read-only queries the operator can run (or the UI can
// show) to see for themselves what the checklist is based on.

// SelectMasterKey shows whether master has a database master key.
func SelectMasterKey() Statement {
	return Statement{Text: "SELECT name, create_date FROM sys.symmetric_keys WHERE name = N'##MS_DatabaseMasterKey##';", Database: Master}
}

// SelectCertificates lists master's certificates with owner and validity.
func SelectCertificates() Statement {
	return Statement{Text: "SELECT c.name, p.name AS owner, c.pvt_key_encryption_type_desc, c.subject, c.start_date, c.expiry_date, c.thumbprint\n" +
		"FROM sys.certificates AS c LEFT JOIN sys.database_principals AS p ON p.principal_id = c.principal_id\n" +
		"WHERE c.name NOT LIKE N'##%';", Database: Master}
}

// SelectEndpoint shows the mirroring endpoint, its port and certificate.
func SelectEndpoint() Statement {
	return Statement{Text: "SELECT e.name, e.state_desc, e.role_desc, e.connection_auth_desc, c.name AS certificate, e.encryption_algorithm_desc, t.port\n" +
		"FROM sys.database_mirroring_endpoints AS e JOIN sys.tcp_endpoints AS t ON t.endpoint_id = e.endpoint_id\n" +
		"LEFT JOIN sys.certificates AS c ON c.certificate_id = e.certificate_id;", Database: Master}
}

// SelectLoginsAndUsers shows each SQL login with the master user mapped to it.
func SelectLoginsAndUsers() Statement {
	return Statement{Text: "SELECT sp.name AS login, dp.name AS [user]\n" +
		"FROM sys.server_principals AS sp LEFT JOIN sys.database_principals AS dp ON dp.sid = sp.sid\n" +
		"WHERE sp.type = 'S';", Database: Master}
}

// SelectConnectGrants lists who may connect to the mirroring endpoint.
func SelectConnectGrants() Statement {
	return Statement{Text: "SELECT e.name AS endpoint, g.name AS grantee, p.state_desc\n" +
		"FROM sys.server_permissions AS p JOIN sys.database_mirroring_endpoints AS e ON e.endpoint_id = p.major_id\n" +
		"JOIN sys.server_principals AS g ON g.principal_id = p.grantee_principal_id\n" +
		"WHERE p.class_desc = N'ENDPOINT' AND p.permission_name = N'CONNECT';", Database: Master}
}

// SelectCertEncoded reads the public DER of certificate name, the bytes the
// in-band transfer copies to the peers.
func SelectCertEncoded(name string) Statement {
	return Statement{Text: "SELECT CERTENCODED(CERT_ID(" + QuoteLiteral(name) + ")) AS encoded;", Database: Master}
}

// SelectMirroringSessions shows mirroring sessions that use the endpoint,
// which is what an ALTER ENDPOINT could disturb.
func SelectMirroringSessions() Statement {
	return Statement{Text: "SELECT DB_NAME(database_id) AS database_name, mirroring_role_desc, mirroring_state_desc, mirroring_partner_name, mirroring_witness_name\n" +
		"FROM sys.database_mirroring WHERE mirroring_guid IS NOT NULL;", Database: Master}
}
