package engine

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// instance implements Instance. mu guards cat; it is never held while RSA
// keys are generated or while another lock-taking helper runs.
type instance struct {
	opts     Options
	mu       sync.Mutex
	cat      *catalog
	nextSPID atomic.Int32
	keys     *keyPool    // RSA keys for CREATE CERTIFICATE, made ahead
	cs       bool        // Options.Collation is case-sensitive; fixed at New
	mirror   mirrorState // live mirroring connections (mirror_conns.go)
	parses   *parseCache // batches run again and again, parsed once
}

// New creates a simulated instance with a freshly installed master catalog:
// the built-in logins, roles, endpoints, ##MS_ certificates and permissions a
// real SQL Server has, and nothing of the procedure yet.
func New(opts Options) (Instance, error) {
	if strings.TrimSpace(opts.Name) == "" {
		return nil, errors.New("engine: Options.Name is required (the server name, e.g. HOST_A)")
	}
	if opts.SAPassword == "" {
		return nil, errors.New("engine: Options.SAPassword is required (the password of login sa)")
	}
	if opts.FileRoot == "" {
		return nil, errors.New("engine: Options.FileRoot is required (the directory that stands for the instance's disks)")
	}
	if opts.ProductVersion == "" {
		opts.ProductVersion = "16.0.4135.4"
	}
	if opts.Edition == "" {
		opts.Edition = "Developer Edition (64-bit)"
	}
	if opts.Collation == "" {
		opts.Collation = DefaultCollation
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	for _, d := range []string{"C", filepath.Join("var", "opt", "mssql", "data"), filepath.FromSlash(defaultDataDir)} {
		if err := os.MkdirAll(filepath.Join(opts.FileRoot, d), 0o755); err != nil {
			return nil, fmt.Errorf("engine: prepare file root: %w", err)
		}
	}
	in := &instance{opts: opts, cs: CaseSensitive(opts.Collation), keys: newKeyPool(keyPoolSize), parses: newParseCache()}
	in.nextSPID.Store(50)
	in.cat = in.seed()
	return in, nil
}

func (in *instance) now() time.Time { return in.opts.Now().UTC() }

// Name implements Instance.
func (in *instance) Name() string { return in.opts.Name }

// FileRoot implements Instance.
func (in *instance) FileRoot() string { return in.opts.FileRoot }

// Authenticate implements Instance: a SQL login with the right password that
// is not disabled. Failures are logged the way SQL Server logs them.
func (in *instance) Authenticate(user, password string) *Message {
	in.mu.Lock()
	defer in.mu.Unlock()
	l := in.cat.login(user)
	reason := ""
	switch {
	case l == nil || l.typ != "S":
		reason = "Could not find a login matching the name provided."
	case l.disabled:
		reason = "The account is disabled."
	case !checkPassword(l.pwdHash, password):
		reason = "Password did not match that for the login provided."
	}
	if reason == "" {
		return nil
	}
	in.logLocked("Logon", "Error: 18456, Severity: 14, State: 8.")
	in.logLocked("Logon", fmt.Sprintf("Login failed for user '%s'. Reason: %s [CLIENT: 127.0.0.1]", user, reason))
	m := errf(18456, 1, txtLoginFailed, user)
	return &m
}

// NewSession implements Instance.
func (in *instance) NewSession(login string) Session {
	s := &session{inst: in, login: login, spid: in.nextSPID.Add(1)}
	s.Reset()
	return s
}

// ErrorLog implements Instance, in SQL Server's ERRORLOG line format.
func (in *instance) ErrorLog() []string {
	in.mu.Lock()
	defer in.mu.Unlock()
	out := make([]string, len(in.cat.errlog))
	for i, e := range in.cat.errlog {
		out[i] = fmt.Sprintf("%s %-12s %s", e.at.Format("2006-01-02 15:04:05.00"), e.process, e.text)
	}
	return out
}

// locked runs fn holding mu, releasing it even when fn raises an error.
func (in *instance) locked(fn func()) {
	in.mu.Lock()
	defer in.mu.Unlock()
	fn()
}

// logLocked appends an error-log line; mu must be held.
func (in *instance) logLocked(process, text string) {
	in.cat.errlog = append(in.cat.errlog, logEntry{at: in.now(), process: process, text: text})
}

// defaultDataDir is where a relative file name lands, as on a default
// SQL Server 2022 install.
const defaultDataDir = "C/Program Files/Microsoft SQL Server/MSSQL16.MSSQLSERVER/MSSQL/DATA"

// seed builds the catalog of a freshly installed instance.
func (in *instance) seed() *catalog {
	now := in.now()
	installed := now.Add(-24 * time.Hour)
	c := &catalog{nextLoginID: 259, nextEPID: 65536, cs: in.cs}

	addLogin := func(name string, id int32, typ string, sid []byte) *login {
		l := &login{name: name, id: id, typ: typ, sid: sid, defaultDB: "master", created: installed, modified: installed, fixedRole: typ == "R"}
		c.logins = append(c.logins, l)
		return l
	}
	sa := addLogin("sa", 1, "S", []byte{0x01})
	sa.pwdHash = passwordHash(in.opts.SAPassword)
	sa.sysadmin = true
	sa.checkPolicy = true
	for i, r := range []string{"public", "sysadmin", "securityadmin", "serveradmin", "setupadmin", "processadmin", "diskadmin", "dbcreator", "bulkadmin"} {
		sid := []byte{byte(i + 2)}
		if r == "public" {
			sid = []byte{0x02}
		}
		addLogin(r, int32(i+2), "R", sid)
	}
	for i, n := range []string{"##MS_SQLResourceSigningCertificate##", "##MS_SQLReplicationSigningCertificate##", "##MS_SQLAuthenticatorCertificate##", "##MS_PolicySigningCertificate##", "##MS_SmoExtendedSigningCertificate##"} {
		addLogin(n, int32(101+i), "C", randomBytes(32))
	}
	for i, n := range []string{"##MS_PolicyEventProcessingLogin##", "##MS_PolicyTsqlExecutionLogin##"} {
		l := addLogin(n, int32(256+i), "S", randomBytes(16))
		l.disabled = true
		l.pwdHash = passwordHash(string(randomBytes(24)))
	}
	addLogin("##MS_AgentSigningCertificate##", 258, "C", randomBytes(32))

	for i, name := range []string{"master", "tempdb", "model", "msdb"} {
		d := &database{name: name, id: int32(i + 1), created: installed, nextCertID: 256, nextUserID: 5, cs: in.cs}
		d.principals = []*dbPrincipal{
			{name: "public", id: 0, typ: "R", created: installed, fixedRole: true},
			{name: "dbo", id: 1, typ: "S", sid: []byte{0x01}, created: installed},
			{name: "guest", id: 2, typ: "S", sid: []byte{0x00}, created: installed},
			{name: "INFORMATION_SCHEMA", id: 3, typ: "S", created: installed, noLogin: true},
			{name: "sys", id: 4, typ: "S", created: installed, noLogin: true},
		}
		for j, r := range []string{"db_owner", "db_accessadmin", "db_securityadmin", "db_ddladmin", "db_backupoperator", "db_datareader", "db_datawriter", "db_denydatareader", "db_denydatawriter"} {
			d.principals = append(d.principals, &dbPrincipal{name: r, id: int32(16384 + j), typ: "R", created: installed, fixedRole: true})
		}
		c.dbs = append(c.dbs, d)
	}
	master := c.dbs[0]
	master.principals = append(master.principals,
		&dbPrincipal{name: "##MS_PolicyEventProcessingLogin##", id: 5, typ: "S", sid: c.login("##MS_PolicyEventProcessingLogin##").sid, created: installed},
		&dbPrincipal{name: "##MS_AgentSigningCertificate##", id: 6, typ: "C", sid: c.login("##MS_AgentSigningCertificate##").sid, created: installed})
	master.nextUserID = 7
	names := []string{"##MS_SQLResourceSigningCertificate##", "##MS_SQLReplicationSigningCertificate##", "##MS_SQLAuthenticatorCertificate##"}
	for i, x := range builtinCerts() {
		if i >= len(names) {
			break
		}
		cert := &certificate{name: names[i], id: int32(101 + i), ownerID: 1, keyEnc: "NA", created: installed, isBuiltin: true}
		cert.fillFromX509(x.Raw, x)
		master.certs = append(master.certs, cert)
	}

	c.endpoints = []*endpoint{
		{name: "Dedicated Admin Connection", id: 1, ownerID: 1, protocol: protoTCP, typ: epTSQL, isAdmin: true, builtin: true},
		{name: "TSQL Local Machine", id: 2, ownerID: 1, protocol: protoSharedMemory, typ: epTSQL, builtin: true},
		{name: "TSQL Named Pipes", id: 3, ownerID: 1, protocol: protoNamedPipes, typ: epTSQL, builtin: true},
		{name: "TSQL Default TCP", id: 4, ownerID: 1, protocol: protoTCP, typ: epTSQL, builtin: true},
		{name: "TSQL Default VIA", id: 5, ownerID: 1, protocol: protoVIA, typ: epTSQL, state: 2, builtin: true},
	}
	c.perms = append(c.perms, &serverPerm{class: 100, grantee: 2, grantor: 1, typ: "VWDB", name: "VIEW ANY DATABASE", state: "G"})
	for _, id := range []int32{2, 3, 4, 5} {
		c.perms = append(c.perms, &serverPerm{class: 105, majorID: id, grantee: 2, grantor: 1, typ: "CO", name: "CONNECT", state: "G"})
	}
	for _, l := range c.logins {
		if l.typ == "S" {
			c.perms = append(c.perms, &serverPerm{class: 100, grantee: l.id, grantor: 1, typ: "COSQ", name: "CONNECT SQL", state: "G"})
		}
	}

	in.cat = c
	for _, line := range []string{
		"Microsoft SQL Server " + productYear(in.opts.ProductVersion) + " - " + in.opts.ProductVersion + " (X64) \n\t" + in.opts.Edition + " on Windows Server 2022 Datacenter 10.0 <X64> (Build 20348: ) (Hypervisor)",
		"UTC adjustment: 0:00",
		"(c) Microsoft Corporation.",
		"All rights reserved.",
		"Server process ID is 4242.",
		"System Manufacturer: 'mirrorcert', System Model: 'simulated instance'.",
		"Authentication mode is MIXED.",
		"Logging SQL Server messages in file 'C:\\Program Files\\Microsoft SQL Server\\MSSQL16.MSSQLSERVER\\MSSQL\\Log\\ERRORLOG'.",
		"The service account is 'NT Service\\MSSQLSERVER'. This is an informational message; no user action is required.",
		"Starting up database 'master'.",
	} {
		c.errlog = append(c.errlog, logEntry{at: now, process: "Server", text: line})
	}
	if in.opts.Port > 0 {
		c.errlog = append(c.errlog,
			logEntry{at: now, process: "spid27s", text: fmt.Sprintf("Server is listening on [ 127.0.0.1 <ipv4> %d].", in.opts.Port)})
		if in.opts.Address != "" && in.opts.Address != "127.0.0.1" {
			c.errlog = append(c.errlog,
				logEntry{at: now, process: "spid27s", text: fmt.Sprintf("Server is listening on [ %s <ipv4> %d].", in.opts.Address, in.opts.Port)})
		}
	}
	c.errlog = append(c.errlog,
		logEntry{at: now, process: "spid27s", text: "SQL Server is now ready for client connections. This is an informational message; no user action is required."})
	return c
}

// productYear names the release for a major version, for @@VERSION.
func productYear(version string) string {
	major, rest, _ := strings.Cut(version, ".")
	switch major {
	case "10":
		if strings.HasPrefix(rest, "50") {
			return "2008 R2"
		}
		return "2008"
	case "11":
		return "2012"
	case "12":
		return "2014"
	case "13":
		return "2016"
	case "14":
		return "2017"
	case "15":
		return "2019"
	case "17":
		return "2025"
	}
	return "2022"
}
