package engine

import (
	"strings"
	"unicode"
)

// ddl runs the security DDL statements, each after the permission check
// the documentation gives it (rights.go).
func (r *runner) ddl(st stmt) {
	r.authorize(st)
	switch st := st.(type) {
	case *createMasterKeyStmt:
		r.createMasterKey(st)
	case *dropMasterKeyStmt:
		r.dropMasterKey()
	case *masterKeyStmt:
		r.masterKeyOp(st)
	case *createCertStmt:
		r.createCert(st)
	case *dropCertStmt:
		r.dropCert(st)
	case *backupCertStmt:
		r.backupCert(st)
	case *endpointStmt:
		r.endpoint(st)
	case *dropEndpointStmt:
		r.dropEndpoint(st)
	case *createLoginStmt:
		r.createLogin(st)
	case *dropLoginStmt:
		r.dropLogin(st)
	case *createUserStmt:
		r.createUser(st)
	case *dropUserStmt:
		r.dropUser(st)
	case *grantStmt:
		if st.Class == "DATABASE" {
			r.grantDatabase(st)
		} else {
			r.grant(st)
		}
	case *alterAuthStmt:
		r.alterAuthorization(st)
	case *alterDatabaseStmt:
		r.alterDatabase(st)
	case *restoreStmt:
		if st.Only != "" {
			r.restoreInfo(st) // emits its own result set
			return
		}
		r.databaseStmt(st)
	case *createDatabaseStmt, *dropDatabaseStmt, *backupDBStmt:
		r.databaseStmt(st)
	case *createAGStmt, *alterAGStmt, *dropAGStmt:
		r.agStmt(st)
	default:
		panic(newErr(102, txtSyntax, "?"))
	}
	r.emit(Output{})
}

// checkPolicy applies the Windows password policy SQL Server enforces with
// CHECK_POLICY: 8 to 128 characters, three of four character classes, and
// not containing the account name.
func checkPolicy(pw, account string) {
	n := len([]rune(pw))
	if n < 8 {
		panic(newErr(15116, txtPwdTooShort))
	}
	if n > 128 {
		panic(newErr(15117, txtPwdTooLong))
	}
	var up, low, dig, other int
	for _, c := range pw {
		switch {
		case unicode.IsUpper(c):
			up = 1
		case unicode.IsLower(c):
			low = 1
		case unicode.IsDigit(c):
			dig = 1
		default:
			other = 1
		}
	}
	if up+low+dig+other < 3 || (account != "" && len(account) > 2 && strings.Contains(strings.ToUpper(pw), strings.ToUpper(account))) {
		panic(newErr(15118, txtPwdNotComplex))
	}
}

// currentDB returns the session's database; mu must be held.
func (r *runner) currentDB() *database {
	d := r.s.inst.cat.db(r.s.db)
	if d == nil {
		panic(newErr(911, txtNoDatabase, r.s.db))
	}
	return d
}

func (r *runner) createMasterKey(st *createMasterKeyStmt) {
	in := r.s.inst
	in.mu.Lock()
	defer in.mu.Unlock()
	d := r.currentDB()
	if d.masterKey != nil {
		panic(newErr(15578, txtMasterKeyExist))
	}
	checkPolicy(st.Password, "")
	now := in.now()
	d.masterKey = &masterKey{created: now, modified: now, guid: randomBytes(16), pwdHashes: [][]byte{passwordHash(st.Password)}}
}

// masterKeyOp runs OPEN / CLOSE MASTER KEY and ALTER MASTER KEY.
func (r *runner) masterKeyOp(st *masterKeyStmt) {
	in := r.s.inst
	in.mu.Lock()
	defer in.mu.Unlock()
	d := r.currentDB()
	mk := d.masterKey
	if mk == nil {
		if st.Op == "CLOSE" {
			return
		}
		panic(newErr(15581, txtNoMasterKey))
	}
	matches := func(pw string) int {
		for i, h := range mk.pwdHashes {
			if checkPassword(h, pw) {
				return i
			}
		}
		return -1
	}
	const wrongDecryptor = "The key is not encrypted using the specified decryptor."
	switch st.Op {
	case "OPEN":
		if matches(*st.Password) < 0 {
			panic(newErr(15313, wrongDecryptor))
		}
	case "REGENERATE":
		checkPolicy(*st.Password, "")
		mk.guid, mk.pwdHashes, mk.modified = randomBytes(16), [][]byte{passwordHash(*st.Password)}, in.now()
	case "ADD":
		if !st.BySMK {
			checkPolicy(*st.Password, "")
			mk.pwdHashes = append(mk.pwdHashes, passwordHash(*st.Password))
			mk.modified = in.now()
		}
	case "DROP":
		if !st.BySMK {
			i := matches(*st.Password)
			if i < 0 {
				panic(newErr(15313, wrongDecryptor))
			}
			mk.pwdHashes = append(mk.pwdHashes[:i:i], mk.pwdHashes[i+1:]...)
			mk.modified = in.now()
		}
	}
}

func (r *runner) dropMasterKey() {
	in := r.s.inst
	in.mu.Lock()
	defer in.mu.Unlock()
	d := r.currentDB()
	if d.masterKey == nil {
		panic(newErr(15151, txtCannotFind, "symmetric key", "##MS_DatabaseMasterKey##"))
	}
	for _, c := range d.certs {
		if c.keyEnc == "MK" {
			panic(newErr(15580, "Cannot drop master key because certificate '%s' is encrypted by it.", c.name))
		}
	}
	d.masterKey = nil
}

func (r *runner) createLogin(st *createLoginStmt) {
	in := r.s.inst
	in.mu.Lock()
	defer in.mu.Unlock()
	c := in.cat
	if c.login(st.Name) != nil {
		panic(newErr(15025, "The server principal '%s' already exists.", st.Name))
	}
	now := in.now()
	l := &login{name: st.Name, typ: "S", defaultDB: "master", created: now, modified: now}
	if st.FromCert != "" {
		cert := c.db("master").cert(st.FromCert)
		if cert == nil {
			panic(newErr(15151, txtCannotFind, "certificate", st.FromCert))
		}
		l.typ, l.sid = "C", cert.sid
	} else {
		l.checkPolicy = st.CheckPolicy == nil || *st.CheckPolicy
		l.checkExpiry = st.CheckExpiry != nil && *st.CheckExpiry
		if l.checkExpiry && !l.checkPolicy {
			panic(newErr(15122, "The CHECK_EXPIRATION option cannot be used when CHECK_POLICY is OFF."))
		}
		if l.checkPolicy {
			checkPolicy(*st.Password, st.Name)
		}
		l.pwdHash = passwordHash(*st.Password)
		l.sid = randomBytes(16)
	}
	if st.DefaultDB != "" {
		d := c.db(st.DefaultDB)
		if d == nil {
			panic(newErr(15010, "The database '%s' does not exist. Supply a valid database name. To see available databases, use sys.databases.", st.DefaultDB))
		}
		l.defaultDB = d.name
	}
	l.id = c.nextLoginID
	c.nextLoginID++
	c.logins = append(c.logins, l)
	if l.typ == "S" {
		c.perms = append(c.perms, &serverPerm{class: 100, grantee: l.id, grantor: 1, typ: "COSQ", name: "CONNECT SQL", state: "G"})
	}
}

func (r *runner) dropLogin(st *dropLoginStmt) {
	in := r.s.inst
	in.mu.Lock()
	defer in.mu.Unlock()
	c := in.cat
	l := c.login(st.Name)
	if l == nil || l.typ == "R" {
		panic(newErr(15151, txtCannotFind, "login", st.Name))
	}
	if l.id == 1 || strings.HasPrefix(l.name, "##") {
		panic(newErr(15247, txtNoPermission))
	}
	if strings.EqualFold(l.name, r.s.login) {
		panic(newErr(15434, "Could not drop login '%s' as the user is currently logged in.", l.name))
	}
	for _, e := range c.endpoints {
		if e.ownerID == l.id {
			panic(newErr(15141, "The server principal owns one or more endpoint(s) and cannot be dropped."))
		}
	}
	c.logins = without(c.logins, func(o *login) bool { return o == l })
	c.perms = without(c.perms, func(p *serverPerm) bool { return p.grantee == l.id })
}

func (r *runner) createUser(st *createUserStmt) {
	in := r.s.inst
	in.mu.Lock()
	defer in.mu.Unlock()
	d := r.currentDB()
	if d.principal(st.Name) != nil {
		panic(newErr(15023, "User, group, or role '%s' already exists in the current database.", st.Name))
	}
	u := &dbPrincipal{name: st.Name, typ: "S", created: in.now()}
	switch {
	case st.WithoutLogin:
		u.sid = append([]byte{0x01, 0x05, 0x00, 0x00, 0x00, 0x00, 0x00, 0x09, 0x03, 0x00, 0x00, 0x00}, randomBytes(16)...)
		u.noLogin = true
	case st.FromCert != "":
		cert := d.cert(st.FromCert)
		if cert == nil {
			panic(newErr(15151, txtCannotFind, "certificate", st.FromCert))
		}
		u.typ, u.sid = "C", cert.sid
	default:
		l := in.cat.login(st.Login)
		if l == nil || l.typ == "R" {
			panic(newErr(15007, "'%s' is not a valid login or you do not have permission.", st.Login))
		}
		if d.principalBySID(l.sid) != nil {
			panic(newErr(15063, "The login already has an account under a different user name."))
		}
		u.sid = l.sid
		if l.typ == "C" {
			u.typ = "C"
		}
	}
	u.id = d.nextUserID
	d.nextUserID++
	d.principals = append(d.principals, u)
}

func (r *runner) dropUser(st *dropUserStmt) {
	in := r.s.inst
	in.mu.Lock()
	defer in.mu.Unlock()
	d := r.currentDB()
	u := d.principal(st.Name)
	if u == nil || u.typ == "R" {
		if st.IfExists {
			return
		}
		panic(newErr(15151, txtCannotFind, "user", st.Name))
	}
	if u.id < 5 {
		panic(newErr(15150, "Cannot drop the user '%s'.", u.name))
	}
	for _, c := range d.certs {
		if c.ownerID == u.id {
			panic(newErr(15138, "The database principal owns a %s in the database, and cannot be dropped.", "certificate"))
		}
	}
	d.principals = without(d.principals, func(o *dbPrincipal) bool { return o == u })
	// SQL Server drops a principal's permissions with it: no
	// sys.database_permissions row names a grantee that does not exist.
	d.perms = without(d.perms, func(p *dbPerm) bool { return p.grantee == u.id })
}
