package sim

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// scenario is one starting state a cluster can be seeded with: what the
// instances hold before the user's first step, as another DBA might have
// left them.
type scenario struct {
	name  string
	about string
	// seed returns, per instance name, the batch run there as sa; nil seeds
	// nothing. The simulator is the server, so it may write its own T-SQL;
	// the batches are built per call because a master key gets a fresh
	// password each time.
	seed func() (map[string]string, error)
	// configure, when set, seeds the running cluster itself (the training
	// scenarios of scenario_mirror.go, which copy certificates between
	// instances).
	configure func(c *Cluster) error
}

// scenarios are in display order; `mirrorcert demo --help` lists them so.
func scenarios() []scenario {
	return append([]scenario{
		{name: "default", about: "three fresh instances: the whole procedure from scratch"},
		{name: "file", about: "certificates travel by file (BACKUP CERTIFICATE, copy, FROM FILE); the simulator does the copy when you confirm it"},
		{name: "broken", about: "HOST_B already has a Windows-authentication endpoint and HOST_A an expired certificate: for troubleshooting practice",
			seed: seedBroken},
	}, append(trainingScenarios(), fleetScenario())...)
}

// Scenarios returns the names Seed accepts, in display order.
func Scenarios() []string {
	var names []string
	for _, s := range scenarios() {
		names = append(names, s.name)
	}
	return names
}

// ScenarioAbout describes a scenario in one line; ok is false for an
// unknown name.
//
//   - default: fresh instances, nothing seeded.
//   - file: also nothing seeded; the certificates travel by file, which is
//     the plan's choice, so the catalogs start as in default.
//   - broken: HOST_B holds a started DATABASE_MIRRORING endpoint
//     [Mirroring] on port 5022 using Windows (NEGOTIATE) authentication;
//     HOST_A holds a database master key and a certificate [HOST_A_cert]
//     that expired on 2021-01-01.
func ScenarioAbout(name string) (about string, ok bool) {
	for _, s := range scenarios() {
		if s.name == name {
			return s.about, true
		}
	}
	return "", false
}

// Seed puts the cluster into the named scenario's starting state (see
// ScenarioAbout). Call it once, right after Start and before any client
// works on the instances. An unknown name is an error listing the valid
// ones; a scenario needing an instance the cluster lacks is an error
// naming it.
func (c *Cluster) Seed(name string) error {
	var sc *scenario
	for _, s := range scenarios() {
		if s.name == name {
			sc = &s
			break
		}
	}
	if sc == nil {
		return fmt.Errorf("scenario %q is unknown: use one of %s", name, strings.Join(Scenarios(), ", "))
	}
	if sc.configure != nil {
		if err := sc.configure(c); err != nil {
			return fmt.Errorf("scenario %s: %w", name, err)
		}
		return nil
	}
	if sc.seed == nil {
		return nil
	}
	batches, err := sc.seed()
	if err != nil {
		return fmt.Errorf("scenario %s: %w", name, err)
	}
	// Check every instance first, so a missing one leaves nothing half-seeded.
	hosts := slices.Sorted(maps.Keys(batches))
	for _, h := range hosts {
		if c.Engine(h) == nil {
			return fmt.Errorf("scenario %s needs an instance named %s: start the cluster with the default names (%s)", name, h, strings.Join(DefaultNames(), ", "))
		}
	}
	for _, h := range hosts {
		for _, out := range c.Engine(h).NewSession("sa").ExecBatch(batches[h]) {
			for _, m := range out.Messages {
				if m.IsError() {
					return fmt.Errorf("scenario %s: prepare %s: Msg %d: %s", name, h, m.Number, m.Text)
				}
			}
		}
	}
	return nil
}

// seedBroken builds the troubleshooting scenario: an endpoint on HOST_B that
// uses Windows authentication where certificates are wanted, and on HOST_A
// a certificate already past its expiry date. The master key's password is
// generated and dropped at once: SQL Server also encrypts the key by the
// service master key, so nothing later needs it, and no password literal
// lives in the source.
func seedBroken() (map[string]string, error) {
	mk, err := GeneratePassword()
	if err != nil {
		return nil, err
	}
	return map[string]string{
		"HOST_B": "CREATE ENDPOINT [Mirroring] STATE = STARTED AS TCP (LISTENER_PORT = 5022, LISTENER_IP = ALL) " +
			"FOR DATABASE_MIRRORING (AUTHENTICATION = WINDOWS NEGOTIATE, ENCRYPTION = REQUIRED ALGORITHM AES, ROLE = ALL);",
		// GeneratePassword never yields a quote, so the literal needs no
		// escaping; doubling is kept so that stays true if its alphabet grows.
		"HOST_A": "CREATE MASTER KEY ENCRYPTION BY PASSWORD = N'" + strings.ReplaceAll(mk, "'", "''") + "';\n" +
			"CREATE CERTIFICATE [HOST_A_cert] WITH SUBJECT = N'HOST_A certificate for database mirroring', " +
			"START_DATE = N'20200101', EXPIRY_DATE = N'20210101';",
	}, nil
}
