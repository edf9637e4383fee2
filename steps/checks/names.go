package checks

import "github.com/mirrorcert/mirrorcert/steps"

// sameName compares names mirrorcert itself gives (plan host names,
// finding peers): exactly.
func sameName(a, b string) bool { return a == b }

// sameServer and sameMaster are the one place checks compare names read
// from a server: logins, grantees and databases follow the server's
// collation, users and certificates master's, exactly as steps compares
// them (host_b_login is HOST_B_login under a _CI_ collation).
func sameServer(s *steps.State, a, b string) bool { return s.SameServerName(a, b) }

func sameMaster(s *steps.State, a, b string) bool { return s.SameMasterName(a, b) }

// cert returns the certificate named name on s, or nil.
func cert(s *steps.State, name string) *steps.Certificate {
	for i := range s.Certificates {
		if sameMaster(s, s.Certificates[i].Name, name) {
			return &s.Certificates[i]
		}
	}
	return nil
}

func login(s *steps.State, name string) *steps.Login {
	for i := range s.Logins {
		if sameServer(s, s.Logins[i].Name, name) {
			return &s.Logins[i]
		}
	}
	return nil
}

func user(s *steps.State, name string) *steps.User {
	for i := range s.Users {
		if sameMaster(s, s.Users[i].Name, name) {
			return &s.Users[i]
		}
	}
	return nil
}

func hasConnect(s *steps.State, login string) bool {
	for _, g := range s.ConnectGrants {
		if sameServer(s, g, login) {
			return true
		}
	}
	return false
}
