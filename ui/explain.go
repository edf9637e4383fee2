package ui

// Explain says, in mirrorcert's words, what error number n usually means
// during endpoint certificate setup and what to do about it, or "" when the
// number is not one the procedure meets. A switch, not a map, so there is no
// package-level state.
func Explain(n int32) string {
	switch n {
	case 15578:
		return "The host already has a database master key. mirrorcert treats that as done; press r to refresh. If you meant a new one, the old key protects existing certificates, so leave it."
	case 15581:
		return "There is no master key to protect the certificate's private key. Run the host's master key step first."
	case 15232:
		return "A certificate with this name, or this very certificate under another name, is already on the host. Press r: if it is the right one the step shows as done; otherwise the detail pane shows the conflict."
	case 7862:
		return "The host already has a database mirroring endpoint, and an instance can have only one. It must be reused (ALTER ENDPOINT), not created again; press r to see it as a conflict with its fix."
	case 7874:
		return "Another endpoint already listens on this port. Choose another port in the plan, or reuse the endpoint that owns it."
	case 15025:
		return "The login already exists. Press r: if it is the peer's login the step shows as done."
	case 15023:
		return "A user with this name already exists in master. Press r to see whether it is mapped to the right login."
	case 15063:
		return "The login is already mapped to another user in master. Use that user, or drop the other mapping yourself after checking who relies on it."
	case 15007:
		return "The login the user should map to does not exist. Run the host's login step for that peer first."
	case 15151:
		return "An object the statement names is missing: usually a step it depends on has not run on this host yet (endpoint, login, user or certificate)."
	case 15247:
		return "The login mirrorcert connected with lacks the permission. Connect as a member of sysadmin (or with CONTROL SERVER)."
	case 15208:
		return "The certificate file is missing, unreadable by the SQL Server service account, or not a certificate. Check the path as the server sees it, and that the copy finished."
	case 15240:
		return "The backup file already exists. BACKUP CERTIFICATE never overwrites: remove or rename the old file after checking it is not needed."
	case 15246:
		return "The certificate has no private key here, so only its public part can be backed up."
	case 15297:
		return "The certificate bytes are not a valid certificate. Press r to read the peer's certificate again."
	case 15116:
		return "The password is too short for the operating system's password policy. Use a longer one, or let mirrorcert generate one."
	case 15117:
		return "The password is too long for the operating system's password policy."
	case 15118:
		return "The password is not complex enough for the operating system's policy. Mix upper and lower case, digits and symbols, or let mirrorcert generate one."
	case 15580:
		return "The master key still protects a certificate, so it cannot be dropped. Nothing in this procedure needs it dropped."
	case 18456:
		return "Login failed: wrong user name or password, or SQL authentication is disabled on the server. Check MIRRORCERT_PASSWORD_<HOST> or SQLCMDPASSWORD."
	case 102:
		return "The server could not parse the statement. This is a bug in mirrorcert's T-SQL for this server version; please report it with the statement shown above."
	case 156:
		return "The server could not parse the statement near a keyword. This is a bug in mirrorcert's T-SQL for this server version; please report it."
	case 208:
		return "A system view is missing: the server is older than mirrorcert supports, or the connection is not in master."
	case 1418:
		return "The partner's address could not be reached. With certificates this is usually a security failure, not the network: the endpoint drops bad handshakes silently. Read both error logs (xp_readerrorlog)."
	case 1456:
		return "The witness could not be reached: usually its login or CONNECT grant for this host is missing."
	case 28034:
		return "A peer's login has no CONNECT permission on this endpoint."
	case 28035:
		return "The certificate a peer presented does not match the copy stored here."
	case 28045:
		return "The certificate a peer presented does not match the copy stored here."
	case 28036:
		return "The endpoint's certificate is missing, expired, not valid yet, or its private key is not protected by the master key."
	case 28055:
		return "The endpoint's certificate is missing, expired, not valid yet, or its private key is not protected by the master key."
	case 28027:
		return "The two endpoints share no authentication protocol: one uses Windows authentication, the other certificates."
	}
	return ""
}
