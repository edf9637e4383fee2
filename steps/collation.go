package steps

import "strings"

// Names on a server compare as its collation says: under the usual
// SQL_Latin1_General_CP1_CI_AS `host_b_login` IS the login HOST_B_login
// (CREATE LOGIN [HOST_B_login] fails with 15025), under a _CS_ or binary
// collation they are two different logins. Server-level names (logins,
// endpoints, grantees) follow the server collation; names in master (users,
// certificates) follow master's collation.

// CaseSensitive reports whether a collation name compares letters
// case-sensitively: _CS_ collations and the binary ones (_BIN, _BIN2).
// An empty (unread) collation counts as the default, which is
// case-insensitive.
func CaseSensitive(collation string) bool {
	// Without upper-casing a copy: names are compared hundreds of times
	// per checklist, and this ran for every comparison.
	return containsFold(collation, "_CS") || hasSuffixFold(collation, "_BIN") || hasSuffixFold(collation, "_BIN2")
}

// containsFold reports whether sub (ASCII) is in s, ignoring ASCII case.
func containsFold(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if strings.EqualFold(s[i:i+len(sub)], sub) {
			return true
		}
	}
	return false
}

func hasSuffixFold(s, suffix string) bool {
	return len(s) >= len(suffix) && strings.EqualFold(s[len(s)-len(suffix):], suffix)
}

func sameName(caseSensitive bool, a, b string) bool {
	// SQL Server's = ignores trailing blanks under every collation.
	a, b = strings.TrimRight(a, " "), strings.TrimRight(b, " ")
	if caseSensitive {
		return a == b
	}
	return strings.EqualFold(a, b)
}

// SameServerName compares two server-level names (logins, endpoints) as the
// host's server collation does.
func (s *State) SameServerName(a, b string) bool {
	return sameName(s != nil && CaseSensitive(s.Collation), a, b)
}

// SameMasterName compares two names in master (users, certificates) as
// master's collation does; when master's was not read, the server's.
func (s *State) SameMasterName(a, b string) bool {
	if s == nil {
		return sameName(false, a, b)
	}
	c := s.MasterCollation
	if c == "" {
		c = s.Collation
	}
	return sameName(CaseSensitive(c), a, b)
}
