package tsql

import (
	"fmt"
	"strings"
)

// This file holds what `verify` and `start` read on top of the state query,
// sent in the same batch so that each host still costs one round trip.

// Verify result sets, in the order VerifyQuery returns them after the state
// query's own sets. The error-log searches follow, one result set each in
// the order of LogSearches, and sys.dm_db_mirroring_connections comes last:
// a server (or simulator) without that view ends the batch there, and
// everything before it is still read.
const (
	VerifySetClock      = iota // local_now, utc_now
	VerifySetPerms             // is_sysadmin, view_any_definition, view_server_state, login_name, can_read_log
	VerifySetPrincipals        // name, modify_date (server principals type 'S')
	VerifySetDatabases         // name, state_desc, recovery_model_desc
	VerifySetMirroring         // database_name, state_desc, role_desc, partner_name, witness_name, witness_state_desc, safety_level_desc
	VerifySetLogs              // first of len(LogSearches) sets: LogDate, ProcessInfo, Text
)

// VerifySetCount is the number of result sets VerifyQuery returns.
func VerifySetCount() int { return VerifySetLogs + len(LogSearches) + 1 }

// VerifySetConnections is the index of the sys.dm_db_mirroring_connections
// set: state_desc, login_state_desc, is_accept, principal_name, remote_user_name, connect_time.
func VerifySetConnections() int { return VerifySetLogs + len(LogSearches) }

// LogSearches are the texts the error log is searched for (xp_readerrorlog's
// first search string; each is one call, and a line matching several is
// returned more than once, which the reader deduplicates). They cover the
// handshake messages (28027-28055, logged inside 28047/28048 "login attempt
// ... failed"), 1474 (the connecting side) and 9642 (the transport), whose
// logged text, unlike a client error, does not carry the number.
var LogSearches = []string{
	"Connection handshake failed",
	"login attempt",
	"Database mirroring connection error",
	"transport connection endpoint",
	"not valid for endpoint authentication",
	"Error: 28",
}

// emptyLogSet has xp_readerrorlog's columns and no rows: it stands in for a
// search the login may not run, so the result sets keep their positions.
const emptyLogSet = "SELECT CAST(NULL AS datetime) AS LogDate, CAST(NULL AS nvarchar(50)) AS ProcessInfo, CAST(NULL AS nvarchar(4000)) AS Text WHERE 1 = 0;"

// VerifyQuery returns the statements read after StateQuery in the same
// batch. logHours bounds the error-log search to the last logHours hours
// (server time). xp_readerrorlog needs sysadmin or securityadmin; without
// either, each search returns an empty set instead and can_read_log says so.
func VerifyQuery(logHours int) string {
	if logHours < 1 {
		logHours = 1
	}
	var b strings.Builder
	b.WriteString("DECLARE @mirrorcert_since datetime = DATEADD(HOUR, -" + fmt.Sprint(logHours) + ", GETDATE());\n")
	b.WriteString("DECLARE @mirrorcert_log int = IIF(IS_SRVROLEMEMBER(N'sysadmin') = 1 OR IS_SRVROLEMEMBER(N'securityadmin') = 1, 1, 0);\n")
	b.WriteString("SELECT GETDATE() AS local_now, GETUTCDATE() AS utc_now;\n")
	b.WriteString("SELECT IS_SRVROLEMEMBER(N'sysadmin') AS is_sysadmin, HAS_PERMS_BY_NAME(NULL, NULL, N'VIEW ANY DEFINITION') AS view_any_definition," +
		" HAS_PERMS_BY_NAME(NULL, NULL, N'VIEW SERVER STATE') AS view_server_state, SUSER_SNAME() AS login_name, @mirrorcert_log AS can_read_log;\n")
	b.WriteString("SELECT name, modify_date FROM master.sys.server_principals WHERE type = 'S';\n")
	b.WriteString("SELECT name, state_desc, recovery_model_desc FROM master.sys.databases;\n")
	b.WriteString("SELECT DB_NAME(database_id) AS database_name, mirroring_state_desc, mirroring_role_desc, mirroring_partner_name," +
		" mirroring_witness_name, mirroring_witness_state_desc, mirroring_safety_level_desc" +
		" FROM master.sys.database_mirroring WHERE mirroring_guid IS NOT NULL;\n")
	for _, s := range LogSearches {
		b.WriteString("IF @mirrorcert_log = 1 EXEC master.sys.xp_readerrorlog 0, 1, " + QuoteLiteral(s) + ", NULL, @mirrorcert_since, NULL, N'asc';\n")
		b.WriteString("ELSE " + emptyLogSet + "\n")
	}
	b.WriteString("IF HAS_PERMS_BY_NAME(NULL, NULL, N'VIEW SERVER STATE') = 1\n" +
		"  SELECT state_desc, login_state_desc, is_accept, principal_name, remote_user_name, connect_time FROM master.sys.dm_db_mirroring_connections;\n" +
		"ELSE SELECT CAST(NULL AS nvarchar(60)) AS state_desc WHERE 1 = 0;\n")
	return b.String()
}

// GrantServerPermission grants a server-level permission such as VIEW ANY
// DEFINITION to login. perm is one of a fixed set, checked, since it is a
// keyword and cannot be quoted.
func GrantServerPermission(perm, login string) (Statement, error) {
	switch perm {
	case "VIEW ANY DEFINITION", "VIEW SERVER STATE":
	default:
		return Statement{}, fmt.Errorf("server permission %q is not one mirrorcert grants", perm)
	}
	return Statement{Text: "GRANT " + perm + " TO " + QuoteIdent(login) + ";", Database: Master}, nil
}
