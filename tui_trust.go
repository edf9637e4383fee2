package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"strings"

	"github.com/mirrorcert/mirrorcert/plan"
)

// tlsUntrusted reports a connection error caused by the server's TLS
// certificate not validating (as session explains it).
func tlsUntrusted(err error) bool {
	var tlsErr *tls.CertificateVerificationError
	var unknown x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var invalid x509.CertificateInvalidError
	return errors.As(err, &tlsErr) || errors.As(err, &unknown) || errors.As(err, &hostErr) || errors.As(err, &invalid) ||
		strings.Contains(err.Error(), "TLS certificate was not accepted")
}

// TrustServerCertificates trusts every server's TLS certificate without
// validation for this session and drops the session, so that the next
// refresh reconnects with the new setting. Strict encryption (TDS 8)
// always validates, so it is refused there.
func (b *sessionBackend) TrustServerCertificates(ctx context.Context) error {
	for _, h := range b.plan.Hosts {
		if h.Auth.Encrypt == plan.EncryptStrict {
			return fmt.Errorf("%s uses encrypt: strict, which always validates the certificate: trust its CA (auth.ca_certificate) instead", h.Name)
		}
	}
	b.openMu.Lock()
	defer b.openMu.Unlock()
	b.snapMu.Lock()
	b.plan.Auth.TrustServerCertificate = true
	for i := range b.plan.Hosts {
		b.plan.Hosts[i].Auth.TrustServerCertificate = true
	}
	old := b.sess.Swap(nil)
	b.snapMu.Unlock()
	if old != nil {
		return old.Close()
	}
	return nil
}
