package plan

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Server is a parsed sqlcmd -S value: host[\instance][,port].
type Server struct {
	Host     string // DNS name, IPv4 address, [IPv6] address, "." or "(local)"
	Instance string // named instance; "" for the default instance
	Port     int    // 0 when not given (1433, or the SQL Browser's answer for an instance)
}

// ParseServer parses a server in sqlcmd -S form: host[\instance][,port], with
// an optional "tcp:" prefix as sqlcmd accepts. Messages never repeat a value
// that looks like a connection string, since those may carry a password.
func ParseServer(s string) (Server, error) {
	var out Server
	raw := strings.TrimSpace(s)
	if raw == "" {
		return out, errors.New("missing; give it as host[\\instance][,port], e.g. sqla.corp.example,1433")
	}
	if strings.ContainsAny(raw, ";=@") || strings.Contains(raw, "://") {
		return out, errors.New("looks like a connection string or URL; give only host[\\instance][,port] " +
			"and put the password in MIRRORCERT_PASSWORD_<HOST> or SQLCMDPASSWORD")
	}
	if len(raw) >= 4 && strings.EqualFold(raw[:4], "tcp:") {
		raw = raw[4:]
	}
	rest := raw
	if i := strings.LastIndexByte(rest, ','); i >= 0 {
		ps := strings.TrimSpace(rest[i+1:])
		n, err := strconv.Atoi(ps)
		if err != nil || n < 1 || n > 65535 {
			return out, fmt.Errorf("port %q is not a TCP port; use a number from 1 to 65535 after the comma", ps)
		}
		out.Port = n
		rest = strings.TrimSpace(rest[:i])
	}
	if i := strings.IndexByte(rest, '\\'); i >= 0 {
		out.Instance = rest[i+1:]
		rest = rest[:i]
		if err := checkInstance(out.Instance); err != nil {
			return out, err
		}
	}
	out.Host = rest
	if err := checkHostPart(rest); err != nil {
		return out, err
	}
	return out, nil
}

func checkInstance(s string) error {
	if s == "" || len(s) > 16 {
		return fmt.Errorf("instance name %q must be 1 to 16 characters", s)
	}
	for _, r := range s {
		if !(isASCIILetter(r) || isDigit(r) || strings.ContainsRune("_$#&-", r)) {
			return fmt.Errorf("instance name %q may hold only letters, digits and _ $ # & -", s)
		}
	}
	return nil
}

func checkHostPart(s string) error {
	switch {
	case s == "":
		return errors.New("the host part is empty; give it as host[\\instance][,port]")
	case s == "." || strings.EqualFold(s, "(local)"):
		return nil
	case strings.HasPrefix(s, "["):
		// An IPv6 literal in brackets, e.g. [::1].
		if !strings.HasSuffix(s, "]") || len(s) < 4 {
			return fmt.Errorf("host %q: an IPv6 address needs closing brackets, e.g. [::1]", s)
		}
		for _, r := range s[1 : len(s)-1] {
			if !(isDigit(r) || strings.ContainsRune("abcdefABCDEF:.%", r)) {
				return fmt.Errorf("host %q is not a valid IPv6 address", s)
			}
		}
		return nil
	case strings.Contains(s, ":"):
		return fmt.Errorf("host %q: put the port after a comma (host,1433), not a colon", s)
	}
	if len(s) > 253 {
		return errors.New("host name is longer than 253 characters")
	}
	for _, r := range s {
		if !(isASCIILetter(r) || isDigit(r) || r == '.' || r == '-' || r == '_') {
			return fmt.Errorf("host %q may hold only letters, digits, dots, hyphens and underscores", s)
		}
	}
	return nil
}

func isASCIILetter(r rune) bool { return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' }

func isDigit(r rune) bool { return r >= '0' && r <= '9' }
