package scaleout

import (
	"fmt"
	"strings"
	"time"
)

// binding: on the master, the master port has an SSL binding, in the Root
// store the documentation binds from.
func (c *checker) binding() {
	l := c.in.Local
	if l == nil || !l.IsMaster || !l.BindingsRead {
		return
	}
	ipport := fmt.Sprintf("0.0.0.0:%d", c.port)
	b, ok := BindingFor(l.Bindings, ipport)
	if !ok {
		want := "THE_MASTER_THUMBPRINT"
		if c.in.MasterCert != nil {
			want = c.in.MasterCert.Thumbprint
		}
		c.add(Finding{Code: CodeBindingMissing, Host: c.in.Master, Severity: SevError,
			Message:  fmt.Sprintf("no SSL certificate is bound to %s: workers cannot connect to the master", ipport),
			Evidence: fmt.Sprintf("netsh http show sslcert ipport=%s lists no binding", ipport),
			Fix:      fmt.Sprintf("netsh http add sslcert ipport=%s certhash=%s certstorename=Root appid={the Scale Out Master's appid}", ipport, want)})
		return
	}
	if st := strings.TrimSpace(b.StoreName); st != "" && !strings.EqualFold(st, "Root") {
		c.add(Finding{Code: CodeBindingStore, Host: c.in.Master, Severity: SevWarning,
			Message:  fmt.Sprintf("the binding on %s takes its certificate from store %s, not Root where the Scale Out Master certificate is", ipport, st),
			Evidence: fmt.Sprintf("netsh http show sslcert ipport=%s: Certificate Store Name : %s", ipport, st),
			Fix:      fmt.Sprintf("netsh http delete sslcert ipport=%s, then netsh http add sslcert ipport=%s certhash=%s certstorename=Root appid=%s", ipport, ipport, b.CertHash, orUnknown(b.AppID))})
	}
}

// ssisdbWorkers: each worker given is registered in catalog.worker_agents
// and has been online lately (its heartbeat is every minute by default, so
// ten minutes of silence means it did not reconnect).
func (c *checker) ssisdbWorkers() {
	db := c.in.SSISDB
	if db == nil {
		return
	}
	const offlineAfter = 10 * time.Minute
	for _, w := range c.in.Workers {
		var agent *WorkerAgent
		for i := range db.Workers {
			if strings.EqualFold(db.Workers[i].MachineName, w.Name) || strings.EqualFold(db.Workers[i].DisplayName, w.Name) {
				agent = &db.Workers[i]
				break
			}
		}
		if agent == nil {
			c.add(Finding{Code: CodeWorkerNotInCatalog, Host: w.Name, Peer: c.in.Master, Severity: SevWarning,
				Message:  fmt.Sprintf("%s is not in catalog.worker_agents on %s", w.Name, db.Server),
				Evidence: fmt.Sprintf("SSISDB catalog.worker_agents MachineName: %s", listMachines(db.Workers)),
				Fix:      "Add the worker with Scale Out Manager (or check the worker's name: it is matched against MachineName)"})
			continue
		}
		if !agent.IsEnabled {
			continue // a disabled worker is not expected to be online
		}
		if agent.LastOnline.IsZero() || c.in.Now.Sub(agent.LastOnline) > offlineAfter {
			seen := "never"
			if !agent.LastOnline.IsZero() {
				seen = agent.LastOnline.UTC().Format(time.RFC3339)
			}
			c.add(Finding{Code: CodeWorkerOffline, Host: w.Name, Peer: c.in.Master, Severity: SevWarning,
				Message:  fmt.Sprintf("%s has not been online since %s: it has not reconnected to the master", w.Name, seen),
				Evidence: fmt.Sprintf("SSISDB catalog.worker_agents WorkerAgentId %s LastOnlineTime = %s", agent.ID, seen),
				Fix:      fmt.Sprintf("On %s: check that the master's certificate is in LocalMachine\\Root and <%s> names it, then restart the Scale Out Worker service; its log is under the service account's AppData\\Local\\SSIS\\ScaleOut\\Agent", w.Name, ElemMasterHttpsCertThumbprint)})
		}
	}
}

func listMachines(ws []WorkerAgent) string {
	if len(ws) == 0 {
		return "(no rows)"
	}
	names := make([]string, len(ws))
	for i, w := range ws {
		names[i] = w.MachineName
	}
	return strings.Join(names, ", ")
}

func inStore(store []CertInfo, thumb string) *CertInfo {
	for i := range store {
		if SameThumbprint(store[i].Thumbprint, thumb) {
			return &store[i]
		}
	}
	return nil
}

// localStores: on this machine, the certificates the configuration names
// are where the services look for them.
func (c *checker) localStores() {
	l := c.in.Local
	if l == nil {
		return
	}
	host := l.Machine
	if l.IsMaster && c.in.MasterConfig != nil {
		if v, ok := c.in.MasterConfig.Get(ElemSSLCertThumbprint); ok {
			if t, ok := NormalizeThumbprint(v); ok && inStore(l.Root, t) == nil {
				c.add(Finding{Code: CodeCertNotInStore, Host: host, Severity: SevError,
					Message:  fmt.Sprintf("%s names %s, which is not in LocalMachine\\Root on %s", elem(c.in.MasterConfig.Path, ElemSSLCertThumbprint), t, host),
					Evidence: fmt.Sprintf("Get-ChildItem Cert:\\LocalMachine\\Root holds %d certificates, none with thumbprint %s", len(l.Root), t),
					Fix:      "Create the master certificate (mirrorcert scaleout script --change master), or set the element to a certificate that is in LocalMachine\\Root"})
			}
		}
		for _, w := range c.in.Workers {
			if w.Cert != nil && inStore(l.Root, w.Cert.Thumbprint) == nil {
				c.add(Finding{Code: CodeWorkerNotTrusted, Host: host, Peer: w.Name, Severity: SevError,
					Message:  fmt.Sprintf("%s's certificate %s is not in the master's LocalMachine\\Root: the master rejects the worker", w.Name, w.Cert.Thumbprint),
					Evidence: fmt.Sprintf("%s thumbprint %s; LocalMachine\\Root on %s does not hold it", w.Cert.Source, w.Cert.Thumbprint, host),
					Fix:      fmt.Sprintf("On %s: Import-Certificate -FilePath %s -CertStoreLocation Cert:\\LocalMachine\\Root", host, w.Cert.Source)})
			}
		}
	}
	if !l.IsWorker {
		return
	}
	for _, w := range c.in.Workers {
		if w.Config == nil || !strings.EqualFold(w.Name, host) {
			continue
		}
		if v, ok := w.Config.Get(ElemMasterHttpsCertThumbprint); ok {
			if t, ok := NormalizeThumbprint(v); ok && inStore(l.Root, t) == nil {
				c.add(Finding{Code: CodeMasterNotTrusted, Host: host, Peer: c.in.Master, Severity: SevError,
					Message:  fmt.Sprintf("%s names %s, which is not in LocalMachine\\Root on %s: the worker does not trust the master", elem(w.Config.Path, ElemMasterHttpsCertThumbprint), t, host),
					Evidence: fmt.Sprintf("LocalMachine\\Root on %s holds %d certificates, none with thumbprint %s", host, len(l.Root), t),
					Fix:      fmt.Sprintf("On %s: Import-Certificate -FilePath SSISScaleOutMaster.cer -CertStoreLocation Cert:\\LocalMachine\\Root", host)})
			}
		}
		if v, ok := w.Config.Get(ElemWorkerHttpsCertThumbprint); ok {
			if t, ok := NormalizeThumbprint(v); ok && inStore(l.My, t) == nil {
				c.add(Finding{Code: CodeCertNotInStore, Host: host, Severity: SevError,
					Message:  fmt.Sprintf("%s names %s, which is not in LocalMachine\\My on %s", elem(w.Config.Path, ElemWorkerHttpsCertThumbprint), t, host),
					Evidence: fmt.Sprintf("LocalMachine\\My on %s holds %d certificates, none with thumbprint %s", host, len(l.My), t),
					Fix:      "Create the worker certificate (mirrorcert scaleout script --change worker), or set the element to a certificate in LocalMachine\\My"})
			}
		}
	}
}

// expiry: no certificate given is expired, not yet valid, or expiring
// within WarnDays.
func (c *checker) expiry() {
	type owned struct {
		host string
		cert *CertInfo
		what string
	}
	var certs []owned
	if c.in.MasterCert != nil {
		certs = append(certs, owned{c.in.Master, c.in.MasterCert, "the Scale Out Master certificate"})
	}
	for _, w := range c.in.Workers {
		if w.Cert != nil {
			certs = append(certs, owned{w.Name, w.Cert, w.Name + "'s Scale Out Worker certificate"})
		}
	}
	now := c.in.Now
	for _, o := range certs {
		ev := fmt.Sprintf("%s: %s, thumbprint %s, valid %s to %s", o.cert.Source, o.cert.Subject, o.cert.Thumbprint,
			o.cert.NotBefore.Format(time.DateOnly), o.cert.NotAfter.Format(time.DateOnly))
		renew := "Replace it: mirrorcert scaleout script --change master"
		if o.host != c.in.Master {
			renew = "Replace it: mirrorcert scaleout script --change worker --workers " + o.host
		}
		switch {
		case now.After(o.cert.NotAfter):
			c.add(Finding{Code: CodeCertExpired, Host: o.host, Severity: SevError,
				Message: fmt.Sprintf("%s expired on %s", o.what, o.cert.NotAfter.Format(time.DateOnly)), Evidence: ev, Fix: renew})
		case now.Before(o.cert.NotBefore):
			c.add(Finding{Code: CodeCertNotYetValid, Host: o.host, Severity: SevError,
				Message: fmt.Sprintf("%s is not valid before %s (check the clocks)", o.what, o.cert.NotBefore.Format(time.RFC3339)), Evidence: ev,
				Fix: "Wait, or correct the clock of the machine that created it and create it again"})
		case o.cert.NotAfter.Sub(now) < time.Duration(c.in.WarnDays)*24*time.Hour:
			days := int(o.cert.NotAfter.Sub(now).Hours() / 24)
			c.add(Finding{Code: CodeCertExpiring, Host: o.host, Severity: SevWarning,
				Message: fmt.Sprintf("%s expires on %s, in %d days", o.what, o.cert.NotAfter.Format(time.DateOnly), days), Evidence: ev, Fix: renew})
		}
	}
}
