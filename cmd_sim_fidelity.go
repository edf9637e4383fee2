package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mirrorcert/mirrorcert/sim"
)

// simFidelity holds the `mirrorcert sim` flags that make instances differ
// from a default SQL Server 2022: their version and their collation.
type simFidelity struct {
	versions   string
	collations string
}

func (f *simFidelity) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.versions, "server-version", "",
		"SQL Server release of every instance ("+strings.Join(sim.ServerVersionNames(), ", ")+"; default 2022), or NAME=VERSION[,NAME=VERSION]")
	cmd.Flags().StringVar(&f.collations, "collation", "",
		"server collation of every instance (default SQL_Latin1_General_CP1_CI_AS), or NAME=COLLATION[,NAME=COLLATION]; a _CS_ or _BIN collation makes names case-sensitive")
}

// apply fills cfg's per-instance versions and collations for instances
// names (cfg.Names when set, which --instances may have filled).
func (f *simFidelity) apply(cfg *sim.Config, names []string) error {
	if len(cfg.Names) > 0 {
		names = cfg.Names
	}
	v, err := sim.ParseServerVersions(f.versions, names)
	if err != nil {
		return fmt.Errorf("--server-version: %w", err)
	}
	cfg.Versions = v
	c, err := parseCollations(f.collations, names)
	if err != nil {
		return fmt.Errorf("--collation: %w", err)
	}
	cfg.Collations = c
	return nil
}

// parseCollations reads COLLATION or NAME=COLLATION[,...]. A collation name
// is letters, digits and _ only; anything else is refused rather than
// passed on.
func parseCollations(spec string, names []string) (map[string]string, error) {
	out := map[string]string{}
	spec = strings.TrimSpace(spec)
	if spec == "" {
		return out, nil
	}
	valid := func(c string) bool {
		if c == "" {
			return false
		}
		for _, r := range c {
			if !(r == '_' || r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z') {
				return false
			}
		}
		return true
	}
	known := map[string]bool{}
	for _, n := range names {
		known[strings.ToUpper(n)] = true
	}
	if !strings.Contains(spec, "=") {
		if !valid(spec) {
			return nil, fmt.Errorf("%q is not a collation name (e.g. Latin1_General_100_CS_AS)", spec)
		}
		for _, n := range names {
			out[strings.ToUpper(n)] = spec
		}
		return out, nil
	}
	for _, part := range strings.Split(spec, ",") {
		name, coll, _ := strings.Cut(strings.TrimSpace(part), "=")
		name, coll = strings.ToUpper(strings.TrimSpace(name)), strings.TrimSpace(coll)
		if !known[name] {
			return nil, fmt.Errorf("%q: there is no instance %q (the instances are %s)", part, name, strings.Join(names, ", "))
		}
		if !valid(coll) {
			return nil, fmt.Errorf("%q: %q is not a collation name (e.g. Latin1_General_100_CS_AS)", part, coll)
		}
		out[name] = coll
	}
	return out, nil
}
