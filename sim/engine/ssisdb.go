package engine

import (
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// SSISDB is the part of the Integration Services catalog that SSIS Scale
// Out keeps: catalog.master_properties (written by the Scale Out Master
// service) and catalog.worker_agents (one row per registered worker).
// SetSSISDB puts it on an instance, as installing the catalog and Scale Out
// Master would.
type SSISDB struct {
	// MasterProperties are catalog.master_properties' rows, in order:
	// CLUSTER_LOGDB_SERVER, LAST_ONLINE_TIME, MACHINE_IP, MACHINE_NAME,
	// MASTER_ADDRESS, MASTER_SERVICE_PORT, SSLCERT_THUMBPRINT, ...
	MasterProperties []SSISProperty
	Workers          []SSISWorker
}

// SSISProperty is a row of catalog.master_properties.
type SSISProperty struct{ Name, Value string }

// SSISWorker is a row of catalog.worker_agents.
type SSISWorker struct {
	// ID is the WorkerAgentId as SQL Server prints it,
	// 6583054A-E915-4C2A-80E4-C765E79EF61D.
	ID          string
	IsEnabled   bool
	DisplayName string
	Description string
	MachineName string
	Tags        string
	UserAccount string
	// LastOnline is LastOnlineTime; zero means NULL (never online).
	LastOnline time.Time
}

// ssisDBName is the catalog database's fixed name.
const ssisDBName = "SSISDB"

// SetSSISDB creates database SSISDB on inst with the given catalog, or
// replaces the catalog of the one already there (as the master service
// rewrites its properties when it starts).
func SetSSISDB(inst Instance, cat SSISDB) error {
	in, ok := inst.(*instance)
	if !ok {
		return errors.New("engine: SetSSISDB needs an instance made by engine.New")
	}
	for _, w := range cat.Workers {
		if _, err := guidBytes(w.ID); err != nil {
			return fmt.Errorf("engine: worker %s: %w", w.MachineName, err)
		}
	}
	// The instance keeps copies: the caller's slices stay the caller's, and
	// changing them later (outside mu) must neither race with a query nor
	// change the catalog behind SetSSISDB's back.
	cat.MasterProperties = slices.Clone(cat.MasterProperties)
	cat.Workers = slices.Clone(cat.Workers)
	in.mu.Lock()
	defer in.mu.Unlock()
	c := in.cat
	if d := c.db(ssisDBName); d != nil {
		d.ssis = &cat
		return nil
	}
	// A user database made from model, as the catalog's installation
	// creates it, plus the catalog's own roles; nobody is a member in the
	// simulator, so only sysadmin sees the workers, as on a fresh install.
	d := in.addDatabaseLocked(ssisDBName, c.db("model").st().recovery)
	d.ssis = &cat
	next := int32(16384)
	for _, p := range d.principals {
		next = max(next, p.id+1)
	}
	for i, role := range []string{"ssis_admin", "ssis_cluster_executor"} {
		d.principals = append(d.principals, &dbPrincipal{name: role, id: next + int32(i), typ: "R", created: d.created})
	}
	return nil
}

// ssisView serves SSISDB's catalog.master_properties and
// catalog.worker_agents; every other non-sys name is unknown (208).
func (in *instance) ssisView(s *session, dbName, schema, name string) ([]Column, [][]any, bool) {
	if !strings.EqualFold(schema, "catalog") {
		return nil, nil, false
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	if dbName == "" {
		dbName = s.db
	}
	d := in.cat.db(dbName)
	if d == nil || d.ssis == nil {
		return nil, nil, false
	}
	// A login reaches a database through its user there (guest has no
	// CONNECT outside master and tempdb, see database_permissions); only
	// sysadmin and CONTROL SERVER need none.
	if l := in.cat.login(s.login); !in.hasServerPermLocked(l, "CONTROL SERVER") && (l == nil || d.principalBySID(l.sid) == nil) {
		panic(newErr(916, `The server principal "%s" is not able to access the database "%s" under the current security context.`, s.login, d.name))
	}
	switch strings.ToLower(name) {
	case "master_properties":
		// Readable by public (the documented permission).
		cols := []Column{col("property_name", NVarChar, 256, false), col("property_value", NVarChar, -1, false)}
		rows := make([][]any, 0, len(d.ssis.MasterProperties))
		for _, p := range d.ssis.MasterProperties {
			rows = append(rows, []any{p.Name, p.Value})
		}
		return cols, rows, true
	case "worker_agents":
		cols := []Column{
			col("WorkerAgentId", UniqueIdentifier, 0, false), col("IsEnabled", Bit, 0, false),
			col("DisplayName", NVarChar, 256, true), col("Description", NVarChar, 256, true),
			col("MachineName", NVarChar, 256, true), col("Tags", NVarChar, -1, true),
			col("UserAccount", NVarChar, 256, true), col("LastOnlineTime", DateTimeOffset, 0, true),
		}
		// The view filters on ssis_admin, ssis_cluster_executor or
		// sysadmin: anyone else reads no rows rather than an error.
		if l := in.cat.login(s.login); l == nil || !l.sysadmin {
			return cols, nil, true
		}
		rows := make([][]any, 0, len(d.ssis.Workers))
		for _, w := range d.ssis.Workers {
			g, _ := guidBytes(w.ID)
			var last any
			if !w.LastOnline.IsZero() {
				last = w.LastOnline
			}
			rows = append(rows, []any{g, w.IsEnabled, nullIfEmpty(w.DisplayName), nullIfEmpty(w.Description),
				nullIfEmpty(w.MachineName), nullIfEmpty(w.Tags), nullIfEmpty(w.UserAccount), last})
		}
		return cols, rows, true
	}
	return nil, nil, false
}

func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// guidBytes converts a GUID as printed to uniqueidentifier's byte order.
func guidBytes(s string) ([16]byte, error) {
	var g [16]byte
	h := strings.ReplaceAll(strings.Trim(s, "{}"), "-", "")
	b, err := hex.DecodeString(h)
	if err != nil || len(b) != 16 || len(s) < 32 {
		return g, fmt.Errorf("WorkerAgentId %q is not a GUID", s)
	}
	// Data1 (4 bytes), Data2 and Data3 (2 each) are little-endian.
	g[0], g[1], g[2], g[3] = b[3], b[2], b[1], b[0]
	g[4], g[5] = b[5], b[4]
	g[6], g[7] = b[7], b[6]
	copy(g[8:], b[8:])
	return g, nil
}
