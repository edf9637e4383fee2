package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/mirrorcert/mirrorcert/scaleout"
	"github.com/mirrorcert/mirrorcert/sim"
)

// simSSISDBFlags are `mirrorcert sim --ssisdb`: the first instance also
// serves the Scale Out Master's SSISDB catalog, for `scaleout check
// --ssisdb` and for practice.
type simSSISDBFlags struct {
	on         bool
	thumbprint string
	workers    string
}

// demoMasterThumbprint is the documentation's example thumbprint ("Manage
// certificates for SSIS Scale Out", netsh http add sslcert certhash=...).
const demoMasterThumbprint = "01D207B300CA662F479BEB884EFE6CE328F77D53"

func (s *simSSISDBFlags) register(f *pflag.FlagSet) {
	f.BoolVar(&s.on, "ssisdb", false, "the first instance also serves SSISDB (catalog.master_properties, catalog.worker_agents) as a Scale Out Master's")
	f.StringVar(&s.thumbprint, "ssisdb-thumbprint", demoMasterThumbprint, "SSLCERT_THUMBPRINT in catalog.master_properties (with --ssisdb)")
	f.StringVar(&s.workers, "ssisdb-workers", "W1,W2", "machine names in catalog.worker_agents (with --ssisdb)")
}

// config returns the catalog to serve, or nil without --ssisdb.
func (s *simSSISDBFlags) config(master string, now time.Time) (*sim.SSISDB, error) {
	if !s.on {
		return nil, nil
	}
	t, ok := scaleout.NormalizeThumbprint(s.thumbprint)
	if !ok {
		return nil, fmt.Errorf("--ssisdb-thumbprint %q: give 40 hexadecimal digits", s.thumbprint)
	}
	var workers []string
	for _, w := range strings.Split(s.workers, ",") {
		w = strings.TrimSpace(w)
		if w == "" {
			continue
		}
		if why := scaleout.ValidHost(w); why != "" {
			return nil, fmt.Errorf("--ssisdb-workers: %q %s", w, why)
		}
		workers = append(workers, w)
	}
	db := sim.DemoSSISDB(master, t, workers, now)
	return &db, nil
}
