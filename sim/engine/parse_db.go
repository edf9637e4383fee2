package engine

import "strings"

// Statements on user databases, as far as mirroring needs them:
// CREATE/DROP DATABASE, ALTER DATABASE ... SET, BACKUP DATABASE/LOG and
// RESTORE DATABASE/LOG.

type createDatabaseStmt struct {
	at
	Name string
}

type dropDatabaseStmt struct {
	at
	Names    []string
	IfExists bool
}

// alterDatabaseStmt is ALTER DATABASE name SET option.
type alterDatabaseStmt struct {
	at
	Name   string
	Option string // RECOVERY, PARTNER, WITNESS, HADR, or another option (accepted, no effect)
	// Value: RECOVERY FULL|SIMPLE|BULK_LOGGED; PARTNER ""(= url)|OFF|FAILOVER|
	// FORCE_SERVICE_ALLOW_DATA_LOSS|SAFETY|SUSPEND|RESUME|TIMEOUT; WITNESS ""|OFF;
	// HADR AVAILABILITY|OFF|SUSPEND|RESUME.
	Value string
	Arg   string // the URL, the SAFETY level or the availability group's name
	N     int64  // TIMEOUT seconds
}

// backupDBStmt is BACKUP DATABASE|LOG name TO DISK = '...' [WITH ...].
type backupDBStmt struct {
	at
	Log  bool
	Name string
	Disk string
	Opts map[string]string // upper-case option name -> value ("" when it has none)
}

// restoreStmt is RESTORE DATABASE|LOG name [FROM DISK = '...'] [WITH ...].
type restoreStmt struct {
	at
	Log   bool
	Name  string
	Disk  string // "" for RESTORE DATABASE name WITH RECOVERY
	Opts  map[string]string
	Moves [][2]string // MOVE 'logical' TO 'physical'
	Only  string      // HEADERONLY, FILELISTONLY or VERIFYONLY: read the file, restore nothing
}

// backupOption reports whether BACKUP or RESTORE accepts a WITH option
// and whether it takes a value (= 'x' or = n).
func backupOption(name string) (takesValue, ok bool) {
	switch name {
	case "FORMAT", "NOFORMAT", "INIT", "NOINIT", "SKIP", "NOSKIP", "COMPRESSION", "NO_COMPRESSION", "COPY_ONLY",
		"CHECKSUM", "NO_CHECKSUM", "CONTINUE_AFTER_ERROR", "STOP_ON_ERROR", "REWIND", "NOREWIND", "UNLOAD",
		"NOUNLOAD", "NORECOVERY", "RECOVERY", "REPLACE", "RESTRICTED_USER", "KEEP_REPLICATION", "NO_TRUNCATE":
		return false, true
	case "STATS", "NAME", "DESCRIPTION", "MEDIANAME", "MEDIADESCRIPTION", "FILE", "STANDBY", "BUFFERCOUNT",
		"MAXTRANSFERSIZE", "BLOCKSIZE", "RETAINDAYS", "EXPIREDATE":
		return true, true
	}
	return false, false
}

func (p *parser) createDatabase(a at) stmt {
	s := &createDatabaseStmt{at: a, Name: p.ident()}
	// File specifications, COLLATE and WITH options are accepted and have
	// no effect: the simulator keeps no data files.
	p.skipToStatementEnd()
	return s
}

func (p *parser) dropDatabase(a at) stmt {
	s := &dropDatabaseStmt{at: a}
	if p.peek().is("IF") && p.peekAt(1).is("EXISTS") {
		p.next()
		p.next()
		s.IfExists = true
	}
	s.Names = append(s.Names, p.ident())
	for p.acceptOp(",") {
		s.Names = append(s.Names, p.ident())
	}
	return s
}

// skipToStatementEnd consumes tokens, balancing parentheses, up to the end
// of the statement.
func (p *parser) skipToStatementEnd() {
	depth := 0
	for t := p.peek(); t.Kind != tkEOF; t = p.peek() {
		if depth == 0 && (t.isOp(";") || startsStatement(t)) {
			return
		}
		switch {
		case t.isOp("("):
			depth++
		case t.isOp(")"):
			if depth == 0 {
				p.fail()
			}
			depth--
		}
		p.next()
	}
	if depth != 0 {
		p.fail()
	}
}

func (p *parser) alterDatabase(a at) stmt {
	s := &alterDatabaseStmt{at: a, Name: p.ident()}
	p.expect("SET")
	o := p.optionName()
	s.Option = strings.ToUpper(o.Text)
	switch s.Option {
	case "RECOVERY":
		s.Value = p.keywordOf("FULL", "SIMPLE", "BULK_LOGGED")
	case "PARTNER":
		switch {
		case p.acceptOp("="):
			s.Arg = p.stringLit()
		case p.accept("SAFETY"):
			s.Value = "SAFETY"
			s.Arg = p.keywordOf("FULL", "OFF")
		case p.accept("TIMEOUT"):
			s.Value = "TIMEOUT"
			s.N = p.intLit()
		default:
			s.Value = p.keywordOf("OFF", "FAILOVER", "FORCE_SERVICE_ALLOW_DATA_LOSS", "SUSPEND", "RESUME")
		}
	case "WITNESS":
		if p.acceptOp("=") {
			s.Arg = p.stringLit()
		} else {
			s.Value = p.keywordOf("OFF")
		}
	case "HADR":
		if p.accept("AVAILABILITY") {
			p.expect("GROUP")
			p.expectOp("=")
			s.Value, s.Arg = "AVAILABILITY", p.ident()
		} else {
			s.Value = p.keywordOf("OFF", "SUSPEND", "RESUME")
		}
	default:
		// Other options (READ_ONLY, SINGLE_USER, ...) are accepted and
		// change nothing the simulator models.
		p.skipToStatementEnd()
	}
	return s
}

// backupDB parses the rest of BACKUP DATABASE|LOG.
func (p *parser) backupDB(a at) stmt {
	s := &backupDBStmt{at: a}
	s.Log = p.keywordOf("DATABASE", "LOG") == "LOG"
	s.Name = p.ident()
	p.expect("TO")
	s.Disk = p.diskClause()
	if p.accept("WITH") {
		s.Opts, _ = p.backupWith(false)
	}
	return s
}

// restore parses RESTORE DATABASE|LOG.
func (p *parser) restore(a at) stmt {
	s := &restoreStmt{at: a}
	switch kw := p.keywordOf("DATABASE", "LOG", "HEADERONLY", "FILELISTONLY", "VERIFYONLY"); kw {
	case "DATABASE", "LOG":
		s.Log = kw == "LOG"
		s.Name = p.ident()
	default:
		s.Only = kw
		p.expect("FROM")
		s.Disk = p.diskClause()
		if p.accept("WITH") {
			s.Opts, _ = p.backupWith(false)
		}
		return s
	}
	if p.accept("FROM") {
		s.Disk = p.diskClause()
	}
	if p.accept("WITH") {
		s.Opts, s.Moves = p.backupWith(true)
	}
	if s.Disk == "" && (s.Log || !hasOpt(s.Opts, "RECOVERY")) {
		p.fail() // RESTORE DATABASE x WITH RECOVERY is the only form without FROM
	}
	return s
}

// diskClause reads DISK = 'path'. One device only: striped backups are
// not simulated.
func (p *parser) diskClause() string {
	p.expect("DISK")
	p.expectOp("=")
	path := p.stringLit()
	if p.peek().isOp(",") {
		p.fail()
	}
	return path
}

// backupWith reads the WITH options of BACKUP or RESTORE.
func (p *parser) backupWith(restore bool) (map[string]string, [][2]string) {
	opts := map[string]string{}
	var moves [][2]string
	for {
		o := p.optionName()
		name := strings.ToUpper(o.Text)
		if restore && name == "MOVE" {
			from := p.stringLit()
			p.expect("TO")
			moves = append(moves, [2]string{from, p.stringLit()})
		} else {
			takesValue, ok := backupOption(name)
			if !ok {
				p.failAt(o)
			}
			opts[name] = ""
			if takesValue && p.acceptOp("=") {
				t := p.next()
				if t.Kind != tkString && t.Kind != tkNumber && t.Kind != tkIdent {
					p.failAt(t)
				}
				opts[name] = t.Text
			} else if takesValue && name != "STATS" {
				p.fail()
			}
		}
		if !p.acceptOp(",") {
			return opts, moves
		}
	}
}

func hasOpt(opts map[string]string, name string) bool {
	_, ok := opts[name]
	return ok
}
