package scaleout

import (
	"fmt"
	"net/url"
	"strings"
	"time"
)

// Inputs are everything `scaleout check` read. Every part is optional; a
// check runs when the values it compares are there.
type Inputs struct {
	// Master names the master machine in findings; default "master".
	Master string
	// Port is the master port; 0 means PortNumber from MasterSettings.config,
	// else 8391.
	Port         int
	MasterConfig *ConfigFile
	MasterCert   *CertInfo
	Workers      []WorkerInput
	SSISDB       *SSISDBInfo
	Local        *LocalInfo
	Now          time.Time
	// WarnDays: a certificate expiring within this many days is a warning.
	// 0 means the default, 60; a negative value means no window at all
	// (`--warn-days 0`: only an expired certificate is a finding).
	WarnDays int
}

// WorkerInput is one worker: its WorkerSettings.config and its .cer.
type WorkerInput struct {
	Name   string
	Config *ConfigFile
	Cert   *CertInfo
}

// SSISDBInfo is what the master's SSISDB says.
type SSISDBInfo struct {
	Server     string
	Properties map[string]string // catalog.master_properties, by upper-case property_name
	Workers    []WorkerAgent     // catalog.worker_agents
}

// WorkerAgent is a row of catalog.worker_agents.
type WorkerAgent struct {
	ID          string
	MachineName string
	DisplayName string
	IsEnabled   bool
	LastOnline  time.Time // zero when NULL (never online)
}

// LocalInfo is what the machine mirrorcert runs on says (Windows only):
// its `netsh http show sslcert` bindings and its LocalMachine stores.
type LocalInfo struct {
	Machine  string
	IsMaster bool
	IsWorker bool
	// Bindings were read from netsh; BindingsRead is false when netsh was
	// not run (not the master) or its output could not be read.
	Bindings     []SSLBinding
	BindingsRead bool
	Root, My     []CertInfo
}

// DefaultPort is the Scale Out Master's default port.
const DefaultPort = 8391

// ssisdbThumbprintProperty is catalog.master_properties' name for the
// master certificate's thumbprint.
const ssisdbThumbprintProperty = "SSLCERT_THUMBPRINT"

// source is one place a thumbprint is written down.
type source struct {
	host  string
	where string // "MasterSettings.config <SSLCertThumbprint>", "SSISDB catalog.master_properties SSLCERT_THUMBPRINT"
	raw   string
	fix   func(want string) string
}

// Check compares every input with every other and returns the findings,
// errors first. It does no I/O.
func Check(in Inputs) []Finding {
	c := &checker{in: in}
	if c.in.Master == "" {
		c.in.Master = "master"
	}
	switch {
	case c.in.WarnDays == 0:
		c.in.WarnDays = 60
	case c.in.WarnDays < 0:
		c.in.WarnDays = 0
	}
	c.port = c.masterPort()
	c.masterThumbprints()
	c.workerThumbprints()
	c.masterNames()
	c.binding()
	c.ssisdbWorkers()
	c.localStores()
	c.expiry()
	sortFindings(c.out)
	return c.out
}

type checker struct {
	in   Inputs
	port int
	out  []Finding
}

func (c *checker) add(f Finding) { c.out = append(c.out, f) }

func (c *checker) masterPort() int {
	if c.in.Port > 0 {
		return c.in.Port
	}
	if c.in.MasterConfig != nil {
		if v, ok := c.in.MasterConfig.Get(ElemPortNumber); ok {
			var p int
			if _, err := fmt.Sscanf(v, "%d", &p); err == nil && p > 0 && p < 65536 {
				return p
			}
		}
	}
	return DefaultPort
}

func elem(path, name string) string { return fmt.Sprintf("%s <%s>", path, name) }

// configSource reads a thumbprint element, reporting a missing element.
func (c *checker) configSource(host string, cf *ConfigFile, name string, fix func(string) string) (source, bool) {
	v, ok := cf.Get(name)
	if !ok {
		c.add(Finding{Code: CodeElementMissing, Host: host, Severity: SevError,
			Message:  fmt.Sprintf("%s has no <%s> element", cf.Path, name),
			Evidence: fmt.Sprintf("%s: no element named %s anywhere in the file", cf.Path, name),
			Fix:      fmt.Sprintf("Check that %s is the service's configuration file (DTS\\Binn under the SQL Server directory); the element is written by setup", cf.Path)})
		return source{}, false
	}
	return source{host: host, where: elem(cf.Path, name), raw: v, fix: fix}, true
}

// valid reports a malformed thumbprint and returns whether s can be compared.
func (c *checker) valid(s source) bool {
	norm, ok := NormalizeThumbprint(s.raw)
	inv := invisibleIn(s.raw)
	if ok && inv == "" {
		return true
	}
	why := "is not 40 hexadecimal digits"
	if inv != "" {
		why = "holds invisible characters (" + inv + "), which the services do not strip: the certificate is not found"
	}
	want := "the certificate's thumbprint"
	if ok {
		want = norm
	}
	c.add(Finding{Code: CodeThumbprintBad, Host: s.host, Severity: SevError,
		Message:  fmt.Sprintf("%s %s", s.where, why),
		Evidence: fmt.Sprintf("%s = %q", s.where, s.raw),
		Fix:      s.fix(want)})
	return ok && inv == "" // a value with invisible marks is reported once, here
}

// masterThumbprints compares every place that names the master certificate
// with the reference: the master .cer if given, else what netsh serves,
// else MasterSettings.config, else SSISDB.
func (c *checker) masterThumbprints() {
	m := c.in.Master
	var srcs []source
	if mc := c.in.MasterCert; mc != nil {
		srcs = append(srcs, source{host: m, where: "master certificate " + mc.Source, raw: mc.Thumbprint,
			fix: func(string) string { return "" }})
	}
	if b, ok := c.masterBinding(); ok {
		srcs = append(srcs, source{host: m, where: fmt.Sprintf("netsh http sslcert binding %s Certificate Hash", b.IPPort), raw: b.CertHash,
			fix: func(want string) string {
				return fmt.Sprintf("On %s: netsh http delete sslcert ipport=0.0.0.0:%d, then netsh http add sslcert ipport=0.0.0.0:%d certhash=%s certstorename=Root appid=%s",
					m, c.port, c.port, want, orUnknown(b.AppID))
			}})
	}
	if cf := c.in.MasterConfig; cf != nil {
		if s, ok := c.configSource(m, cf, ElemSSLCertThumbprint, func(want string) string {
			return fmt.Sprintf("On %s: set <%s> in %s to %s, then restart the Scale Out Master service", m, ElemSSLCertThumbprint, cf.Path, want)
		}); ok {
			srcs = append(srcs, s)
		}
	}
	if db := c.in.SSISDB; db != nil {
		if v, ok := db.Properties[ssisdbThumbprintProperty]; ok {
			srcs = append(srcs, source{host: m, where: "SSISDB catalog.master_properties " + ssisdbThumbprintProperty + " on " + db.Server, raw: v,
				fix: func(want string) string {
					return fmt.Sprintf("Restart the Scale Out Master service once MasterSettings.config names %s; if the property still differs, as sysadmin on %s: UPDATE [SSISDB].[internal].[master_properties] SET [property_value] = N'%s' WHERE [property_name] = N'%s';",
						want, db.Server, want, ssisdbThumbprintProperty)
				}})
		} else {
			c.add(Finding{Code: CodeSSISDBProperty, Host: m, Severity: SevWarning,
				Message:  fmt.Sprintf("SSISDB on %s has no %s in catalog.master_properties: Scale Out Master is not set up against this catalog", db.Server, ssisdbThumbprintProperty),
				Evidence: fmt.Sprintf("catalog.master_properties has %d rows, none named %s", len(db.Properties), ssisdbThumbprintProperty),
				Fix:      "Give --ssisdb the SQL Server named in MasterSettings.config <SqlServerName>"})
		}
	}
	for _, w := range c.in.Workers {
		if w.Config == nil {
			continue
		}
		cf, name := w.Config, w.Name
		if s, ok := c.configSource(name, cf, ElemMasterHttpsCertThumbprint, func(want string) string {
			return fmt.Sprintf("On %s: install the master's .cer into LocalMachine\\Root, set <%s> in %s to %s, then restart the Scale Out Worker service (mirrorcert scaleout script --change master writes these steps)",
				name, ElemMasterHttpsCertThumbprint, cf.Path, want)
		}); ok {
			s.host = name
			srcs = append(srcs, s)
		}
	}
	var ref *source
	for i := range srcs {
		if !c.valid(srcs[i]) {
			continue
		}
		if ref == nil {
			ref = &srcs[i]
			continue
		}
		if SameThumbprint(srcs[i].raw, ref.raw) {
			continue
		}
		want, _ := NormalizeThumbprint(ref.raw)
		found, _ := NormalizeThumbprint(srcs[i].raw)
		s := srcs[i]
		c.add(Finding{Code: CodeMasterThumbprint, Host: s.host, Peer: peerOf(s.host, m), Severity: SevError,
			Message:  fmt.Sprintf("%s is %s, but the master certificate is %s (from %s): set %s", s.where, found, want, ref.where, want),
			Evidence: fmt.Sprintf("%s = %s; %s = %s", s.where, found, ref.where, want),
			Fix:      s.fix(want)})
	}
}

func peerOf(host, master string) string {
	if strings.EqualFold(host, master) {
		return ""
	}
	return master
}

func orUnknown(s string) string {
	if s == "" {
		return "{the original appid}"
	}
	return s
}

// masterBinding is the local netsh binding for the master port, when this
// machine is the master and netsh was read.
func (c *checker) masterBinding() (SSLBinding, bool) {
	l := c.in.Local
	if l == nil || !l.IsMaster || !l.BindingsRead {
		return SSLBinding{}, false
	}
	return BindingFor(l.Bindings, fmt.Sprintf("0.0.0.0:%d", c.port))
}

// workerThumbprints: each WorkerHttpsCertThumbprint is its worker's .cer.
func (c *checker) workerThumbprints() {
	for _, w := range c.in.Workers {
		if w.Config == nil || w.Cert == nil {
			continue
		}
		cf, name, cert := w.Config, w.Name, w.Cert
		s, ok := c.configSource(name, cf, ElemWorkerHttpsCertThumbprint, func(want string) string {
			return fmt.Sprintf("On %s: set <%s> in %s to %s, then restart the Scale Out Worker service", name, ElemWorkerHttpsCertThumbprint, cf.Path, want)
		})
		if !ok || !c.valid(s) {
			continue
		}
		if SameThumbprint(s.raw, cert.Thumbprint) {
			continue
		}
		found, _ := NormalizeThumbprint(s.raw)
		c.add(Finding{Code: CodeWorkerThumbprint, Host: name, Severity: SevError,
			Message:  fmt.Sprintf("%s is %s, but %s's certificate %s is %s: set %s", s.where, found, name, cert.Source, cert.Thumbprint, cert.Thumbprint),
			Evidence: fmt.Sprintf("%s = %s; %s thumbprint %s (%s)", s.where, found, cert.Source, cert.Thumbprint, cert.Subject),
			Fix:      s.fix(cert.Thumbprint)})
	}
}

// masterNames: the master certificate names the host each worker's
// MasterEndpoint uses, and the endpoint's port is the master's.
func (c *checker) masterNames() {
	for _, w := range c.in.Workers {
		if w.Config == nil {
			continue
		}
		ep, ok := w.Config.Get(ElemMasterEndpoint)
		if !ok || ep == "" {
			continue
		}
		u, err := url.Parse(ep)
		if err != nil || u.Hostname() == "" {
			c.add(Finding{Code: CodeMasterCertName, Host: w.Name, Peer: c.in.Master, Severity: SevError,
				Message:  fmt.Sprintf("%s is not a URL (https://HOST:PORT)", elem(w.Config.Path, ElemMasterEndpoint)),
				Evidence: fmt.Sprintf("%s = %q", elem(w.Config.Path, ElemMasterEndpoint), ep),
				Fix:      fmt.Sprintf("Set <%s> in %s to https://MASTER:%d", ElemMasterEndpoint, w.Config.Path, c.port)})
			continue
		}
		host := u.Hostname()
		if mc := c.in.MasterCert; mc != nil && !mc.Covers(host) {
			c.add(Finding{Code: CodeMasterCertName, Host: w.Name, Peer: c.in.Master, Severity: SevError,
				Message: fmt.Sprintf("the master certificate %s does not name %s, the host %s connects to (%s): the worker rejects the master",
					mc.Source, host, w.Name, elem(w.Config.Path, ElemMasterEndpoint)),
				Evidence: fmt.Sprintf("%s = %s; certificate names: %s", elem(w.Config.Path, ElemMasterEndpoint), ep, strings.Join(mc.Names(), ", ")),
				Fix: fmt.Sprintf("Create the master certificate with CN=%s (mirrorcert scaleout script --master %s --change master), or set <%s> to a name the certificate has",
					host, host, ElemMasterEndpoint)})
		}
		if p := u.Port(); p != "" && p != fmt.Sprint(c.port) {
			c.add(Finding{Code: CodeMasterPort, Host: w.Name, Peer: c.in.Master, Severity: SevError,
				Message:  fmt.Sprintf("%s uses port %s, but the master listens on %d", elem(w.Config.Path, ElemMasterEndpoint), p, c.port),
				Evidence: fmt.Sprintf("%s = %s", elem(w.Config.Path, ElemMasterEndpoint), ep),
				Fix:      fmt.Sprintf("Set <%s> in %s to https://%s:%d and restart the Scale Out Worker service", ElemMasterEndpoint, w.Config.Path, host, c.port)})
		}
	}
}
