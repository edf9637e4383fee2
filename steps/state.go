package steps

import "time"

// State is what one host's catalog views show, as read by the session in one
// round trip. steps never reads it from anywhere itself.
type State struct {
	// ProductVersion is SERVERPROPERTY('ProductVersion'), e.g. "16.0.4135.4".
	ProductVersion string
	ServerName     string // @@SERVERNAME
	// Collation is SERVERPROPERTY('Collation') and MasterCollation master's
	// collation_name: names compare by them (collation.go). Empty means not
	// read, which counts as the case-insensitive default.
	Collation       string
	MasterCollation string
	// Rights is what the connected login may see and change; nil when not
	// read (rights.go).
	Rights       *Rights
	MasterKey    bool // ##MS_DatabaseMasterKey## exists in master
	Certificates []Certificate
	// Endpoint is the DATABASE_MIRRORING endpoint, nil when there is none.
	Endpoint *Endpoint
	Logins   []Login // SQL logins (sys.server_principals type 'S')
	Users    []User  // database principals in master
	// ConnectGrants are the server principal names holding GRANT CONNECT on the
	// mirroring endpoint.
	ConnectGrants []string
	// Files reports, for file transfer mode, which certificate files exist on
	// this host (path as the server sees it -> exists). Paths not probed are absent.
	Files map[string]bool
}

// Certificate is a row of master.sys.certificates.
type Certificate struct {
	Name  string
	ID    int
	Owner string // database principal name owning it (sys.certificates.principal_id -> name)
	// PvtKeyEncryption is pvt_key_encryption_type: "MK" master key, "PW" password,
	// "NA" no private key (a peer's public certificate).
	PvtKeyEncryption string
	Subject          string
	StartDate        time.Time
	ExpiryDate       time.Time
	Thumbprint       []byte // SHA-1 of the DER
	// Encoded is CERTENCODED(certificate_id): the public DER; may be nil when not read.
	Encoded []byte
}

// Endpoint is the DATABASE_MIRRORING endpoint of an instance.
type Endpoint struct {
	Name  string
	ID    int
	State string // STARTED | STOPPED | DISABLED
	Role  string // ALL | PARTNER | WITNESS | NONE (role_desc)
	// Auth is connection_auth_desc, e.g. "CERTIFICATE", "NEGOTIATE",
	// "WINDOWS NEGOTIATE CERTIFICATE".
	Auth string
	// CertificateName is the certificate used (certificate_id resolved); "" for Windows only.
	CertificateName   string
	EncryptionEnabled bool
	Encryption        string // encryption_algorithm_desc: AES, RC4, "AES RC4", "RC4 AES", NONE
	Port              int    // sys.tcp_endpoints.port
}

// Login is a SQL login.
type Login struct {
	Name string
	SID  []byte
}

// User is a database principal in master.
type User struct {
	Name  string
	SID   []byte
	Login string // login name the user maps to (joined by sid); "" if none
}

// Cert returns the certificate with the given name, or nil.
func (s *State) Cert(name string) *Certificate {
	for i := range s.Certificates {
		if s.SameMasterName(s.Certificates[i].Name, name) {
			return &s.Certificates[i]
		}
	}
	return nil
}
