package engine

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// A backup file is real: "MCSIMBAK1\n" then one JSON backup set per line,
// appended unless WITH INIT or FORMAT, so RESTORE ... WITH FILE = n picks the
// n-th set as on SQL Server. A set carries what RESTORE checks: the
// database's name and family, the LSN range and the recovery model.
const backupMagic = "MCSIMBAK1"

type backupSet struct {
	Type      string    `json:"type"` // D database, L log
	Database  string    `json:"database"`
	Family    string    `json:"family_guid"`
	FirstLSN  int64     `json:"first_lsn"`
	LastLSN   int64     `json:"last_lsn"`
	Recovery  string    `json:"recovery_model"`
	Server    string    `json:"server"`
	Finished  time.Time `json:"finished"`
	DataPages int       `json:"data_pages"`
	LogPages  int       `json:"log_pages"`
}

// Logical file names, as CREATE DATABASE without file specifications makes
// them.
func (b backupSet) dataFile() string { return b.Database }
func (b backupSet) logFile() string  { return b.Database + "_log" }

func readBackupSets(path string) ([]backupSet, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	if !sc.Scan() || sc.Text() != backupMagic {
		return nil, errBadMedia
	}
	var sets []backupSet
	for sc.Scan() {
		var b backupSet
		if err := json.Unmarshal(sc.Bytes(), &b); err != nil || (b.Type != "D" && b.Type != "L") {
			return nil, errBadMedia
		}
		sets = append(sets, b)
	}
	return sets, nil
}

var errBadMedia = errors.New("not a backup file")

// abnormal raises e and then 3013 "<op> is terminating abnormally.", the
// pair SQL Server returns when a backup or restore fails; inside TRY only
// the last reaches CATCH, as ERROR_NUMBER() shows there.
func (r *runner) abnormal(line int, op string, e *sqlError) {
	if !r.catching {
		m := e.msg
		m.Line = int32(line)
		r.pending = append(r.pending, m)
	}
	panic(newErr(3013, "%s is terminating abnormally.", op))
}

// osError words an I/O failure as SQL Server's 3201 does.
func osError(err error) string {
	if errors.Is(err, fs.ErrNotExist) {
		return "2(The system cannot find the file specified.)"
	}
	return "3(The system cannot find the path specified.)"
}

func (r *runner) info(num int32, line int, format string, args ...any) {
	m := errf(num, line, format, args...)
	m.Class, m.State = 0, 1
	r.pending = append(r.pending, m)
}

func (r *runner) backupDB(st *backupDBStmt) {
	in := r.s.inst
	op := "BACKUP DATABASE"
	if st.Log {
		op = "BACKUP LOG"
	}
	fail := func(e *sqlError) { r.abnormal(st.Line, op, e) }
	in.mu.Lock()
	defer in.mu.Unlock()
	d := in.cat.db(st.Name)
	if d == nil {
		fail(newErr(911, txtNoDatabase, st.Name))
	}
	s := d.st()
	switch {
	case d.name == "tempdb":
		fail(newErr(3147, "Backup and restore operations are not allowed on database tempdb."))
	case s.state == "RESTORING":
		fail(&sqlError{msg: Message{Number: 927, Class: 14, State: 1, Text: fmt.Sprintf("Database '%s' cannot be opened. It is in the middle of a restore.", d.name)}})
	case st.Log && s.recovery == "SIMPLE":
		fail(newErr(4208, "The statement BACKUP LOG is not allowed while the recovery model is SIMPLE. Use BACKUP DATABASE or change the recovery model using ALTER DATABASE."))
	case st.Log && s.chainStart == 0:
		fail(newErr(4214, "BACKUP LOG cannot be performed because there is no current database backup."))
	}
	path, err := in.mapPath(st.Disk)
	if err != nil {
		fail(newErr(3201, "Cannot open backup device '%s'. Operating system error 123(The filename, directory name, or volume label syntax is incorrect.).", st.Disk))
	}
	var sets []backupSet
	if !hasOpt(st.Opts, "INIT") && !hasOpt(st.Opts, "FORMAT") {
		sets, err = readBackupSets(path)
		switch {
		case errors.Is(err, errBadMedia):
			fail(newErr(3241, "The media family on device '%s' is incorrectly formed. SQL Server cannot process this media family.", st.Disk))
		case err != nil && !errors.Is(err, fs.ErrNotExist):
			fail(newErr(3201, "Cannot open backup device '%s'. Operating system error %s.", st.Disk, osError(err)))
		}
	}
	if fi, err := os.Stat(filepath.Dir(path)); err != nil || !fi.IsDir() {
		fail(newErr(3201, "Cannot open backup device '%s'. Operating system error 3(The system cannot find the path specified.).", st.Disk))
	}

	s.lsn += lsnStep // the backup's checkpoint
	b := backupSet{Type: "D", Database: d.name, Family: s.family, LastLSN: s.lsn, Recovery: s.recovery,
		Server: in.opts.Name, Finished: in.now(), DataPages: 328, LogPages: 2}
	if st.Log {
		b.Type, b.FirstLSN, b.DataPages, b.LogPages = "L", s.chainStart, 0, 3
	} else {
		b.FirstLSN = s.lsn - lsnStep
	}
	sets = append(sets, b)
	var buf bytes.Buffer
	buf.WriteString(backupMagic + "\n")
	for _, set := range sets {
		line, _ := json.Marshal(set)
		buf.Write(append(line, '\n'))
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		s.lsn -= lsnStep
		fail(newErr(3201, "Cannot open backup device '%s'. Operating system error %s.", st.Disk, osError(err)))
	}
	copyOnly := hasOpt(st.Opts, "COPY_ONLY")
	switch {
	case st.Log && !copyOnly:
		s.chainStart = s.lsn
		s.logBackups++
	case !st.Log && s.chainStart == 0 && s.recovery != "SIMPLE" && !copyOnly:
		s.chainStart = b.FirstLSN // the first full backup starts the log chain
	}
	fileNo := len(sets)
	if b.DataPages > 0 {
		r.info(4035, st.Line, "Processed %d pages for database '%s', file '%s' on file %d.", b.DataPages, d.name, b.dataFile(), fileNo)
	}
	r.info(4035, st.Line, "Processed %d pages for database '%s', file '%s' on file %d.", b.LogPages, d.name, b.logFile(), fileNo)
	if st.Log && hasOpt(st.Opts, "NORECOVERY") {
		s.state = "RESTORING" // a tail-log backup leaves the database restoring
	}
	r.info(3014, st.Line, "%s successfully processed %d pages in 0.012 seconds (54.117 MB/sec).", op, b.DataPages+b.LogPages)
}

func (r *runner) restore(st *restoreStmt) {
	in := r.s.inst
	op := "RESTORE DATABASE"
	if st.Log {
		op = "RESTORE LOG"
	}
	fail := func(e *sqlError) { r.abnormal(st.Line, op, e) }
	in.mu.Lock()
	defer in.mu.Unlock()
	d := in.cat.db(st.Name)
	recovery := !hasOpt(st.Opts, "NORECOVERY") && !hasOpt(st.Opts, "STANDBY")
	if d != nil && (d.isSystem() && d.name != "msdb" && d.name != "model") {
		fail(newErr(3108, "To restore the master database, the server must be running in single-user mode. For information on starting in single-user mode, see \"How to: Start an Instance of SQL Server (sqlservr.exe)\" in Books Online."))
	}
	if d != nil && d.st().mirror != nil {
		fail(newErr(3104, "RESTORE cannot operate on database '%s' because it is configured for database mirroring or has joined an availability group. If you intend to restore the database, use ALTER DATABASE to remove mirroring or to remove the database from its availability group.", d.name))
	}
	if st.Disk == "" { // RESTORE DATABASE x WITH RECOVERY
		if d == nil {
			fail(newErr(911, txtNoDatabase, st.Name))
		}
		if d.st().state != "RESTORING" {
			fail(newErr(3101, "Exclusive access could not be obtained because the database is in use."))
		}
		d.st().state = "ONLINE"
		r.info(3014, st.Line, "RESTORE DATABASE successfully processed 0 pages in 0.004 seconds (0.000 MB/sec).")
		return
	}
	path, err := in.mapPath(st.Disk)
	if err != nil {
		fail(newErr(3201, "Cannot open backup device '%s'. Operating system error 123(The filename, directory name, or volume label syntax is incorrect.).", st.Disk))
	}
	sets, err := readBackupSets(path)
	switch {
	case errors.Is(err, errBadMedia):
		fail(newErr(3241, "The media family on device '%s' is incorrectly formed. SQL Server cannot process this media family.", st.Disk))
	case err != nil:
		fail(newErr(3201, "Cannot open backup device '%s'. Operating system error %s.", st.Disk, osError(err)))
	}
	fileNo := 1
	if v, ok := st.Opts["FILE"]; ok {
		if fileNo, err = strconv.Atoi(v); err != nil || fileNo < 1 {
			fail(newErr(3250, "The value '%s' is not within range for the FILE parameter.", v))
		}
	}
	if fileNo > len(sets) {
		fail(newErr(4038, "Cannot find file ID %d on device '%s'.", fileNo, st.Disk))
	}
	b := sets[fileNo-1]
	if st.Log != (b.Type == "L") {
		made := map[string]string{"D": "BACKUP DATABASE", "L": "BACKUP LOG"}[b.Type]
		fail(newErr(3135, "The backup set in file '%s' was created by %s and cannot be used for this restore operation.", st.Disk, made))
	}
	for _, mv := range st.Moves {
		if !strings.EqualFold(mv[0], b.dataFile()) && !strings.EqualFold(mv[0], b.logFile()) {
			fail(newErr(3234, "Logical file '%s' is not part of database '%s'. Use RESTORE FILELISTONLY to list the logical file names.", mv[0], st.Name))
		}
		target, err := in.mapPath(mv[1])
		if fi, serr := os.Stat(filepath.Dir(target)); err != nil || serr != nil || !fi.IsDir() {
			fail(newErr(5133, "Directory lookup for the file \"%s\" failed with the operating system error 3(The system cannot find the path specified.).", mv[1]))
		}
	}
	if st.Log {
		r.restoreLog(st, d, b, fail)
	} else {
		d = r.restoreFull(st, d, b, fail)
	}
	s := d.st()
	if recovery {
		s.state = "ONLINE"
		s.chainStart = s.lsn // the restored copy continues the chain
	} else {
		s.state = "RESTORING"
	}
	if b.DataPages > 0 {
		r.info(4035, st.Line, "Processed %d pages for database '%s', file '%s' on file %d.", b.DataPages, d.name, b.dataFile(), fileNo)
	}
	r.info(4035, st.Line, "Processed %d pages for database '%s', file '%s' on file %d.", b.LogPages, d.name, b.logFile(), fileNo)
	r.info(3014, st.Line, "%s successfully processed %d pages in 0.015 seconds (43.294 MB/sec).", op, b.DataPages+b.LogPages)
}

// restoreFull checks and applies a database backup; mu is held.
func (r *runner) restoreFull(st *restoreStmt, d *database, b backupSet, fail func(*sqlError)) *database {
	in := r.s.inst
	replace := hasOpt(st.Opts, "REPLACE")
	if d != nil && d.st().state != "RESTORING" && !replace {
		s := d.st()
		switch {
		case s.family != b.Family:
			fail(newErr(3154, "The backup set holds a backup of a database other than the existing '%s' database.", d.name))
		case s.recovery != "SIMPLE":
			// Only a tail-log backup WITH NORECOVERY (which leaves the database
			// RESTORING) or REPLACE lets a restore overwrite a FULL database.
			fail(newErr(3159, "The tail of the log for the database \"%s\" has not been backed up. Use BACKUP LOG WITH NORECOVERY to backup the log if it contains work you do not want to lose. Use the WITH REPLACE or WITH STOPAT clause of the RESTORE statement to just overwrite the contents of the log.", d.name))
		}
	}
	if d == nil {
		d = in.addDatabaseLocked(st.Name, b.Recovery)
	}
	s := d.st()
	s.recovery, s.family, s.lsn = b.Recovery, b.Family, b.LastLSN
	s.chainStart, s.logBackups = 0, 0
	return d
}

// restoreLog rolls a RESTORING database forward by a log backup; mu is held.
func (r *runner) restoreLog(st *restoreStmt, d *database, b backupSet, fail func(*sqlError)) {
	switch {
	case d == nil:
		fail(newErr(911, txtNoDatabase, st.Name))
	case d.st().state != "RESTORING":
		fail(newErr(3117, "The log or differential backup cannot be restored because no files are ready to rollforward."))
	case d.st().family != b.Family:
		fail(newErr(3154, "The backup set holds a backup of a database other than the existing '%s' database.", d.name))
	case b.FirstLSN > d.st().lsn:
		fail(newErr(4305, "The log in this backup set begins at LSN %d, which is too recent to apply to the database. An earlier log backup that includes LSN %d can be restored.", b.FirstLSN, d.st().lsn))
	case b.LastLSN <= d.st().lsn:
		fail(newErr(4326, "The log in this backup set terminates at LSN %d, which is too early to apply to the database. A more recent log backup that includes LSN %d can be restored.", b.LastLSN, d.st().lsn))
	}
	s := d.st()
	s.lsn = b.LastLSN
	s.logBackups++
}
