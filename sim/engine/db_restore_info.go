package engine

import (
	"errors"
	"io/fs"
	"strconv"
	"strings"
)

// RESTORE HEADERONLY | FILELISTONLY | VERIFYONLY: what a DBA reads from a
// backup file before restoring it (the logical names for MOVE, the LSNs of
// a log chain). The columns are the documented ones a DBA reads most, in
// their documented order; the many others are left out.

func (r *runner) restoreInfo(st *restoreStmt) {
	in := r.s.inst
	op := "RESTORE " + st.Only
	fail := func(e *sqlError) { r.abnormal(st.Line, op, e) }
	path, err := in.mapPath(st.Disk)
	if err != nil {
		fail(newErr(3201, "Cannot open backup device '%s'. Operating system error 123(The filename, directory name, or volume label syntax is incorrect.).", st.Disk))
	}
	sets, err := readBackupSets(path)
	switch {
	case errors.Is(err, errBadMedia):
		fail(newErr(3241, "The media family on device '%s' is incorrectly formed. SQL Server cannot process this media family.", st.Disk))
	case errors.Is(err, fs.ErrNotExist):
		fail(newErr(3201, "Cannot open backup device '%s'. Operating system error 2(The system cannot find the file specified.).", st.Disk))
	case err != nil:
		fail(newErr(3201, "Cannot open backup device '%s'. Operating system error %s.", st.Disk, osError(err)))
	}
	pick := func() (int, backupSet) {
		n := 1
		if v, ok := st.Opts["FILE"]; ok {
			if n, err = strconv.Atoi(v); err != nil || n < 1 {
				fail(newErr(3250, "The value '%s' is not within range for the FILE parameter.", v))
			}
		}
		if n > len(sets) {
			fail(newErr(4038, "Cannot find file ID %d on device '%s'.", n, st.Disk))
		}
		return n, sets[n-1]
	}
	var rs *ResultSet
	switch st.Only {
	case "VERIFYONLY":
		n, _ := pick()
		r.info(3262, st.Line, "The backup set on file %d is valid.", n)
		r.emit(Output{})
		return
	case "FILELISTONLY":
		_, b := pick()
		dir := `C:\Program Files\Microsoft SQL Server\MSSQL16.MSSQLSERVER\MSSQL\DATA\`
		rs = &ResultSet{Columns: []Column{
			col("LogicalName", NVarChar, 128, true), col("PhysicalName", NVarChar, 260, true), col("Type", NVarChar, 1, true),
			col("FileGroupName", NVarChar, 128, true), col("Size", BigInt, 0, true), col("MaxSize", BigInt, 0, true),
			col("FileId", BigInt, 0, true),
		}, Rows: [][]any{
			{b.dataFile(), dir + b.Database + ".mdf", "D", "PRIMARY", int64(8388608), int64(35184372080640), int64(1)},
			{b.logFile(), dir + b.Database + "_log.ldf", "L", nil, int64(8388608), int64(2199023255552), int64(2)},
		}}
	case "HEADERONLY":
		rs = &ResultSet{Columns: []Column{
			col("BackupName", NVarChar, 128, true), col("BackupType", Int, 0, true), col("Position", Int, 0, true),
			col("ServerName", NVarChar, 128, true), col("DatabaseName", NVarChar, 128, true),
			col("FirstLSN", BigInt, 0, true), col("LastLSN", BigInt, 0, true), col("CheckpointLSN", BigInt, 0, true),
			col("DatabaseBackupLSN", BigInt, 0, true), col("BackupFinishDate", DateTime, 0, true),
			col("FamilyGUID", NVarChar, 36, true), col("RecoveryModel", NVarChar, 60, true),
			col("BackupTypeDescription", NVarChar, 60, true),
		}}
		for i, b := range sets {
			// The wire layer takes Int columns as int32 (api.go).
			typ, desc := int32(1), "Database"
			if b.Type == "L" {
				typ, desc = 2, "Transaction Log"
			}
			rs.Rows = append(rs.Rows, []any{nil, typ, int32(i + 1), b.Server, b.Database, b.FirstLSN, b.LastLSN,
				b.LastLSN, b.FirstLSN, b.Finished, b.Family, strings.ToUpper(b.Recovery), desc})
		}
	}
	r.emit(Output{Result: rs, RowCount: int64(len(rs.Rows)), HasRowCount: true})
}
