package engine

import (
	"fmt"
	"strings"
	"testing"
)

// dbRow reads one database's state and recovery model from sys.databases.
func dbRow(t *testing.T, s Session, name string) (state, recovery string) {
	t.Helper()
	rs := query(t, s, "SELECT state_desc, recovery_model_desc FROM sys.databases WHERE name = N'"+name+"'")
	if len(rs.Rows) != 1 {
		t.Fatalf("sys.databases has %d rows for %s", len(rs.Rows), name)
	}
	return rs.Rows[0][0].(string), rs.Rows[0][1].(string)
}

func TestCreateAlterDropDatabase(t *testing.T) {
	_, s := saSession(t, "HOST_A")
	run(t, s, "CREATE DATABASE Sales")
	if st, rec := dbRow(t, s, "Sales"); st != "ONLINE" || rec != "FULL" {
		t.Errorf("new database: %s %s, want ONLINE FULL (from model)", st, rec)
	}
	if got := scalar(t, s, "SELECT database_id FROM sys.databases WHERE name = 'Sales'"); got != int32(5) {
		t.Errorf("database_id = %v, want 5", got)
	}
	runErr(t, s, "CREATE DATABASE [sales]", 1801)
	run(t, s, "ALTER DATABASE Sales SET RECOVERY SIMPLE")
	if _, rec := dbRow(t, s, "Sales"); rec != "SIMPLE" {
		t.Errorf("recovery = %s after SET RECOVERY SIMPLE", rec)
	}
	// sys.database_mirroring has a row for every database, NULL when unmirrored.
	rs := query(t, s, "SELECT database_id, mirroring_state_desc, mirroring_role_desc FROM sys.database_mirroring")
	if len(rs.Rows) != 5 || rs.Rows[4][1] != nil {
		t.Errorf("sys.database_mirroring = %v", rs.Rows)
	}
	run(t, s, "USE Sales")
	runErr(t, s, "DROP DATABASE Sales", 3702)
	run(t, s, "USE master; DROP DATABASE Sales; DROP DATABASE IF EXISTS Sales")
	if m := runErr(t, s, "DROP DATABASE Sales", 3701); m.Class != 11 {
		t.Errorf("3701 severity %d", m.Class)
	}
	runErr(t, s, "DROP DATABASE master", 3708)
	if m := runErr(t, s, "ALTER DATABASE Nope SET RECOVERY FULL", 5011); m.Class != 14 {
		t.Errorf("5011 severity %d", m.Class)
	}
}

// errNums lists the error numbers of a batch, in order.
func errNums(s Session, sql string) []int32 {
	var nums []int32
	for _, m := range errorsOf(s.ExecBatch(sql)) {
		nums = append(nums, m.Number)
	}
	return nums
}

func wantErrs(t *testing.T, s Session, sql string, want ...int32) {
	t.Helper()
	got := errNums(s, sql)
	if len(got) != len(want) {
		t.Fatalf("%s\nerrors %v, want %v", sql, got, want)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("%s\nerrors %v, want %v", sql, got, want)
		}
	}
}

// TestBackupRestoreChain follows the documented example's backup and
// restore through a share, and the errors a broken chain raises.
func TestBackupRestoreChain(t *testing.T) {
	share := t.TempDir()
	newInst := func(name string) Session {
		in, err := New(Options{Name: name, SAPassword: testSAPassword, FileRoot: t.TempDir(), ShareRoot: share, Now: testNow})
		if err != nil {
			t.Fatal(err)
		}
		return in.NewSession("sa")
	}
	a, b := newInst("HOST_A"), newInst("HOST_B")
	run(t, a, "CREATE DATABASE Sales; ALTER DATABASE Sales SET RECOVERY SIMPLE")
	wantErrs(t, a, `BACKUP LOG Sales TO DISK = '\\fs\bak\log0.trn'`, 4208, 3013)
	run(t, a, "ALTER DATABASE Sales SET RECOVERY FULL")
	wantErrs(t, a, `BACKUP LOG Sales TO DISK = '\\fs\bak\log0.trn'`, 4214, 3013)
	wantErrs(t, a, `BACKUP DATABASE Sales TO DISK = 'C:\nodir\x.bak'`, 3201, 3013)
	outs := run(t, a, `BACKUP DATABASE Sales TO DISK = '\\fs\bak\Sales.bak' WITH FORMAT`)
	var infos []string
	for _, o := range outs {
		for _, m := range o.Messages {
			infos = append(infos, m.Text)
		}
	}
	if !strings.Contains(strings.Join(infos, "\n"), "BACKUP DATABASE successfully processed") {
		t.Errorf("backup messages: %q", infos)
	}
	run(t, a, `BACKUP LOG Sales TO DISK = '\\fs\bak\Sales1.trn'`)
	run(t, a, `BACKUP LOG Sales TO DISK = '\\fs\bak\Sales2.trn'`)

	// HOST_B: the log backups must come in order.
	run(t, b, `RESTORE DATABASE Sales FROM DISK = '\\FS\BAK\Sales.bak' WITH NORECOVERY, MOVE 'Sales' TO 'C:\Sales.mdf', MOVE 'Sales_log' TO 'C:\Sales_log.ldf'`)
	if st, rec := dbRow(t, b, "Sales"); st != "RESTORING" || rec != "FULL" {
		t.Errorf("restored: %s %s, want RESTORING FULL", st, rec)
	}
	runErr(t, b, "USE Sales", 927)
	wantErrs(t, b, `RESTORE LOG Sales FROM DISK = '\\fs\bak\Sales2.trn' WITH NORECOVERY`, 4305, 3013)
	run(t, b, `RESTORE LOG Sales FROM DISK = '\\fs\bak\Sales1.trn' WITH FILE = 1, NORECOVERY`)
	wantErrs(t, b, `RESTORE LOG Sales FROM DISK = '\\fs\bak\Sales1.trn' WITH NORECOVERY`, 4326, 3013)
	run(t, b, `RESTORE LOG Sales FROM DISK = '\\fs\bak\Sales2.trn' WITH NORECOVERY`)
	wantErrs(t, b, `RESTORE LOG Sales FROM DISK = '\\fs\bak\Sales.bak' WITH NORECOVERY`, 3135, 3013)
	wantErrs(t, b, `RESTORE LOG Sales FROM DISK = '\\fs\bak\Sales2.trn' WITH FILE = 2, NORECOVERY`, 4038, 3013)
	wantErrs(t, b, `RESTORE DATABASE Sales FROM DISK = '\\fs\bak\Sales.bak' WITH MOVE 'Nope' TO 'C:\x.mdf', NORECOVERY`, 3234, 3013)
	wantErrs(t, b, `RESTORE DATABASE Sales FROM DISK = '\\fs\bak\missing.bak'`, 3201, 3013)

	// A database of another family over an ONLINE one: 3154.
	run(t, b, "CREATE DATABASE Other; ALTER DATABASE Other SET RECOVERY SIMPLE")
	wantErrs(t, b, `RESTORE DATABASE Other FROM DISK = '\\fs\bak\Sales.bak'`, 3154, 3013)
	// An ONLINE FULL database whose tail was not backed up: 3159.
	wantErrs(t, a, `RESTORE DATABASE Sales FROM DISK = '\\fs\bak\Sales.bak'`, 3159, 3013)

	// Appended sets: FILE = 2 is the second backup in one file.
	run(t, a, `BACKUP DATABASE Sales TO DISK = 'C:\multi.bak'; BACKUP LOG Sales TO DISK = 'C:\multi.bak'`)
	run(t, a, `RESTORE DATABASE Copy2 FROM DISK = 'C:\multi.bak' WITH FILE = 1, NORECOVERY`)
	run(t, a, `RESTORE LOG Copy2 FROM DISK = 'C:\multi.bak' WITH FILE = 2, RECOVERY`)
	if st, _ := dbRow(t, a, "Copy2"); st != "ONLINE" {
		t.Errorf("Copy2 after RESTORE LOG WITH RECOVERY: %s", st)
	}
	wantErrs(t, a, `RESTORE LOG Copy2 FROM DISK = 'C:\multi.bak' WITH FILE = 2`, 3117, 3013)

	// In TRY/CATCH the catch sees 3013, the last of the pair.
	if got := scalar(t, a, `BEGIN TRY BACKUP LOG master TO DISK = 'C:\m.trn' END TRY BEGIN CATCH SELECT ERROR_NUMBER() END CATCH`); got != int32(3013) {
		t.Errorf("ERROR_NUMBER() = %v, want 3013", got)
	}
}

// TestHadrEnabled: availability groups work, so the instance says Always On
// is enabled.
func TestHadrEnabled(t *testing.T) {
	_, s := saSession(t, "HOST_A")
	if got := scalar(t, s, "SELECT SERVERPROPERTY('IsHadrEnabled')"); fmt.Sprint(got) != "1" {
		t.Errorf("IsHadrEnabled = %v, want 1", got)
	}
}

// TestRestoreHeaderAndFileList: a DBA reads a backup file's sets and
// logical file names before restoring.
func TestRestoreHeaderAndFileList(t *testing.T) {
	_, s := saSession(t, "HOST_A")
	run(t, s, `CREATE DATABASE Sales; BACKUP DATABASE Sales TO DISK = 'C:\s.bak'; BACKUP LOG Sales TO DISK = 'C:\s.bak'`)
	rs := query(t, s, `RESTORE HEADERONLY FROM DISK = 'C:\s.bak'`)
	if len(rs.Rows) != 2 {
		t.Fatalf("HEADERONLY rows: %v", rs.Rows)
	}
	typ, pos, db, first, last := colIndex(t, rs, "BackupTypeDescription"), colIndex(t, rs, "Position"), colIndex(t, rs, "DatabaseName"), colIndex(t, rs, "FirstLSN"), colIndex(t, rs, "LastLSN")
	if rs.Rows[0][typ] != "Database" || rs.Rows[1][typ] != "Transaction Log" || rs.Rows[1][pos] != int32(2) || rs.Rows[1][db] != "Sales" {
		t.Errorf("HEADERONLY: %v", rs.Rows)
	}
	// The log backup begins where the chain began: at the full backup.
	if rs.Rows[1][first] != rs.Rows[0][first] || rs.Rows[1][last].(int64) <= rs.Rows[0][last].(int64) {
		t.Errorf("LSNs: full %v-%v, log %v-%v", rs.Rows[0][first], rs.Rows[0][last], rs.Rows[1][first], rs.Rows[1][last])
	}
	rs = query(t, s, `RESTORE FILELISTONLY FROM DISK = 'C:\s.bak' WITH FILE = 1`)
	if len(rs.Rows) != 2 || rs.Rows[0][0] != "Sales" || rs.Rows[1][0] != "Sales_log" {
		t.Errorf("FILELISTONLY: %v", rs.Rows)
	}
	wantErrs(t, s, `RESTORE VERIFYONLY FROM DISK = 'C:\s.bak' WITH FILE = 3`, 4038, 3013)
	run(t, s, `RESTORE VERIFYONLY FROM DISK = 'C:\s.bak'`)
}
