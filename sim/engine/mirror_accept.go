package engine

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"slices"
)

// The handshake's error-log texts (handshake.md §3). States other than 21,
// 22, 84 and 85 are the simulator's choice (README: not verified).
const (
	hsFailed        = "Connection handshake failed. "
	txt28034        = hsFailed + "The login '%s' does not have CONNECT permission on the endpoint. State %d."
	txt28035        = hsFailed + "The certificate used by the peer is invalid due to the following reason: %s. State %d."
	txt28036        = hsFailed + "The certificate used by this endpoint was not found: %s. Use DBCC CHECKDB in master database to verify the metadata integrity of the endpoints. State %d."
	txt28045        = hsFailed + "The certificate used by the peer does not match the one in MASTER database with same issuer name and serial number. State %d."
	txt28027        = hsFailed + "There is no compatible %s. State %d."
	txt28055        = "The certificate '%s' is not valid for endpoint authentication. The certificate must have a private key encrypted with the database master key and current UTC date has to be between the certificate start date and the certificate expiration date."
	txtSSPIFailed   = hsFailed + "An OS call failed: (8009030c) 0x8009030c(The logon attempt failed). State 67."
	txtLogin28047   = "Database Mirroring login attempt failed with error: '%s'.  [CLIENT: %s]"
	txtLogin28048   = "Database Mirroring login attempt by user '%s.' failed with error: '%s'.  [CLIENT: %s]"
	mirrorLogSource = "Logon"
)

// errRefused is returned by AcceptHandshake after a refusal was logged.
var errRefused = errors.New("handshake refused")

// refusal is a decided refusal: the inner message and, for 28048, the login.
type refusal struct {
	login string
	text  string
}

func (r *refusal) Error() string { return r.text }

// MirrorListener implements MirrorHost.
func (in *instance) MirrorListener() (port int, started, ok bool) {
	in.mu.Lock()
	defer in.mu.Unlock()
	e := in.mirrorEndpointLocked()
	if e == nil {
		return 0, false, false
	}
	return int(e.port), e.state == 0, true
}

// MirrorEndpointRestarts implements MirrorHost: how many times an ALTER
// ENDPOINT changed the mirroring options.
func (in *instance) MirrorEndpointRestarts() int64 {
	in.mu.Lock()
	defer in.mu.Unlock()
	if e := in.mirrorEndpointLocked(); e != nil {
		return e.restarts
	}
	return 0
}

// MirrorListenFailed implements MirrorHost: another process holds the port.
func (in *instance) MirrorListenFailed(port int) {
	in.locked(func() {
		in.logLocked("spid27s", "Error: 9692, Severity: 16, State: 1.")
		in.logLocked("spid27s", fmt.Sprintf("The Database Mirroring endpoint cannot listen on port %d because it is in use by another process.", port))
	})
}

// MirrorListenIP implements MirrorHost.
func (in *instance) MirrorListenIP() string {
	in.mu.Lock()
	defer in.mu.Unlock()
	if e := in.mirrorEndpointLocked(); e != nil {
		return e.ip
	}
	return ""
}

// MirrorListenIPFailed implements MirrorHost.
func (in *instance) MirrorListenIPFailed(ip string, port int) {
	in.locked(func() {
		in.logLocked("spid27s", "Error: 26023, Severity: 16, State: 1.")
		in.logLocked("spid27s", fmt.Sprintf("Server TCP provider failed to listen on [ %s <ipv4> %d]. Tcp port is already in use.", ip, port))
	})
}

func (in *instance) mirrorEndpointLocked() *endpoint {
	return find(in.cat.endpoints, func(e *endpoint) bool { return e.typ == epDatabaseMirroring })
}

// certProblem says why an endpoint's own certificate cannot be used now,
// or "" when it can: it must exist, hold a private key encrypted by the
// master key, and the UTC clock must lie within its dates.
func (in *instance) certProblem(cert *certificate) string {
	now := in.now()
	switch {
	case cert == nil:
		return "Certificate not found"
	case cert.key == nil || cert.keyEnc != "MK":
		return "28055"
	case now.Before(cert.cert.NotBefore):
		return "Certificate is not yet valid"
	case now.After(cert.cert.NotAfter):
		return "Certificate expired"
	}
	return ""
}

// AcceptHandshake implements MirrorHost. Every refusal is logged here, on
// the refusing side, and nothing is sent to the peer.
func (in *instance) AcceptHandshake(rw io.ReadWriter, remoteIP string) (*MirrorConn, error) {
	var hello hsHello
	if err := readFrame(rw, &hello); err != nil || hello.Protocol != mirrorProtocol {
		// Not a mirroring peer (a port probe, a TDS client): SQL Server
		// drops such connections without a login-failure line.
		return nil, fmt.Errorf("no handshake from %s: %v", remoteIP, err)
	}
	var peer *certificate
	var method, alg string
	var own *certificate
	var epID int32
	var ref *refusal
	in.locked(func() {
		e := in.mirrorEndpointLocked()
		if e == nil || e.state != 0 {
			ref = &refusal{text: "endpoint not started"}
			return
		}
		epID = e.id
		method = negotiateAuth(authMethods(e.auth), hello.Auth)
		switch method {
		case "":
			ref = &refusal{text: fmt.Sprintf(txt28027, "authentication protocol", 21)}
			return
		case "WINDOWS":
			// No domain: an SSPI logon cannot succeed.
			ref = &refusal{text: txtSSPIFailed}
			return
		}
		var ok bool
		if alg, ok = negotiateEncryption(e.encryption, algorithms(e.encryption, e.algorithm), hello.Encryption, hello.Algorithms); !ok {
			ref = &refusal{text: fmt.Sprintf(txt28027, "encryption algorithm", 22)}
			return
		}
		master := in.cat.db("master")
		own = master.certByID(e.certID)
		switch p := in.certProblem(own); p {
		case "":
		case "28055":
			ref = &refusal{text: fmt.Sprintf(txt28055, own.name)}
			return
		case "Certificate not found":
			ref = &refusal{text: fmt.Sprintf(txt28036, p, 86)}
			return
		default:
			ref = &refusal{text: fmt.Sprintf(txt28036, p, 85)}
			return
		}
		ref = in.checkPeerCertLocked(master, hello.Cert, &peer)
	})
	if ref != nil {
		in.refuse(ref, remoteIP, ref.text != "endpoint not started")
		return nil, errRefused
	}

	nonce := make([]byte, 32)
	_, _ = rand.Read(nonce)
	if err := writeFrame(rw, hsChallenge{Nonce: nonce}); err != nil {
		return nil, err
	}
	var proof hsProof
	if err := readFrame(rw, &proof); err != nil {
		return nil, fmt.Errorf("no proof from %s: %v", remoteIP, err)
	}
	if err := verifyProof(peer.cert, nonce, hello, proof.Signature); err != nil {
		// The peer presented a certificate it holds no private key for.
		in.refuse(&refusal{text: fmt.Sprintf(txt28035, "The signature is invalid", 90)}, remoteIP, true)
		return nil, errRefused
	}

	var conn *MirrorConn
	in.locked(func() {
		master := in.cat.db("master")
		owner := master.principalByID(peer.ownerID)
		var l *login
		if owner != nil {
			l = in.cat.loginBySID(owner.sid)
		}
		if owner == nil || l == nil {
			// A certificate whose owner maps to no login cannot be
			// authorised; SQL Server's text for it is not documented.
			ref = &refusal{text: fmt.Sprintf(txt28035, "The certificate owner has no login", 91)}
			return
		}
		if !in.hasEndpointConnectLocked(l, epID) {
			ref = &refusal{login: l.name, text: fmt.Sprintf(txt28034, l.name, 84)}
			return
		}
		conn = &MirrorConn{Peer: hello.Server, PeerAddr: remoteIP, IsAccept: true, Login: l.name,
			Principal: owner.name, PeerCertID: peer.id, AuthMethod: method, Algorithm: alg}
	})
	if ref != nil {
		in.refuse(ref, remoteIP, true)
		return nil, errRefused
	}
	var ownDER []byte
	if own != nil {
		ownDER = own.der
	}
	// Listed before the peer hears it is accepted, so the peer never sees
	// its link before this side's sys.dm_db_mirroring_connections does.
	in.addMirrorConn(conn)
	if err := writeFrame(rw, hsWelcome{Server: in.opts.Name, Auth: method, Algorithm: alg, Cert: ownDER}); err != nil {
		conn.Close()
		return nil, err
	}
	return conn, nil
}

// checkPeerCertLocked finds the peer's certificate in master by issuer and
// serial number and checks it against the presented one and the clock.
func (in *instance) checkPeerCertLocked(master *database, der []byte, out **certificate) *refusal {
	if len(der) == 0 {
		return &refusal{text: fmt.Sprintf(txt28035, "Certificate not found", 89)}
	}
	_, x, err := parseCertBytes(der)
	if err != nil {
		return &refusal{text: fmt.Sprintf(txt28035, "Certificate is malformed", 88)}
	}
	issuer, serial := nameString(x.Issuer), serialString(x.SerialNumber)
	// A user may own several certificates (rotation): any one with the same
	// issuer and serial decides.
	var match *certificate
	for _, c := range master.certs {
		if c.issuer == issuer && c.serial == serial && !c.isBuiltin {
			match = c
			if slices.Equal(c.der, der) {
				break
			}
		}
	}
	now := in.now()
	switch {
	case match == nil:
		return &refusal{text: fmt.Sprintf(txt28035, "Certificate not found", 89)}
	case !slices.Equal(match.der, der):
		return &refusal{text: fmt.Sprintf(txt28045, 87)}
	case now.After(match.cert.NotAfter):
		return &refusal{text: fmt.Sprintf(txt28035, "Certificate expired", 85)}
	case now.Before(match.cert.NotBefore):
		return &refusal{text: fmt.Sprintf(txt28035, "Certificate is not yet valid", 85)}
	}
	*out = match
	return nil
}

// hasEndpointConnectLocked: CONNECT granted (not denied) on the endpoint to
// the login or public, or the login is sysadmin or owns the endpoint.
func (in *instance) hasEndpointConnectLocked(l *login, epID int32) bool {
	if l.sysadmin {
		return true
	}
	granted := false
	for _, p := range in.cat.perms {
		if p.class != 105 || p.majorID != epID || p.name != "CONNECT" || (p.grantee != l.id && p.grantee != 2) {
			continue
		}
		switch p.state {
		case "D":
			return false
		case "G", "W":
			granted = true
		}
	}
	if e := find(in.cat.endpoints, func(e *endpoint) bool { return e.id == epID }); e != nil && e.ownerID == l.id {
		return true
	}
	return granted
}

// refuse writes the refusing side's error-log line (28048 when the login is
// known, else 28047).
func (in *instance) refuse(r *refusal, remoteIP string, log bool) {
	if !log {
		return
	}
	in.locked(func() {
		if r.login != "" {
			in.logLocked(mirrorLogSource, fmt.Sprintf(txtLogin28048, r.login, r.text, remoteIP))
			return
		}
		in.logLocked(mirrorLogSource, fmt.Sprintf(txtLogin28047, r.text, remoteIP))
	})
}
