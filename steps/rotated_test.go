package steps

import "testing"

// TestRotatedSetupIsComplete: after `mirrorcert rotate` every endpoint uses
// <host>_cert_<date>, the copies on the peers carry that name, and the
// planned <host>_cert is gone. The checklist follows the endpoint.
func TestRotatedSetupIsComplete(t *testing.T) {
	p := docsPlan("inband")
	states := map[string]*State{}
	rename := func(c *Certificate) {
		c.Name += "_20300101"
	}
	for _, h := range p.Hosts {
		s := allDone(p, h.Name)
		for i := range s.Certificates {
			rename(&s.Certificates[i])
		}
		s.Endpoint.CertificateName = p.CertName(h.Name) + "_20300101"
		states[h.Name] = s
	}
	c := Build(p, states, testNow)
	for _, hl := range c.Hosts {
		for _, it := range hl.Items {
			if it.Status != Done {
				t.Errorf("%s %s = %s (%s)", hl.Host, it.ID, it.Status, it.Detail)
			}
		}
	}
	if !c.Complete() {
		t.Fatal("a rotated setup must read as complete")
	}

	// A copy that still carries the old name on one peer is not the
	// certificate HOST_A's endpoint uses: that inbound item is pending.
	b := states["HOST_B"]
	for i := range b.Certificates {
		if b.Certificates[i].Name == "HOST_A_cert_20300101" {
			b.Certificates[i].Name = "HOST_A_cert"
		}
	}
	c = Build(p, states, testNow)
	if it := c.Item(Ref{"HOST_B", InboundID("HOST_A", KindCertificate)}); it == nil || it.Status == Done {
		t.Fatalf("stale-named copy counted as done: %+v", it)
	}

	// An endpoint on an unrelated certificate is still a conflict.
	states = map[string]*State{}
	for _, h := range p.Hosts {
		states[h.Name] = allDone(p, h.Name)
	}
	a := states["HOST_A"]
	a.Certificates = append(a.Certificates, Certificate{Name: "something_else", Owner: "dbo", PvtKeyEncryption: "MK", ExpiryDate: p.Certificate.Expiry})
	a.Endpoint.CertificateName = "something_else"
	c = Build(p, states, testNow)
	if it := c.Item(Ref{"HOST_A", IDEndpoint}); it == nil || it.Status != Conflict {
		t.Fatalf("endpoint on an unrelated certificate: %+v", it)
	}
}
