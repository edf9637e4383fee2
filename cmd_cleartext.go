package main

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/mirrorcert/mirrorcert/plan"
	"github.com/mirrorcert/mirrorcert/session"
)

// refuseCleartext stops apply, before any statement is sent, when a step
// that carries a password would go over a connection that is not encrypted,
// unless --allow-cleartext-secrets was given.
func refuseCleartext(s *session.Session, cf *connFlags) error {
	if cf.allowCleartext {
		return nil
	}
	refs := s.CleartextSecretSteps()
	if len(refs) == 0 {
		return nil
	}
	byHost := map[string][]string{}
	for _, r := range refs {
		byHost[r.Host] = append(byHost[r.Host], r.ID)
	}
	hosts := make([]string, 0, len(byHost))
	for h := range byHost {
		hosts = append(hosts, h)
	}
	sort.Strings(hosts)
	var parts []string
	for _, h := range hosts {
		parts = append(parts, fmt.Sprintf("%s (%s)", h, strings.Join(byHost[h], ", ")))
	}
	return exitCode(2, fmt.Errorf("apply: nothing was done: steps that carry passwords would travel on connections that are not encrypted: %s. "+
		"Connect with -N mandatory (encrypt: mandatory in the plan; add -C only for a test server's self-signed certificate), "+
		"or, knowingly, give --allow-cleartext-secrets", strings.Join(parts, "; ")))
}

// warnCleartextLogin says, before the password goes, that -N disable sends
// a SQL login's password unencrypted to where (the commands that connect
// without a session: expiry's --servers/--cms, scaleout check's --ssisdb).
// The user asked for it, so it is a warning, not a refusal.
func warnCleartextLogin(w io.Writer, a plan.Auth, where string) {
	if a.Encrypt != plan.EncryptDisable || a.Integrated {
		return
	}
	fmt.Fprintf(w, "mirrorcert: warning: -N disable: the login password travels unencrypted to %s; use -N mandatory (with -C only for a test server's self-signed certificate)\n", where)
}
