package engine

import (
	"bytes"
	"crypto/rsa"
	"crypto/x509"
	"os"
	"path/filepath"
	"time"
)

// createCert runs CREATE CERTIFICATE. Checks that need the catalog run
// under the lock, key generation (slow) outside it, and the name is checked
// again when the certificate is added.
func (r *runner) createCert(st *createCertStmt) {
	in := r.s.inst
	cert := &certificate{name: st.Name}

	// Phase 1: the checks SQL Server makes before doing any work.
	var owner *dbPrincipal
	var hasMasterKey bool
	var dbName string
	in.locked(func() {
		d := r.currentDB()
		if d.cert(st.Name) != nil {
			panic(newErr(15232, txtCertExists, st.Name))
		}
		owner = r.s.userLocked(d)
		if st.Owner != "" {
			owner = d.principal(st.Owner)
			if owner == nil {
				panic(newErr(15151, txtCannotFind, "user", st.Owner))
			}
		}
		hasMasterKey = d.masterKey != nil
		dbName = d.name
	})
	cert.ownerID = owner.id

	generating := st.Subject != nil
	if st.Password != nil {
		checkPolicy(*st.Password, "")
	}
	needsKeyProtection := generating || st.PrivKeyFile != nil
	if needsKeyProtection && st.Password == nil && !hasMasterKey {
		panic(newErr(15581, txtNoMasterKey))
	}

	switch {
	case generating:
		now := in.now().Truncate(time.Second)
		start, expiry := now, time.Time{}
		if st.StartDate != nil {
			t, ok := parseSQLDate(*st.StartDate)
			if !ok {
				panic(newErr(241, "Conversion failed when converting date and/or time from character string."))
			}
			start = t
		}
		if st.ExpiryDate != nil {
			t, ok := parseSQLDate(*st.ExpiryDate)
			if !ok {
				panic(newErr(241, "Conversion failed when converting date and/or time from character string."))
			}
			expiry = t
		} else {
			expiry = start.AddDate(1, 0, 0)
		}
		// An EXPIRY_DATE before the start is accepted, as the documentation's
		// own example (EXPIRY_DATE = '11/30/2013') shows: the certificate is
		// simply expired, which is what a tool must then notice.
		key, der, err := newSelfSigned(in.keys, *st.Subject, start, expiry)
		if err != nil {
			panic(newErr(15297, txtBadCertData))
		}
		x, err := x509.ParseCertificate(der)
		if err != nil {
			panic(newErr(15297, txtBadCertData))
		}
		cert.fillFromX509(der, x)
		cert.key = key
	case st.FromFile != nil:
		data, ok := r.readSandboxFile(*st.FromFile)
		if !ok {
			panic(newErr(15208, txtBadCertFile))
		}
		der, x, err := parseCertBytes(data)
		if err != nil {
			panic(newErr(15208, txtBadCertFile))
		}
		cert.fillFromX509(der, x)
	case st.HasBinary:
		der, x, err := parseCertBytes(st.FromBinary)
		if err != nil {
			panic(newErr(15297, txtBadCertData))
		}
		cert.fillFromX509(der, x)
	}
	if st.PrivKeyFile != nil {
		data, ok := r.readSandboxFile(*st.PrivKeyFile)
		pwd := ""
		if st.PrivKeyPwd != nil {
			pwd = *st.PrivKeyPwd
		}
		var key *rsa.PrivateKey
		var err error
		if ok {
			key, err = decryptPrivateKey(data, pwd)
		}
		if !ok || err != nil {
			panic(newErr(15208, txtBadCertFile))
		}
		pub, isRSA := cert.cert.PublicKey.(*rsa.PublicKey)
		if !isRSA || !pub.Equal(&key.PublicKey) {
			panic(newErr(15297, txtBadCertData))
		}
		cert.key = key
	}
	switch {
	case cert.key == nil:
		cert.keyEnc = "NA"
	case st.Password != nil:
		cert.keyEnc = "PW"
		cert.pwdHash = passwordHash(*st.Password)
	default:
		cert.keyEnc = "MK"
	}

	// Phase 2: add it, unless a concurrent session got there first.
	in.mu.Lock()
	defer in.mu.Unlock()
	d := in.cat.db(dbName)
	if d == nil {
		panic(newErr(911, txtNoDatabase, dbName))
	}
	if d.cert(st.Name) != nil {
		panic(newErr(15232, txtCertExists, st.Name))
	}
	for _, o := range d.certs {
		if bytes.Equal(o.thumbprint, cert.thumbprint) {
			panic(newErr(15232, txtCertExists, st.Name))
		}
	}
	if cert.keyEnc == "MK" && d.masterKey == nil {
		panic(newErr(15581, txtNoMasterKey))
	}
	cert.id = d.nextCertID
	d.nextCertID++
	cert.created = in.now()
	d.certs = append(d.certs, cert)
}

// readSandboxFile reads a file named by a server-side path.
func (r *runner) readSandboxFile(p string) ([]byte, bool) {
	mapped, err := r.s.inst.mapPath(p)
	if err != nil {
		return nil, false
	}
	data, err := os.ReadFile(mapped)
	if err != nil {
		return nil, false
	}
	return data, true
}

func (r *runner) dropCert(st *dropCertStmt) {
	in := r.s.inst
	in.mu.Lock()
	defer in.mu.Unlock()
	d := r.currentDB()
	c := d.cert(st.Name)
	if c == nil {
		panic(newErr(15151, txtCannotFind, "certificate", st.Name))
	}
	if d.id == 1 {
		for _, e := range in.cat.endpoints {
			if e.certID == c.id {
				// No documented number for "used by an endpoint"; 15352 is
				// the documented "cannot be dropped because ... using it".
				panic(newErr(15352, "The certificate cannot be dropped because one or more entities are either signed or encrypted using it."))
			}
		}
		for _, l := range in.cat.logins {
			if l.typ == "C" && bytes.Equal(l.sid, c.sid) {
				panic(newErr(15559, "Cannot drop certificate '%s' because there is a login mapped to it.", c.name))
			}
		}
	}
	for _, p := range d.principals {
		if p.typ == "C" && bytes.Equal(p.sid, c.sid) {
			panic(newErr(15559, "Cannot drop certificate '%s' because there is a user mapped to it.", c.name))
		}
	}
	d.certs = without(d.certs, func(o *certificate) bool { return o == c })
}

// backupCert runs BACKUP CERTIFICATE: the public part as DER, and with
// WITH PRIVATE KEY the key in the simulator's encrypted key-file format.
// Neither file may exist already; nothing is written unless both can be.
func (r *runner) backupCert(st *backupCertStmt) {
	in := r.s.inst
	var c *certificate
	var der, pwdHash []byte
	var key *rsa.PrivateKey
	var keyEnc string
	in.locked(func() {
		c = r.currentDB().cert(st.Name)
		if c == nil {
			panic(newErr(15151, txtCannotFind, "certificate", st.Name))
		}
		der, key, keyEnc, pwdHash = c.der, c.key, c.keyEnc, c.pwdHash
	})

	target := func(p string) string {
		mapped, err := in.mapPath(p)
		if err != nil {
			panic(newErr(15240, txtCannotWrite, p))
		}
		if _, err := os.Stat(mapped); err == nil {
			panic(newErr(15240, txtCannotWrite, p))
		}
		if st, err := os.Stat(filepath.Dir(mapped)); err != nil || !st.IsDir() {
			panic(newErr(15240, txtCannotWrite, p))
		}
		return mapped
	}
	certPath := target(st.File)
	var keyData []byte
	var keyPath string
	if st.PrivFile != nil {
		if key == nil {
			panic(newErr(15246, "Cannot dump the private key of certificate '%s' because the private key cannot be found.", st.Name))
		}
		if keyEnc == "PW" && (st.PrivDecPwd == nil || !checkPassword(pwdHash, *st.PrivDecPwd)) {
			panic(newErr(15466, "An error occurred during decryption."))
		}
		checkPolicy(*st.PrivPwd, "")
		keyPath = target(*st.PrivFile)
		if keyPath == certPath {
			panic(newErr(15240, txtCannotWrite, *st.PrivFile))
		}
		var err error
		keyData, err = encryptPrivateKey(key, *st.PrivPwd)
		if err != nil {
			panic(newErr(15240, txtCannotWrite, *st.PrivFile))
		}
	}
	if err := writeNew(certPath, der); err != nil {
		panic(newErr(15240, txtCannotWrite, st.File))
	}
	if keyData != nil {
		if err := writeNew(keyPath, keyData); err != nil {
			os.Remove(certPath)
			panic(newErr(15240, txtCannotWrite, *st.PrivFile))
		}
		in.locked(func() {
			now := in.now()
			c.lastBackup = &now
		})
	}
}
