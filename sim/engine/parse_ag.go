package engine

import "strings"

// CREATE / ALTER / DROP AVAILABILITY GROUP, as far as a CLUSTER_TYPE = NONE
// group needs them.

type agReplicaSpec struct {
	Server       string
	URL          string
	AvailMode    string // SYNCHRONOUS_COMMIT, ASYNCHRONOUS_COMMIT, CONFIGURATION_ONLY
	FailoverMode string // MANUAL, AUTOMATIC, EXTERNAL
	SeedingMode  string // AUTOMATIC, MANUAL
	AllowConns   string // secondary role ALLOW_CONNECTIONS: NO, READ_ONLY, ALL
}

type createAGStmt struct {
	at
	Name        string
	ClusterType string // WSFC (default), EXTERNAL, NONE
	Databases   []string
	Replicas    []agReplicaSpec
}

type alterAGStmt struct {
	at
	Name        string
	Op          string // JOIN, GRANT, DENY, ADD DATABASE, REMOVE DATABASE
	ClusterType string // JOIN WITH (CLUSTER_TYPE = ...)
	Database    string
}

type dropAGStmt struct {
	at
	Name string
}

func (p *parser) createAG(a at) stmt {
	s := &createAGStmt{at: a, Name: p.ident(), ClusterType: "WSFC"}
	if p.accept("WITH") {
		p.expectOp("(")
		for {
			o := p.optionName()
			p.expectOp("=")
			if strings.EqualFold(o.Text, "CLUSTER_TYPE") {
				s.ClusterType = p.keywordOf("WSFC", "EXTERNAL", "NONE")
			} else {
				p.next() // other group options have no effect here
			}
			if !p.acceptOp(",") {
				break
			}
		}
		p.expectOp(")")
	}
	p.expect("FOR")
	if p.accept("DATABASE") {
		s.Databases = append(s.Databases, p.ident())
		for p.acceptOp(",") {
			s.Databases = append(s.Databases, p.ident())
		}
	}
	p.expect("REPLICA")
	p.expect("ON")
	for {
		s.Replicas = append(s.Replicas, p.replicaSpec())
		if !p.acceptOp(",") {
			break
		}
	}
	return s
}

// replicaSpec reads N'server' WITH (ENDPOINT_URL = ..., ...).
func (p *parser) replicaSpec() agReplicaSpec {
	r := agReplicaSpec{Server: p.stringLit(), AvailMode: "", FailoverMode: "", SeedingMode: "AUTOMATIC", AllowConns: "NO"}
	p.expect("WITH")
	p.expectOp("(")
	for {
		o := p.optionName()
		switch strings.ToUpper(o.Text) {
		case "ENDPOINT_URL":
			p.expectOp("=")
			r.URL = p.stringLit()
		case "AVAILABILITY_MODE":
			p.expectOp("=")
			r.AvailMode = p.keywordOf("SYNCHRONOUS_COMMIT", "ASYNCHRONOUS_COMMIT", "CONFIGURATION_ONLY")
		case "FAILOVER_MODE":
			p.expectOp("=")
			r.FailoverMode = p.keywordOf("MANUAL", "AUTOMATIC", "EXTERNAL")
		case "SEEDING_MODE":
			p.expectOp("=")
			r.SeedingMode = p.keywordOf("AUTOMATIC", "MANUAL")
		case "SECONDARY_ROLE", "PRIMARY_ROLE":
			role := strings.ToUpper(o.Text)
			p.expectOp("(")
			for {
				n := p.optionName()
				p.expectOp("=")
				if role == "SECONDARY_ROLE" && strings.EqualFold(n.Text, "ALLOW_CONNECTIONS") {
					r.AllowConns = p.keywordOf("NO", "READ_ONLY", "ALL")
				} else if p.peek().isOp("(") {
					p.skipParens()
				} else {
					p.next()
				}
				if !p.acceptOp(",") {
					break
				}
			}
			p.expectOp(")")
		default:
			// BACKUP_PRIORITY, SESSION_TIMEOUT, ...: accepted, no effect.
			p.expectOp("=")
			p.next()
		}
		if !p.acceptOp(",") {
			break
		}
	}
	p.expectOp(")")
	if r.URL == "" || r.AvailMode == "" || r.FailoverMode == "" {
		p.fail() // ENDPOINT_URL, AVAILABILITY_MODE and FAILOVER_MODE are required
	}
	return r
}

// skipParens skips a parenthesised list.
func (p *parser) skipParens() {
	p.expectOp("(")
	for depth := 1; depth > 0; {
		t := p.next()
		switch {
		case t.Kind == tkEOF:
			p.fail()
		case t.isOp("("):
			depth++
		case t.isOp(")"):
			depth--
		}
	}
}

func (p *parser) alterAG(a at) stmt {
	s := &alterAGStmt{at: a, Name: p.ident()}
	switch {
	case p.accept("JOIN"):
		s.Op = "JOIN"
		if p.accept("WITH") {
			p.expectOp("(")
			p.expect("CLUSTER_TYPE")
			p.expectOp("=")
			s.ClusterType = p.keywordOf("WSFC", "EXTERNAL", "NONE")
			p.expectOp(")")
		}
	case p.peek().is("GRANT") || p.peek().is("DENY"):
		s.Op = strings.ToUpper(p.next().Text)
		p.expect("CREATE")
		p.expect("ANY")
		p.expect("DATABASE")
	case p.accept("ADD"):
		p.expect("DATABASE")
		s.Op, s.Database = "ADD DATABASE", p.ident()
	case p.accept("REMOVE"):
		p.expect("DATABASE")
		s.Op, s.Database = "REMOVE DATABASE", p.ident()
	default:
		p.fail()
	}
	return s
}
