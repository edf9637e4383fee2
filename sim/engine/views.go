package engine

import (
	"bytes"
	"encoding/binary"
	"strconv"
	"strings"
)

func col(name string, t Type, size int, nullable bool) Column {
	return Column{Name: name, Type: t, Size: size, Nullable: nullable}
}

// Column sets shared by several views, in the order SQL Server returns them.
func endpointCols() []Column {
	return []Column{
		col("name", NVarChar, 128, false), col("endpoint_id", Int, 0, false), col("principal_id", Int, 0, true),
		col("protocol", Int, 0, false), col("protocol_desc", NVarChar, 60, true), col("type", Int, 0, false),
		col("type_desc", NVarChar, 60, true), col("state", Int, 0, true), col("state_desc", NVarChar, 60, true),
		col("is_admin_endpoint", Bit, 0, false),
	}
}

// permissionCols are the columns sys.server_permissions and
// sys.database_permissions share on SQL Server (class, grantee, permission
// type and state), so the two views are declared once.
func permissionCols() []Column {
	return []Column{
		col("class", Int, 0, false), col("class_desc", NVarChar, 60, true), col("major_id", Int, 0, false),
		col("minor_id", Int, 0, false), col("grantee_principal_id", Int, 0, false), col("grantor_principal_id", Int, 0, false),
		col("type", NVarChar, 4, false), col("permission_name", NVarChar, 128, true), col("state", NVarChar, 1, false),
		col("state_desc", NVarChar, 60, true),
	}
}

func serverPrincipalCols() []Column {
	return []Column{
		col("name", NVarChar, 128, false), col("principal_id", Int, 0, false), col("sid", VarBinary, 0, true),
		col("type", NVarChar, 1, false), col("type_desc", NVarChar, 60, true), col("is_disabled", Bit, 0, true),
		col("create_date", DateTime, 0, false), col("modify_date", DateTime, 0, false),
		col("default_database_name", NVarChar, 128, true), col("default_language_name", NVarChar, 128, true),
		col("credential_id", Int, 0, true), col("owning_principal_id", Int, 0, true), col("is_fixed_role", Bit, 0, false),
	}
}

// view materialises a catalog view as columns and rows (evaluator values).
// Names resolve as on SQL Server: sys.x, db.sys.x or db..x is not allowed for
// catalog views without the sys schema; anything else is unknown (208).
func (in *instance) view(s *session, parts []string) ([]Column, [][]any, bool) {
	var dbName, schema, name string
	switch len(parts) {
	case 2:
		schema, name = parts[0], parts[1]
	case 3:
		dbName, schema, name = parts[0], parts[1], parts[2]
	default:
		return nil, nil, false
	}
	if !strings.EqualFold(schema, "sys") {
		if cols, rows, ok := in.ssisView(s, dbName, schema, name); ok {
			return cols, rows, true
		}
		if dbName == "" {
			dbName = s.Database()
		}
		return in.cmsView(dbName, schema, name)
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	if dbName == "" {
		dbName = s.db
	}
	d := in.cat.db(dbName)
	if d == nil {
		return nil, nil, false
	}
	name = strings.ToLower(name)
	in.checkServerStateLocked(s, name)
	cols, rows, ok := in.viewLocked(d, name)
	if ok {
		rows = in.visibilityLocked(s, d).filter(name, cols, rows)
	}
	return cols, rows, ok
}

// viewLocked builds every row of a view; mu must be held.
func (in *instance) viewLocked(d *database, name string) ([]Column, [][]any, bool) {
	c := in.cat
	switch name {
	case "symmetric_keys":
		return in.symmetricKeys(d)
	case "certificates":
		return in.certificates(d)
	case "database_principals":
		return in.databasePrincipals(d)
	case "database_permissions":
		// CREATE USER grants CONNECT on the database; guest has it in master
		// and tempdb. Then the GRANTs on the database (rights.go).
		cols := permissionCols()
		var rows [][]any
		for _, p := range d.principals {
			if p.typ == "R" || p.id == 1 || p.id == 3 || p.id == 4 || (p.id == 2 && d.id != 1 && d.id != 2) {
				continue
			}
			rows = append(rows, []any{int64(0), "DATABASE", int64(0), int64(0), int64(p.id), int64(1), "CO  ", "CONNECT", "G", "GRANT"})
		}
		for _, p := range d.perms {
			rows = append(rows, []any{int64(0), "DATABASE", int64(0), int64(0), int64(p.grantee), int64(1), permType(p.name), p.name, "G", "GRANT"})
		}
		return cols, rows, true
	case "endpoints", "tcp_endpoints", "database_mirroring_endpoints":
		return in.endpointsView(name)
	case "dm_db_mirroring_connections":
		return in.mirroringConnectionsView()
	case "server_principals", "sql_logins":
		cols := serverPrincipalCols()
		sqlLogins := name == "sql_logins"
		if sqlLogins {
			cols = append(cols, col("is_policy_checked", Bit, 0, true), col("is_expiration_checked", Bit, 0, true), col("password_hash", VarBinary, 0, true))
		}
		var rows [][]any
		for _, l := range c.logins {
			if sqlLogins && l.typ != "S" {
				continue
			}
			var defDB, lang any = l.defaultDB, "us_english"
			var disabled any = l.disabled
			if l.typ == "R" {
				defDB, lang = nil, nil
			}
			var owner any
			if l.typ == "R" {
				owner = int64(1)
			}
			row := []any{l.name, int64(l.id), bytes.Clone(l.sid), l.typ, loginTypeDesc(l.typ), disabled,
				l.created, l.modified, defDB, lang, nil, owner, l.fixedRole}
			if sqlLogins {
				row = append(row, l.checkPolicy, l.checkExpiry, bytes.Clone(l.pwdHash))
			}
			rows = append(rows, row)
		}
		return cols, rows, true
	case "server_permissions":
		cols := permissionCols()
		var rows [][]any
		for _, p := range c.perms {
			classDesc := serverClassDesc(p.class)
			stateDesc := "GRANT"
			if p.state == "W" {
				stateDesc = "GRANT_WITH_GRANT_OPTION"
			}
			rows = append(rows, []any{int64(p.class), classDesc, int64(p.majorID), int64(0), int64(p.grantee), int64(p.grantor),
				padRight(p.typ, 4), p.name, p.state, stateDesc})
		}
		return cols, rows, true
	case "databases":
		return in.databasesView()
	case "database_mirroring":
		return in.databaseMirroringView()
	case "database_mirroring_witnesses":
		return in.databaseMirroringWitnessesView()
	}
	return in.hadrViewLocked(name)
}

func loginTypeDesc(t string) string {
	switch t {
	case "S":
		return "SQL_LOGIN"
	case "R":
		return "SERVER_ROLE"
	case "C":
		return "CERTIFICATE_MAPPED_LOGIN"
	case "U":
		return "WINDOWS_LOGIN"
	}
	return "SQL_LOGIN"
}

func (in *instance) symmetricKeys(d *database) ([]Column, [][]any, bool) {
	cols := []Column{
		col("name", NVarChar, 128, false), col("principal_id", Int, 0, true), col("symmetric_key_id", Int, 0, false),
		col("key_length", Int, 0, false), col("key_algorithm", NVarChar, 2, false), col("algorithm_desc", NVarChar, 60, true),
		col("create_date", DateTime, 0, false), col("modify_date", DateTime, 0, false), col("key_guid", NVarChar, 36, true),
	}
	var rows [][]any
	if d.masterKey != nil {
		mk := d.masterKey
		rows = append(rows, []any{"##MS_DatabaseMasterKey##", int64(1), int64(101), int64(256), "A3", "AES_256",
			mk.created, mk.modified, strings.ToUpper(formatGUID(mk.guid))})
	}
	if d.id == 1 {
		// master always holds the service master key.
		rows = append(rows, []any{"##MS_ServiceMasterKey##", int64(1), int64(102), int64(256), "A3", "AES_256",
			d.created, d.created, "8A7C3F12-0000-4D2B-9E55-5AC1E0F0C0DE"})
	}
	return cols, rows, true
}

func (in *instance) certificates(d *database) ([]Column, [][]any, bool) {
	cols := []Column{
		col("name", NVarChar, 128, false), col("certificate_id", Int, 0, false), col("principal_id", Int, 0, true),
		col("pvt_key_encryption_type", NVarChar, 2, false), col("pvt_key_encryption_type_desc", NVarChar, 60, true),
		col("is_active_for_begin_dialog", Bit, 0, true), col("issuer_name", NVarChar, 442, true),
		col("cert_serial_number", NVarChar, 64, true), col("sid", VarBinary, 0, true), col("string_sid", NVarChar, 128, true),
		col("subject", NVarChar, 4000, true), col("expiry_date", DateTime, 0, true), col("start_date", DateTime, 0, true),
		col("thumbprint", VarBinary, 0, false), col("attested_by", NVarChar, 260, true),
		col("pvt_key_last_backup_date", DateTime, 0, true), col("key_length", Int, 0, true),
	}
	var rows [][]any
	for _, c := range d.certs {
		var backup any
		if c.lastBackup != nil {
			backup = *c.lastBackup
		}
		rows = append(rows, []any{c.name, int64(c.id), int64(c.ownerID), c.keyEnc, keyEncDesc(c.keyEnc),
			true, c.issuer, c.serial, bytes.Clone(c.sid), stringSID(c.sid), c.subject,
			c.cert.NotAfter.UTC(), c.cert.NotBefore.UTC(), bytes.Clone(c.thumbprint), nil, backup, int64(c.keyLength)})
	}
	return cols, rows, true
}

func keyEncDesc(t string) string {
	switch t {
	case "MK":
		return "ENCRYPTED_BY_MASTER_KEY"
	case "PW":
		return "ENCRYPTED_BY_PASSWORD"
	}
	return "NO_PRIVATE_KEY"
}

// stringSID renders a certificate SID (S-1-9-...) as sys.certificates does.
func stringSID(sid []byte) string {
	if len(sid) < 8 {
		return ""
	}
	// strconv, not fmt: this runs for every row of every read of
	// sys.certificates, and the state read has two.
	b := make([]byte, 0, 64)
	b = append(b, "S-"...)
	b = strconv.AppendUint(b, uint64(sid[0]), 10)
	b = append(b, '-')
	b = strconv.AppendUint(b, uint64(sid[7]), 10)
	for i := 8; i+4 <= len(sid); i += 4 {
		b = append(b, '-')
		b = strconv.AppendUint(b, uint64(binary.LittleEndian.Uint32(sid[i:])), 10)
	}
	return string(b)
}

func (in *instance) databasePrincipals(d *database) ([]Column, [][]any, bool) {
	cols := []Column{
		col("name", NVarChar, 128, false), col("principal_id", Int, 0, false), col("type", NVarChar, 1, false),
		col("type_desc", NVarChar, 60, true), col("default_schema_name", NVarChar, 128, true),
		col("create_date", DateTime, 0, false), col("modify_date", DateTime, 0, false),
		col("owning_principal_id", Int, 0, true), col("sid", VarBinary, 0, true), col("is_fixed_role", Bit, 0, false),
		col("authentication_type", Int, 0, false), col("authentication_type_desc", NVarChar, 60, true),
		col("default_language_name", NVarChar, 128, true),
	}
	var rows [][]any
	for _, p := range d.principals {
		typeDesc := userTypeDesc(p.typ)
		var schema, owner any
		authType, authDesc := int64(1), "INSTANCE"
		if p.typ == "R" || p.noLogin || p.id == 2 || p.typ == "C" {
			authType, authDesc = 0, "NONE"
		}
		if p.typ == "R" {
			owner = int64(1)
		} else if p.typ != "C" {
			schema = "dbo"
		}
		var sid any
		if p.sid != nil {
			sid = bytes.Clone(p.sid)
		}
		rows = append(rows, []any{p.name, int64(p.id), p.typ, typeDesc, schema, p.created, p.created, owner, sid,
			p.fixedRole, authType, authDesc, nil})
	}
	return cols, rows, true
}

func (in *instance) endpointsView(name string) ([]Column, [][]any, bool) {
	cols := endpointCols()
	switch name {
	case "tcp_endpoints":
		cols = append(cols, col("port", Int, 0, false), col("is_dynamic_port", Bit, 0, false), col("ip_address", NVarChar, 45, true))
	case "database_mirroring_endpoints":
		cols = append(cols, col("role", Int, 0, true), col("role_desc", NVarChar, 60, true), col("is_encryption_enabled", Bit, 0, false),
			col("connection_auth", Int, 0, false), col("connection_auth_desc", NVarChar, 60, true), col("certificate_id", Int, 0, false),
			col("encryption_algorithm", Int, 0, false), col("encryption_algorithm_desc", NVarChar, 60, true))
	}
	var rows [][]any
	for _, e := range in.cat.endpoints {
		if name == "tcp_endpoints" && e.protocol != protoTCP {
			continue
		}
		if name == "database_mirroring_endpoints" && e.typ != epDatabaseMirroring {
			continue
		}
		row := []any{e.name, int64(e.id), int64(e.ownerID), int64(e.protocol), protocolDesc(e.protocol), int64(e.typ),
			endpointTypeDesc(e.typ), int64(e.state), stateDesc(e.state), e.isAdmin}
		switch name {
		case "tcp_endpoints":
			var ip any
			if e.ip != "" {
				ip = e.ip
			}
			row = append(row, int64(e.port), e.builtin, ip)
		case "database_mirroring_endpoints":
			auth, authDesc := connectionAuth(e.auth)
			alg, algDesc := encryptionAlgorithm(e.encryption, e.algorithm)
			row = append(row, int64(e.role), roleDesc(e.role), e.encryption != "DISABLED", int64(auth), authDesc,
				int64(e.certID), int64(alg), algDesc)
		}
		rows = append(rows, row)
	}
	return cols, rows, true
}

func protocolDesc(p int32) string {
	return map[int32]string{1: "HTTP", protoTCP: "TCP", protoNamedPipes: "NAMED_PIPES", protoSharedMemory: "SHARED_MEMORY", protoVIA: "VIA"}[p]
}

func endpointTypeDesc(t int32) string {
	return map[int32]string{1: "SOAP", epTSQL: "TSQL", epServiceBroker: "SERVICE_BROKER", epDatabaseMirroring: "DATABASE_MIRRORING"}[t]
}

func stateDesc(s int32) string {
	return [...]string{"STARTED", "STOPPED", "DISABLED"}[s]
}

func roleDesc(r int32) string {
	return [...]string{"NONE", "PARTNER", "WITNESS", "ALL"}[r]
}

// connectionAuth gives sys.database_mirroring_endpoints.connection_auth and
// its description for an AUTHENTICATION clause.
func connectionAuth(a *authSpec) (int32, string) {
	if a == nil {
		return 3, "NEGOTIATE"
	}
	win := map[string]int32{"NTLM": 1, "KERBEROS": 2, "NEGOTIATE": 3}
	switch {
	case a.Cert == "":
		return win[a.Windows], a.Windows
	case !a.HasWin:
		return 4, "CERTIFICATE"
	case a.CertFirst:
		return 7 + win[a.Windows], "CERTIFICATE, " + a.Windows
	}
	return 4 + win[a.Windows], a.Windows + ", CERTIFICATE"
}

// encryptionAlgorithm gives encryption_algorithm and its description.
func encryptionAlgorithm(enc, alg string) (int32, string) {
	if enc == "DISABLED" {
		return 0, "NONE"
	}
	codes := map[string]int32{"RC4": 1, "AES": 2, "RC4 AES": 5, "AES RC4": 6}
	desc := strings.ReplaceAll(alg, " ", ", ")
	if enc == "SUPPORTED" {
		switch alg {
		case "RC4":
			return 3, "NONE, RC4"
		case "AES":
			return 4, "NONE, AES"
		case "RC4 AES":
			return 7, "NONE, RC4, AES"
		case "AES RC4":
			return 8, "NONE, AES, RC4"
		}
	}
	return codes[alg], desc
}
