package plan

import (
	"fmt"
	"strings"
)

// checkHosts validates every host and the set of hosts as a whole.
func (d *decoder) checkHosts(p *Plan) {
	if len(p.Hosts) == 0 {
		d.report("hosts", "no hosts; list the partners (and witness) under hosts:, each with name, server and role")
		return
	}
	seen := map[string]int{} // upper-cased name -> index
	for i := range p.Hosts {
		h := &p.Hosts[i]
		f := fmt.Sprintf("hosts[%d]", i)
		d.checkHostName(h.Name, f+".name")
		if h.Name != "" {
			// SQL Server's default collation is case-insensitive, and the
			// password variable is the upper-cased name: HOST_A and host_a clash.
			key := strings.ToUpper(h.Name)
			if j, dup := seen[key]; dup {
				where := fmt.Sprintf("hosts[%d]", j)
				if n := d.line(where + ".name"); n > 0 {
					where += fmt.Sprintf(" (line %d)", n)
				}
				d.report(f+".name", "%s is already the name of %s; names must be unique, ignoring case", h.Name, where)
			} else {
				seen[key] = i
			}
		}
		srv, err := ParseServer(h.Server)
		if err != nil {
			d.report(f+".server", "%v", err)
		}
		d.checkRole(p, h, f)
		if strings.TrimSpace(h.Address) == "" {
			h.Address = srv.Host
		} else if err := checkHostPart(h.Address); err != nil {
			d.report(f+".address", "%v; give the name or IP peers use to reach this host's endpoint (mirrorcert adds TCP:// and the port)", err)
		}
		d.checkAuth(&h.Auth, &p.Auth, f+".auth")
	}
	d.checkSubject(p)
	d.checkCounts(p)
}

// checkHostName enforces what keeps every derived name valid: the host name
// ends up in object names (HOST_A_cert...) and in the environment variable
// MIRRORCERT_PASSWORD_<HOST>, so it is limited to ASCII letters, digits and _.
func (d *decoder) checkHostName(name, f string) {
	if name == "" {
		d.report(f, "missing; give each host a short name such as HOST_A (used in HOST_A_cert, HOST_A_login, HOST_A_user)")
		return
	}
	for i, r := range name {
		ok := isASCIILetter(r) || r == '_' || (i > 0 && isDigit(r))
		if !ok {
			d.report(f, "%q: a host name may hold only letters, digits and _, and must start with a letter or _", name)
			return
		}
	}
	// The longest derived identifier is <host>_login.
	for _, id := range []string{name + "_login", name + "_cert", name + "_user"} {
		if n := sqlLen(id); n > maxSysname {
			d.report(f, "is %d characters, which makes %d-character object names such as %s…; "+
				"SQL Server names are at most %d characters, so keep host names to %d",
				sqlLen(name), n, id[:20], maxSysname, maxSysname-len("_login"))
			return
		}
	}
}

func (d *decoder) checkRole(p *Plan, h *Host, f string) {
	role := strings.ToLower(strings.TrimSpace(h.Role))
	switch p.Mode {
	case ModeAG:
		switch role {
		case "", RoleReplica, RolePartner:
			// partner is accepted as a synonym: every replica is a partner of the others.
			role = RoleReplica
		case RoleWitness:
			d.report(f+".role", "availability groups have no witness; use role: replica, or mode: mirroring")
		default:
			d.report(f+".role", "%q is not a role; with mode: ag every host is a replica", h.Role)
		}
	default:
		switch role {
		case RolePartner, RoleWitness:
		case "":
			d.report(f+".role", "missing; use partner (principal or mirror) or witness")
		case RoleReplica:
			d.report(f+".role", "replica is for mode: ag; in a mirroring plan use partner or witness")
		default:
			d.report(f+".role", "%q is not a role; use partner or witness", h.Role)
		}
	}
	h.Role = role
	er := strings.ToUpper(strings.TrimSpace(h.EndpointRole))
	switch er {
	case "":
		er = "ALL"
		if role == RoleWitness {
			er = "WITNESS"
		}
	case "ALL", "PARTNER", "WITNESS":
		switch {
		case role == RoleWitness && er == "PARTNER":
			d.report(f+".endpoint_role", "a witness needs endpoint role WITNESS or ALL, not PARTNER")
		case role != RoleWitness && er == "WITNESS":
			d.report(f+".endpoint_role", "a %s needs endpoint role ALL or PARTNER; WITNESS is only for the witness", role)
		}
	default:
		d.report(f+".endpoint_role", "%q is not an endpoint role; use ALL, PARTNER or WITNESS", h.EndpointRole)
	}
	h.EndpointRole = er
}

// checkCounts checks the shape of the topology once every role is known.
func (d *decoder) checkCounts(p *Plan) {
	if p.Mode == ModeAG {
		if n := len(p.Hosts); n < 2 {
			d.report("hosts", "an availability group needs 2 to %d replicas; found %d", maxReplicas, n)
		} else if n > maxReplicas {
			d.report(fmt.Sprintf("hosts[%d]", maxReplicas), "an availability group has at most %d replicas; found %d", maxReplicas, n)
		}
		return
	}
	var partners, witnesses []int
	for i, h := range p.Hosts {
		switch h.Role {
		case RolePartner:
			partners = append(partners, i)
		case RoleWitness:
			witnesses = append(witnesses, i)
		}
	}
	if len(partners) > 2 {
		f := fmt.Sprintf("hosts[%d].role", partners[2])
		d.report(f, "a third partner; mirroring has exactly two partners (principal and mirror) and at most one witness. "+
			"Make this host the witness, remove it, or use mode: ag for up to %d replicas", maxReplicas)
	}
	if len(witnesses) > 1 {
		f := fmt.Sprintf("hosts[%d].role", witnesses[1])
		d.report(f, "a second witness; a mirroring session has at most one witness")
	}
	if len(partners) < 2 && !d.anyBad("hosts") {
		d.report("hosts", "mirroring needs exactly two hosts with role: partner; found %d", len(partners))
	}
}

// anyBad reports whether a problem was already found under field, so that
// a missing role is not reported again as a missing partner.
func (d *decoder) anyBad(field string) bool {
	for f := range d.bad {
		if f == field || strings.HasPrefix(f, field+".") || strings.HasPrefix(f, field+"[") {
			return true
		}
	}
	return false
}
