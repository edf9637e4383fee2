package plan

import (
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf16"
)

// Limits SQL Server puts on names.
const (
	maxSysname      = 128 // sysname is nvarchar(128)
	maxSubject      = 128 // CREATE CERTIFICATE ... SUBJECT
	maxSubjectLinux = 64  // SQL Server on Linux truncates/refuses longer subjects
	maxReplicas     = 9   // availability group replicas (primary + 8 secondaries)
)

// Defaults.
const (
	DefaultEndpointName = "Endpoint_Mirroring"
	DefaultEndpointPort = 7024
	DefaultEncryption   = "AES"
	DefaultSubject      = "{host} certificate for database mirroring"
	DefaultFileDir      = `C:\`
)

// Validate fills defaults into a plan built in memory (the TUI form) and
// checks it as Load would; problems carry field paths but no lines. Host.Auth
// left zero takes the plan-wide Auth; non-zero fields override it.
func Validate(p *Plan, now time.Time) error {
	d := newDecoder(".")
	for i := range p.Hosts {
		p.Hosts[i].Auth = mergeAuth(p.Auth, p.Hosts[i].Auth, nonZero(p.Hosts[i].Auth))
	}
	p.Warnings = nil
	d.check(p, now)
	return d.ps.err(p.Path)
}

// line finds the line of a field, or of its nearest parent present in the
// file, so that a missing key still points at the block it belongs in.
func (d *decoder) line(field string) int {
	for field != "" {
		if n, ok := d.lines[field]; ok {
			return n
		}
		i := strings.LastIndexAny(field, ".[")
		if i < 0 {
			break
		}
		field = field[:i]
	}
	return d.lines[""]
}

func (d *decoder) report(field, format string, args ...any) {
	parent := field
	if i := strings.LastIndexAny(field, ".["); i >= 0 {
		parent = field[:i]
	} else {
		parent = ""
	}
	if d.unknownIn[parent] {
		return
	}
	// A field inside a block that is already wrong as a whole (a host given
	// as a single value) would only be reported as missing.
	for f := parent; f != ""; {
		if d.bad[f] {
			return
		}
		i := strings.LastIndexAny(f, ".[")
		if i < 0 {
			break
		}
		f = f[:i]
	}
	d.fail(field, d.line(field), format, args...)
}

func (d *decoder) warn(p *Plan, field, format string, args ...any) {
	w := Problem{Field: field, Line: d.line(field), Msg: fmt.Sprintf(format, args...)}
	p.Warnings = append(p.Warnings, w.format(p.Path))
}

// sqlLen is a name's length as SQL Server counts it: UTF-16 code units.
func sqlLen(s string) int { return len(utf16.Encode([]rune(s))) }

// check fills defaults and validates everything but the YAML shape.
func (d *decoder) check(p *Plan, now time.Time) {
	d.checkSqlcmdVars(p)
	p.Mode = strings.ToLower(strings.TrimSpace(p.Mode))
	switch p.Mode {
	case "":
		p.Mode = ModeMirroring
	case ModeMirroring, ModeAG:
	default:
		d.report("mode", "%q is not a mode; use mirroring (two partners, optional witness) or ag (2 to 9 replicas)", p.Mode)
	}
	p.Transfer = strings.ToLower(strings.TrimSpace(p.Transfer))
	switch p.Transfer {
	case "":
		p.Transfer = TransferInband
	case TransferInband, TransferFile:
	default:
		d.report("transfer", "%q is not a transfer mode; use inband (certificates copied over the connections) or file (BACKUP CERTIFICATE, copy, FROM FILE)", p.Transfer)
	}
	d.checkEndpoint(p)
	d.checkCertificate(p, now)
	d.checkAuth(&p.Auth, nil, "auth")
	d.checkHosts(p)
}

func (d *decoder) checkEndpoint(p *Plan) {
	e := &p.Endpoint
	if strings.TrimSpace(e.Name) == "" {
		if _, set := d.lines["endpoint.name"]; set {
			d.report("endpoint.name", "empty; leave the key out for the default %s", DefaultEndpointName)
		}
		e.Name = DefaultEndpointName
	}
	if n := sqlLen(e.Name); n > maxSysname {
		d.report("endpoint.name", "is %d characters; SQL Server names are at most %d", n, maxSysname)
	} else if hasControl(e.Name) {
		d.report("endpoint.name", "contains control characters; use a plain name such as %s", DefaultEndpointName)
	}
	if _, set := d.lines["endpoint.port"]; e.Port == 0 && !set {
		e.Port = DefaultEndpointPort
	}
	if e.Port < 1 || e.Port > 65535 {
		d.report("endpoint.port", "%d is not a TCP port; use 1 to 65535 (the usual mirroring port is %d)", e.Port, DefaultEndpointPort)
	}
	enc := strings.Join(strings.Fields(strings.ToUpper(e.Encryption)), " ")
	switch enc {
	case "":
		enc = DefaultEncryption
	case "AES", "RC4", "AES RC4", "RC4 AES":
	default:
		d.report("endpoint.encryption", "%q is not an algorithm; use AES (recommended), or RC4, \"AES RC4\", \"RC4 AES\" for old partners", e.Encryption)
	}
	e.Encryption = enc
}

func (d *decoder) checkCertificate(p *Plan, now time.Time) {
	c := &p.Certificate
	switch {
	case c.Expiry.IsZero():
		d.report("certificate.expiry", "missing; give the certificates' expiry date as YYYY-MM-DD (UTC). "+
			"Without it SQL Server makes them expire after one year and mirroring stops accepting new connections")
	case !c.Expiry.After(now):
		d.report("certificate.expiry", "%s is in the past; choose a future date (UTC)", c.Expiry.Format("2006-01-02"))
	case c.Expiry.Before(now.AddDate(1, 0, 0)):
		d.warn(p, "certificate.expiry", "%s is less than a year away; plan the certificate rotation, or choose a later date",
			c.Expiry.Format("2006-01-02"))
	}
	if !c.StartDate.IsZero() && !c.Expiry.IsZero() && !c.StartDate.Before(c.Expiry) {
		d.report("certificate.start_date", "%s is not before the expiry %s", c.StartDate.Format("2006-01-02"), c.Expiry.Format("2006-01-02"))
	}
	if c.Subject == "" {
		c.Subject = DefaultSubject
	}
	if hasControl(c.Subject) {
		d.report("certificate.subject", "contains control characters; use plain text")
	}
	if c.FileDir == "" {
		c.FileDir = DefaultFileDir
	}
	if hasControl(c.FileDir) {
		d.report("certificate.file_dir", "contains control characters; give a directory as the server sees it, e.g. C:\\certs\\")
	}
}

// checkSubject checks the subject as it will be for each host.
func (d *decoder) checkSubject(p *Plan) {
	warned := false
	for i, h := range p.Hosts {
		if d.bad[fmt.Sprintf("hosts[%d].name", i)] {
			continue // already reported; the subject would only repeat it
		}
		s := strings.ReplaceAll(p.Certificate.Subject, "{host}", h.Name)
		n := sqlLen(s)
		if n > maxSubject {
			d.report("certificate.subject", "is %d characters for host %s; SQL Server allows at most %d", n, h.Name, maxSubject)
			return
		}
		if n > maxSubjectLinux && !warned {
			warned = true
			d.warn(p, "certificate.subject", "is %d characters for host %s; SQL Server on Linux allows only %d", n, h.Name, maxSubjectLinux)
		}
	}
}

func hasControl(s string) bool {
	for _, r := range s {
		if unicode.IsControl(r) {
			return true
		}
	}
	return false
}

// checkAuth fills defaults into a and validates it. def is the plan-wide
// block when a is a host's merged block: a problem inherited unchanged from
// the plan-wide block is reported there, once, not again for every host.
func (d *decoder) checkAuth(a *Auth, def *Auth, f string) {
	if a.User == "" && !a.Integrated && def != nil {
		// sqlcmd logs in with Windows authentication when -U is not given.
		a.Integrated = true
	}
	a.Encrypt = strings.ToLower(strings.TrimSpace(a.Encrypt))
	if a.Encrypt == "" {
		a.Encrypt = EncryptMandatory
	}
	var base Auth
	if def != nil {
		base = *def
	}
	inherited := func(same bool) bool { return def != nil && same }
	if a.User != "" && a.Integrated && !inherited(base.User == a.User && base.Integrated) {
		d.report(f+".integrated", "user and integrated: true exclude each other (like sqlcmd -U and -E); keep one")
	}
	if hasControl(a.User) && !inherited(base.User == a.User) {
		d.report(f+".user", "contains control characters")
	}
	switch a.Encrypt {
	case EncryptDisable, EncryptOptional, EncryptMandatory, EncryptStrict:
	default:
		if !inherited(base.Encrypt == a.Encrypt) {
			d.report(f+".encrypt", "%q is not an encrypt setting; use disable, optional, mandatory or strict (as sqlcmd -N)", a.Encrypt)
		}
	}
	if (a.LoginTimeoutSeconds < 0 || a.LoginTimeoutSeconds > 65534) && !inherited(base.LoginTimeoutSeconds == a.LoginTimeoutSeconds) {
		d.report(f+".login_timeout", "%d is out of range; give seconds from 0 (driver default) to 65534", a.LoginTimeoutSeconds)
	}
	if a.CACertificate != "" && !inherited(base.CACertificate == a.CACertificate) {
		if err := statFile(a.CACertificate); err != nil {
			d.report(f+".ca_certificate", "cannot read the CA certificate: %v", err)
		}
	}
}
