package main

import (
	"fmt"

	"github.com/spf13/pflag"

	"github.com/mirrorcert/mirrorcert/scaleout"
)

// registerScaleoutPlanFlags adds the flags that describe the certificate
// change, the same for the TUI (`scaleout`) and `scaleout script`, so the
// two can never disagree on a name, a default or its help.
func registerScaleoutPlanFlags(f *pflag.FlagSet, in *scaleout.PlanInput) {
	f.StringVar(&in.Master, "master", "", "the Scale Out Master's host name as the workers' MasterEndpoint names it, then any other names for its certificate (comma-separated)")
	f.IntVar(&in.Port, "master-port", scaleout.DefaultPort, "the master port the certificate is bound to")
	f.StringVar(&in.Workers, "workers", "", "the Scale Out Workers, NAME[=IP],... (the IP goes into a new worker certificate)")
	f.StringVar(&in.Change, "change", "master", "which certificate to replace: master | worker | both")
	f.StringVar(&in.SQLVersion, "sql-version", "160", "SQL Server major version directory and service suffix: 140 | 150 | 160 | 170")
	f.StringVar(&in.BinnDir, "binn", "", `folder of MasterSettings.config / WorkerSettings.config (default C:\Program Files\Microsoft SQL Server\VER\DTS\Binn)`)
	f.StringVar(&in.WorkerAccount, "worker-account", "", `account of the Scale Out Worker service (default NT Service\SSISScaleOutWorkerVER)`)
	f.IntVar(&in.ValidYears, "valid-years", 2, "validity of new certificates, in years")
}

// newScaleoutPlan validates the flags of command name (exit 2 on bad
// input). scaleout.NewPlan takes a zero port as "not given" (the default);
// on the command line --master-port has its default already, so a 0 there
// was typed and is refused rather than silently replaced.
func newScaleoutPlan(name string, in scaleout.PlanInput) (*scaleout.Plan, error) {
	if in.Port == 0 {
		return nil, exitCode(2, fmt.Errorf("%s: --master-port 0: use 1..65535 (the Scale Out Master's default is %d)", name, scaleout.DefaultPort))
	}
	p, err := scaleout.NewPlan(in)
	if err != nil {
		return nil, exitCode(2, fmt.Errorf("%s: %w", name, err))
	}
	return p, nil
}
