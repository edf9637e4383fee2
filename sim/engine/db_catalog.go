package engine

import (
	"fmt"
	"slices"
	"strings"
)

// dbState is what the simulator knows of a database beyond its security
// catalog: recovery model, state and the log sequence, which is all that
// backup, restore and mirroring need. There are no tables.
type dbState struct {
	recovery string // FULL, SIMPLE, BULK_LOGGED
	state    string // ONLINE, RESTORING
	family   string // family GUID: a restored copy keeps its source's
	lsn      int64  // end of the log
	// chainStart is where the next log backup begins (the last log backup's
	// end, or the full backup that started the chain); 0 means there is no
	// log chain, so BACKUP LOG fails with 4214.
	chainStart int64
	logBackups int // log backups taken since the chain began
	mirror     *dbMirror
	hadrAG     string // availability group the database is joined to
}

// lsnStep is how far the log moves per simulated unit of work; LSNs look
// like SQL Server's (VLF:block:slot packed in a decimal).
const lsnStep = 100000000

func newDBState(recovery string) *dbState {
	return &dbState{recovery: recovery, state: "ONLINE", family: sessionGUID(), lsn: 34000000001600001}
}

// st is the database's state, created on first use for the system
// databases (master, tempdb SIMPLE; model, msdb FULL as installed).
func (d *database) st() *dbState {
	if d.state == nil {
		rec := "SIMPLE"
		if d.name == "model" || d.name == "msdb" {
			rec = "FULL"
		}
		d.state = newDBState(rec)
	}
	return d.state
}

func (d *database) isSystem() bool { return d.id <= 4 }

// databaseStmt runs CREATE/DROP DATABASE, BACKUP and RESTORE. Their
// informational messages ride on the statement's DONE.
func (r *runner) databaseStmt(st stmt) {
	switch st := st.(type) {
	case *createDatabaseStmt:
		r.createDatabase(st)
	case *dropDatabaseStmt:
		r.dropDatabase(st)
	case *backupDBStmt:
		r.backupDB(st)
	case *restoreStmt:
		r.restore(st)
	}
}

func (r *runner) createDatabase(st *createDatabaseStmt) {
	in := r.s.inst
	in.locked(func() {
		if in.cat.db(st.Name) != nil {
			panic(newErr(1801, "Database '%s' already exists. Choose a different database name.", st.Name))
		}
		in.addDatabaseLocked(st.Name, in.cat.db("model").st().recovery)
	})
}

// addDatabaseLocked adds a user database made from model; mu must be held.
func (in *instance) addDatabaseLocked(name, recovery string) *database {
	c := in.cat
	id := int32(5)
	for _, d := range c.dbs {
		id = max(id, d.id+1)
	}
	model := c.db("model")
	d := &database{name: name, id: id, created: in.now(), nextCertID: 256, nextUserID: model.nextUserID, cs: in.cs}
	for _, p := range model.principals {
		cp := *p
		d.principals = append(d.principals, &cp)
	}
	d.state = newDBState(recovery)
	c.dbs = append(slices.Clone(c.dbs), d)
	return d
}

func (r *runner) dropDatabase(st *dropDatabaseStmt) {
	in := r.s.inst
	in.locked(func() {
		for _, name := range st.Names {
			d := in.cat.db(name)
			switch {
			case d == nil && st.IfExists:
				continue
			case d == nil:
				m := errf(3701, 0, "Cannot drop the database '%s', because it does not exist or you do not have permission.", name)
				m.Class = 11
				panic(&sqlError{msg: m})
			case d.isSystem():
				panic(newErr(3708, "Cannot drop the database '%s' because it is a system database.", d.name))
			case d.st().mirror != nil:
				panic(newErr(3743, "The database '%s' is enabled for database mirroring. Database mirroring must be removed before you drop the database.", d.name))
			case d.st().hadrAG != "":
				panic(newErr(3752, "The database '%s' is currently joined to an availability group.  Before you can drop the database, you need to remove it from the availability group.", d.name))
			case strings.EqualFold(r.s.db, d.name):
				panic(newErr(3702, "Cannot drop database \"%s\" because it is currently in use.", d.name))
			}
			in.cat.dbs = without(in.cat.dbs, func(o *database) bool { return o == d })
		}
	})
}

// alterDatabase runs ALTER DATABASE ... SET. A database that is missing
// (or, for a login without sysadmin, not visible) is 5011, as on SQL Server.
func (r *runner) alterDatabase(st *alterDatabaseStmt) {
	in := r.s.inst
	var d *database
	in.locked(func() { d = in.cat.db(st.Name) })
	if d == nil {
		m := errf(5011, 0, "User does not have permission to alter database '%s', the database does not exist, or the database is not in a state that allows access checks.", st.Name)
		m.Class = 14
		panic(&sqlError{msg: m})
	}
	switch st.Option {
	case "RECOVERY":
		in.locked(func() {
			s := d.st()
			if d.name == "tempdb" {
				panic(newErr(5058, "Option '%s' cannot be set in database '%s'.", "RECOVERY", d.name))
			}
			if s.mirror != nil && st.Value != "FULL" {
				panic(newErr(1468, "The operation cannot be performed on database \"%s\" because it is involved in a database mirroring session or an availability group. Some operations are not allowed on a database that is participating in a database mirroring session or in an availability group.", d.name))
			}
			if s.recovery == "SIMPLE" && st.Value != "SIMPLE" || st.Value == "SIMPLE" {
				// Leaving or entering SIMPLE breaks the log chain: the next
				// BACKUP LOG needs a full backup first.
				s.chainStart, s.logBackups = 0, 0
			}
			s.recovery = st.Value
		})
	case "PARTNER", "WITNESS":
		r.mirrorStmt(d, st)
	case "HADR":
		r.hadrStmt(d, st)
	}
}

// checkUsable raises 927 for a database in the middle of a restore; mu held.
func checkUsable(d *database) {
	if d.st().state == "RESTORING" {
		m := errf(927, 0, "Database '%s' cannot be opened. It is in the middle of a restore.", d.name)
		m.Class = 14
		panic(&sqlError{msg: m})
	}
}

// sessionGUID returns a random version-4 GUID in SQL Server's text form.
func sessionGUID() string {
	b := randomBytes(16)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return strings.ToUpper(fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16]))
}
