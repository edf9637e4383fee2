package plan

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// maxPlanBytes bounds what Load reads: a plan is a few hundred bytes, and a
// huge file is a mistake (wrong path), not a plan.
const maxPlanBytes = 1 << 20

// Load reads, defaults and validates the plan file at path. now decides
// whether the certificate expiry is in the past or close. The returned error
// is a *Error listing every problem with its field and line.
func Load(path string, now time.Time) (*Plan, error) {
	data, err := ReadRegularFile(path, maxPlanBytes)
	if err != nil {
		return nil, fmt.Errorf("read plan: %w", err)
	}
	return Parse(data, path, now)
}

// Parse is Load for bytes already read; path is used in messages and to
// resolve a relative ca_certificate.
func Parse(data []byte, path string, now time.Time) (*Plan, error) {
	d := newDecoder(filepath.Dir(path))
	p := &Plan{Path: path}
	var root yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	switch err := dec.Decode(&root); {
	case errors.Is(err, io.EOF):
		d.ps.add("", 0, "the plan is empty; it needs at least hosts: (see examples/docs-example.yaml)")
		return nil, d.ps.err(path)
	case err != nil:
		d.ps.add("", yamlErrLine(err), "not valid YAML: %s", yamlErrText(err))
		return nil, d.ps.err(path)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		d.ps.add("", extra.Line, "a plan is one YAML document; remove the second \"---\" document")
	}
	if !d.plan(&root, p) {
		// Not a mapping at all: every check would only say "missing".
		return nil, d.ps.err(path)
	}
	// Checked even when reading found problems, so that every problem is
	// listed at once; fail and report skip fields already reported.
	d.check(p, now)
	if err := d.ps.err(path); err != nil {
		return nil, err
	}
	return p, nil
}

// yamlErrLine digs the line number out of a yaml.v3 syntax error, which
// carries it only in its text ("yaml: line 3: ...").
func yamlErrLine(err error) int {
	_, rest, ok := strings.Cut(err.Error(), "line ")
	if !ok {
		return 0
	}
	digits, _, _ := strings.Cut(rest, ":")
	n, _ := strconv.Atoi(digits)
	return n
}

// yamlErrText is the syntax error without the prefixes the problem line
// already carries.
func yamlErrText(err error) string {
	s := strings.TrimPrefix(err.Error(), "yaml: ")
	if strings.HasPrefix(s, "line ") {
		if _, rest, ok := strings.Cut(s, ": "); ok {
			s = rest
		}
	}
	return s
}

// decoder walks the YAML tree by hand rather than unmarshalling into structs,
// because every problem must name its key path and line, unknown and
// duplicate keys must be caught, and values must never be echoed blindly.
type decoder struct {
	ps    problems
	lines map[string]int  // field path -> line where it is set
	bad   map[string]bool // fields that already have a problem
	// unknownIn holds the mappings that had an unknown key: a missing key
	// there is most likely that key misspelt, and is not reported twice.
	unknownIn map[string]bool
	dir       string // the plan file's directory
	// hostAuthSet records which auth keys each host's own block sets, so that
	// merging with the plan-wide block keeps an explicit "false".
	hostAuthSet []authSet
	planAuthSet authSet
}

func newDecoder(dir string) *decoder {
	return &decoder{lines: map[string]int{}, bad: map[string]bool{}, unknownIn: map[string]bool{}, dir: dir}
}

func (d *decoder) fail(field string, line int, format string, args ...any) {
	if d.bad[field] {
		return
	}
	d.bad[field] = true
	d.ps.add(field, line, format, args...)
}

// resolve follows aliases so that anchors (&defaults / *defaults) work.
func resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 16; i++ {
		n = n.Alias
	}
	if n != nil && n.Kind == yaml.DocumentNode && len(n.Content) == 1 {
		return resolve(n.Content[0])
	}
	return n
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping (key: value lines)"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return "empty"
		}
		return "a single value"
	}
	return "something else"
}

func join(field, key string) string {
	if field == "" {
		return key
	}
	return field + "." + key
}

// mapping visits the keys of a mapping node, rejecting secrets, unknown and
// repeated keys, and records each key's line.
func (d *decoder) mapping(n *yaml.Node, field string, valid []string, visit func(key string, v *yaml.Node, f string)) bool {
	n = resolve(n)
	if n.Kind != yaml.MappingNode {
		what := field
		if what == "" {
			what = "the plan"
		}
		d.fail(field, n.Line, "expected %s to be a mapping (key: value lines), found %s", what, kindName(n))
		return false
	}
	if _, ok := d.lines[field]; !ok {
		d.lines[field] = n.Line // the key's line when there is a key
	}
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := resolve(n.Content[i]), n.Content[i+1]
		key := k.Value
		f := join(field, key)
		switch {
		case isSecretKey(key):
			d.fail(f, k.Line, "%s", passwordAdvice)
			continue
		case !contains(valid, key):
			d.fail(f, k.Line, "%s", unknownKeyMsg(key, valid))
			d.unknownIn[field] = true
			continue
		}
		if first, dup := seen[key]; dup {
			d.fail(f, k.Line, "set twice (first on line %d); keep one", first)
			continue
		}
		seen[key] = k.Line
		d.lines[f] = k.Line
		visit(key, v, f)
	}
	return true
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// str reads a scalar as text. YAML's own typing is ignored on purpose: a host
// called NO or 0123 is a name, not a boolean or a number.
func (d *decoder) str(v *yaml.Node, f string) string {
	v = resolve(v)
	if v.Kind != yaml.ScalarNode {
		d.fail(f, v.Line, "expected a single value, found %s", kindName(v))
		return ""
	}
	if v.Tag == "!!null" {
		return ""
	}
	return v.Value
}

func (d *decoder) integer(v *yaml.Node, f string, what string) int {
	s := d.str(v, f)
	if s == "" {
		return 0
	}
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		d.fail(f, v.Line, "%q is not a whole number; give %s", s, what)
		return 0
	}
	return n
}

func (d *decoder) boolean(v *yaml.Node, f string) bool {
	s := d.str(v, f)
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "true", "yes", "on":
		return true
	case "false", "no", "off", "":
		return false
	}
	d.fail(f, v.Line, "%q is not true or false", s)
	return false
}

// date reads a UTC date (2029-11-30) or an RFC 3339 timestamp.
func (d *decoder) date(v *yaml.Node, f string) time.Time {
	s := strings.TrimSpace(d.str(v, f))
	if s == "" {
		return time.Time{}
	}
	for _, layout := range []string{"2006-01-02", time.RFC3339, "2006-01-02T15:04:05", "2006-01-02 15:04:05"} {
		if t, err := time.ParseInLocation(layout, s, time.UTC); err == nil {
			return t.UTC()
		}
	}
	d.fail(f, v.Line, "%q is not a date; write it as YYYY-MM-DD (UTC), e.g. 2029-11-30", s)
	return time.Time{}
}
