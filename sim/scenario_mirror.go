package sim

import (
	"encoding/hex"
	"fmt"
	"strings"
	"time"
)

// The training scenarios: a fully configured cluster, as `mirrorcert apply`
// leaves examples/sim.yaml (Endpoint_Mirroring on 7024, AES, ROLE ALL on
// the partners and WITNESS on HOST_W, the docs' object names, certificates
// exchanged in-band), a database Sales in FULL recovery on HOST_A, and
// exactly one defect. Each fails at SET PARTNER (or SET WITNESS) the way
// SQL Server fails, with the error-log line that names the defect.

// trainingScenarios are appended to scenarios() in display order.
func trainingScenarios() []scenario {
	sc := func(name, about string) scenario {
		return scenario{name: name, about: about, configure: func(c *Cluster) error { return seedConfigured(c, name) }}
	}
	return []scenario{
		sc("expired-cert", "fully configured, but HOST_A's endpoint certificate (and its copies) expired: SET PARTNER fails (28055 in HOST_A's log)"),
		sc("missing-connect", "fully configured, but HOST_B never granted CONNECT to HOST_A_login: SET PARTNER fails (28034 in HOST_B's log)"),
		sc("stale-peer-cert", "fully configured, but HOST_B holds an older HOST_A_cert: SET PARTNER fails (28035 in HOST_B's log)"),
		sc("rc4-only", "fully configured, but HOST_W's endpoint requires RC4: SET WITNESS fails (28027 in HOST_W's log)"),
		sc("windows-endpoint", "fully configured, but HOST_B's endpoint authenticates with Windows only: SET PARTNER fails (28027 in HOST_B's log)"),
		sc("witness-no-logins", "partners configured for each other, but neither trusts HOST_W: SET WITNESS fails (28035 in HOST_A's log)"),
		sc("endpoint-stopped", "fully configured, but HOST_B's endpoint is STOPPED: SET PARTNER fails (1474 in HOST_A's log)"),
		sc("port-blocked", "fully configured, but nothing can reach HOST_B's endpoint port: SET PARTNER fails (1474 in HOST_A's log)"),
		{name: "expiring-cert", about: "a running, synchronized session (Sales, HOST_A principal, HOST_W witness), but HOST_A's endpoint certificate expires in 5 days",
			configure: seedExpiring},
	}
}

// trainingHosts are the instances every training scenario needs.
func trainingHosts() []string { return []string{"HOST_A", "HOST_B", "HOST_W"} }

// seedConfigured builds scenario name's cluster. Master-key passwords are
// generated and forgotten (the service master key also protects the key).
func seedConfigured(c *Cluster, name string) error {
	for _, h := range trainingHosts() {
		if c.Engine(h) == nil {
			return fmt.Errorf("needs an instance named %s: start the cluster with the default names (%s)", h, strings.Join(DefaultNames(), ", "))
		}
	}
	start := time.Now().UTC().AddDate(0, 0, -1).Format("2006-01-02") // apply back-dates a day
	// Outbound, every host.
	for _, h := range trainingHosts() {
		mk, err := GeneratePassword()
		if err != nil {
			return err
		}
		certDates := fmt.Sprintf("START_DATE = N'%s', EXPIRY_DATE = N'2029-11-30'", start)
		switch {
		case name == "expired-cert" && h == "HOST_A":
			certDates = "START_DATE = N'2020-01-01', EXPIRY_DATE = N'2021-01-01'"
		case name == "expiring-cert" && h == "HOST_A":
			certDates = fmt.Sprintf("START_DATE = N'%s', EXPIRY_DATE = N'%s'", time.Now().UTC().AddDate(-1, 0, 0).Format("2006-01-02"),
				time.Now().UTC().AddDate(0, 0, 5).Format("2006-01-02"))
		}
		state, auth, alg, role := "STARTED", "CERTIFICATE ["+h+"_cert]", "AES", "ALL"
		if h == "HOST_W" {
			role = "WITNESS"
		}
		switch {
		case name == "rc4-only" && h == "HOST_W":
			alg = "RC4"
		case name == "windows-endpoint" && h == "HOST_B":
			auth = "WINDOWS NEGOTIATE"
		case name == "endpoint-stopped" && h == "HOST_B":
			state = "STOPPED"
		}
		batch := "CREATE MASTER KEY ENCRYPTION BY PASSWORD = N'" + strings.ReplaceAll(mk, "'", "''") + "';\n"
		if name == "stale-peer-cert" && h == "HOST_A" {
			// The certificate HOST_A had before: HOST_B keeps a copy of it.
			batch += fmt.Sprintf("CREATE CERTIFICATE [HOST_A_cert_previous] WITH SUBJECT = N'HOST_A certificate for database mirroring', %s;\n", certDates)
		}
		batch += fmt.Sprintf("CREATE CERTIFICATE [%[1]s_cert] WITH SUBJECT = N'%[1]s certificate for database mirroring', %[2]s;\n", h, certDates)
		batch += fmt.Sprintf("CREATE ENDPOINT [Endpoint_Mirroring] STATE = %s AS TCP (LISTENER_PORT = 7024, LISTENER_IP = ALL) "+
			"FOR DATABASE_MIRRORING (AUTHENTICATION = %s, ENCRYPTION = REQUIRED ALGORITHM %s, ROLE = %s);", state, auth, alg, role)
		if err := c.seedBatch(h, batch); err != nil {
			return err
		}
	}
	// Inbound: each host trusts each other host.
	for _, h := range trainingHosts() {
		for _, p := range trainingHosts() {
			if p == h || name == "witness-no-logins" && p == "HOST_W" && h != "HOST_W" {
				continue
			}
			certName := p + "_cert"
			if name == "stale-peer-cert" && h == "HOST_B" && p == "HOST_A" {
				certName = "HOST_A_cert_previous"
			}
			der, err := c.certBinary(p, certName)
			if err != nil {
				return err
			}
			batch := fmt.Sprintf("CREATE LOGIN [%[1]s_login] WITH PASSWORD = N'%[2]s';\nCREATE USER [%[1]s_user] FOR LOGIN [%[1]s_login];\n"+
				"CREATE CERTIFICATE [%[1]s_cert] AUTHORIZATION [%[1]s_user] FROM BINARY = 0x%[3]s;\n", p, mustPassword(), hex.EncodeToString(der))
			if !(name == "missing-connect" && h == "HOST_B" && p == "HOST_A") {
				batch += fmt.Sprintf("GRANT CONNECT ON ENDPOINT::[Endpoint_Mirroring] TO [%s_login];", p)
			}
			if err := c.seedBatch(h, batch); err != nil {
				return err
			}
		}
	}
	if name == "stale-peer-cert" {
		if err := c.seedBatch("HOST_A", "DROP CERTIFICATE [HOST_A_cert_previous];"); err != nil {
			return err
		}
	}
	if err := c.seedBatch("HOST_A", "CREATE DATABASE [Sales]; ALTER DATABASE [Sales] SET RECOVERY FULL;"); err != nil {
		return err
	}
	if name == "port-blocked" {
		return c.addFaults("HOST_B:endpoint-block")
	}
	return nil
}

// mustPassword is a fresh password for a certificate-mapped login nobody
// logs in with; GeneratePassword fails only if the system's random source
// does, and then a fixed strong fallback is no secret worth keeping.
func mustPassword() string {
	pw, err := GeneratePassword()
	if err != nil {
		return "Unused-Login-Passw0rd-" + fmt.Sprint(time.Now().UnixNano())
	}
	return pw
}

// seedBatch runs batch on host as sa; any error message fails it.
func (c *Cluster) seedBatch(host, batch string) error {
	for _, out := range c.Engine(host).NewSession("sa").ExecBatch(batch) {
		for _, m := range out.Messages {
			if m.IsError() {
				return fmt.Errorf("prepare %s: Msg %d: %s", host, m.Number, m.Text)
			}
		}
	}
	return nil
}

// certBinary reads CERTENCODED of a certificate on host.
func (c *Cluster) certBinary(host, cert string) ([]byte, error) {
	outs := c.Engine(host).NewSession("sa").ExecBatch("SELECT CERTENCODED(CERT_ID(N'" + strings.ReplaceAll(cert, "'", "''") + "'))")
	for _, o := range outs {
		if o.Result != nil && len(o.Result.Rows) == 1 {
			if b, ok := o.Result.Rows[0][0].([]byte); ok && len(b) > 0 {
				return b, nil
			}
		}
	}
	return nil, fmt.Errorf("prepare %s: no certificate %s to copy", host, cert)
}

// addFaults adds rules to the cluster's current ones (a scenario's fault
// joins any --fault the user gave).
func (c *Cluster) addFaults(spec string) error {
	fs, err := ParseFaults(spec)
	if err != nil {
		return err
	}
	old := c.faults.Load()
	merged := &faultSet{}
	if old != nil {
		merged.rules = append(merged.rules, old.rules...)
	}
	merged.rules = append(merged.rules, fs.rules...)
	c.faults.Store(merged)
	c.mnet.reconcileAll()
	return nil
}

// seedExpiring is the rotation exercise: the configured cluster with HOST_A's
// certificate five days from expiry, and Sales mirrored from HOST_A to
// HOST_B with HOST_W as witness, synchronized, the way the documented example
// starts it (backups through the cluster's share).
func seedExpiring(c *Cluster) error {
	if err := seedConfigured(c, "expiring-cert"); err != nil {
		return err
	}
	for _, step := range []struct{ host, batch string }{
		{"HOST_A", `BACKUP DATABASE [Sales] TO DISK = N'\\simshare\training\Sales.bak' WITH FORMAT; BACKUP LOG [Sales] TO DISK = N'\\simshare\training\Sales.trn' WITH FORMAT;`},
		{"HOST_B", `RESTORE DATABASE [Sales] FROM DISK = N'\\simshare\training\Sales.bak' WITH NORECOVERY; RESTORE LOG [Sales] FROM DISK = N'\\simshare\training\Sales.trn' WITH NORECOVERY;`},
		{"HOST_B", "ALTER DATABASE [Sales] SET PARTNER = N'TCP://HOST_A:7024';"},
		{"HOST_A", "ALTER DATABASE [Sales] SET PARTNER = N'TCP://HOST_B:7024';"},
		{"HOST_A", "ALTER DATABASE [Sales] SET WITNESS = N'TCP://HOST_W:7024';"},
	} {
		if err := c.seedBatch(step.host, step.batch); err != nil {
			return err
		}
	}
	return nil
}
