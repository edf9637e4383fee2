package plan

import (
	"fmt"
	"strings"
)

// The keys each mapping of the plan file accepts. Unknown keys are errors:
// a typo such as "expirey" must not silently fall back to a default.
// They are functions so that no caller can change the schema.
func topKeys() []string {
	return []string{"mode", "hosts", "auth", "endpoint", "certificate", "transfer"}
}

func hostKeys() []string {
	return []string{"name", "server", "role", "endpoint_role", "address", "auth"}
}

func authKeys() []string {
	return []string{"user", "integrated", "encrypt", "trust_server_certificate",
		"host_name_in_certificate", "login_timeout", "ca_certificate"}
}

func endpointKeys() []string { return []string{"name", "port", "encryption"} }

func certificateKeys() []string { return []string{"expiry", "start_date", "subject", "file_dir"} }

// isSecretKey reports whether a key looks like it holds a secret. Such a key
// gets its own error instead of "unknown key", because the fix is not a rename.
func isSecretKey(key string) bool {
	k := strings.ToLower(key)
	// Misspellings count too: a "pasword" key still holds a password.
	for _, w := range []string{"pass", "pasw", "pwd", "pword", "secret"} {
		if strings.Contains(k, w) {
			return true
		}
	}
	for _, part := range strings.FieldsFunc(k, func(r rune) bool { return r == '_' || r == '-' || r == '.' }) {
		if part == "pw" {
			return true
		}
	}
	return false
}

// passwordAdvice is the fix for a secret found in a plan.
const passwordAdvice = "passwords never go in a plan file (it is shared, committed and shown on screen); " +
	"set MIRRORCERT_PASSWORD_<HOST> (the host name in upper case, e.g. MIRRORCERT_PASSWORD_HOST_A) " +
	"or SQLCMDPASSWORD, or answer the prompt"

// unknownKeyMsg says a key is unknown and suggests the nearest valid one.
func unknownKeyMsg(key string, valid []string) string {
	best, dist := "", -1
	for _, v := range valid {
		d := editDistance(strings.ToLower(key), v)
		if dist < 0 || d < dist {
			best, dist = v, d
		}
	}
	// A suggestion far from what was typed misleads more than it helps.
	if dist >= 0 && (dist <= 2 || dist*3 <= len(key)) {
		return fmt.Sprintf("unknown key %q; did you mean %q?", key, best)
	}
	return fmt.Sprintf("unknown key %q; valid keys here: %s", key, strings.Join(valid, ", "))
}

// editDistance is the Levenshtein distance between a and b, counted in runes.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
