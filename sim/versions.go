package sim

import (
	"fmt"
	"strings"
)

// serverVersions pairs the release names `mirrorcert sim --server-version`
// takes, oldest first, with the ProductVersion an instance of that release
// reports (a late cumulative update of each, as a patched server would). An
// array of constants, not a map: a map literal is built at package init, in
// every command.
var serverVersions = [...]struct{ release, product string }{
	{"2008R2", "10.50.6000.34"},
	{"2012", "11.0.7001.0"},
	{"2014", "12.0.6024.0"},
	{"2016", "13.0.6300.2"},
	{"2017", "14.0.3456.2"},
	{"2019", "15.0.4298.1"},
	{"2022", "16.0.4135.4"},
}

// ServerVersionNames lists the release names, oldest first.
func ServerVersionNames() []string {
	names := make([]string, len(serverVersions))
	for i, v := range serverVersions {
		names[i] = v.release
	}
	return names
}

// ProductVersionOf returns the ProductVersion of a release name ("2008R2",
// "2019", ...), case-insensitively.
func ProductVersionOf(release string) (string, bool) {
	release = strings.ToUpper(strings.TrimSpace(release))
	for _, v := range serverVersions {
		if v.release == release {
			return v.product, true
		}
	}
	return "", false
}

// ParseServerVersions reads `--server-version`: one release for every
// instance ("2008R2"), or NAME=RELEASE pairs separated by commas
// ("HOST_A=2008R2,HOST_W=2012"; the others keep the default). It returns the
// ProductVersion per instance name (upper-case); "" for all means the default.
func ParseServerVersions(spec string, names []string) (map[string]string, error) {
	out := map[string]string{}
	spec = strings.TrimSpace(spec)
	if spec == "" {
		return out, nil
	}
	known := map[string]bool{}
	for _, n := range names {
		known[strings.ToUpper(n)] = true
	}
	bad := func(v string) error {
		return fmt.Errorf("server version %q: use one of %s, or NAME=VERSION[,NAME=VERSION] (e.g. HOST_A=2008R2)", v, strings.Join(ServerVersionNames(), ", "))
	}
	if !strings.Contains(spec, "=") {
		v, ok := ProductVersionOf(spec)
		if !ok {
			return nil, bad(spec)
		}
		for _, n := range names {
			out[strings.ToUpper(n)] = v
		}
		return out, nil
	}
	for _, part := range strings.Split(spec, ",") {
		name, rel, ok := strings.Cut(strings.TrimSpace(part), "=")
		name = strings.ToUpper(strings.TrimSpace(name))
		if !ok || name == "" {
			return nil, bad(part)
		}
		if !known[name] {
			return nil, fmt.Errorf("server version %q: there is no instance %s (the instances are %s)", part, name, strings.Join(names, ", "))
		}
		v, ok := ProductVersionOf(rel)
		if !ok {
			return nil, bad(rel)
		}
		out[name] = v
	}
	return out, nil
}
