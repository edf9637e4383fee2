package engine

import (
	"fmt"
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

func (r *runner) endpoint(st *endpointStmt) {
	in := r.s.inst
	defer in.mirrorEndpointChanged() // runs after the unlock below
	in.mu.Lock()
	defer in.mu.Unlock()
	c := in.cat
	master := c.db("master")
	var e *endpoint
	if st.Alter {
		e = c.endpoint(st.Name)
		if e == nil || e.builtin {
			panic(newErr(15151, txtCannotFind, "endpoint", st.Name))
		}
		if st.Payload != "" && payloadType(st.Payload) != e.typ {
			panic(newErr(7860, "An endpoint's transport or content cannot be changed through the ALTER ENDPOINT statement. Use DROP ENDPOINT and execute the CREATE ENDPOINT statement to make these changes."))
		}
	} else {
		if c.endpoint(st.Name) != nil {
			panic(newErr(7862, "An endpoint of the requested type already exists.  Only one endpoint of this type is supported.  Use ALTER ENDPOINT or DROP the existing endpoint and execute the CREATE ENDPOINT statement."))
		}
		typ := payloadType(st.Payload)
		for _, o := range c.endpoints {
			if o.typ == typ && (typ == epDatabaseMirroring || typ == epServiceBroker) {
				panic(newErr(7862, "An endpoint of the requested type already exists.  Only one endpoint of this type is supported.  Use ALTER ENDPOINT or DROP the existing endpoint and execute the CREATE ENDPOINT statement."))
			}
		}
		e = &endpoint{name: st.Name, ownerID: 1, protocol: protoTCP, typ: typ, state: 1,
			auth: &authSpec{HasWin: true, Windows: "NEGOTIATE"}, encryption: "REQUIRED", algorithm: defaultAlgorithm(in.opts.ProductVersion)}
		if l := c.login(r.s.login); l != nil {
			e.ownerID = l.id
		}
	}
	// Validate everything before changing anything: a failing ALTER leaves
	// the endpoint as it was.
	owner := e.ownerID
	if st.Owner != "" {
		l := c.login(st.Owner)
		if l == nil {
			panic(newErr(15151, txtCannotFind, "login", st.Owner))
		}
		owner = l.id
	}
	port := e.port
	if st.Port != nil {
		if *st.Port < 1 || *st.Port > 65535 {
			panic(newErr(7886, "The specified port number %d is not valid. The port number must be between 1 and 65535.", *st.Port))
		}
		port = int32(*st.Port)
		for _, o := range c.endpoints {
			if o != e && o.port == port && o.port != 0 {
				panic(newErr(7874, "An endpoint already exists with the bindings specified. Only one endpoint supported for a specific binding. Use ALTER ENDPOINT or DROP the existing endpoint and execute the CREATE ENDPOINT statement."))
			}
		}
	}
	certID := e.certID
	if st.Auth != nil {
		certID = 0
		if st.Auth.Cert != "" {
			cert := master.cert(st.Auth.Cert)
			if cert == nil {
				panic(newErr(15151, txtCannotFind, "certificate", st.Auth.Cert))
			}
			certID = cert.id
		}
	}
	oldState := e.state
	if !st.Alter {
		oldState = -1
	}
	e.ownerID, e.port, e.certID = owner, port, certID
	if st.IP != nil {
		e.ip = ""
		if *st.IP != "ALL" {
			e.ip = *st.IP
		}
	}
	if st.State != "" {
		e.state = map[string]int32{"STARTED": 0, "STOPPED": 1, "DISABLED": 2}[st.State]
	}
	if st.Auth != nil {
		e.auth = st.Auth
	}
	if st.Encryption != "" {
		e.encryption = st.Encryption
		// ALGORITHM belongs to the ENCRYPTION option: naming ENCRYPTION
		// without it means the version's default algorithm.
		e.algorithm = defaultAlgorithm(in.opts.ProductVersion)
		if st.Algorithm != "" {
			e.algorithm = st.Algorithm
		}
	}
	if st.Role != "" {
		e.role = map[string]int32{"PARTNER": 1, "WITNESS": 2, "ALL": 3}[st.Role]
	}
	if st.Alter && (st.Auth != nil || st.Encryption != "" || st.Role != "") {
		e.restarts++
	}
	if !st.Alter {
		e.id = c.nextEPID
		c.nextEPID++
		c.endpoints = append(c.endpoints, e)
	}
	if e.typ == epDatabaseMirroring && e.state != oldState {
		switch e.state {
		case 0:
			if in.opts.Port > 0 && int(e.port) == in.opts.Port {
				// The port is the instance's own TDS port: the endpoint exists
				// but cannot listen, which only the error log tells.
				in.logLocked(fmt.Sprintf("spid%ds", r.s.spid), "Error: 9692, Severity: 16, State: 1.")
				in.logLocked(fmt.Sprintf("spid%ds", r.s.spid), fmt.Sprintf("The Database Mirroring endpoint cannot listen on port %d because it is in use by another process.", e.port))
				break
			}
			in.logLocked(fmt.Sprintf("spid%ds", r.s.spid), "The Database Mirroring endpoint is now listening for connections.")
			ip := "'any'"
			if e.ip != "" {
				ip = e.ip
			}
			in.logLocked(fmt.Sprintf("spid%ds", r.s.spid), fmt.Sprintf("Server is listening on [ %s <ipv4> %d].", ip, e.port))
			in.logLocked(fmt.Sprintf("spid%ds", r.s.spid), "Database Mirroring endpoint is in enabled state.")
		case 1:
			in.logLocked(fmt.Sprintf("spid%ds", r.s.spid), "The Database Mirroring endpoint is in stopped state.")
		case 2:
			in.logLocked(fmt.Sprintf("spid%ds", r.s.spid), "Database Mirroring Transport is disabled in the endpoint configuration.")
		}
	}
}

func payloadType(p string) int32 {
	switch p {
	case "SERVICE_BROKER":
		return epServiceBroker
	case "TSQL":
		return epTSQL
	}
	return epDatabaseMirroring
}

func (r *runner) dropEndpoint(st *dropEndpointStmt) {
	in := r.s.inst
	defer in.mirrorEndpointChanged() // runs after the unlock below
	in.mu.Lock()
	defer in.mu.Unlock()
	c := in.cat
	e := c.endpoint(st.Name)
	if e == nil {
		panic(newErr(15151, txtCannotFind, "endpoint", st.Name))
	}
	if e.builtin {
		panic(newErr(7873, "The endpoint \"%s\" is a built-in endpoint and cannot be dropped. Use the protocol configuration utilities to ADD or DROP Transact-SQL endpoints.", e.name))
	}
	c.endpoints = without(c.endpoints, func(o *endpoint) bool { return o == e })
	c.perms = without(c.perms, func(p *serverPerm) bool { return p.class == 105 && p.majorID == e.id })
	if e.typ == epDatabaseMirroring && e.state == 0 {
		in.logLocked(fmt.Sprintf("spid%ds", r.s.spid), "The Database Mirroring endpoint has stopped listening for connections.")
	}
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
}

// defaultAlgorithm is AES from SQL Server 2016 (13.x), RC4 before.
func defaultAlgorithm(version string) string {
	if major := strings.SplitN(version, ".", 2)[0]; len(major) == 2 && major < "13" {
		return "RC4"
	}
	return "AES"
}
