package steps

import (
	"time"

	"github.com/mirrorcert/mirrorcert/plan"
)

// testNow is the fixed "now" of every test.
var testNow = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

// docsPlan is the documentation's setup built in Go, so these tests do not
// depend on the plan loader.
func docsPlan(transfer string) *plan.Plan {
	auth := plan.Auth{User: "sa", Encrypt: plan.EncryptMandatory}
	return &plan.Plan{
		Mode: plan.ModeMirroring,
		Hosts: []plan.Host{
			{Name: "HOST_A", Server: "host_a.corp.example,1433", Address: "host_a.corp.example", Role: plan.RolePartner, EndpointRole: "ALL", Auth: auth},
			{Name: "HOST_B", Server: "host_b.corp.example,1433", Address: "host_b.corp.example", Role: plan.RolePartner, EndpointRole: "ALL", Auth: auth},
			{Name: "HOST_W", Server: "host_w.corp.example,1433", Address: "host_w.corp.example", Role: plan.RoleWitness, EndpointRole: "WITNESS", Auth: auth},
		},
		Auth:        auth,
		Endpoint:    plan.Endpoint{Name: "Endpoint_Mirroring", Port: 7024, Encryption: "AES"},
		Certificate: plan.Certificate{Expiry: time.Date(2029, 11, 30, 0, 0, 0, 0, time.UTC), Subject: plan.DefaultSubject, FileDir: `C:\`},
		Transfer:    transfer,
	}
}

// thumb is a fake SHA-1 thumbprint distinct per host name.
func thumb(host string) []byte {
	t := make([]byte, 20)
	copy(t, host)
	return t
}

// ownCert is host's own certificate as SQL Server would show it.
func ownCert(p *plan.Plan, host string) Certificate {
	return Certificate{
		Name: p.CertName(host), Owner: "dbo", PvtKeyEncryption: "MK",
		Subject:   host + " certificate for database mirroring",
		StartDate: testNow.AddDate(0, 0, -2), ExpiryDate: p.Certificate.Expiry,
		Thumbprint: thumb(host), Encoded: append([]byte{0x30, 0x82}, host...),
	}
}

// peerCopy is peer's certificate as installed on another host.
func peerCopy(p *plan.Plan, peer string) Certificate {
	c := ownCert(p, peer)
	c.Owner, c.PvtKeyEncryption, c.Encoded = p.UserName(peer), "NA", nil
	return c
}

// outboundDone is a host whose own part is complete and nothing else.
func outboundDone(p *plan.Plan, host string) *State {
	h := p.Host(host)
	s := &State{
		MasterKey:    true,
		Certificates: []Certificate{ownCert(p, host)},
		Endpoint: &Endpoint{Name: p.Endpoint.Name, State: "STARTED", Role: h.EndpointRole, Auth: "CERTIFICATE",
			CertificateName: p.CertName(host), EncryptionEnabled: true, Encryption: "AES", Port: p.Endpoint.Port},
		Files: map[string]bool{},
	}
	if p.Transfer == plan.TransferFile {
		s.Files[p.CertFile(host)] = true
	}
	return s
}

// allDone is a host with every item done.
func allDone(p *plan.Plan, host string) *State {
	s := outboundDone(p, host)
	for _, peer := range p.Peers(host) {
		s.Certificates = append(s.Certificates, peerCopy(p, peer))
		s.Logins = append(s.Logins, Login{Name: p.LoginName(peer)})
		s.Users = append(s.Users, User{Name: p.UserName(peer), Login: p.LoginName(peer)})
		s.ConnectGrants = append(s.ConnectGrants, p.LoginName(peer))
		if p.Transfer == plan.TransferFile {
			s.Files[p.CertFile(peer)] = true
		}
	}
	return s
}

func allDoneStates(p *plan.Plan) map[string]*State {
	m := map[string]*State{}
	for _, h := range p.Hosts {
		m[h.Name] = allDone(p, h.Name)
	}
	return m
}

// statuses flattens a checklist to "HOST:id" -> status.
func statuses(c Checklist) map[string]Status {
	m := map[string]Status{}
	for _, h := range c.Hosts {
		for _, it := range h.Items {
			m[it.Ref.String()] = it.Status
		}
	}
	return m
}
