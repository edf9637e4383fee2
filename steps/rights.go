package steps

import (
	"strings"

	"github.com/mirrorcert/mirrorcert/steps/tsql"
)

// A login without the rights the procedure needs sees an incomplete
// catalog, not an error: master key, certificates, endpoint and logins
// simply look absent. Its checklist would then call existing work
// "pending" and apply would fail with 15578 / 7862 / 15025. So the state
// read records the login's rights, and a host read with too few has all
// its items unknown, with one error naming what is missing.

// Rights is what the connected login holds, as read by the state query.
type Rights struct {
	Login    string
	Sysadmin bool
	// Held maps each tsql.RightsChecked() name (RightKey) to whether
	// HAS_PERMS_BY_NAME granted it.
	Held map[string]bool
}

// RightKey names r in Rights.Held.
func RightKey(r tsql.Right) string {
	if r.OnMaster {
		return r.Name + " ON DATABASE::master"
	}
	return r.Name
}

// Missing lists the checked rights the login lacks.
func (r *Rights) Missing() []tsql.Right {
	if r == nil || r.Sysadmin {
		return nil
	}
	var out []tsql.Right
	for _, x := range tsql.RightsChecked() {
		if !r.Held[RightKey(x)] {
			out = append(out, x)
		}
	}
	return out
}

// RightsProblem explains, for a host's state, which rights its login lacks
// and the smallest grants that fix it; "" when it has them all (or they
// were not read).
func RightsProblem(s *State) string {
	if s == nil || s.Rights == nil {
		return ""
	}
	missing := s.Rights.Missing()
	if len(missing) == 0 {
		return ""
	}
	login := s.Rights.Login
	if login == "" {
		login = "the connected login"
	}
	names := make([]string, len(missing))
	grants := make([]string, len(missing))
	for i, m := range missing {
		names[i] = RightKey(m)
		grants[i] = m.Grant(login)
	}
	return "login " + login + " lacks " + strings.Join(names, ", ") +
		", so it cannot see or change the mirroring setup (what exists would look missing). As a sysadmin, run: " +
		strings.Join(grants, " ") + " Or GRANT CONTROL SERVER TO " + tsql.QuoteIdent(login) +
		" (or make it a sysadmin), which covers all of them."
}

// RightsSummary is RightsProblem in one short line for each item of the
// host: what is missing, without the grants (the host's error has them).
func RightsSummary(s *State) string {
	if RightsProblem(s) == "" {
		return ""
	}
	names := []string{}
	for _, m := range s.Rights.Missing() {
		names = append(names, RightKey(m))
	}
	login := s.Rights.Login
	if login == "" {
		login = "the connected login"
	}
	return "not read: login " + login + " lacks " + strings.Join(names, ", ") + " (the host's error says which grants fix it)"
}

// setAsideDenied returns states without the hosts whose login lacks
// rights, and why for each of those.
func setAsideDenied(states map[string]*State) (map[string]*State, map[string]string) {
	var denied map[string]string
	out := states
	for h, s := range states {
		if why := RightsSummary(s); why != "" {
			if denied == nil {
				denied = map[string]string{}
				out = make(map[string]*State, len(states))
				for k, v := range states {
					out[k] = v
				}
			}
			denied[h] = why
			out[h] = nil
		}
	}
	return out, denied
}
