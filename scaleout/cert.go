package scaleout

import (
	"crypto/sha1"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"net"
	"strings"
	"time"
)

// CertInfo is what the checks need of a certificate.
type CertInfo struct {
	Source     string // file name, or "LocalMachine\Root" for a store
	Thumbprint string // SHA-1 of the DER, upper-case hex, as Windows shows it
	Subject    string
	CNs        []string // every CN of the subject (MakeCert -n "CN=a;CN=b" makes several)
	DNSNames   []string
	IPs        []net.IP
	NotBefore  time.Time
	NotAfter   time.Time
}

// ParseCert reads a .cer file: DER, or PEM (the first CERTIFICATE block).
func ParseCert(source string, data []byte) (*CertInfo, error) {
	der := data
	if blk, _ := pem.Decode(data); blk != nil {
		if blk.Type != "CERTIFICATE" {
			return nil, fmt.Errorf("%s: PEM block %q is not a CERTIFICATE", source, blk.Type)
		}
		der = blk.Bytes
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("%s: not a certificate (.cer, DER or PEM): %w", source, err)
	}
	sum := sha1.Sum(c.Raw)
	ci := &CertInfo{
		Source:     source,
		Thumbprint: strings.ToUpper(hex.EncodeToString(sum[:])),
		Subject:    c.Subject.String(),
		DNSNames:   c.DNSNames,
		IPs:        c.IPAddresses,
		NotBefore:  c.NotBefore.UTC(),
		NotAfter:   c.NotAfter.UTC(),
	}
	for _, atv := range c.Subject.Names {
		if atv.Type.String() == "2.5.4.3" {
			if s, ok := atv.Value.(string); ok {
				ci.CNs = append(ci.CNs, s)
			}
		}
	}
	return ci, nil
}

// Names lists every name the certificate answers to: its CNs, DNS names
// and IP addresses.
func (c *CertInfo) Names() []string {
	out := append([]string(nil), c.CNs...)
	out = append(out, c.DNSNames...)
	for _, ip := range c.IPs {
		out = append(out, ip.String())
	}
	return out
}

// Covers reports whether host is one of the certificate's names (case-
// insensitive; IP addresses compared as addresses; a "*." DNS name covers
// one label).
func (c *CertInfo) Covers(host string) bool {
	host = strings.TrimSuffix(strings.Trim(host, "[]"), ".")
	ip := net.ParseIP(host)
	for _, n := range c.Names() {
		n = strings.TrimSuffix(n, ".")
		if ip != nil {
			if nip := net.ParseIP(n); nip != nil && nip.Equal(ip) {
				return true
			}
			continue
		}
		if strings.EqualFold(n, host) {
			return true
		}
		if rest, ok := strings.CutPrefix(n, "*."); ok {
			if _, after, found := strings.Cut(host, "."); found && strings.EqualFold(after, rest) {
				return true
			}
		}
	}
	return false
}
