package sim

import (
	"fmt"
	"time"

	"github.com/mirrorcert/mirrorcert/sim/engine"
)

// SSISDB is an Integration Services catalog as SSIS Scale Out fills it
// (catalog.master_properties and catalog.worker_agents).
type SSISDB = engine.SSISDB

// SSISProperty and SSISWorker are its rows.
type (
	SSISProperty = engine.SSISProperty
	SSISWorker   = engine.SSISWorker
)

// DemoSSISDB is the catalog `mirrorcert sim --ssisdb` serves: a Scale Out
// Master on master (port 8391) whose certificate is thumbprint, and one
// worker per name in workers, last online a minute before now.
func DemoSSISDB(master, thumbprint string, workers []string, now time.Time) SSISDB {
	db := SSISDB{MasterProperties: []SSISProperty{
		{Name: "CLUSTER_LOGDB_SERVER", Value: master},
		{Name: "LAST_ONLINE_TIME", Value: now.UTC().Format("2006-01-02 15:04:05.0000000 -07:00")},
		{Name: "MACHINE_IP", Value: "10.0.2.4"},
		{Name: "MACHINE_NAME", Value: master},
		{Name: "MASTER_ADDRESS", Value: fmt.Sprintf("https://%s:8391", master)},
		{Name: "MASTER_SERVICE_PORT", Value: "8391"},
		{Name: "SSLCERT_THUMBPRINT", Value: thumbprint},
	}}
	for i, w := range workers {
		db.Workers = append(db.Workers, SSISWorker{
			ID:          fmt.Sprintf("6583054A-E915-4C2A-80E4-%012X", i+1),
			IsEnabled:   true,
			DisplayName: w,
			MachineName: w,
			UserAccount: `NT Service\SSISScaleOutWorker160`,
			LastOnline:  now.Add(-time.Minute),
		})
	}
	return db
}

// SetSSISDB gives the named instance database SSISDB with catalog db, or
// replaces the catalog it has (as a Scale Out Master restart rewrites its
// properties).
func (c *Cluster) SetSSISDB(name string, db SSISDB) error {
	in := c.find(name)
	if in == nil {
		return fmt.Errorf("ssisdb: no instance named %q", name)
	}
	return engine.SetSSISDB(in.eng, db)
}
