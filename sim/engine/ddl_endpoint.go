package engine

import (
	"fmt"
)

func (r *runner) endpoint(st *endpointStmt) {
	in := r.s.inst
	defer in.mirrorEndpointChanged() // runs after the unlock below
	in.mu.Lock()
	defer in.mu.Unlock()
	c := in.cat
	master := c.db("master")
	var e *endpoint
	if st.Alter {
		e = c.endpoint(st.Name)
		if e == nil || e.builtin {
			panic(newErr(15151, txtCannotFind, "endpoint", st.Name))
		}
		if st.Payload != "" && payloadType(st.Payload) != e.typ {
			panic(newErr(7860, "An endpoint's transport or content cannot be changed through the ALTER ENDPOINT statement. Use DROP ENDPOINT and execute the CREATE ENDPOINT statement to make these changes."))
		}
	} else {
		if c.endpoint(st.Name) != nil {
			panic(newErr(7862, "An endpoint of the requested type already exists.  Only one endpoint of this type is supported.  Use ALTER ENDPOINT or DROP the existing endpoint and execute the CREATE ENDPOINT statement."))
		}
		typ := payloadType(st.Payload)
		for _, o := range c.endpoints {
			if o.typ == typ && (typ == epDatabaseMirroring || typ == epServiceBroker) {
				panic(newErr(7862, "An endpoint of the requested type already exists.  Only one endpoint of this type is supported.  Use ALTER ENDPOINT or DROP the existing endpoint and execute the CREATE ENDPOINT statement."))
			}
		}
		e = &endpoint{name: st.Name, ownerID: 1, protocol: protoTCP, typ: typ, state: 1,
			auth: &authSpec{HasWin: true, Windows: "NEGOTIATE"}, encryption: "REQUIRED", algorithm: defaultAlgorithm(in.major())}
		if l := c.login(r.s.login); l != nil {
			e.ownerID = l.id
		}
	}
	// Validate everything before changing anything: a failing ALTER leaves
	// the endpoint as it was.
	owner := e.ownerID
	if st.Owner != "" {
		l := c.login(st.Owner)
		if l == nil {
			panic(newErr(15151, txtCannotFind, "login", st.Owner))
		}
		owner = l.id
	}
	port := e.port
	if st.Port != nil {
		if *st.Port < 1 || *st.Port > 65535 {
			panic(newErr(7886, "The specified port number %d is not valid. The port number must be between 1 and 65535.", *st.Port))
		}
		port = int32(*st.Port)
		for _, o := range c.endpoints {
			if o != e && o.port == port && o.port != 0 {
				panic(newErr(7874, "An endpoint already exists with the bindings specified. Only one endpoint supported for a specific binding. Use ALTER ENDPOINT or DROP the existing endpoint and execute the CREATE ENDPOINT statement."))
			}
		}
	}
	certID := e.certID
	if st.Auth != nil {
		certID = 0
		if st.Auth.Cert != "" {
			cert := master.cert(st.Auth.Cert)
			if cert == nil {
				panic(newErr(15151, txtCannotFind, "certificate", st.Auth.Cert))
			}
			certID = cert.id
		}
	}
	oldState := e.state
	if !st.Alter {
		oldState = -1
	}
	e.ownerID, e.port, e.certID = owner, port, certID
	if st.IP != nil {
		e.ip = ""
		if *st.IP != "ALL" {
			e.ip = *st.IP
		}
	}
	if st.State != "" {
		e.state = map[string]int32{"STARTED": 0, "STOPPED": 1, "DISABLED": 2}[st.State]
	}
	if st.Auth != nil {
		e.auth = st.Auth
	}
	if st.Encryption != "" {
		e.encryption = st.Encryption
		// ALGORITHM belongs to the ENCRYPTION option: naming ENCRYPTION
		// without it means the version's default algorithm.
		e.algorithm = defaultAlgorithm(in.major())
		if st.Algorithm != "" {
			e.algorithm = st.Algorithm
		}
	}
	if st.Role != "" {
		e.role = map[string]int32{"PARTNER": 1, "WITNESS": 2, "ALL": 3}[st.Role]
	}
	if st.Alter && (st.Auth != nil || st.Encryption != "" || st.Role != "") {
		e.restarts++
	}
	if !st.Alter {
		e.id = c.nextEPID
		c.nextEPID++
		c.endpoints = append(c.endpoints, e)
	}
	if e.typ == epDatabaseMirroring && e.state != oldState {
		switch e.state {
		case 0:
			if in.opts.Port > 0 && int(e.port) == in.opts.Port {
				// The port is the instance's own TDS port: the endpoint exists
				// but cannot listen, which only the error log tells.
				in.logLocked(fmt.Sprintf("spid%ds", r.s.spid), "Error: 9692, Severity: 16, State: 1.")
				in.logLocked(fmt.Sprintf("spid%ds", r.s.spid), fmt.Sprintf("The Database Mirroring endpoint cannot listen on port %d because it is in use by another process.", e.port))
				break
			}
			in.logLocked(fmt.Sprintf("spid%ds", r.s.spid), "The Database Mirroring endpoint is now listening for connections.")
			ip := "'any'"
			if e.ip != "" {
				ip = e.ip
			}
			in.logLocked(fmt.Sprintf("spid%ds", r.s.spid), fmt.Sprintf("Server is listening on [ %s <ipv4> %d].", ip, e.port))
			in.logLocked(fmt.Sprintf("spid%ds", r.s.spid), "Database Mirroring endpoint is in enabled state.")
		case 1:
			in.logLocked(fmt.Sprintf("spid%ds", r.s.spid), "The Database Mirroring endpoint is in stopped state.")
		case 2:
			in.logLocked(fmt.Sprintf("spid%ds", r.s.spid), "Database Mirroring Transport is disabled in the endpoint configuration.")
		}
	}
}

func payloadType(p string) int32 {
	switch p {
	case "SERVICE_BROKER":
		return epServiceBroker
	case "TSQL":
		return epTSQL
	}
	return epDatabaseMirroring
}

func (r *runner) dropEndpoint(st *dropEndpointStmt) {
	in := r.s.inst
	defer in.mirrorEndpointChanged() // runs after the unlock below
	in.mu.Lock()
	defer in.mu.Unlock()
	c := in.cat
	e := c.endpoint(st.Name)
	if e == nil {
		panic(newErr(15151, txtCannotFind, "endpoint", st.Name))
	}
	if e.builtin {
		panic(newErr(7873, "The endpoint \"%s\" is a built-in endpoint and cannot be dropped. Use the protocol configuration utilities to ADD or DROP Transact-SQL endpoints.", e.name))
	}
	c.endpoints = without(c.endpoints, func(o *endpoint) bool { return o == e })
	c.perms = without(c.perms, func(p *serverPerm) bool { return p.class == 105 && p.majorID == e.id })
	if e.typ == epDatabaseMirroring && e.state == 0 {
		in.logLocked(fmt.Sprintf("spid%ds", r.s.spid), "The Database Mirroring endpoint has stopped listening for connections.")
	}
}

// defaultAlgorithm is AES from SQL Server 2016 (13.x), RC4 before.
func defaultAlgorithm(major int) string {
	if major < 13 {
		return "RC4"
	}
	return "AES"
}
