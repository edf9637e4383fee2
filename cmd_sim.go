package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/mirrorcert/mirrorcert/sim"
)

// simPasswordEnv lets scripts give the sa password without putting it in
// the process arguments, where other users can read it.
const simPasswordEnv = "MIRRORCERT_SIM_PASSWORD"

func newSimCmd() *cobra.Command {
	var (
		basePort int
		password string
		latency  time.Duration
		fault    string
		dir      string
		certFile string
		keyFile  string
		verbose  bool
		scenario string
		count    int
		ssisdb   simSSISDBFlags
		fid      simFidelity
		cms      bool
	)
	cmd := &cobra.Command{
		Use:   "sim",
		Short: "Serve simulated SQL Server instances HOST_A, HOST_B and HOST_W on 127.0.0.1 until interrupted",
		Long: `sim serves three simulated SQL Server instances on loopback: HOST_A, HOST_B and HOST_W on
ports P, P+1 and P+2 (P is --base-port, 14330 by default; 0 picks free ports). Any TDS client
connects with login sa: sqlcmd, FreeTDS tsql, go-mssqldb, tedious, and mirrorcert itself. TLS
works with a generated self-signed certificate (written to the sandbox directory) or --cert/--key,
including TDS 8 strict. Each instance keeps its own master catalog in memory and its files
(BACKUP CERTIFICATE, FROM FILE) under --dir/NAME.

It prints one line per instance, "NAME 127.0.0.1,PORT address 127.0.X.N", and the sa password
when it generated one. The address is the instance's own: its mirroring endpoint listens there
(TCP://NAME:PORT or TCP://ADDRESS:PORT between instances) and it serves TDS there too. The password can also come from ` + simPasswordEnv + ` (better than --password, which
other users can see in the process list). Ctrl-C or SIGTERM stops it.

--fault ` + sim.FaultSyntax,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !cmd.Flags().Changed("password") {
				password = os.Getenv(simPasswordEnv)
			}
			generated := password == ""
			if _, ok := sim.ScenarioAbout(scenario); !ok {
				return exitCode(2, fmt.Errorf("--scenario %q: use one of %s", scenario, strings.Join(sim.Scenarios(), ", ")))
			}
			names, err := sim.InstanceNames(count)
			if err != nil {
				return exitCode(2, fmt.Errorf("--instances: %w", err))
			}
			if basePort < 0 || basePort+len(names)-1 > 65535 {
				return exitCode(2, fmt.Errorf("--base-port %d: use 1..%d (%d consecutive ports), or 0 for free ports", basePort, 65536-len(names), len(names)))
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			ssis, err := ssisdb.config(sim.DefaultNames()[0], time.Now())
			if err != nil {
				return exitCode(2, err)
			}
			cfg := sim.Config{
				Names:    names,
				SSISDB:   ssis,
				BasePort: basePort,
				Password: password,
				Latency:  latency,
				Faults:   fault,
				Dir:      dir,
				CertFile: certFile,
				KeyFile:  keyFile,
				CMS:      cms,
			}
			if err := fid.apply(&cfg, sim.DefaultNames()); err != nil {
				return exitCode(2, err)
			}
			if verbose {
				cfg.Logf = func(format string, args ...any) {
					fmt.Fprintf(cmd.ErrOrStderr(), "%s "+format+"\n", append([]any{time.Now().Format("15:04:05.000")}, args...)...)
				}
			}
			c, err := sim.Start(ctx, cfg)
			if err != nil {
				var pe *sim.PortInUseError
				if errors.As(err, &pe) {
					return exitCode(2, err)
				}
				return exitCode(2, fmt.Errorf("start the simulator: %w", err))
			}
			defer c.Close()
			if err := c.Seed(scenario); err != nil {
				return exitCode(2, fmt.Errorf("seed scenario %s: %w", scenario, err))
			}
			out := cmd.OutOrStdout()
			for _, in := range c.Instances() {
				fmt.Fprintf(out, "%s %s address %s\n", in.Name, in.Addr, in.Address)
			}
			if generated {
				// A throwaway for a simulator the user just asked for; a
				// password they chose is never echoed.
				fmt.Fprintf(out, "sa password: %s\n", c.Password())
			}
			ca := filepath.Join(c.Dir(), "tls-cert.pem")
			if err := os.WriteFile(ca, c.CACertPEM(), 0o644); err != nil {
				return exitCode(2, fmt.Errorf("write the TLS certificate: %w", err))
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "TLS certificate to trust (encrypt=strict): %s\nServing until interrupted (Ctrl-C).\n", ca)
			<-ctx.Done()
			if err := c.Close(); err != nil && !errors.Is(err, context.Canceled) {
				return exitCode(1, fmt.Errorf("stop the simulator: %w", err))
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.IntVar(&basePort, "base-port", 14330, "port of HOST_A; HOST_B and HOST_W use the next two (0 = free ports)")
	f.StringVar(&password, "password", "", "sa password (default: $"+simPasswordEnv+", else generated and printed)")
	f.DurationVar(&latency, "latency", 0, "delay every response by this long, e.g. 200ms")
	f.StringVar(&fault, "fault", "", "inject faults, e.g. HOST_B:drop-after=3 (syntax below and in sim/FAULTS.md)")
	f.StringVar(&dir, "dir", "", "directory for the instances' files (default: a temporary one, removed on exit)")
	f.StringVar(&certFile, "cert", "", "TLS certificate PEM file (with --key; default: generated self-signed)")
	f.StringVar(&keyFile, "key", "", "TLS private key PEM file for --cert")
	f.BoolVarP(&verbose, "verbose", "v", false, "log connection events and injected faults to stderr")
	f.IntVar(&count, "instances", 3, "how many instances: HOST_A, HOST_B, HOST_W, then HOST_4 ... HOST_N on the next ports")
	ssisdb.register(f)
	f.BoolVar(&cms, "cms", false, "make HOST_A a Central Management Server with every other instance registered (group "+sim.CMSGroup+"), for mirrorcert expiry --cms")
	f.StringVar(&scenario, "scenario", "default", "what the instances start from: "+strings.Join(sim.Scenarios(), " | ")+" (as for mirrorcert demo)")
	fid.register(cmd)
	return cmd
}
