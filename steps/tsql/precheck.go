package tsql

// Pre-checks: conditions an exported script tests on a host before it
// changes anything there, each paired with a message. They look only at
// what that host shows (offline there is nothing else), and stop the
// script with RAISERROR; under sqlcmd's :on error exit that ends the run.

// StopIf returns a statement that raises message (severity 16) when cond
// holds. The message travels as an argument of N'%s', never as the format,
// so a name with % in it is printed as it is.
func StopIf(cond, message string) string {
	return "IF " + cond + "\n    RAISERROR(N'%s', 16, 1, " + QuoteLiteral(message) + ");"
}

// EndpointNotUsingCert holds when a mirroring endpoint exists that does not
// authenticate with certificate cert (Windows authentication only, or
// another certificate): the script would skip CREATE ENDPOINT and leave it.
func EndpointNotUsingCert(cert string) string {
	return "EXISTS (SELECT 1 FROM sys.database_mirroring_endpoints AS e LEFT JOIN sys.certificates AS c ON c.certificate_id = e.certificate_id" +
		"\n    WHERE c.name IS NULL OR c.name <> " + QuoteLiteral(cert) + ")"
}

// EndpointNamedOtherwise holds when the mirroring endpoint has another name
// than name: GRANT CONNECT ON ENDPOINT::name would fail (15151).
func EndpointNamedOtherwise(name string) string {
	return "EXISTS (SELECT 1 FROM sys.database_mirroring_endpoints WHERE name <> " + QuoteLiteral(name) + ")"
}

// CertOutOfDate holds when certificate name exists but is expired or not
// yet valid (dates are UTC in sys.certificates).
func CertOutOfDate(name string) string {
	return "EXISTS (SELECT 1 FROM sys.certificates WHERE name = " + QuoteLiteral(name) +
		"\n    AND (expiry_date <= GETUTCDATE() OR start_date > GETUTCDATE()))"
}

// CertKeyNotByMasterKey holds when certificate name exists but its private
// key is missing or protected by a password: an endpoint cannot use it.
func CertKeyNotByMasterKey(name string) string {
	return "EXISTS (SELECT 1 FROM sys.certificates WHERE name = " + QuoteLiteral(name) + " AND pvt_key_encryption_type <> N'MK')"
}

// PeerCopyUnusable holds when a certificate name exists that cannot be the
// peer's public copy owned by owner: it has a private key, belongs to
// someone else, or has expired.
func PeerCopyUnusable(name, owner string) string {
	return "EXISTS (SELECT 1 FROM sys.certificates AS c LEFT JOIN sys.database_principals AS p ON p.principal_id = c.principal_id" +
		"\n    WHERE c.name = " + QuoteLiteral(name) + " AND (c.pvt_key_encryption_type <> N'NA' OR p.name IS NULL OR p.name <> " + QuoteLiteral(owner) +
		" OR c.expiry_date <= GETUTCDATE()))"
}

// LoginMappedElsewhere holds when login has a master user of another name,
// or user exists for another login (or none): CREATE USER would fail
// (15063 / 15023) or tie the peer's certificate to the wrong login.
func LoginMappedElsewhere(login, user string) string {
	return "EXISTS (SELECT 1 FROM sys.server_principals AS sp JOIN sys.database_principals AS dp ON dp.sid = sp.sid" +
		"\n    WHERE sp.name = " + QuoteLiteral(login) + " AND dp.name <> " + QuoteLiteral(user) + ")" +
		"\n    OR EXISTS (SELECT 1 FROM sys.database_principals AS dp LEFT JOIN sys.server_principals AS sp ON sp.sid = dp.sid" +
		"\n    WHERE dp.name = " + QuoteLiteral(user) + " AND (sp.name IS NULL OR sp.name <> " + QuoteLiteral(login) + "))"
}
