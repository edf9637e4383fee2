package engine

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha512"
	"crypto/x509"
	"encoding/binary"
	"slices"
	"time"
	"unicode/utf16"
)

// catalog is the state of one instance: server-level principals, endpoints
// and permissions, and per database the master key, certificates and users.
// Every access holds instance.mu.
type catalog struct {
	dbs         []*database
	logins      []*login
	nextLoginID int32
	endpoints   []*endpoint
	nextEPID    int32
	perms       []*serverPerm
	errlog      []logEntry
	cs          bool        // the server collation is case-sensitive (collation.go)
	hadr        hadrCatalog // availability groups and witnessed sessions (ag_catalog.go)
}

type database struct {
	name       string
	id         int32
	created    time.Time
	masterKey  *masterKey
	certs      []*certificate
	principals []*dbPrincipal
	nextCertID int32
	nextUserID int32
	perms      []*dbPerm // GRANTs on the database (rights.go)
	cs         bool      // names compare case-sensitively (collation.go)
	state      *dbState  // recovery, restore and mirroring state (db_catalog.go)
	ssis       *SSISDB   // set on the SSISDB database only (ssisdb.go)
}

type masterKey struct {
	created, modified time.Time
	guid              []byte
	pwdHashes         [][]byte // salted hashes of the passwords that encrypt it
}

type certificate struct {
	name        string
	id          int32
	ownerID     int32
	der         []byte
	cert        *x509.Certificate
	key         *rsa.PrivateKey // nil when only the public part is held
	keyEnc      string          // MK, PW or NA
	pwdHash     []byte          // salted hash of the ENCRYPTION BY PASSWORD password (PW)
	subject     string
	issuer      string
	serial      string
	thumbprint  []byte
	sid         []byte
	lastBackup  *time.Time
	created     time.Time
	isBuiltin   bool
	keyLength   int32
	description string
}

type login struct {
	name        string
	id          int32
	sid         []byte
	typ         string // S SQL login, R server role, C certificate-mapped
	pwdHash     []byte
	checkPolicy bool
	checkExpiry bool
	disabled    bool
	sysadmin    bool
	defaultDB   string
	created     time.Time
	modified    time.Time
	fixedRole   bool
}

type dbPrincipal struct {
	name      string
	id        int32
	typ       string // S SQL user, R role, C certificate user, ...
	sid       []byte
	created   time.Time
	fixedRole bool
	noLogin   bool
}

// Endpoint type and protocol codes as sys.endpoints has them.
const (
	epTSQL              = 2
	epServiceBroker     = 3
	epDatabaseMirroring = 4

	protoTCP          = 2
	protoNamedPipes   = 3
	protoSharedMemory = 4
	protoVIA          = 5
)

type endpoint struct {
	name       string
	id         int32
	ownerID    int32
	protocol   int32
	typ        int32
	state      int32 // 0 STARTED, 1 STOPPED, 2 DISABLED
	isAdmin    bool
	port       int32
	ip         string // "" = ALL
	role       int32  // 0 NONE, 1 PARTNER, 2 WITNESS, 3 ALL
	auth       *authSpec
	certID     int32
	encryption string // DISABLED, SUPPORTED, REQUIRED
	algorithm  string // AES, RC4, AES RC4, RC4 AES
	builtin    bool
	// restarts counts ALTER ENDPOINTs that changed the mirroring options
	// (authentication, encryption, role): each restarts the listener, as
	// on SQL Server, and so drops the endpoint's live connections.
	restarts int64
}

type serverPerm struct {
	class     int32 // 100 SERVER, 105 ENDPOINT
	majorID   int32
	grantee   int32
	grantor   int32
	typ       string
	name      string
	state     string // G or W
	permOrder int
}

type logEntry struct {
	at      time.Time
	process string
	text    string
}

// lookup helpers; names compare by the instance's collation (collation.go).

func (c *catalog) db(name string) *database {
	return find(c.dbs, func(d *database) bool { return c.same(d.name, name) })
}

func (c *catalog) dbByID(id int32) *database {
	return find(c.dbs, func(d *database) bool { return d.id == id })
}

func (c *catalog) login(name string) *login {
	return find(c.logins, func(l *login) bool { return c.same(l.name, name) })
}

func (c *catalog) loginByID(id int32) *login {
	return find(c.logins, func(l *login) bool { return l.id == id })
}

func (c *catalog) loginBySID(sid []byte) *login {
	return find(c.logins, func(l *login) bool { return sid != nil && string(l.sid) == string(sid) })
}

func (c *catalog) endpoint(name string) *endpoint {
	return find(c.endpoints, func(e *endpoint) bool { return c.same(e.name, name) })
}

func (d *database) cert(name string) *certificate {
	return find(d.certs, func(c *certificate) bool { return d.same(c.name, name) })
}

func (d *database) certByID(id int32) *certificate {
	return find(d.certs, func(c *certificate) bool { return c.id == id })
}

func (d *database) principal(name string) *dbPrincipal {
	return find(d.principals, func(p *dbPrincipal) bool { return d.same(p.name, name) })
}

func (d *database) principalByID(id int32) *dbPrincipal {
	return find(d.principals, func(p *dbPrincipal) bool { return p.id == id })
}

func (d *database) principalBySID(sid []byte) *dbPrincipal {
	return find(d.principals, func(p *dbPrincipal) bool { return len(sid) > 0 && string(p.sid) == string(sid) })
}

// find returns the first of xs that match accepts, or nil. Every catalog
// lookup is this linear scan with a different test, so the scan lives once.
func find[T any](xs []*T, match func(*T) bool) *T {
	if i := slices.IndexFunc(xs, match); i >= 0 {
		return xs[i]
	}
	return nil
}

// without returns xs less the elements drop accepts, always in a new array:
// catalog slices are replaced, never edited in place (as the hand-written
// removals it replaces did), so a slice held from before a DROP still reads
// as it was.
func without[T any](xs []T, drop func(T) bool) []T {
	kept := make([]T, 0, len(xs))
	for _, x := range xs {
		if !drop(x) {
			kept = append(kept, x)
		}
	}
	return kept
}

// passwordHash computes SQL Server 2012+'s login password hash:
// 0x0200, a 4-byte salt, then SHA-512 over the UTF-16LE password and the salt.
func passwordHash(password string) []byte {
	salt := make([]byte, 4)
	_, _ = rand.Read(salt)
	return hashWithSalt(password, salt)
}

func hashWithSalt(password string, salt []byte) []byte {
	u := utf16.Encode([]rune(password))
	buf := make([]byte, 0, len(u)*2+len(salt))
	for _, r := range u {
		buf = binary.LittleEndian.AppendUint16(buf, r)
	}
	buf = append(buf, salt...)
	sum := sha512.Sum512(buf)
	out := []byte{0x02, 0x00}
	out = append(out, salt...)
	return append(out, sum[:]...)
}

// checkPassword compares password against a hash made by passwordHash.
func checkPassword(hash []byte, password string) bool {
	if len(hash) != 2+4+64 {
		return false
	}
	want := hashWithSalt(password, hash[2:6])
	return string(want) == string(hash)
}

// randomBytes returns n random bytes (SIDs, GUIDs, serials).
func randomBytes(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return b
}
