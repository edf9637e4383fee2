package form

import (
	"fmt"

	"github.com/mirrorcert/mirrorcert/plan"
)

type kind int

const (
	text kind = iota
	secret
	choice
)

// field is one question: how to read and write its value, and which plan
// field paths its problems come under.
type field struct {
	key     string
	label   string
	help    string
	kind    kind
	options []string
	get     func(*Values) string
	set     func(*Values, string)
	paths   []string
}

// fields are the questions for the values as they are now: the mode and
// the replica count decide which host questions there are.
func fields(v *Values) []field {
	fs := []field{
		{key: "mode", label: "Mode", kind: choice, options: []string{plan.ModeMirroring, plan.ModeAG},
			help:  "mirroring: two partners and an optional witness; ag: an availability group of 2 to 9 replicas",
			get:   func(v *Values) string { return v.Mode },
			set:   func(v *Values, s string) { v.Mode = s },
			paths: []string{"mode"}},
	}
	if v.Mode == plan.ModeAG {
		fs = append(fs, field{key: "replicas", label: "Replicas", help: "how many replicas: 2 to 9",
			get: func(v *Values) string { return v.Replicas }, set: func(v *Values, s string) { v.Replicas = s },
			paths: []string{"replicas", "hosts"}})
	}
	for i := 0; i < v.hostCount(); i++ {
		label := v.hostLabel(i)
		role := "replica"
		if v.Mode != plan.ModeAG {
			role = [...]string{"partner (principal)", "partner (mirror)", "witness; leave name and server empty for none"}[i]
		}
		fs = append(fs,
			field{key: fmt.Sprintf("hosts[%d].name", i), label: label + ": name",
				help: "role: " + role + ". Used in object names: NAME_cert, NAME_login, NAME_user",
				get:  func(v *Values) string { return v.Hosts[i].Name }, set: func(v *Values, s string) { v.Hosts[i].Name = s },
				paths: []string{fmt.Sprintf("hosts[%d].name", i), fmt.Sprintf("hosts[%d].role", i), fmt.Sprintf("hosts[%d]", i)}},
			field{key: fmt.Sprintf("hosts[%d].server", i), label: label + ": server",
				help: "host[\\instance][,port], as for sqlcmd -S",
				get:  func(v *Values) string { return v.Hosts[i].Server }, set: func(v *Values, s string) { v.Hosts[i].Server = s },
				paths: []string{fmt.Sprintf("hosts[%d].server", i), fmt.Sprintf("hosts[%d].address", i)}},
		)
	}
	fs = append(fs,
		field{key: "auth.user", label: "SQL login", help: "the same login on every host; empty for integrated (Windows) authentication",
			get: func(v *Values) string { return v.User }, set: func(v *Values, s string) { v.User = s },
			paths: []string{"auth.user", "auth"}},
	)
	if v.User != "" {
		fs = append(fs, field{key: "password", label: "Password for " + v.User + " (every host)", kind: secret,
			help: "asked once for every host, never saved; empty: MIRRORCERT_PASSWORD_<HOST> or SQLCMDPASSWORD, else asked per host",
			get:  func(v *Values) string { return v.Password }, set: func(v *Values, s string) { v.Password = s }})
	}
	fs = append(fs,
		field{key: "auth.encrypt", label: "Connection encryption", kind: choice,
			options: []string{plan.EncryptMandatory, plan.EncryptStrict, plan.EncryptOptional, plan.EncryptDisable},
			help:    "mandatory or strict: passwords never cross the network in clear",
			get:     func(v *Values) string { return v.Encrypt }, set: func(v *Values, s string) { v.Encrypt = s },
			paths: []string{"auth.encrypt"}},
		field{key: "auth.trust_server_certificate", label: "Trust the servers' TLS certificates without validation", kind: choice,
			options: []string{"no", "yes"}, help: "only for servers you verified another way (e.g. the simulator)",
			get: func(v *Values) string {
				if v.Trust {
					return "yes"
				}
				return "no"
			},
			set:   func(v *Values, s string) { v.Trust = s == "yes" },
			paths: []string{"auth.trust_server_certificate"}},
		field{key: "endpoint.name", label: "Endpoint name", get: func(v *Values) string { return v.Endpoint },
			set: func(v *Values, s string) { v.Endpoint = s }, paths: []string{"endpoint.name", "endpoint"}},
		field{key: "endpoint.port", label: "Endpoint port", get: func(v *Values) string { return v.Port },
			set: func(v *Values, s string) { v.Port = s }, paths: []string{"endpoint.port"}},
		field{key: "certificate.expiry", label: "Certificate expiry (UTC, YYYY-MM-DD)", get: func(v *Values) string { return v.Expiry },
			set: func(v *Values, s string) { v.Expiry = s }, paths: []string{"certificate.expiry", "certificate", "certificate.subject"}},
		field{key: "transfer", label: "Certificate transfer", kind: choice, options: []string{plan.TransferInband, plan.TransferFile},
			help: "inband: read the certificate from one server, create it on the others (SQL Server 2012+); file: BACKUP CERTIFICATE, you copy the file",
			get:  func(v *Values) string { return v.Transfer }, set: func(v *Values, s string) { v.Transfer = s },
			paths: []string{"transfer"}},
		field{key: "save", label: "Save the plan as", help: "a new file; clear it to not save",
			get: func(v *Values) string { return v.SavePath }, set: func(v *Values, s string) { v.SavePath = s }},
	)
	return fs
}
