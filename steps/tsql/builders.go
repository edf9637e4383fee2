package tsql

import (
	"fmt"
	"strings"
	"time"
)

// Master is the database every statement of the procedure runs in.
const Master = "master"

// Secret kinds.
const (
	KindMasterKey = "master-key"
	KindLogin     = "login"
)

// MasterKeySecret is the secret protecting host's database master key,
// exported as the sqlcmd variable MASTER_KEY_PASSWORD_<HOST>.
func MasterKeySecret(host string) Secret {
	return Secret{Var: "MASTER_KEY_PASSWORD_" + VarSuffix(host), Kind: KindMasterKey, Host: host}
}

// LoginSecret is the password of the login that stands for peer on the other
// hosts, exported as LOGIN_PASSWORD_<PEER>. Nobody ever logs in with it, but
// SQL Server requires one.
func LoginSecret(peer string) Secret {
	return Secret{Var: "LOGIN_PASSWORD_" + VarSuffix(peer), Kind: KindLogin, Host: peer}
}

// VarSuffix turns a host name into the tail of a sqlcmd variable name:
// upper-case, with anything but ASCII letters, digits and _ replaced by _,
// because sqlcmd variable names allow nothing else.
func VarSuffix(host string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(host) {
		if (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') || r == '_' {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	return b.String()
}

// notExists builds the guard "NOT EXISTS (SELECT 1 FROM view WHERE name = N'...')".
func notExists(view, name string) string {
	return "NOT EXISTS (SELECT 1 FROM " + view + " WHERE name = " + QuoteLiteral(name) + ")"
}

func exists(view, name string) string {
	return "EXISTS (SELECT 1 FROM " + view + " WHERE name = " + QuoteLiteral(name) + ")"
}

// Date renders a UTC date as a 'YYYYMMDD' literal, the one format SQL Server
// reads the same way under every language and DATEFORMAT setting.
func Date(t time.Time) string {
	return QuoteLiteral(t.UTC().Format("20060102"))
}

// CreateMasterKey creates the database master key of master, protected by
// the password held in secret s.
func CreateMasterKey(s Secret) Statement {
	return Statement{
		Text:     "CREATE MASTER KEY ENCRYPTION BY PASSWORD = " + placeholder(s.Var) + ";",
		Secrets:  []Secret{s},
		Guard:    notExists("sys.symmetric_keys", "##MS_DatabaseMasterKey##"),
		Database: Master,
	}
}

// CreateCertificate creates a host's own certificate; with no ENCRYPTION BY
// PASSWORD its private key is protected by the master key, which is what an
// endpoint requires. A zero start or expiry leaves that clause out.
func CreateCertificate(name, subject string, start, expiry time.Time) Statement {
	var b strings.Builder
	b.WriteString("CREATE CERTIFICATE " + QuoteIdent(name) + "\n    WITH SUBJECT = " + QuoteLiteral(subject))
	if !start.IsZero() {
		b.WriteString(",\n    START_DATE = " + Date(start))
	}
	if !expiry.IsZero() {
		b.WriteString(",\n    EXPIRY_DATE = " + Date(expiry))
	}
	b.WriteString(";")
	return Statement{Text: b.String(), Guard: notExists("sys.certificates", name), Database: Master}
}

// NormalizeEncryption checks an endpoint encryption algorithm list and
// returns it in canonical form: AES, RC4, "AES RC4" or "RC4 AES". Empty means
// AES, the server default from SQL Server 2016 on.
func NormalizeEncryption(enc string) (string, error) {
	e := strings.ToUpper(strings.Join(strings.Fields(enc), " "))
	switch e {
	case "":
		return "AES", nil
	case "AES", "RC4", "AES RC4", "RC4 AES":
		return e, nil
	}
	return "", fmt.Errorf("encryption %q is not one of AES, RC4, \"AES RC4\", \"RC4 AES\"", enc)
}

// NormalizeRole checks an endpoint role and returns it upper-case.
func NormalizeRole(role string) (string, error) {
	r := strings.ToUpper(strings.TrimSpace(role))
	switch r {
	case "ALL", "PARTNER", "WITNESS":
		return r, nil
	}
	return "", fmt.Errorf("endpoint role %q is not one of ALL, PARTNER, WITNESS", role)
}

func checkPort(port int) error {
	if port < 1 || port > 65535 {
		return fmt.Errorf("endpoint port %d is outside 1..65535", port)
	}
	return nil
}

// CreateEndpoint creates the DATABASE_MIRRORING endpoint, started, listening
// on port on every address, authenticating with certificate cert. The
// algorithm and role are keywords, so they are checked against the allowed
// values instead of being quoted.
func CreateEndpoint(name string, port int, cert, encryption, role string) (Statement, error) {
	enc, err := NormalizeEncryption(encryption)
	if err != nil {
		return Statement{}, err
	}
	r, err := NormalizeRole(role)
	if err != nil {
		return Statement{}, err
	}
	if err := checkPort(port); err != nil {
		return Statement{}, err
	}
	text := "CREATE ENDPOINT " + QuoteIdent(name) + "\n" +
		"    STATE = STARTED\n" +
		fmt.Sprintf("    AS TCP (LISTENER_PORT = %d, LISTENER_IP = ALL)\n", port) +
		"    FOR DATABASE_MIRRORING (\n" +
		"        AUTHENTICATION = CERTIFICATE " + QuoteIdent(cert) + ",\n" +
		"        ENCRYPTION = REQUIRED ALGORITHM " + enc + ",\n" +
		"        ROLE = " + r + ");"
	// An instance has at most one mirroring endpoint, whatever its name, so
	// the guard looks for any.
	return Statement{Text: text, Guard: "NOT EXISTS (SELECT 1 FROM sys.database_mirroring_endpoints)", Database: Master}, nil
}

// AlterEndpointAuth switches an existing endpoint to certificate
// authentication with cert. Only that option changes, but sessions using
// the endpoint may drop or fail over, hence Destructive.
func AlterEndpointAuth(name, cert string) Statement {
	return Statement{
		Text: "ALTER ENDPOINT " + QuoteIdent(name) + "\n    FOR DATABASE_MIRRORING (AUTHENTICATION = CERTIFICATE " + QuoteIdent(cert) + ");",
		Guard: "NOT EXISTS (SELECT 1 FROM sys.database_mirroring_endpoints AS e JOIN sys.certificates AS c ON c.certificate_id = e.certificate_id" +
			" WHERE e.name = " + QuoteLiteral(name) + " AND c.name = " + QuoteLiteral(cert) + ")",
		Database:    Master,
		Destructive: true,
	}
}

// AlterEndpointState starts a stopped or disabled endpoint.
func AlterEndpointState(name string) Statement {
	return Statement{
		Text: "ALTER ENDPOINT " + QuoteIdent(name) + " STATE = STARTED;",
		Guard: "EXISTS (SELECT 1 FROM sys.database_mirroring_endpoints WHERE name = " + QuoteLiteral(name) +
			" AND state_desc <> N'STARTED')",
		Database:    Master,
		Destructive: true,
	}
}

// AlterEndpointEncryption sets the endpoint's required algorithm list.
func AlterEndpointEncryption(name, encryption string) (Statement, error) {
	enc, err := NormalizeEncryption(encryption)
	if err != nil {
		return Statement{}, err
	}
	return Statement{
		Text:        "ALTER ENDPOINT " + QuoteIdent(name) + "\n    FOR DATABASE_MIRRORING (ENCRYPTION = REQUIRED ALGORITHM " + enc + ");",
		Database:    Master,
		Destructive: true,
	}, nil
}

// AlterEndpointRole sets the endpoint's mirroring role.
func AlterEndpointRole(name, role string) (Statement, error) {
	r, err := NormalizeRole(role)
	if err != nil {
		return Statement{}, err
	}
	return Statement{
		Text:        "ALTER ENDPOINT " + QuoteIdent(name) + "\n    FOR DATABASE_MIRRORING (ROLE = " + r + ");",
		Database:    Master,
		Destructive: true,
	}, nil
}

// BackupCertificate writes the public part of a certificate to file, as the
// server sees the path. It has no guard: whether a file exists cannot be
// asked portably in T-SQL (BACKUP fails with 15240 when it does).
func BackupCertificate(name, file string) Statement {
	return Statement{
		Text:     "BACKUP CERTIFICATE " + QuoteIdent(name) + "\n    TO FILE = " + QuoteLiteral(file) + ";",
		Database: Master,
	}
}

// CreateLogin creates the login that stands for a peer; its password is the
// secret s.
func CreateLogin(name string, s Secret) Statement {
	return Statement{
		Text:     "CREATE LOGIN " + QuoteIdent(name) + " WITH PASSWORD = " + placeholder(s.Var) + ";",
		Secrets:  []Secret{s},
		Guard:    notExists("sys.server_principals", name),
		Database: Master,
	}
}

// CreateUser creates the master user for a peer's login.
func CreateUser(user, login string) Statement {
	return Statement{
		Text:     "CREATE USER " + QuoteIdent(user) + " FOR LOGIN " + QuoteIdent(login) + ";",
		Guard:    notExists("sys.database_principals", user),
		Database: Master,
	}
}

// CreatePeerCertificateFromBinary installs a peer's public certificate from
// its DER bytes (CERTENCODED on the peer), owned by owner.
func CreatePeerCertificateFromBinary(name, owner string, der []byte) Statement {
	return Statement{
		Text: "CREATE CERTIFICATE " + QuoteIdent(name) + "\n    AUTHORIZATION " + QuoteIdent(owner) +
			"\n    FROM BINARY = " + Binary(der) + ";",
		Guard:    notExists("sys.certificates", name),
		Database: Master,
	}
}

// CreatePeerCertificateFromFile installs a peer's public certificate from a
// file copied to this server, owned by owner.
func CreatePeerCertificateFromFile(name, owner, file string) Statement {
	return Statement{
		Text: "CREATE CERTIFICATE " + QuoteIdent(name) + "\n    AUTHORIZATION " + QuoteIdent(owner) +
			"\n    FROM FILE = " + QuoteLiteral(file) + ";",
		Guard:    notExists("sys.certificates", name),
		Database: Master,
	}
}

// GrantConnect lets login connect to the mirroring endpoint.
func GrantConnect(endpoint, login string) Statement {
	return Statement{
		Text: "GRANT CONNECT ON ENDPOINT::" + QuoteIdent(endpoint) + " TO " + QuoteIdent(login) + ";",
		Guard: "NOT EXISTS (SELECT 1 FROM sys.server_permissions AS p" +
			"\n    JOIN sys.endpoints AS e ON e.endpoint_id = p.major_id" +
			"\n    JOIN sys.server_principals AS g ON g.principal_id = p.grantee_principal_id" +
			"\n    WHERE p.class_desc = N'ENDPOINT' AND p.permission_name = N'CONNECT' AND p.state IN (N'G', N'W')" +
			"\n    AND e.name = " + QuoteLiteral(endpoint) + " AND g.name = " + QuoteLiteral(login) + ")",
		Database: Master,
	}
}

// AlterCertificateOwner hands a certificate to owner, so that connections
// authenticated by it map to that user's login.
func AlterCertificateOwner(name, owner string) Statement {
	return Statement{
		Text:        "ALTER AUTHORIZATION ON CERTIFICATE::" + QuoteIdent(name) + " TO " + QuoteIdent(owner) + ";",
		Database:    Master,
		Destructive: true,
	}
}

// DropCertificate removes a certificate (a remedy, never part of the plan).
func DropCertificate(name string) Statement {
	return Statement{
		Text:        "DROP CERTIFICATE " + QuoteIdent(name) + ";",
		Guard:       exists("sys.certificates", name),
		Database:    Master,
		Destructive: true,
	}
}

// DropEndpoint removes an endpoint (a remedy, never part of the plan).
func DropEndpoint(name string) Statement {
	return Statement{
		Text:        "DROP ENDPOINT " + QuoteIdent(name) + ";",
		Guard:       exists("sys.endpoints", name),
		Database:    Master,
		Destructive: true,
	}
}
