package checks

import (
	"fmt"
	"strings"

	"github.com/mirrorcert/mirrorcert/plan"
	"github.com/mirrorcert/mirrorcert/steps"
	"github.com/mirrorcert/mirrorcert/steps/tsql"
)

// touch is said with every fix that alters an endpoint: sessions using it
// may drop or fail over while it changes.
const touch = "Sessions that use the endpoint may disconnect or fail over while it changes: do it in a quiet window."

// endpointRow quotes the endpoint as read, for evidence.
func endpointRow(host string, e *steps.Endpoint) string {
	cert := e.CertificateName
	if cert == "" {
		cert = "(none)"
	}
	return fmt.Sprintf("%s sys.database_mirroring_endpoints: name=%s state_desc=%s role_desc=%s connection_auth_desc=%s certificate=%s encryption_algorithm_desc=%s port=%d",
		host, e.Name, e.State, e.Role, e.Auth, cert, e.Encryption, e.Port)
}

// plannedRole is the endpoint ROLE a host needs: WITNESS for a witness, ALL
// otherwise, unless the plan names one.
func plannedRole(h plan.Host) string {
	if h.EndpointRole != "" {
		return strings.ToUpper(h.EndpointRole)
	}
	if h.Role == plan.RoleWitness {
		return "WITNESS"
	}
	return "ALL"
}

// roleWorks reports whether an endpoint with role can serve a host in the
// plan's role: partners and AG replicas need PARTNER or ALL, a witness
// WITNESS or ALL.
func roleWorks(role string, h plan.Host) bool {
	switch strings.ToUpper(strings.TrimSpace(role)) {
	case "ALL":
		return true
	case "PARTNER":
		return h.Role != plan.RoleWitness
	case "WITNESS":
		return h.Role == plan.RoleWitness
	}
	return false
}

func (c *checker) permissions(h plan.Host, x *Host) {
	p := x.Perms
	if !p.Known || p.Sysadmin {
		return
	}
	who := p.Login
	if who == "" {
		who = "the login mirrorcert uses"
	}
	var fix []tsql.Statement
	var lacks []string
	if !p.ViewAnyDefinition {
		lacks = append(lacks, "VIEW ANY DEFINITION (without it endpoints, certificates and logins it does not own are invisible, and look missing)")
		if st, err := tsql.GrantServerPermission("VIEW ANY DEFINITION", p.Login); err == nil && p.Login != "" {
			fix = append(fix, st)
		}
	}
	if !p.ViewServerState {
		lacks = append(lacks, "VIEW SERVER STATE (sys.dm_db_mirroring_connections)")
		if st, err := tsql.GrantServerPermission("VIEW SERVER STATE", p.Login); err == nil && p.Login != "" {
			fix = append(fix, st)
		}
	}
	note := "Run as a sysadmin, or grant these to " + who + "."
	if !p.CanReadLog {
		lacks = append(lacks, "the error log (xp_readerrorlog needs sysadmin or securityadmin), where the handshake failures are")
		if p.Login != "" {
			// A fixed-role membership is a decision for the DBA, not a
			// step mirrorcert runs: it is said, not offered.
			note += " To read the error log: ALTER SERVER ROLE [securityadmin] ADD MEMBER " + tsql.QuoteIdent(p.Login) + ";"
		}
	}
	if len(lacks) == 0 {
		return
	}
	c.add(Finding{
		Code: CodePermissionInsufficient, Host: h.Name,
		Message:  who + " on " + h.Name + " cannot see everything verify checks: it lacks " + strings.Join(lacks, "; ") + ". Findings on this host may be incomplete or wrong.",
		Evidence: []string{fmt.Sprintf("%s: IS_SRVROLEMEMBER('sysadmin')=%t, VIEW ANY DEFINITION=%t, VIEW SERVER STATE=%t, can read the error log=%t", h.Name, p.Sysadmin, p.ViewAnyDefinition, p.ViewServerState, p.CanReadLog)},
		Fix:      fix,
		FixNote:  note,
	})
}

func (c *checker) endpoint(h plan.Host, x *Host) {
	s := x.State
	own := steps.CertNameFor(c.in.Plan, s, h.Name)
	e := s.Endpoint
	if e == nil {
		var fix []tsql.Statement
		note := ""
		if cert(s, own) == nil {
			note = own + " must exist first: `mirrorcert apply` creates the master key, the certificate and the endpoint."
		}
		if st, err := tsql.CreateEndpoint(c.in.Plan.Endpoint.Name, c.in.Plan.Endpoint.Port, own, c.in.Plan.Endpoint.Encryption, plannedRole(h)); err == nil {
			fix = append(fix, st)
		}
		c.add(Finding{
			Code: CodeEndpointMissing, Host: h.Name,
			Message:  h.Name + " has no DATABASE_MIRRORING endpoint, so nothing can connect to it or from it.",
			Evidence: []string{h.Name + " sys.database_mirroring_endpoints: no row"},
			Fix:      fix, FixNote: note,
		})
		return
	}
	row := endpointRow(h.Name, e)
	auth := strings.ToUpper(e.Auth)
	switch {
	case !strings.Contains(auth, "CERTIFICATE"):
		c.add(Finding{
			Code: CodeEndpointNotCertificate, Host: h.Name,
			Message: fmt.Sprintf("endpoint %s on %s authenticates with Windows only (%s); peers presenting certificates are refused (28027 in its error log, 1418 at SET PARTNER).",
				e.Name, h.Name, e.Auth),
			Evidence: []string{row},
			Fix:      []tsql.Statement{tsql.AlterEndpointAuth(e.Name, own)},
			FixNote:  touch,
		})
	case !sameMaster(s, e.CertificateName, own):
		c.add(Finding{
			Code: CodeEndpointWrongCert, Host: h.Name,
			Message: fmt.Sprintf("endpoint %s on %s authenticates with certificate %s, not %s, whose copies the peers hold; they refuse it (28035/28045).",
				e.Name, h.Name, e.CertificateName, own),
			Evidence: []string{row},
			Fix:      []tsql.Statement{tsql.AlterEndpointAuth(e.Name, own)},
			FixNote:  touch,
		})
	}
	if !strings.EqualFold(e.State, "STARTED") {
		c.add(Finding{
			Code: CodeEndpointStopped, Host: h.Name,
			Message:  fmt.Sprintf("endpoint %s on %s is %s: it neither accepts nor makes mirroring connections.", e.Name, h.Name, e.State),
			Evidence: []string{row},
			Fix:      []tsql.Statement{tsql.AlterEndpointState(e.Name)},
		})
	}
	if !roleWorks(e.Role, h) {
		st, err := tsql.AlterEndpointRole(e.Name, plannedRole(h))
		var fix []tsql.Statement
		if err == nil {
			fix = []tsql.Statement{st}
		}
		c.add(Finding{
			Code: CodeEndpointRole, Host: h.Name,
			Message: fmt.Sprintf("endpoint %s on %s has ROLE = %s, which a %s cannot work with (it needs %s).",
				e.Name, h.Name, e.Role, h.Role, plannedRole(h)),
			Evidence: []string{row},
			Fix:      fix, FixNote: touch,
		})
	}
}

// reach reports a STARTED endpoint that did not answer from here.
func (c *checker) reach(h plan.Host, x *Host) {
	r, e := x.Reach, x.State.Endpoint
	if r == nil || r.Err == "" || e == nil || !strings.EqualFold(e.State, "STARTED") {
		return
	}
	c.add(Finding{
		Code: CodeEndpointUnreachable, Host: h.Name,
		Message: fmt.Sprintf("endpoint %s on %s is STARTED but nothing answered at %s:%d from this machine. This tests the path from here, not between the servers; "+
			"the partners may still reach each other (or not): a firewall, a wrong address, or a listener that failed to start (9692/26023 in %s's error log) are the usual causes.",
			e.Name, h.Name, r.Address, r.Port, h.Name),
		Evidence: []string{fmt.Sprintf("TCP connect from mirrorcert to %s:%d: %s", r.Address, r.Port, r.Err), endpointRow(h.Name, e)},
		FixNote: fmt.Sprintf("Open TCP port %d to %s in every firewall between the hosts, and check that %s is the address the peers use (the plan's `address:`).",
			r.Port, h.Name, r.Address),
	})
}
