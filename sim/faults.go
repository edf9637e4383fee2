package sim

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/mirrorcert/mirrorcert/sim/engine"
	"github.com/mirrorcert/mirrorcert/sim/tds"
)

// FaultSyntax is the one-paragraph summary of the --fault SPEC grammar, for
// --help. sim/FAULTS.md has the full description.
const FaultSyntax = `SPEC is one or more rules separated by ';', each TARGET:ACTION[:OPTION]...
TARGET is an instance name (HOST_B) or * for all. ACTION is one of
  drop-after=N      close the connection when its batch N+1 arrives (N batches succeed)
  drop-on=/REGEX/   close the connection when a batch matches, before running it
  fail-on=/REGEX/   answer a matching batch with an error instead of running it
  endpoint-block    refuse connections to the instance's mirroring endpoint port
  endpoint-latency=D  delay everything the instance sends on mirroring connections
OPTIONs: error=NUMBER (fail-on; default 50000), times=N (fire N times, then never).
REGEX is case-insensitive; write \/ for a slash. Example:
  HOST_B:drop-after=3;*:fail-on=/GRANT CONNECT/:error=15151`

// faultKind is what a rule does.
type faultKind int

const (
	dropAfter faultKind = iota
	dropOn
	failOn
	endpointBlock   // mirroring transport: refuse new connections to the endpoint
	endpointLatency // mirroring transport: delay each write by delay
)

// rule is one parsed fault rule.
type rule struct {
	target string // upper-case instance name, or "*"
	kind   faultKind
	after  int
	re     *regexp.Regexp
	errNum int32
	times  int64 // 0 = unlimited
	fired  *atomic.Int64
	text   string // the rule as written, for messages
	delay  time.Duration
}

// faultSet is an immutable set of rules; the cluster swaps whole sets.
type faultSet struct{ rules []*rule }

// ParseFaults parses a --fault SPEC. An empty spec means no faults. Errors
// name the rule and the part that is wrong.
func ParseFaults(spec string) (*faultSet, error) {
	fs := &faultSet{}
	for _, text := range splitRules(spec) {
		r, err := parseRule(text)
		if err != nil {
			return nil, fmt.Errorf("fault rule %q: %w", text, err)
		}
		fs.rules = append(fs.rules, r)
	}
	return fs, nil
}

// splitRules splits on ';' outside /regex/ delimiters. An unclosed regex
// is left for splitOptions to report, within its own rule.
func splitRules(spec string) []string {
	var rules []string
	parts, _ := splitOutsideRegex(spec, ';')
	for _, r := range parts {
		if r = strings.TrimSpace(r); r != "" {
			rules = append(rules, r)
		}
	}
	return rules
}

// splitOutsideRegex splits s on sep wherever it is not inside a /regex/
// (where \ escapes the next character). Rules and their options share this
// one scanner so a separator inside a regex is treated alike at both levels;
// closed is false when a regex is left open.
func splitOutsideRegex(s string, sep rune) (parts []string, closed bool) {
	inRe, esc := false, false
	start := 0
	for i, ch := range s {
		switch {
		case esc:
			esc = false
		case ch == '\\' && inRe:
			esc = true
		case ch == '/':
			inRe = !inRe
		case ch == sep && !inRe:
			parts = append(parts, s[start:i])
			start = i + 1
		}
	}
	return append(parts, s[start:]), !inRe
}

func parseRule(text string) (*rule, error) {
	target, rest, ok := strings.Cut(text, ":")
	target = strings.TrimSpace(target)
	if !ok || target == "" {
		return nil, fmt.Errorf("want TARGET:ACTION, e.g. HOST_B:drop-after=3 or *:fail-on=/GRANT/")
	}
	r := &rule{target: strings.ToUpper(target), text: text, fired: new(atomic.Int64), errNum: 50000}
	parts, err := splitOptions(rest)
	if err != nil {
		return nil, err
	}
	action := parts[0]
	name, val, _ := strings.Cut(action, "=")
	switch strings.TrimSpace(strings.ToLower(name)) {
	case "drop-after":
		n, err := strconv.Atoi(strings.TrimSpace(val))
		if err != nil || n < 0 {
			return nil, fmt.Errorf("drop-after needs a batch count (0 or more), got %q", val)
		}
		r.kind, r.after = dropAfter, n
	case "drop-on", "fail-on":
		re, err := parseRegexp(val)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		r.re = re
		r.kind = dropOn
		if strings.EqualFold(strings.TrimSpace(name), "fail-on") {
			r.kind = failOn
		}
	case "endpoint-block", "endpoint-latency":
		if err := parseEndpointAction(r, strings.TrimSpace(strings.ToLower(name)), val, len(parts)); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("unknown action %q: want drop-after=N, drop-on=/REGEX/, fail-on=/REGEX/, endpoint-block or endpoint-latency=D", action)
	}
	for _, opt := range parts[1:] {
		k, v, _ := strings.Cut(opt, "=")
		k, v = strings.ToLower(strings.TrimSpace(k)), strings.TrimSpace(v)
		switch k {
		case "error":
			if r.kind != failOn {
				return nil, fmt.Errorf("option error= only applies to fail-on")
			}
			n, err := strconv.ParseInt(v, 10, 32)
			if err != nil || n < 1 {
				return nil, fmt.Errorf("error= needs a positive error number, got %q", v)
			}
			r.errNum = int32(n)
		case "times":
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n < 1 {
				return nil, fmt.Errorf("times= needs a positive count, got %q", v)
			}
			r.times = n
		default:
			return nil, fmt.Errorf("unknown option %q: want error=NUMBER or times=N", opt)
		}
	}
	return r, nil
}

// splitOptions splits "fail-on=/a:b/:error=1" on ':' outside /regex/.
func splitOptions(s string) ([]string, error) {
	out, closed := splitOutsideRegex(s, ':')
	if !closed {
		return nil, fmt.Errorf("regular expression is not closed with '/'")
	}
	if strings.TrimSpace(out[0]) == "" {
		return nil, fmt.Errorf("missing action after the target")
	}
	return out, nil
}

// parseRegexp takes "/REGEX/" (with \/ for a slash) and compiles it
// case-insensitively, as T-SQL keywords are.
func parseRegexp(v string) (*regexp.Regexp, error) {
	v = strings.TrimSpace(v)
	if len(v) < 2 || v[0] != '/' || v[len(v)-1] != '/' {
		return nil, fmt.Errorf("want a regular expression between slashes, e.g. /CREATE ENDPOINT/, got %q", v)
	}
	body := strings.ReplaceAll(v[1:len(v)-1], `\/`, "/")
	if body == "" {
		return nil, fmt.Errorf("empty regular expression")
	}
	re, err := regexp.Compile("(?i)" + body)
	if err != nil {
		return nil, fmt.Errorf("bad regular expression %s: %v", v, err)
	}
	return re, nil
}

// decide applies the first matching rule to a request on instance name.
func (fs *faultSet) decide(name string, req tds.Request) (tds.Decision, bool) {
	if fs == nil || req.Kind == tds.KindTransMgr {
		return tds.Decision{}, false
	}
	for _, r := range fs.rules {
		if r.target != "*" && r.target != strings.ToUpper(name) {
			continue
		}
		var d tds.Decision
		switch r.kind {
		case endpointBlock, endpointLatency:
			continue // the mirroring transport's, not TDS's
		case dropAfter:
			if req.Seq <= r.after {
				continue
			}
			d.Drop = true
		case dropOn:
			if !r.re.MatchString(req.SQL) {
				continue
			}
			d.Drop = true
		case failOn:
			m := r.re.FindStringSubmatch(req.SQL)
			if m == nil {
				continue
			}
			msg := errorMessage(r.errNum, m)
			d.Fail = &msg
		}
		if r.times > 0 && r.fired.Add(1) > r.times {
			continue
		}
		return d, true
	}
	return tds.Decision{}, false
}

// knownErrorText returns the texts of the errors the procedure meets
// (../shared/reference/errors.md), so an injected failure reads exactly
// like the real one.
func knownErrorText(num int32) (string, bool) {
	switch num {
	case 15578:
		return "There is already a master key in the database. Please drop it before performing this statement.", true
	case 15581:
		return "Please create a master key in the database or open the master key in the session before performing this operation.", true
	case 15232:
		return "A certificate with name '%s' already exists or this certificate already has been added to the database.", true
	case 7862:
		return "An endpoint of the requested type already exists.  Only one endpoint of this type is supported.  Use ALTER ENDPOINT or DROP the existing endpoint and execute the CREATE ENDPOINT statement.", true
	case 7874:
		return "An endpoint already exists with the bindings specified. Only one endpoint supported for a specific binding. Use ALTER ENDPOINT or DROP the existing endpoint and execute the CREATE ENDPOINT statement.", true
	case 15025:
		return "The server principal '%s' already exists.", true
	case 15023:
		return "User, group, or role '%s' already exists in the current database.", true
	case 15063:
		return "The login already has an account under a different user name.", true
	case 15007:
		return "'%s' is not a valid login or you do not have permission.", true
	case 15151:
		return "Cannot find the %s '%s', because it does not exist or you do not have permission.", true
	case 15247:
		return "User does not have permission to perform this action.", true
	case 15208:
		return "The certificate, asymmetric key, or private key file is not valid or does not exist; or you do not have permissions for it.", true
	case 15240:
		return "Cannot write into file '%s'. Verify that you have write permissions, that the file path is valid, and that the file does not already exist.", true
	case 15246:
		return "Cannot dump the private key of certificate '%s' because the private key cannot be found.", true
	case 15297:
		return "The certificate, asymmetric key, or private key data is invalid.", true
	case 15116:
		return "Password validation failed. The password does not meet the operating system policy requirements because it is too short.", true
	case 15117:
		return "Password validation failed. The password does not meet the operating system policy requirements because it is too long.", true
	case 15118:
		return "Password validation failed. The password does not meet the operating system policy requirements because it is not complex enough.", true
	case 15580:
		return "Cannot drop master key because certificate '%s' is encrypted by it.", true
	case 102:
		return "Incorrect syntax near '%s'.", true
	case 156:
		return "Incorrect syntax near the keyword '%s'.", true
	case 208:
		return "Invalid object name '%s'.", true
	case 1418:
		return "The server network address \"%s\" can not be reached or does not exist. Check the network address name and that the ports for the local and remote endpoints are operational.", true
	case 1456:
		return "The ALTER DATABASE command could not be sent to the remote server instance '%s'. The database mirroring configuration was not changed. Verify that the server is connected, and try again.", true
	}
	return "", false
}

// errorMessage builds the injected error: the known text with its %s holes
// filled from the regexp's capture groups in order (the whole match for
// holes without a group), or a generic text for other numbers.
func errorMessage(num int32, match []string) engine.Message {
	class := uint8(16)
	if num == 102 || num == 156 {
		class = 15
	}
	tmpl, ok := knownErrorText(num)
	if !ok {
		return engine.Message{Number: num, State: 1, Class: class, Line: 1,
			Text: fmt.Sprintf("Simulated failure: error %d injected by --fault.", num)}
	}
	groups := match[1:]
	var args []any
	for i := range strings.Count(tmpl, "%s") {
		if i < len(groups) && groups[i] != "" {
			args = append(args, groups[i])
		} else {
			args = append(args, match[0])
		}
	}
	return engine.Message{Number: num, State: 1, Class: class, Line: 1, Text: fmt.Sprintf(tmpl, args...)}
}
