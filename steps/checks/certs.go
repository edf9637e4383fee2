package checks

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/mirrorcert/mirrorcert/plan"
	"github.com/mirrorcert/mirrorcert/steps"
	"github.com/mirrorcert/mirrorcert/steps/tsql"
)

// certRow quotes a certificate as read, for evidence.
func certRow(host string, ct *steps.Certificate) string {
	owner := ct.Owner
	if owner == "" {
		owner = "(unknown)"
	}
	return fmt.Sprintf("%s sys.certificates: name=%s owner=%s pvt_key_encryption_type=%s start_date=%s expiry_date=%s thumbprint=%s",
		host, ct.Name, owner, ct.PvtKeyEncryption, day(ct.StartDate), day(ct.ExpiryDate), tsql.Binary(ct.Thumbprint))
}

// ownCert is the certificate a host authenticates with: its endpoint's
// when it has one, else the plan's name for it.
func (c *checker) ownCert(h string, s *steps.State) *steps.Certificate {
	if s.Endpoint != nil && s.Endpoint.CertificateName != "" {
		if ct := cert(s, s.Endpoint.CertificateName); ct != nil {
			return ct
		}
	}
	return cert(s, c.in.Plan.CertName(h))
}

// certificates checks the dates and private key of the certificate h
// authenticates with.
func (c *checker) certificates(h plan.Host, x *Host) {
	ct := c.ownCert(h.Name, x.State)
	if ct == nil {
		return // no endpoint certificate: endpoint-missing says so
	}
	row := certRow(h.Name, ct)
	rotate := fmt.Sprintf("Rotate it while sessions stay up: `mirrorcert rotate --plan PLAN --host %s --expiry YYYY-MM-DD` creates a new certificate, "+
		"installs its public part on every peer (owned by the same user), points the endpoint at it and then drops the old one.", h.Name)
	switch {
	case !ct.ExpiryDate.IsZero() && !c.now.Before(ct.ExpiryDate):
		c.add(Finding{
			Code: CodeCertExpired, Host: h.Name,
			Message: fmt.Sprintf("certificate %s, which %s authenticates with, expired on %s (UTC): connections already open survive, every new one is refused (28036/28055 in the error log).",
				ct.Name, h.Name, day(ct.ExpiryDate)),
			Evidence: []string{row},
			FixNote:  rotate,
		})
	case !ct.StartDate.IsZero() && c.now.Before(ct.StartDate):
		c.add(Finding{
			Code: CodeCertNotYetValid, Host: h.Name,
			Message: fmt.Sprintf("certificate %s on %s is not valid until %s (UTC; START_DATE is in UTC, so a certificate made \"today\" west of UTC is still in the future); until then its connections are refused (28055).",
				ct.Name, h.Name, ct.StartDate.UTC().Format("2006-01-02 15:04")),
			Evidence: []string{row},
			FixNote:  "Wait until then, or replace it with one whose START_DATE is a day earlier. " + rotate,
		})
	case !ct.ExpiryDate.IsZero() && ct.ExpiryDate.Sub(c.now) < c.warn:
		c.add(Finding{
			Code: CodeCertExpiring, Host: h.Name, Severity: Warning,
			Message: fmt.Sprintf("certificate %s on %s expires on %s (UTC), in %d day(s); after that no new mirroring connection to or from %s succeeds.",
				ct.Name, h.Name, day(ct.ExpiryDate), int(ct.ExpiryDate.Sub(c.now).Hours()/24), h.Name),
			Evidence: []string{row},
			FixNote:  rotate,
		})
	}
	if ct.PvtKeyEncryption != "MK" {
		note := "It is a public copy with no private key: " + h.Name + " cannot prove its identity with it. Create " + h.Name + "'s own certificate and point the endpoint at it (`mirrorcert apply`)."
		if ct.PvtKeyEncryption == "PW" {
			note = "Re-protect the private key with the master key: ALTER CERTIFICATE " + tsql.QuoteIdent(ct.Name) +
				" WITH PRIVATE KEY (DECRYPTION BY PASSWORD = '<its password>'); (the password is yours; mirrorcert never asks for it)."
		}
		c.add(Finding{
			Code: CodeCertNoPrivateKey, Host: h.Name,
			Message: fmt.Sprintf("certificate %s on %s has no private key encrypted by the master key (pvt_key_encryption_type %s); an endpoint cannot use it (28036/28037/28055).",
				ct.Name, h.Name, ct.PvtKeyEncryption),
			Evidence: []string{row},
			FixNote:  note,
		})
	}
}

// peer checks what h holds so that peer can connect to it: login, user,
// the peer's certificate owned by that user, CONNECT on the endpoint. The
// most upstream missing piece is one finding whose fix creates everything
// after it too, so a DBA gets one finding per cause.
func (c *checker) peer(h plan.Host, peer string, x *Host) {
	s, ps := x.State, c.state(peer)
	p := c.in.Plan
	certName := steps.CertNameFor(p, ps, peer)
	var pOwn *steps.Certificate
	if ps != nil {
		pOwn = cert(ps, certName)
	}
	// The copy that counts is the one with the peer's thumbprint, whatever
	// its name; failing that, the one with the expected name.
	var copyOK, byName *steps.Certificate
	if pOwn != nil && len(pOwn.Thumbprint) > 0 {
		for i := range s.Certificates {
			if bytes.Equal(s.Certificates[i].Thumbprint, pOwn.Thumbprint) {
				copyOK = &s.Certificates[i]
				break
			}
		}
	}
	if copyOK == nil {
		byName = cert(s, certName)
		if byName != nil && (pOwn == nil || len(pOwn.Thumbprint) == 0 || len(byName.Thumbprint) == 0) {
			copyOK, byName = byName, nil // nothing to compare with: take it as the copy
		}
	}
	userName := p.UserName(peer)
	if copyOK != nil && copyOK.Owner != "" {
		userName = copyOK.Owner
	}
	u := user(s, userName)
	loginName := p.LoginName(peer)
	if u != nil && u.Login != "" {
		loginName = u.Login
	}
	l := login(s, loginName)

	ep := p.Endpoint.Name
	if s.Endpoint != nil {
		ep = s.Endpoint.Name
	}
	grant := s.Endpoint != nil && !hasConnect(s, loginName)
	certFix := c.peerCertFix(peer, certName, userName, pOwn)
	var chain []tsql.Statement
	var missing []string
	if l == nil {
		chain = append(chain, tsql.CreateLogin(loginName, tsql.LoginSecret(peer)))
		missing = append(missing, "login "+loginName)
	}
	if u == nil {
		chain = append(chain, tsql.CreateUser(userName, loginName))
		missing = append(missing, "user "+userName)
	}
	if copyOK == nil && byName == nil {
		chain = append(chain, certFix...)
		missing = append(missing, "certificate "+certName)
	}
	if grant || (s.Endpoint != nil && l == nil) {
		chain = append(chain, tsql.GrantConnect(ep, loginName))
		missing = append(missing, "CONNECT on "+ep)
	}
	ev := func(extra ...string) []string {
		out := []string{fmt.Sprintf("%s: login %s %s, user %s %s, CONNECT on %s %s", h.Name,
			loginName, present(l != nil), userName, present(u != nil), ep, present(s.Endpoint != nil && hasConnect(s, loginName)))}
		return append(out, extra...)
	}
	why := fmt.Sprintf("%s refuses every connection from %s (SET PARTNER/WITNESS fails with 1418 or 1456; %s's error log has the handshake line).", h.Name, peer, h.Name)
	switch {
	case l == nil:
		c.add(Finding{Code: CodePeerLoginMissing, Host: h.Name, Peer: peer,
			Message:  fmt.Sprintf("%s has no login %s standing for %s; missing: %s. %s", h.Name, loginName, peer, strings.Join(missing, ", "), why),
			Evidence: ev(), Fix: chain,
			FixNote: "The login's password is never used to sign in; supply a strong one as " + tsql.LoginSecret(peer).Var + "."})
		return
	case u == nil:
		c.add(Finding{Code: CodePeerUserMissing, Host: h.Name, Peer: peer,
			Message:  fmt.Sprintf("%s has no user %s in master for login %s, so %s's certificate has no owner to map its connections to; missing: %s. %s", h.Name, userName, loginName, peer, strings.Join(missing, ", "), why),
			Evidence: ev(), Fix: chain})
		return
	}
	switch {
	case copyOK == nil && byName != nil:
		fix := append([]tsql.Statement{tsql.DropCertificate(byName.Name)}, certFix...)
		c.add(Finding{Code: CodePeerCertMismatch, Host: h.Name, Peer: peer,
			Message: fmt.Sprintf("the copy of %s on %s (thumbprint %s) is not the certificate %s authenticates with (thumbprint %s): %s rejects %s's handshake (28035/28045).",
				certName, h.Name, tsql.Binary(byName.Thumbprint), peer, tsql.Binary(pOwn.Thumbprint), h.Name, peer),
			Evidence: []string{certRow(h.Name, byName), certRow(peer, pOwn)},
			Fix:      fix,
			FixNote:  "Replaces the stale copy (nothing else uses a peer's public certificate)."})
	case copyOK == nil:
		c.add(Finding{Code: CodePeerCertMissing, Host: h.Name, Peer: peer,
			Message:  fmt.Sprintf("%s does not hold %s's certificate %s, so it cannot verify %s's identity. %s", h.Name, peer, certName, peer, why),
			Evidence: ev(h.Name + " sys.certificates: no certificate named " + certName + " or with " + peer + "'s thumbprint"),
			Fix:      certFix,
			FixNote:  peerCertNote(certFix, peer)})
	}
	if grant {
		c.add(Finding{Code: CodeConnectMissing, Host: h.Name, Peer: peer,
			Message:  fmt.Sprintf("login %s (which %s's certificate maps to) has no CONNECT on endpoint %s on %s: %s's handshake fails with 28034. %s", loginName, peer, ep, h.Name, peer, why),
			Evidence: ev(h.Name + " sys.server_permissions: no GRANT CONNECT on ENDPOINT::" + ep + " to " + loginName),
			Fix:      []tsql.Statement{tsql.GrantConnect(ep, loginName)}})
	}
}

func present(ok bool) string {
	if ok {
		return "present"
	}
	return "MISSING"
}

// peerCertFix installs peer's public certificate owned by owner: from the
// bytes read on the peer, or from the file in file mode.
func (c *checker) peerCertFix(peer, name, owner string, own *steps.Certificate) []tsql.Statement {
	switch {
	case own != nil && own.Encoded != nil:
		return []tsql.Statement{tsql.CreatePeerCertificateFromBinary(name, owner, own.Encoded)}
	case c.in.Plan.Transfer == plan.TransferFile:
		return []tsql.Statement{tsql.CreatePeerCertificateFromFile(name, owner, c.in.Plan.CertFile(peer))}
	}
	return nil
}

func peerCertNote(fix []tsql.Statement, peer string) string {
	if len(fix) > 0 {
		return ""
	}
	return peer + "'s certificate could not be read (is " + peer + " connected, and does it have one?): `mirrorcert apply` installs it once it can."
}
