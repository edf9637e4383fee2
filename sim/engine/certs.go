package engine

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	_ "embed"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"
)

// builtinCertsPEM holds the public certificates that stand for the ##MS_...
// signing certificates every real master database contains. They were
// generated once for this project with crypto/x509, never taken from a server.
// A string keeps the embedded data immutable.
//
//go:embed builtin_certs.pem
var builtinCertsPEM string

// newSelfSigned makes the key pair and self-signed X.509 certificate that
// CREATE CERTIFICATE ... WITH SUBJECT generates: RSA-2048 (from the pool),
// CN = subject, validity from start to expiry.
func newSelfSigned(pool *keyPool, subject string, start, expiry time.Time) (*rsa.PrivateKey, []byte, error) {
	key, err := pool.take()
	if err != nil {
		return nil, nil, err
	}
	serialBytes := randomBytes(16)
	serialBytes[0] &= 0x7f // keep the serial positive, as X.509 requires
	tmpl := &x509.Certificate{
		SerialNumber: new(big.Int).SetBytes(serialBytes),
		Subject:      pkix.Name{CommonName: subject},
		Issuer:       pkix.Name{CommonName: subject},
		NotBefore:    start,
		NotAfter:     expiry,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, err
	}
	return key, der, nil
}

// parseCertBytes accepts a DER certificate or a PEM "CERTIFICATE" block and
// returns the DER and its parsed form.
func parseCertBytes(b []byte) ([]byte, *x509.Certificate, error) {
	if blk, _ := pem.Decode(b); blk != nil {
		if blk.Type != "CERTIFICATE" {
			return nil, nil, errors.New("not a certificate")
		}
		b = blk.Bytes
	}
	c, err := x509.ParseCertificate(b)
	if err != nil {
		return nil, nil, err
	}
	return bytes.Clone(b), c, nil
}

// fillFromX509 sets the catalog columns derived from the certificate itself.
func (c *certificate) fillFromX509(der []byte, x *x509.Certificate) {
	c.der = der
	c.cert = x
	sum := sha1.Sum(der)
	c.thumbprint = sum[:]
	// The catalog keeps at most 128 characters of the subject; the X.509
	// itself keeps all of it (CREATE CERTIFICATE documentation).
	c.subject = truncRunes(nameString(x.Subject), 128)
	c.issuer = nameString(x.Issuer)
	c.serial = serialString(x.SerialNumber)
	c.sid = append([]byte{0x01, 0x06, 0x00, 0x00, 0x00, 0x00, 0x00, 0x09, 0x01, 0x00, 0x00, 0x00}, c.thumbprint...)
	if pk, ok := x.PublicKey.(*rsa.PublicKey); ok {
		c.keyLength = int32(pk.N.BitLen())
	}
}

// nameString shows a distinguished name the way sys.certificates does: the
// bare common name when that is all there is, else the full DN.
func nameString(n pkix.Name) string {
	if len(n.Names) == 1 && n.CommonName != "" {
		return n.CommonName
	}
	if len(n.Names) == 0 {
		return n.CommonName
	}
	return n.String()
}

// serialString formats a serial as sys.certificates.cert_serial_number does:
// hex bytes separated by spaces.
func serialString(n *big.Int) string {
	b := n.Bytes()
	parts := make([]string, len(b))
	for i, v := range b {
		parts[i] = fmt.Sprintf("%02x", v)
	}
	return strings.Join(parts, " ")
}

// The private key file that BACKUP CERTIFICATE ... WITH PRIVATE KEY writes.
// Real SQL Server writes a Microsoft PVK blob; the simulator writes its own
// documented format so nothing pretends to be PVK:
//
//	"MCSIMPVK1\n" | salt (16) | nonce (12) | AES-256-GCM(PKCS#8 DER)
//
// with the AES key derived by PBKDF2-HMAC-SHA256 (100 000 rounds) from the
// ENCRYPTION BY PASSWORD password and the salt. CREATE CERTIFICATE ... FROM
// FILE ... WITH PRIVATE KEY (FILE, DECRYPTION BY PASSWORD) reads it back.
const pvkMagic = "MCSIMPVK1\n"

func encryptPrivateKey(key *rsa.PrivateKey, password string) ([]byte, error) {
	plain, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, err
	}
	salt := randomBytes(16)
	aead, err := pvkCipher(password, salt)
	if err != nil {
		return nil, err
	}
	nonce := randomBytes(aead.NonceSize())
	out := append([]byte(pvkMagic), salt...)
	out = append(out, nonce...)
	return aead.Seal(out, nonce, plain, []byte(pvkMagic)), nil
}

func decryptPrivateKey(data []byte, password string) (*rsa.PrivateKey, error) {
	if !bytes.HasPrefix(data, []byte(pvkMagic)) || len(data) < len(pvkMagic)+16+12+16 {
		return nil, errors.New("not a private key file")
	}
	rest := data[len(pvkMagic):]
	aead, err := pvkCipher(password, rest[:16])
	if err != nil {
		return nil, err
	}
	plain, err := aead.Open(nil, rest[16:16+aead.NonceSize()], rest[16+aead.NonceSize():], []byte(pvkMagic))
	if err != nil {
		return nil, errors.New("wrong password or damaged file")
	}
	k, err := x509.ParsePKCS8PrivateKey(plain)
	if err != nil {
		return nil, err
	}
	rk, ok := k.(*rsa.PrivateKey)
	if !ok {
		return nil, errors.New("not an RSA key")
	}
	return rk, nil
}

func pvkCipher(password string, salt []byte) (cipher.AEAD, error) {
	k, err := pbkdf2.Key(sha256.New, password, salt, 100000, 32)
	if err != nil {
		return nil, err
	}
	blk, err := aes.NewCipher(k)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(blk)
}

// parseSQLDate converts a date string as SQL Server's datetime conversion
// does under us_english (mdy): ISO forms, unseparated yyyymmdd and m/d/y.
func parseSQLDate(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	layouts := []string{
		"2006-01-02T15:04:05.999999999Z07:00",
		"2006-01-02T15:04:05.999999999",
		"2006-01-02T15:04:05",
		"2006-01-02 15:04:05.999999999",
		"2006-01-02 15:04:05",
		"2006-01-02 15:04",
		"2006-01-02",
		"20060102 15:04:05.999999999",
		"20060102 15:04:05",
		"20060102",
		"1/2/2006 15:04:05.999999999",
		"1/2/2006 15:04:05",
		"1/2/2006 15:04",
		"1/2/2006",
		"2006/1/2 15:04:05",
		"2006/1/2",
		"1-2-2006",
		"Jan 2 2006 3:04PM",
		"Jan 2 2006",
		"January 2, 2006",
		"2 January 2006",
		"2 Jan 2006",
	}
	for _, l := range layouts {
		if t, err := time.Parse(l, s); err == nil {
			if t.Year() < 1753 || t.Year() > 9999 {
				return time.Time{}, false
			}
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// builtinCerts parses the embedded ##MS_ certificates.
func builtinCerts() []*x509.Certificate {
	var out []*x509.Certificate
	rest := []byte(builtinCertsPEM)
	for {
		var blk *pem.Block
		blk, rest = pem.Decode(rest)
		if blk == nil {
			return out
		}
		if c, err := x509.ParseCertificate(blk.Bytes); err == nil {
			out = append(out, c)
		}
	}
}

func truncRunes(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n])
	}
	return s
}
