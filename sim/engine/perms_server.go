package engine

import "strings"

// hasPermsByName answers HAS_PERMS_BY_NAME for the forms mirrorcert asks:
// a server-level permission (securable NULL, class NULL or 'SERVER') held
// by sysadmin or granted to the login or to public. Other securables keep
// the old answer (sysadmin only), which is what a tool with too little
// permission would see.
func (s *session) hasPermsByName(args []any) int64 {
	if s.isSysadmin() {
		return 1
	}
	if len(args) < 3 || args[0] != nil || (args[1] != nil && !strings.EqualFold(toString(args[1]), "SERVER")) || args[2] == nil {
		return 0
	}
	perm := strings.ToUpper(strings.Join(strings.Fields(toString(args[2])), " "))
	s.inst.mu.Lock()
	defer s.inst.mu.Unlock()
	l := s.inst.cat.login(s.login)
	if l == nil {
		return 0
	}
	for _, p := range s.inst.cat.perms {
		if p.class == 100 && (p.grantee == l.id || p.grantee == 2) && p.name == perm && (p.state == "G" || p.state == "W") {
			return 1
		}
	}
	return 0
}
