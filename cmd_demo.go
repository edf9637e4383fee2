package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/mirrorcert/mirrorcert/plan"
	"github.com/mirrorcert/mirrorcert/session"
	"github.com/mirrorcert/mirrorcert/sim"
	"github.com/mirrorcert/mirrorcert/steps"
	"github.com/mirrorcert/mirrorcert/ui"
)

// demoScenario describes a --scenario name; ok is false for an unknown one.
// The simulator owns the scenarios, so the help text and the seeding agree.
func demoScenario(name string) (about string, ok bool) { return sim.ScenarioAbout(name) }

func newDemoCmd() *cobra.Command {
	var (
		tf       tuiFlags
		scenario string
		fault    string
		logFile  string
	)
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Open the TUI on built-in simulated HOST_A, HOST_B (partners) and HOST_W (witness)",
		Long: "demo starts three simulated SQL Server instances inside this process, on free loopback ports, and opens\n" +
			"the TUI on them: a complete walkthrough on any machine, no server needed. Scenarios (the\n" +
			"troubleshooting ones say what you would notice; v finds why):\n" + scenarioHelp(),
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if _, ok := demoScenario(scenario); !ok {
				return exitCode(2, fmt.Errorf("--scenario %q: use one of %s", scenario, strings.Join(sim.Scenarios(), ", ")))
			}
			if fault != "" {
				if _, err := sim.ParseFaults(fault); err != nil {
					return exitCode(2, fmt.Errorf("--fault: %w", err))
				}
			}
			if err := needTerminal(); err != nil {
				return err
			}
			cf := connFlags{logFile: logFile}
			log, closeLog, err := tuiLogger(&cf)
			if err != nil {
				return exitCode(2, err)
			}
			defer closeLog.Close()
			d, err := startDemo(cmd.Context(), scenario, fault)
			if err != nil {
				return exitCode(2, err)
			}
			defer d.Close()
			be := d.backend(log)
			defer be.Close()
			return runTUI(cmd.Context(), ui.Options{
				Backend: be, PlanLabel: "demo (" + scenario + ")", Mode: d.plan.Mode, Transfer: d.plan.Transfer,
				NoColor: noColor(), ASCII: tf.ascii, ManualCopyBySimulator: d.plan.Transfer == plan.TransferFile, Logger: log,
			})
		},
	}
	tf.register(cmd)
	cmd.Flags().StringVar(&scenario, "scenario", "default", "what the instances start from: "+strings.Join(sim.Scenarios(), " | "))
	cmd.Flags().StringVar(&fault, "fault", "", "inject simulator faults, as for mirrorcert sim (e.g. 'HOST_B:fail-on=/GRANT CONNECT/:error=15151')")
	cmd.Flags().StringVar(&logFile, "log-file", "", "write diagnostics (secrets masked) to this file (default: mirrorcert.log under the user cache directory)")
	return cmd
}

// demo is a running simulated cluster with the plan that points at it.
type demo struct {
	cluster *sim.Cluster
	plan    *plan.Plan
}

// startDemo starts the simulator on ephemeral ports with a generated sa
// password (kept in memory only) and builds the plan for it.
func startDemo(ctx context.Context, scenario, fault string) (*demo, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	c, err := sim.Start(ctx, sim.Config{BasePort: 0, Faults: fault})
	if err != nil {
		return nil, fmt.Errorf("start the simulator: %w", err)
	}
	d := &demo{cluster: c}
	ca := filepath.Join(c.Dir(), "demo-ca.pem")
	if err := os.WriteFile(ca, c.CACertPEM(), 0o600); err != nil {
		c.Close()
		return nil, fmt.Errorf("write the simulator's certificate: %w", err)
	}
	now := time.Now().UTC()
	p := &plan.Plan{
		Mode:        plan.ModeMirroring,
		Auth:        plan.Auth{User: "sa", Encrypt: plan.EncryptMandatory, CACertificate: ca},
		Endpoint:    plan.Endpoint{Name: "Endpoint_Mirroring", Port: 7024},
		Certificate: plan.Certificate{Expiry: time.Date(now.Year()+3, now.Month(), 1, 0, 0, 0, 0, time.UTC)},
		Transfer:    plan.TransferInband,
	}
	if scenario == "file" {
		p.Transfer = plan.TransferFile
	}
	for _, in := range c.Instances() {
		role := plan.RolePartner
		if in.Name == "HOST_W" {
			role = plan.RoleWitness
		}
		// The endpoints listen on each instance's own loopback address,
		// which is also what the instances call each other in TCP:// URLs.
		p.Hosts = append(p.Hosts, plan.Host{Name: in.Name, Server: in.Addr, Role: role, Address: in.Address})
	}
	if err := plan.Validate(p, now); err != nil {
		c.Close()
		return nil, fmt.Errorf("demo plan: %w", err)
	}
	d.plan = p
	if err := c.Seed(scenario); err != nil {
		c.Close()
		return nil, fmt.Errorf("demo: %w", err)
	}
	return d, nil
}

// backend opens the session on the simulator. Master key passwords are
// generated without asking, so the walkthrough never stalls on a prompt.
func (d *demo) backend(log *slog.Logger) *sessionBackend {
	be := newSessionBackend(d.plan, func(ctx context.Context, mk func(string) (string, bool, error)) *session.Session {
		return session.Open(ctx, session.Options{
			Plan:              d.plan,
			Passwords:         func(string) (string, error) { return d.cluster.Password(), nil },
			MasterKeyPassword: mk,
			TranscriptDir:     filepath.Join(d.cluster.Dir(), "transcript"),
			Logger:            log,
		})
	})
	if d.plan.Transfer == plan.TransferFile {
		be.copyFile = d.copyStep
	}
	return be
}

// Close stops the simulator and removes its files.
func (d *demo) Close() error { return d.cluster.Close() }

// copyStep performs a file-transfer copy step in the simulator: the peer's
// certificate backup is copied from the peer's sandbox to this host's.
func (d *demo) copyStep(_ context.Context, ref steps.Ref) error {
	rest, ok := strings.CutPrefix(ref.ID, "inbound/")
	peer, kind, _ := strings.Cut(rest, "/")
	if !ok || kind != steps.KindCopy {
		return nil
	}
	err := d.cluster.CopyFile(peer, ref.Host, d.plan.CertFile(peer))
	if err != nil && !errors.Is(err, os.ErrExist) {
		return fmt.Errorf("simulator copy of %s from %s to %s: %w", d.plan.CertFile(peer), peer, ref.Host, err)
	}
	return nil
}
