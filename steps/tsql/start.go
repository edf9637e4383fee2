package tsql

import (
	"fmt"
	"strings"
)

// Statements that start a mirroring session or an availability group. They
// run from master and name the user database explicitly.

// MirroringURL is an endpoint's address as SET PARTNER, SET WITNESS and
// ENDPOINT_URL take it: TCP://address:port.
func MirroringURL(address string, port int) string {
	return fmt.Sprintf("TCP://%s:%d", address, port)
}

// BackupDatabase takes a full backup of db to file. No INIT or FORMAT: an
// existing file is never overwritten (the caller picks a new name).
func BackupDatabase(db, file string) Statement {
	return Statement{Text: "BACKUP DATABASE " + QuoteIdent(db) + " TO DISK = " + QuoteLiteral(file) + ";", Database: Master}
}

// BackupLog backs up db's log to file, so the mirror gets the log chain
// since the full backup.
func BackupLog(db, file string) Statement {
	return Statement{Text: "BACKUP LOG " + QuoteIdent(db) + " TO DISK = " + QuoteLiteral(file) + ";", Database: Master}
}

// RestoreDatabase restores a full backup WITH NORECOVERY: the database
// stays RESTORING, which is what a mirror or a manually seeded secondary
// needs.
func RestoreDatabase(db, file string) Statement {
	return Statement{Text: "RESTORE DATABASE " + QuoteIdent(db) + " FROM DISK = " + QuoteLiteral(file) + " WITH NORECOVERY;", Database: Master}
}

// RestoreLog restores a log backup WITH NORECOVERY.
func RestoreLog(db, file string) Statement {
	return Statement{Text: "RESTORE LOG " + QuoteIdent(db) + " FROM DISK = " + QuoteLiteral(file) + " WITH NORECOVERY;", Database: Master}
}

// SetRecoveryFull puts db in the FULL recovery model mirroring needs.
func SetRecoveryFull(db string) Statement {
	return Statement{Text: "ALTER DATABASE " + QuoteIdent(db) + " SET RECOVERY FULL;", Database: Master}
}

// SetPartner names db's mirroring partner: on the mirror first (it waits),
// then on the principal (which connects).
func SetPartner(db, url string) Statement {
	return Statement{Text: "ALTER DATABASE " + QuoteIdent(db) + " SET PARTNER = " + QuoteLiteral(url) + ";", Database: Master}
}

// SetWitness names the witness, on the principal, once the session runs.
func SetWitness(db, url string) Statement {
	return Statement{Text: "ALTER DATABASE " + QuoteIdent(db) + " SET WITNESS = " + QuoteLiteral(url) + ";", Database: Master}
}

// AGReplica is one replica of CREATE AVAILABILITY GROUP.
type AGReplica struct {
	Server string // @@SERVERNAME of the replica
	URL    string // its endpoint, TCP://address:port
}

// CreateAG creates an availability group without a cluster (CLUSTER_TYPE =
// NONE) for every replica, with automatic seeding and manual failover, as
// the read-scale setup of the documentation. Asynchronous commit: without a
// cluster nothing fails over automatically, and synchronous commit would
// make the primary wait on a secondary nobody watches.
func CreateAG(name string, replicas []AGReplica) Statement {
	var b strings.Builder
	b.WriteString("CREATE AVAILABILITY GROUP " + QuoteIdent(name) + "\n    WITH (CLUSTER_TYPE = NONE)\n    FOR REPLICA ON")
	for i, r := range replicas {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString("\n    " + QuoteLiteral(r.Server) + " WITH (ENDPOINT_URL = " + QuoteLiteral(r.URL) +
			", AVAILABILITY_MODE = ASYNCHRONOUS_COMMIT, FAILOVER_MODE = MANUAL, SEEDING_MODE = AUTOMATIC, SECONDARY_ROLE (ALLOW_CONNECTIONS = ALL))")
	}
	b.WriteString(";")
	return Statement{Text: b.String(), Database: Master}
}

// JoinAG joins this instance to the group as a secondary.
func JoinAG(name string) Statement {
	return Statement{Text: "ALTER AVAILABILITY GROUP " + QuoteIdent(name) + " JOIN WITH (CLUSTER_TYPE = NONE);", Database: Master}
}

// GrantCreateAnyDatabase lets automatic seeding create the group's
// databases on this replica.
func GrantCreateAnyDatabase(name string) Statement {
	return Statement{Text: "ALTER AVAILABILITY GROUP " + QuoteIdent(name) + " GRANT CREATE ANY DATABASE;", Database: Master}
}

// AddDatabaseToAG adds db to the group on the primary.
func AddDatabaseToAG(name, db string) Statement {
	return Statement{Text: "ALTER AVAILABILITY GROUP " + QuoteIdent(name) + " ADD DATABASE " + QuoteIdent(db) + ";", Database: Master}
}

// StartQuery reads what start needs beyond the verify read: the
// availability groups and their replicas' states. Result sets: ag (name,
// cluster_type_desc); replicas (group_name, replica_server_name,
// endpoint_url, role_desc, connected_state_desc, last_connect_error_number,
// last_connect_error_description); databases in groups (group_name, database_name).
func StartQuery() string {
	return "SELECT name, cluster_type_desc FROM master.sys.availability_groups;\n" +
		"SELECT g.name AS group_name, r.replica_server_name, r.endpoint_url, s.role_desc, s.connected_state_desc, s.last_connect_error_number, s.last_connect_error_description" +
		" FROM master.sys.availability_replicas AS r JOIN master.sys.availability_groups AS g ON g.group_id = r.group_id" +
		" LEFT JOIN master.sys.dm_hadr_availability_replica_states AS s ON s.replica_id = r.replica_id;\n" +
		"SELECT g.name AS group_name, DB_NAME(d.database_id) AS database_name FROM master.sys.dm_hadr_database_replica_states AS d" +
		" JOIN master.sys.availability_groups AS g ON g.group_id = d.group_id WHERE d.is_local = 1;\n"
}

// StartSetCount is the number of result sets StartQuery returns.
const StartSetCount = 3

// FileExistsQuery probes each path with xp_fileexist, one result set each
// (File Exists, File is a Directory, Parent Directory Exists).
func FileExistsQuery(paths []string) string {
	var b strings.Builder
	for _, f := range paths {
		b.WriteString("EXEC master.sys.xp_fileexist " + QuoteLiteral(f) + ";\n")
	}
	return b.String()
}
