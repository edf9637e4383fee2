package plan

import (
	"fmt"
	"path/filepath"

	"gopkg.in/yaml.v3"
)

// authSet says which keys an auth block sets explicitly.
type authSet struct {
	User, Integrated, Encrypt, Trust, HostNameInCert, LoginTimeout, CA bool
}

// userOrIntegrated reports whether the block chooses how to log in.
func (s authSet) userOrIntegrated() bool { return s.User || s.Integrated }

// nonZero derives an authSet from the values of an in-memory Auth, where
// "unset" can only mean "zero".
func nonZero(a Auth) authSet {
	return authSet{
		User: a.User != "", Integrated: a.Integrated, Encrypt: a.Encrypt != "",
		Trust: a.TrustServerCertificate, HostNameInCert: a.HostNameInCertificate != "",
		LoginTimeout: a.LoginTimeoutSeconds != 0, CA: a.CACertificate != "",
	}
}

// mergeAuth gives the effective settings of a host: its own block over the
// plan-wide one. User and integrated are one choice, so a host that names
// either replaces both.
func mergeAuth(def, own Auth, set authSet) Auth {
	out := def
	if set.userOrIntegrated() {
		out.User, out.Integrated = own.User, own.Integrated
	}
	if set.Encrypt {
		out.Encrypt = own.Encrypt
	}
	if set.Trust {
		out.TrustServerCertificate = own.TrustServerCertificate
	}
	if set.HostNameInCert {
		out.HostNameInCertificate = own.HostNameInCertificate
	}
	if set.LoginTimeout {
		out.LoginTimeoutSeconds = own.LoginTimeoutSeconds
	}
	if set.CA {
		out.CACertificate = own.CACertificate
	}
	return out
}

// plan reads the whole file into p; false when the document is not a
// mapping at all.
func (d *decoder) plan(root *yaml.Node, p *Plan) bool {
	root = resolve(root)
	if root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
		d.fail("", root.Line, "the plan is empty; it needs at least hosts: (see examples/docs-example.yaml)")
		return false
	}
	hostsSeen := false
	var hostAuth []Auth
	ok := d.mapping(root, "", topKeys(), func(key string, v *yaml.Node, f string) {
		switch key {
		case "mode":
			p.Mode = d.str(v, f)
		case "transfer":
			p.Transfer = d.str(v, f)
		case "auth":
			p.Auth, d.planAuthSet = d.auth(v, f)
		case "endpoint":
			d.mapping(v, f, endpointKeys(), func(key string, v *yaml.Node, f string) {
				switch key {
				case "name":
					p.Endpoint.Name = d.str(v, f)
				case "port":
					p.Endpoint.Port = d.integer(v, f, "a TCP port from 1 to 65535, e.g. 7024")
				case "encryption":
					p.Endpoint.Encryption = d.str(v, f)
				}
			})
		case "certificate":
			d.mapping(v, f, certificateKeys(), func(key string, v *yaml.Node, f string) {
				switch key {
				case "expiry":
					p.Certificate.Expiry = d.date(v, f)
				case "start_date":
					p.Certificate.StartDate = d.date(v, f)
				case "subject":
					p.Certificate.Subject = d.str(v, f)
				case "file_dir":
					p.Certificate.FileDir = d.str(v, f)
				}
			})
		case "hosts":
			hostsSeen = true
			hostAuth = d.hosts(v, f, p)
		}
	})
	if !hostsSeen && root.Kind == yaml.MappingNode {
		d.fail("hosts", root.Line, "missing; list the partners (and witness) under hosts:, each with name, server and role")
	}
	// Relative CA paths mean "next to the plan file", wherever mirrorcert runs.
	p.Auth.CACertificate = d.relPath(p.Auth.CACertificate)
	for i := range p.Hosts {
		hostAuth[i].CACertificate = d.relPath(hostAuth[i].CACertificate)
		p.Hosts[i].Auth = mergeAuth(p.Auth, hostAuth[i], d.hostAuthSet[i])
	}
	return ok
}

func (d *decoder) relPath(path string) string {
	if path == "" || filepath.IsAbs(path) {
		return path
	}
	return filepath.Join(d.dir, path)
}

func (d *decoder) hosts(v *yaml.Node, f string, p *Plan) []Auth {
	v = resolve(v)
	if v.Kind != yaml.SequenceNode {
		d.fail(f, v.Line, "expected a list of hosts (lines starting with \"- name: ...\"), found %s", kindName(v))
		return nil
	}
	var own []Auth
	for i, hn := range v.Content {
		hf := fmt.Sprintf("%s[%d]", f, i)
		var h Host
		var a Auth
		var set authSet
		d.mapping(hn, hf, hostKeys(), func(key string, v *yaml.Node, f string) {
			switch key {
			case "name":
				h.Name = d.str(v, f)
			case "server":
				h.Server = d.str(v, f)
			case "role":
				h.Role = d.str(v, f)
			case "endpoint_role":
				h.EndpointRole = d.str(v, f)
			case "address":
				h.Address = d.str(v, f)
			case "auth":
				a, set = d.auth(v, f)
			}
		})
		p.Hosts = append(p.Hosts, h)
		own = append(own, a)
		d.hostAuthSet = append(d.hostAuthSet, set)
	}
	return own
}

func (d *decoder) auth(v *yaml.Node, f string) (Auth, authSet) {
	var a Auth
	var set authSet
	d.mapping(v, f, authKeys(), func(key string, v *yaml.Node, f string) {
		switch key {
		case "user":
			a.User, set.User = d.str(v, f), true
		case "integrated":
			a.Integrated, set.Integrated = d.boolean(v, f), true
		case "encrypt":
			a.Encrypt, set.Encrypt = d.str(v, f), true
		case "trust_server_certificate":
			a.TrustServerCertificate, set.Trust = d.boolean(v, f), true
		case "host_name_in_certificate":
			a.HostNameInCertificate, set.HostNameInCert = d.str(v, f), true
		case "login_timeout":
			a.LoginTimeoutSeconds, set.LoginTimeout = d.integer(v, f, "seconds, e.g. 15"), true
		case "ca_certificate":
			a.CACertificate, set.CA = d.str(v, f), true
		}
	})
	if a.User != "" && a.Integrated {
		d.fail(join(f, "integrated"), d.lines[join(f, "integrated")],
			"user and integrated: true exclude each other (like sqlcmd -U and -E); keep one")
	}
	return a, set
}

// statFile checks that a file named in the plan (the CA certificate) is a
// regular file of a sane size, so that reading it later can neither block
// (a FIFO) nor run out of memory (/dev/zero).
func statFile(path string) error { return checkRegularFile(path, MaxCABytes) }
