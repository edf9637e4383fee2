package checks

import (
	"fmt"
	"slices"
	"strings"

	"github.com/mirrorcert/mirrorcert/steps"
	"github.com/mirrorcert/mirrorcert/steps/tsql"
)

// Encryption modes of an endpoint (CREATE ENDPOINT ... ENCRYPTION = ...).
const (
	encDisabled  = "DISABLED"
	encSupported = "SUPPORTED"
	encRequired  = "REQUIRED"
)

// encryptionOf reads an endpoint's mode and algorithms from
// is_encryption_enabled and encryption_algorithm_desc ("NONE", "AES",
// "NONE, AES", "RC4, AES", "AES RC4", ...): NONE among algorithms means
// SUPPORTED (plain text allowed), NONE alone or encryption off DISABLED.
func encryptionOf(e *steps.Endpoint) (mode string, algs []string) {
	for _, f := range strings.FieldsFunc(strings.ToUpper(e.Encryption), func(r rune) bool { return r == ',' || r == ' ' }) {
		if f != "NONE" {
			algs = append(algs, f)
		}
	}
	switch {
	case !e.EncryptionEnabled || len(algs) == 0:
		return encDisabled, nil
	case strings.Contains(strings.ToUpper(e.Encryption), "NONE"):
		return encSupported, algs
	}
	return encRequired, algs
}

// negotiate applies the table of handshake.md section 6: DISABLED against
// REQUIRED fails; encryption happens when both allow it and neither forbids
// it, and then needs an algorithm in common (AES against RC4 fails, 28027).
// It returns "" when the pair can talk, else why not.
func negotiate(am string, aa []string, bm string, ba []string) string {
	if (am == encDisabled && bm == encRequired) || (am == encRequired && bm == encDisabled) {
		return "one side requires encryption and the other has it disabled"
	}
	if am == encDisabled || bm == encDisabled {
		return "" // plain text
	}
	for _, x := range aa {
		if slices.Contains(ba, x) {
			return ""
		}
	}
	if am == encSupported && bm == encSupported {
		return "" // no common algorithm, but both accept plain text
	}
	return fmt.Sprintf("no algorithm in common (%s against %s): no compatible encryption algorithm (28027)", strings.Join(aa, " "), strings.Join(ba, " "))
}

func encDesc(e *steps.Endpoint) string {
	m, a := encryptionOf(e)
	if m == encDisabled {
		return "DISABLED"
	}
	return m + " ALGORITHM " + strings.Join(a, " ")
}

// encryption checks every pair of hosts that talk to each other. The finding
// goes to the host whose setting differs from the plan (the odd one out);
// when both or neither differ, to both.
func (c *checker) encryption() {
	planned, err := tsql.NormalizeEncryption(c.in.Plan.Endpoint.Encryption)
	if err != nil {
		planned = "AES"
	}
	differs := func(e *steps.Endpoint) bool {
		m, a := encryptionOf(e)
		return m != encRequired || strings.Join(a, " ") != planned
	}
	hosts := c.in.Plan.Hosts
	for i := range hosts {
		for j := i + 1; j < len(hosts); j++ {
			a, b := c.state(hosts[i].Name), c.state(hosts[j].Name)
			if a == nil || b == nil || a.Endpoint == nil || b.Endpoint == nil {
				continue
			}
			am, aa := encryptionOf(a.Endpoint)
			bm, ba := encryptionOf(b.Endpoint)
			why := negotiate(am, aa, bm, ba)
			if why == "" {
				continue
			}
			da, db := differs(a.Endpoint), differs(b.Endpoint)
			if da || !db {
				c.encFinding(hosts[i].Name, hosts[j].Name, a.Endpoint, b.Endpoint, why, planned)
			}
			if db || !da {
				c.encFinding(hosts[j].Name, hosts[i].Name, b.Endpoint, a.Endpoint, why, planned)
			}
		}
	}
}

func (c *checker) encFinding(host, peer string, e, pe *steps.Endpoint, why, planned string) {
	var fix []tsql.Statement
	if st, err := tsql.AlterEndpointEncryption(e.Name, planned); err == nil {
		fix = append(fix, st)
	}
	c.add(Finding{
		Code: CodeEncryptionIncompatible, Host: host, Peer: peer,
		Message: fmt.Sprintf("endpoint %s on %s (ENCRYPTION = %s) cannot negotiate with %s's (ENCRYPTION = %s): %s; connections between them fail and SET PARTNER/WITNESS reports 1418.",
			e.Name, host, encDesc(e), peer, encDesc(pe), why),
		Evidence: []string{endpointRow(host, e), endpointRow(peer, pe)},
		Fix:      fix,
		FixNote:  "Set it to the plan's ENCRYPTION = REQUIRED ALGORITHM " + planned + ". " + touch,
	})
}
