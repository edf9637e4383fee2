package steps

import (
	"fmt"
	"strings"

	"github.com/mirrorcert/mirrorcert/plan"
	"github.com/mirrorcert/mirrorcert/steps/tsql"
)

// secretsHeader names every password the script needs and how to give it.
// No secret is declared with :setvar: a :setvar line outranks sqlcmd -v and
// the environment, so the operator would have to type passwords into the
// file. Undeclared, sqlcmd takes them from -v or from an environment
// variable of the same name, and stops ("scripting variable not defined")
// before anything runs when one is missing.
func (e *exporter) secretsHeader(w *scriptWriter, vars []string, runWith string, script string) {
	w.line(tsql.Comment("Passwords: this script declares none. sqlcmd takes each one from -v NAME=value or from an environment"))
	w.line(tsql.Comment("variable NAME, and stops before changing anything when one is missing or empty:"))
	width := 0
	for _, v := range vars {
		width = max(width, len(v))
	}
	for _, v := range vars {
		w.line(tsql.Comment(fmt.Sprintf("  %-*s  %s", width, v, e.secretPurpose(v))))
	}
	w.line(tsql.Comment("sqlcmd pastes values as they are: no single quote (') in a password."))
	w.line(tsql.Comment("Run with (SQLCMD mode; sqlcmd asks for the sign-in password, or takes it from SQLCMDPASSWORD):"))
	args := make([]string, len(vars))
	for i, v := range vars {
		args[i] = v + `="<password>"`
	}
	w.line(tsql.Comment("  sqlcmd " + strings.TrimSpace(runWith+" -i "+script) + " -v " + strings.Join(args, " ")))
	w.line(tsql.Comment("-v shows the passwords to anyone who can list processes; to avoid that, set the same names as environment"))
	w.line(tsql.Comment("variables instead (e.g. PowerShell: $env:" + vars[0] + " = Read-Host) and run: sqlcmd " +
		strings.TrimSpace(runWith+" -i "+script)))
}

// secretPurpose says what a password variable is for.
func (e *exporter) secretPurpose(v string) string {
	for _, h := range e.p.Hosts {
		switch v {
		case tsql.MasterKeySecret(h.Name).Var:
			return "protects " + h.Name + "'s database master key; record it with that server's recovery documents"
		case tsql.LoginSecret(h.Name).Var:
			return "password of login " + e.p.LoginName(h.Name) + " on the other hosts (nobody signs in with it)"
		}
	}
	return ""
}

// runWith returns the sqlcmd sign-in options of host h, from the plan.
func runWith(h plan.Host) (string, error) {
	a := h.Auth
	user := a.User
	if a.Integrated {
		user = ""
	}
	args, err := tsql.SqlcmdArgs(h.Server, user, a.Integrated, a.Encrypt, a.TrustServerCertificate, a.HostNameInCertificate, a.LoginTimeoutSeconds)
	if err != nil {
		return "", fmt.Errorf("host %s: %w", h.Name, err)
	}
	return args, nil
}

// preChecks writes the batch that checks host h for what the live
// checklist would call a conflict and h can show by itself, and stops the
// script with the reason before anything on h changes. Peers' certificates
// cannot be compared offline; what is checked of them is what h shows.
func (e *exporter) preChecks(w *scriptWriter, h plan.Host) error {
	cert, ep := e.p.CertName(h.Name), e.p.Endpoint.Name
	retry := " Then run this script again; it starts over safely."
	checks := []string{
		tsql.StopIf(tsql.EndpointNotUsingCert(cert), h.Name+": the existing mirroring endpoint does not authenticate with certificate "+cert+
			" (it uses Windows authentication or another certificate), and this script would leave it so: peers would be refused (error 28027)."+
			" Fix: if no mirroring session uses it (SELECT * FROM sys.database_mirroring WHERE mirroring_guid IS NOT NULL returns nothing),"+
			" drop it (SELECT name FROM sys.database_mirroring_endpoints names it); otherwise let mirrorcert switch it to "+cert+" in a quiet window."+retry),
		tsql.StopIf(tsql.EndpointNamedOtherwise(ep), h.Name+": its mirroring endpoint is not named "+ep+" (an instance has only one)."+
			" Fix: set endpoint.name in the plan to its name (SELECT name FROM sys.database_mirroring_endpoints) and export the scripts again."),
		tsql.StopIf(tsql.CertOutOfDate(cert), h.Name+": certificate "+cert+" exists but is expired or not yet valid, so peers would refuse it (errors 28036/28055)."+
			" Fix: if no endpoint uses it, DROP CERTIFICATE "+tsql.QuoteIdent(cert)+" (this script then creates a new one); otherwise rotate it with mirrorcert rotate."+retry),
		tsql.StopIf(tsql.CertKeyNotByMasterKey(cert), h.Name+": certificate "+cert+" exists but its private key is missing or protected by a password, not by the master key; an endpoint cannot use it."+
			" Fix: if it is a peer's copy or a leftover, DROP CERTIFICATE "+tsql.QuoteIdent(cert)+"; if it is this host's own, re-protect its key with the master key."+retry),
	}
	for _, peer := range e.p.Peers(h.Name) {
		pc, user, login := e.p.CertName(peer), e.p.UserName(peer), e.p.LoginName(peer)
		checks = append(checks,
			tsql.StopIf(tsql.PeerCopyUnusable(pc, user), h.Name+": it already holds a certificate "+pc+" that cannot be "+peer+"'s copy: it has a private key, is not owned by "+user+", or has expired."+
				" Fix: look at it in sys.certificates; if it is a leftover, DROP CERTIFICATE "+tsql.QuoteIdent(pc)+"."+retry),
			tsql.StopIf(tsql.LoginMappedElsewhere(login, user), h.Name+": login "+login+" and user "+user+" exist but are not mapped to each other, so "+peer+"'s certificate would map to the wrong login."+
				" Fix: if they were made for "+peer+", remap them (ALTER USER "+tsql.QuoteIdent(user)+" WITH LOGIN = "+tsql.QuoteIdent(login)+"); otherwise choose other object names."+retry),
		)
	}
	text := strings.Join(checks, "\n")
	if err := tsql.CheckScriptText(text, e.vars); err != nil {
		return fmt.Errorf("%s: pre-checks: %w", h.Name, err)
	}
	w.line(tsql.Comment("==== Checks on " + h.Name + " before anything changes: the script stops here, changing nothing, if one fails ===="))
	w.batch(text)
	return nil
}
