package plan

import (
	"fmt"
	"strings"
)

// sqlcmdVar is what sqlcmd expands as a variable, anywhere in a script:
// inside names, literals and comments alike. The exported scripts carry the
// secrets as $(MASTER_KEY_PASSWORD_HOST) variables, so plan text holding
// "$(" could pull a password into, say, a public certificate's subject.
const sqlcmdVar = "$("

// checkSqlcmdVars reports "$(" in every text of the plan, before any other
// check of the same field, so the message says what is really wrong.
func (d *decoder) checkSqlcmdVars(p *Plan) {
	check := func(field, v string) {
		if strings.Contains(v, sqlcmdVar) {
			d.report(field, "contains %q, which sqlcmd reads as a variable (exported scripts carry passwords as $(VARIABLES)); remove it", sqlcmdVar)
		}
	}
	// ca_certificate is left out: a path on this machine, never part of a
	// script, and by now joined to the plan's own folder, whose name is not
	// the operator's plan text.
	type field struct{ name, value string }
	authFields := func(a Auth) []field {
		return []field{{"user", a.User}, {"encrypt", a.Encrypt}, {"host_name_in_certificate", a.HostNameInCertificate}}
	}
	check("mode", p.Mode)
	check("transfer", p.Transfer)
	check("endpoint.name", p.Endpoint.Name)
	check("endpoint.encryption", p.Endpoint.Encryption)
	check("certificate.subject", p.Certificate.Subject)
	check("certificate.file_dir", p.Certificate.FileDir)
	plan := authFields(p.Auth)
	for _, f := range plan {
		check("auth."+f.name, f.value)
	}
	for i, h := range p.Hosts {
		f := fmt.Sprintf("hosts[%d]", i)
		check(f+".name", h.Name)
		check(f+".server", h.Server)
		check(f+".role", h.Role)
		check(f+".endpoint_role", h.EndpointRole)
		check(f+".address", h.Address)
		for k, own := range authFields(h.Auth) {
			// A value inherited from the plan-wide auth: is reported there.
			if own.value != plan[k].value {
				check(f+".auth."+own.name, own.value)
			}
		}
	}
}
