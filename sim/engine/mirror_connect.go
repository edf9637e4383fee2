package engine

import (
	"crypto"
	"crypto/rsa"
	"fmt"
	"io"
)

// ConnectHandshake implements MirrorHost: the connecting side proves its
// identity with its endpoint certificate's private key. It writes no
// error-log line itself; the transport calls LogMirrorConnectError.
func (in *instance) ConnectHandshake(rw io.ReadWriter, url, peerIP string) (*MirrorConn, error) {
	fail := func(kind MirrorFailure, detail string) (*MirrorConn, error) {
		return nil, &MirrorError{From: in.opts.Name, URL: url, Kind: kind, Detail: detail}
	}
	var hello hsHello
	var key *rsa.PrivateKey
	var problem string
	in.locked(func() {
		e := in.mirrorEndpointLocked()
		if e == nil || e.state != 0 {
			problem = "no STARTED DATABASE_MIRRORING endpoint"
			return
		}
		hello = hsHello{Protocol: mirrorProtocol, Server: in.opts.Name, Auth: authMethods(e.auth),
			Encryption: e.encryption, Algorithms: algorithms(e.encryption, e.algorithm)}
		if e.auth == nil || e.auth.Cert == "" {
			return // Windows only: nothing to sign with
		}
		own := in.cat.db("master").certByID(e.certID)
		if p := in.certProblem(own); p != "" {
			name := e.auth.Cert
			if own != nil {
				name = own.name
			}
			// The endpoint cannot use its certificate at all: SQL Server
			// logs 28055 here and never reaches the peer.
			in.logLocked("spid41s", "Error: 28055, Severity: 16, State: 1.")
			in.logLocked("spid41s", fmt.Sprintf(txt28055, name))
			problem = "endpoint certificate " + name + ": " + p
			return
		}
		hello.Cert, key = own.der, own.key
	})
	if problem != "" {
		return fail(MirrorLocal, problem)
	}
	if err := writeFrame(rw, hello); err != nil {
		return fail(MirrorDropped, "send hello: "+err.Error())
	}
	var ch hsChallenge
	if err := readFrame(rw, &ch); err != nil {
		return fail(MirrorDropped, "the peer closed the connection during the handshake: "+err.Error())
	}
	var sig []byte
	if key != nil {
		var err error
		if sig, err = rsa.SignPKCS1v15(nil, key, crypto.SHA256, signedData(ch.Nonce, hello)); err != nil {
			return fail(MirrorLocal, "sign: "+err.Error())
		}
	}
	if err := writeFrame(rw, hsProof{Signature: sig}); err != nil {
		return fail(MirrorDropped, "send proof: "+err.Error())
	}
	var w hsWelcome
	if err := readFrame(rw, &w); err != nil {
		return fail(MirrorDropped, "the peer closed the connection during the handshake: "+err.Error())
	}
	conn := &MirrorConn{Peer: w.Server, PeerAddr: peerIP, AuthMethod: w.Auth, Algorithm: w.Algorithm}
	if len(w.Cert) > 0 {
		if _, x, err := parseCertBytes(w.Cert); err == nil {
			issuer, serial := nameString(x.Issuer), serialString(x.SerialNumber)
			in.locked(func() {
				master := in.cat.db("master")
				for _, c := range master.certs {
					if c.issuer == issuer && c.serial == serial && !c.isBuiltin {
						conn.PeerCertID = c.id
						if owner := master.principalByID(c.ownerID); owner != nil {
							conn.Principal = owner.name
						}
						break
					}
				}
			})
		}
	}
	return in.addMirrorConn(conn), nil
}

// LogMirrorConnectError implements MirrorHost: the connecting side's lines,
// worded as SQL Server on Windows words them (handshake.md §3).
func (in *instance) LogMirrorConnectError(err *MirrorError) {
	var code int
	var text string
	switch err.Kind {
	case MirrorUnknownHost:
		code, text = 2, "DNS Lookup failed with error: '11001(No such host is known.)'."
	case MirrorRefused:
		code, text = 4, "Connection attempt failed with error: '10061(No connection could be made because the target machine actively refused it.)'."
	case MirrorDropped:
		code, text = 4, "An error occurred while receiving data: '10054(An existing connection was forcibly closed by the remote host.)'."
	case MirrorTimedOut:
		code, text = 4, "Connection attempt failed with error: '10060(A connection attempt failed because the connected party did not properly respond after a period of time, or established connection failed because connected host has failed to respond.)'."
	default:
		return // MirrorLocal: ConnectHandshake logged the cause
	}
	in.locked(func() {
		in.logLocked("spid41s", "Error: 1474, Severity: 16, State: 1.")
		in.logLocked("spid41s", fmt.Sprintf("Database mirroring connection error %d '%s' for '%s'.", code, text, err.URL))
		if err.Kind == MirrorDropped {
			in.logLocked("spid41s", "Error: 9642, Severity: 16, State: 3.")
			in.logLocked("spid41s", fmt.Sprintf("An error occurred in a Service Broker/Database Mirroring transport connection endpoint, Error: 8474, State: 11. (Near endpoint role: Initiator, far endpoint address: '%s')", err.URL))
		}
	})
}
