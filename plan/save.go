package plan

import (
	"fmt"
	"os"
	"path/filepath"

	"gopkg.in/yaml.v3"
)

// The file shape, used only for writing. Defaults are left out so that a
// saved plan stays as short as one written by hand.
type fileAuth struct {
	User                   string `yaml:"user,omitempty"`
	Integrated             bool   `yaml:"integrated,omitempty"`
	Encrypt                string `yaml:"encrypt,omitempty"`
	TrustServerCertificate *bool  `yaml:"trust_server_certificate,omitempty"`
	HostNameInCertificate  string `yaml:"host_name_in_certificate,omitempty"`
	LoginTimeout           int    `yaml:"login_timeout,omitempty"`
	CACertificate          string `yaml:"ca_certificate,omitempty"`
}

type fileHost struct {
	Name         string    `yaml:"name"`
	Server       string    `yaml:"server"`
	Role         string    `yaml:"role"`
	EndpointRole string    `yaml:"endpoint_role,omitempty"`
	Address      string    `yaml:"address,omitempty"`
	Auth         *fileAuth `yaml:"auth,omitempty"`
}

type fileEndpoint struct {
	Name       string `yaml:"name"`
	Port       int    `yaml:"port"`
	Encryption string `yaml:"encryption"`
}

type fileCertificate struct {
	Expiry    string `yaml:"expiry"`
	StartDate string `yaml:"start_date,omitempty"`
	Subject   string `yaml:"subject,omitempty"`
	FileDir   string `yaml:"file_dir,omitempty"`
}

type filePlan struct {
	Mode        string          `yaml:"mode,omitempty"`
	Hosts       []fileHost      `yaml:"hosts"`
	Auth        *fileAuth       `yaml:"auth,omitempty"`
	Endpoint    fileEndpoint    `yaml:"endpoint"`
	Certificate fileCertificate `yaml:"certificate"`
	Transfer    string          `yaml:"transfer,omitempty"`
}

// toFileAuth writes the fields of a that differ from base (the zero Auth
// for the plan-wide block, the plan-wide block for a host), or nil if none do.
func toFileAuth(a, base Auth) *fileAuth {
	var fa fileAuth
	if a.User != base.User || a.Integrated != base.Integrated {
		fa.User, fa.Integrated = a.User, a.Integrated
	}
	if a.Encrypt != base.Encrypt {
		fa.Encrypt = a.Encrypt
	}
	if a.TrustServerCertificate != base.TrustServerCertificate {
		t := a.TrustServerCertificate
		fa.TrustServerCertificate = &t
	}
	if a.HostNameInCertificate != base.HostNameInCertificate {
		fa.HostNameInCertificate = a.HostNameInCertificate
	}
	if a.LoginTimeoutSeconds != base.LoginTimeoutSeconds {
		fa.LoginTimeout = a.LoginTimeoutSeconds
	}
	if a.CACertificate != base.CACertificate {
		fa.CACertificate = a.CACertificate
	}
	if fa == (fileAuth{}) {
		return nil
	}
	return &fa
}

// MarshalYAML gives the plan in the plan-file shape, so that what the TUI
// form builds can be saved and loaded again. Passwords are never part of a
// Plan, so none can be written.
func (p *Plan) MarshalYAML() (any, error) {
	fp := filePlan{
		Transfer: p.Transfer,
		Auth:     toFileAuth(p.Auth, Auth{}),
		Endpoint: fileEndpoint{Name: p.Endpoint.Name, Port: p.Endpoint.Port, Encryption: p.Endpoint.Encryption},
		Certificate: fileCertificate{
			Expiry:  p.Certificate.Expiry.UTC().Format("2006-01-02"),
			FileDir: p.Certificate.FileDir,
		},
	}
	if p.Mode != ModeMirroring {
		fp.Mode = p.Mode
	}
	if !p.Certificate.StartDate.IsZero() {
		fp.Certificate.StartDate = p.Certificate.StartDate.UTC().Format("2006-01-02")
	}
	if p.Certificate.Subject != DefaultSubject {
		fp.Certificate.Subject = p.Certificate.Subject
	}
	if p.Certificate.FileDir == DefaultFileDir {
		fp.Certificate.FileDir = ""
	}
	// The effective auth always has encrypt set; write the plan-wide one
	// even when it is the default so hosts can be compared against it.
	hostBase := p.Auth
	if hostBase.Encrypt == "" {
		hostBase.Encrypt = EncryptMandatory
	}
	for _, h := range p.Hosts {
		fh := fileHost{Name: h.Name, Server: h.Server, Role: h.Role, Auth: toFileAuth(h.Auth, hostBase)}
		if def := defaultEndpointRole(h.Role); h.EndpointRole != def {
			fh.EndpointRole = h.EndpointRole
		}
		if srv, err := ParseServer(h.Server); err != nil || h.Address != srv.Host {
			fh.Address = h.Address
		}
		// Integrated was defaulted because nothing was chosen; leave it unsaid.
		if fh.Auth != nil && h.Auth.Integrated && !p.Auth.Integrated && p.Auth.User == "" {
			fh.Auth.Integrated = false
			if *fh.Auth == (fileAuth{}) {
				fh.Auth = nil
			}
		}
		fp.Hosts = append(fp.Hosts, fh)
	}
	return fp, nil
}

func defaultEndpointRole(role string) string {
	if role == RoleWitness {
		return "WITNESS"
	}
	return "ALL"
}

// Save writes the plan to path in the plan-file shape. The file is replaced
// atomically (temporary file, then rename), so an interrupted save never
// leaves half a plan behind.
func (p *Plan) Save(path string) error {
	data, err := yaml.Marshal(p)
	if err != nil {
		return fmt.Errorf("save plan: %w", err)
	}
	data = append([]byte("# mirrorcert plan. Passwords never go here: use MIRRORCERT_PASSWORD_<HOST> or SQLCMDPASSWORD.\n"), data...)
	return writeFileAtomic(path, data, 0o644)
}

// writeFileAtomic writes data to a temporary file beside path, syncs it and
// renames it into place.
func writeFileAtomic(path string, data []byte, perm os.FileMode) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("save %s: %w", path, err)
	}
	name := tmp.Name()
	defer os.Remove(name) // a no-op once renamed
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("save %s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("save %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("save %s: %w", path, err)
	}
	if err := os.Chmod(name, perm); err != nil {
		return fmt.Errorf("save %s: %w", path, err)
	}
	if err := os.Rename(name, path); err != nil {
		return fmt.Errorf("save %s: %w", path, err)
	}
	return nil
}
