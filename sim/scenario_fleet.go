package sim

import (
	"fmt"
	"strings"
	"sync"
	"time"
)

// fleetScenario is a fleet for `mirrorcert expiry`: every instance, however
// many the cluster has (--instances N), holds a master key, its own endpoint
// certificate and a started mirroring endpoint, with nothing shared between
// them. Expiry dates are spread out; HOST_B's comes first, in 10 days.
func fleetScenario() scenario {
	return scenario{
		name:      "fleet",
		about:     "every instance has its own mirroring endpoint and certificate (no sessions); HOST_B's certificate expires in 10 days, the others over the next years: for mirrorcert expiry",
		configure: seedFleet,
	}
}

// fleetExpiry is instance i's certificate expiry, counted from today (UTC).
func fleetExpiry(today time.Time, i int) time.Time {
	if i == 1 {
		return today.AddDate(0, 0, 10)
	}
	return today.AddDate(0, 0, 400+7*i)
}

func seedFleet(c *Cluster) error {
	today := time.Now().UTC().Truncate(24 * time.Hour)
	insts := c.Instances()
	errs := make([]error, len(insts))
	var wg sync.WaitGroup
	sem := make(chan struct{}, 4) // RSA key generation: a few at a time
	for i, in := range insts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			mk, err := GeneratePassword()
			if err != nil {
				errs[i] = err
				return
			}
			batch := fmt.Sprintf("CREATE MASTER KEY ENCRYPTION BY PASSWORD = N'%s';\n"+
				"CREATE CERTIFICATE [%[2]s_cert] WITH SUBJECT = N'%[2]s certificate for database mirroring', START_DATE = N'%[3]s', EXPIRY_DATE = N'%[4]s';\n"+
				"CREATE ENDPOINT [Endpoint_Mirroring] STATE = STARTED AS TCP (LISTENER_PORT = 7024, LISTENER_IP = ALL) "+
				"FOR DATABASE_MIRRORING (AUTHENTICATION = CERTIFICATE [%[2]s_cert], ENCRYPTION = REQUIRED ALGORITHM AES, ROLE = ALL);",
				strings.ReplaceAll(mk, "'", "''"), in.Name, today.AddDate(0, 0, -1).Format("2006-01-02"), fleetExpiry(today, i).Format("2006-01-02"))
			errs[i] = c.seedBatch(in.Name, batch)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
