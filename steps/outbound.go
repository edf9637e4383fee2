package steps

import (
	"fmt"
	"strings"

	"github.com/mirrorcert/mirrorcert/plan"
	"github.com/mirrorcert/mirrorcert/steps/tsql"
)

// outbound returns h's own items: master key, certificate, endpoint and, in
// file mode, the certificate backup.
func (b *builder) outbound(h plan.Host) []Item {
	s := b.state(h.Name)
	items := []Item{b.masterKey(h, s), b.certificate(h, s), b.endpoint(h, s)}
	if b.file {
		items = append(items, b.backup(h, s))
	}
	if s == nil {
		for i := range items {
			b.unknown(&items[i])
		}
	}
	return items
}

func (b *builder) masterKey(h plan.Host, s *State) Item {
	sec := tsql.MasterKeySecret(h.Name)
	it := Item{
		Ref:   Ref{h.Name, IDMasterKey},
		Title: "Master key",
		Why: "SQL Server lets an endpoint use a certificate only when the master key of master protects its private key, " +
			"so the key must exist before the certificate.",
		Changes: "Creates the database master key in master, encrypted by a password (the masked value in the T-SQL; " +
			sec.Var + " in exported scripts). Record that password with the server's recovery documents.",
	}
	if s == nil {
		return it
	}
	if s.MasterKey {
		it.Status, it.Detail = Done, "master has a master key"
		return it
	}
	it.Status, it.Detail = Pending, "master has no master key yet"
	it.Statements = []tsql.Statement{tsql.CreateMasterKey(sec)}
	return it
}

func (b *builder) certificate(h plan.Host, s *State) Item {
	name := b.certName(h.Name)
	it := Item{
		Ref:   Ref{h.Name, IDCertificate},
		Title: "Certificate " + name,
		Why: "This certificate is " + h.Name + "'s identity: its endpoint proves who it is with the private key, " +
			"and the other hosts trust it by holding the public part.",
		Changes: fmt.Sprintf("Creates %s in master with subject %q, valid from %s to %s (UTC); the master key protects its private key.",
			name, b.subject(h.Name), day(b.start), day(b.p.Certificate.Expiry)),
		Needs: []Ref{{h.Name, IDMasterKey}},
	}
	if s == nil {
		return it
	}
	c := s.Cert(name)
	if c == nil {
		it.Status, it.Detail = Pending, name+" does not exist yet"
		it.Statements = []tsql.Statement{tsql.CreateCertificate(name, b.subject(h.Name), b.start, b.p.Certificate.Expiry)}
		return it
	}
	usedByEndpoint := s.Endpoint != nil && s.SameMasterName(s.Endpoint.CertificateName, name)
	var found []ConflictInfo
	switch c.PvtKeyEncryption {
	case "MK":
	case "NA":
		found = append(found, ConflictInfo{
			What: name + " on " + h.Name + " has no private key: it is a copy of another server's certificate, so this host cannot prove its identity with it",
			Fix:  "Drop it (nothing should depend on a copy) and let mirrorcert create " + h.Name + "'s own certificate.",
		})
	default:
		found = append(found, ConflictInfo{
			What: name + "'s private key is protected by a password, not by the master key; an endpoint cannot use it (error 28036/28055)",
			Fix: "Re-protect it with the master key: ALTER CERTIFICATE " + tsql.QuoteIdent(name) +
				" WITH PRIVATE KEY (DECRYPTION BY PASSWORD = '<its current password>'); or drop it and let mirrorcert create a new one.",
		})
	}
	conflict, warning := b.validity(h.Name, c)
	if conflict != "" {
		found = append(found, ConflictInfo{
			What: conflict,
			Fix: "Replace it: drop it and let mirrorcert create a new one, then import the new one on every peer. " +
				"If an endpoint already uses it, rotate instead: create a certificate under a new name, import it on every peer, " +
				"point the endpoint at it with ALTER ENDPOINT, and only then drop the old one.",
		})
	}
	if len(found) > 0 {
		it.Status = Conflict
		it.Conflict = mergeConflicts(found)
		it.Detail = it.Conflict.What
		if !usedByEndpoint {
			// Dropping is only offered when no endpoint depends on it;
			// otherwise DROP would fail and the rotation above is the way.
			it.Conflict.Remedy = []tsql.Statement{tsql.DropCertificate(name)}
			it.Conflict.Object = name
		}
		return it
	}
	it.Status, it.Detail = Done, name+" exists, valid until "+day(c.ExpiryDate)
	if warning != "" {
		it.Warnings = append(it.Warnings, warning)
	}
	return it
}

// canServe reports whether an endpoint with role existing can act for a host
// whose planned role is planned.
func canServe(existing, planned string) bool {
	existing = strings.ToUpper(existing)
	return existing == "ALL" || existing == planned || (planned == "ALL" && existing == "PARTNER")
}

func (b *builder) endpoint(h plan.Host, s *State) Item {
	ep := b.p.Endpoint
	cert := b.certName(h.Name)
	role := endpointRole(h)
	enc := ep.Encryption
	if enc == "" {
		enc = "AES"
	}
	it := Item{
		Ref:   Ref{h.Name, IDEndpoint},
		Title: "Endpoint " + b.endpointName(s),
		Why: "Mirroring traffic enters and leaves an instance through its single DATABASE_MIRRORING endpoint; " +
			"it must authenticate peers with " + h.Name + "'s certificate.",
		Changes: fmt.Sprintf("Creates endpoint %s, started, on TCP port %d (all addresses), authenticating with %s, "+
			"encryption required (%s), role %s.", ep.Name, ep.Port, cert, enc, role),
		Needs: []Ref{{h.Name, IDCertificate}},
	}
	if s == nil {
		return it
	}
	if s.Endpoint == nil {
		st, err := tsql.CreateEndpoint(ep.Name, ep.Port, cert, enc, role)
		if err != nil {
			it.Status, it.Detail = Conflict, "the plan's endpoint settings are invalid: "+err.Error()
			it.Conflict = &ConflictInfo{What: it.Detail, Fix: "Correct the endpoint section of the plan."}
			return it
		}
		if e := strings.ToUpper(enc); e == "RC4" {
			it.Status = Conflict
			it.Conflict = &ConflictInfo{
				What: "the plan asks for RC4 encryption only; RC4 is deprecated and weak, and peers set to AES cannot talk to it",
				Fix:  "Set endpoint.encryption to AES in the plan (or \"AES RC4\" while an old partner still needs RC4).",
			}
			it.Detail = it.Conflict.What
			return it
		} else if strings.Contains(e, "RC4") {
			it.Warnings = append(it.Warnings, "the plan allows RC4 ("+e+"); drop it once no partner needs it")
		}
		it.Status, it.Detail = Pending, "no mirroring endpoint exists yet"
		it.Statements = []tsql.Statement{st}
		return it
	}
	return b.existingEndpoint(h, s, it, cert, role)
}

// existingEndpoint checks an endpoint that is already there. It is always
// reused (an instance has one), so differences become conflicts with a
// remedy, or warnings when nothing has to change.
func (b *builder) existingEndpoint(h plan.Host, s *State, it Item, cert, role string) Item {
	e, ep := s.Endpoint, b.p.Endpoint
	touch := "Sessions that use this endpoint may disconnect or fail over while it changes: check SELECT * FROM sys.database_mirroring first and do it in a quiet window."
	var found []ConflictInfo
	auth := strings.ToUpper(e.Auth)
	switch {
	case !strings.Contains(auth, "CERTIFICATE"):
		found = append(found, ConflictInfo{
			What: fmt.Sprintf("endpoint %s uses Windows authentication (%s) only; peers presenting certificates are refused (error 28027)", e.Name, e.Auth),
			Fix:  fmt.Sprintf("Keep the endpoint and switch it to certificate %s (once that exists). %s", cert, touch),
		})
	case !s.SameMasterName(e.CertificateName, cert):
		found = append(found, ConflictInfo{
			What: fmt.Sprintf("endpoint %s authenticates with certificate %s, not the planned %s; peers that trust %s will be refused", e.Name, e.CertificateName, cert, cert),
			Fix:  fmt.Sprintf("Keep the endpoint and point it at %s. %s", cert, touch),
		})
	}
	if len(found) > 0 {
		found[len(found)-1].Remedy = []tsql.Statement{tsql.AlterEndpointAuth(e.Name, cert)}
		found[len(found)-1].RemedyNeeds = []Ref{{h.Name, IDCertificate}}
	}
	if e.State != "" && !strings.EqualFold(e.State, "STARTED") {
		found = append(found, ConflictInfo{
			What:   fmt.Sprintf("endpoint %s is %s, so it accepts no connections", e.Name, e.State),
			Fix:    "Start it.",
			Remedy: []tsql.Statement{tsql.AlterEndpointState(e.Name)},
		})
	}
	encDesc := strings.ToUpper(strings.TrimSpace(e.Encryption))
	switch {
	case !e.EncryptionEnabled || encDesc == "NONE":
		st, _ := tsql.AlterEndpointEncryption(e.Name, "AES")
		found = append(found, ConflictInfo{
			What:   fmt.Sprintf("endpoint %s does not require encryption, so peers that require it cannot connect", e.Name),
			Fix:    "Require AES encryption on it. " + touch,
			Remedy: []tsql.Statement{st},
		})
	case encDesc == "RC4":
		st, _ := tsql.AlterEndpointEncryption(e.Name, "AES")
		found = append(found, ConflictInfo{
			What:   fmt.Sprintf("endpoint %s encrypts with RC4 only, which is deprecated and cannot talk to peers set to AES", e.Name),
			Fix:    "Switch it to AES (or \"AES RC4\" while an old partner still needs RC4). " + touch,
			Remedy: []tsql.Statement{st},
		})
	case strings.Contains(encDesc, "RC4"):
		it.Warnings = append(it.Warnings, fmt.Sprintf("endpoint %s still allows RC4 (%s); drop it once no partner needs it", e.Name, e.Encryption))
	}
	if e.Role != "" && !canServe(e.Role, role) {
		st, _ := tsql.AlterEndpointRole(e.Name, role)
		found = append(found, ConflictInfo{
			What:   fmt.Sprintf("endpoint %s has role %s, but %s is a %s and needs %s", e.Name, e.Role, h.Name, h.Role, role),
			Fix:    "Change its role. " + touch,
			Remedy: []tsql.Statement{st},
		})
	}
	if !s.SameServerName(e.Name, ep.Name) {
		it.Warnings = append(it.Warnings, fmt.Sprintf("the existing endpoint is named %s, not %s; mirrorcert reuses it and grants CONNECT on it", e.Name, ep.Name))
	}
	if e.Port != 0 && e.Port != ep.Port {
		it.Warnings = append(it.Warnings, fmt.Sprintf("endpoint %s listens on port %d, not the planned %d; an instance has only one mirroring endpoint, "+
			"so mirrorcert keeps it: use TCP://<%s address>:%d in SET PARTNER / SET WITNESS", e.Name, e.Port, ep.Port, h.Name, e.Port))
	}
	if len(found) > 0 {
		it.Status = Conflict
		it.Conflict = mergeConflicts(found)
		it.Conflict.Object = e.Name
		it.Detail = it.Conflict.What
		return it
	}
	it.Status = Done
	it.Detail = fmt.Sprintf("endpoint %s is started on port %d with certificate %s", e.Name, e.Port, e.CertificateName)
	return it
}

func (b *builder) backup(h plan.Host, s *State) Item {
	name, file := b.p.CertName(h.Name), b.p.CertFile(h.Name)
	it := Item{
		Ref:     Ref{h.Name, IDBackup},
		Title:   "Back up " + name + " to a file",
		Why:     "In file mode the other hosts import " + h.Name + "'s public certificate from a file.",
		Changes: "Writes the public part of " + name + " (never the private key) to " + file + " on " + h.Name + ".",
		Needs:   []Ref{{h.Name, IDCertificate}},
	}
	if s == nil {
		return it
	}
	if s.Files[file] {
		it.Status, it.Detail = Done, file+" exists on "+h.Name
		return it
	}
	it.Status, it.Detail = Pending, file+" is not there yet"
	it.Statements = []tsql.Statement{tsql.BackupCertificate(name, file)}
	return it
}
