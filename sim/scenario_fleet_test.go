package sim

import (
	"fmt"
	"testing"
	"time"
)

func TestSeedFleet(t *testing.T) {
	names, err := InstanceNames(5)
	if err != nil {
		t.Fatal(err)
	}
	c := startReal(t, Config{Names: names})
	if err := c.Seed("fleet"); err != nil {
		t.Fatal(err)
	}
	today := time.Now().UTC().Truncate(24 * time.Hour)
	for i, in := range c.Instances() {
		outs := c.Engine(in.Name).NewSession("sa").ExecBatch("SELECT c.name, CONVERT(varchar(10), c.expiry_date, 120), e.state_desc " +
			"FROM sys.database_mirroring_endpoints AS e JOIN sys.certificates AS c ON c.certificate_id = e.certificate_id")
		var got string
		for _, o := range outs {
			if o.Result != nil && len(o.Result.Rows) == 1 {
				got = fmt.Sprint(o.Result.Rows[0]...)
			}
		}
		want := fmt.Sprint(in.Name+"_cert", fleetExpiry(today, i).Format("2006-01-02"), "STARTED")
		if got != want {
			t.Errorf("%s: endpoint certificate %q, want %q", in.Name, got, want)
		}
	}
	if d := fleetExpiry(today, 1).Sub(today); d != 10*24*time.Hour {
		t.Errorf("HOST_B expires in %v, want 10 days", d)
	}
}
