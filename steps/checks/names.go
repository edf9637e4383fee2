package checks

import "github.com/mirrorcert/mirrorcert/steps"

// sameName is the one place checks compare object names (logins, users,
// certificates, hosts). It is an exact comparison today, like steps'; when
// steps learns the server's collation, only this function changes.
func sameName(a, b string) bool { return a == b }

// cert returns the certificate named name on s, or nil.
func cert(s *steps.State, name string) *steps.Certificate {
	for i := range s.Certificates {
		if sameName(s.Certificates[i].Name, name) {
			return &s.Certificates[i]
		}
	}
	return nil
}

func login(s *steps.State, name string) *steps.Login {
	for i := range s.Logins {
		if sameName(s.Logins[i].Name, name) {
			return &s.Logins[i]
		}
	}
	return nil
}

func user(s *steps.State, name string) *steps.User {
	for i := range s.Users {
		if sameName(s.Users[i].Name, name) {
			return &s.Users[i]
		}
	}
	return nil
}

func hasConnect(s *steps.State, login string) bool {
	for _, g := range s.ConnectGrants {
		if sameName(g, login) {
			return true
		}
	}
	return false
}
