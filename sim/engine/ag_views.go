package engine

import (
	"strings"
	"time"
)

// The availability-group views: sys.availability_groups,
// sys.availability_replicas, sys.dm_hadr_availability_replica_states and
// sys.dm_hadr_database_replica_states. mu is held.
func (in *instance) hadrViewLocked(name string) ([]Column, [][]any, bool) {
	switch name {
	case "availability_groups":
		return in.availabilityGroupsView()
	case "availability_replicas":
		return in.availabilityReplicasView()
	case "dm_hadr_availability_replica_states":
		return in.replicaStatesView()
	case "dm_hadr_database_replica_states":
		return in.databaseReplicaStatesView()
	}
	return nil, nil, false
}

func clusterTypeCode(t string) int64 {
	return map[string]int64{"WSFC": 0, "EXTERNAL": 1, "NONE": 2}[t]
}

func (in *instance) availabilityGroupsView() ([]Column, [][]any, bool) {
	cols := []Column{
		col("group_id", NVarChar, 36, false), col("name", NVarChar, 128, true), col("resource_id", NVarChar, 40, true),
		col("resource_group_id", NVarChar, 40, true), col("failure_condition_level", Int, 0, true),
		col("health_check_timeout", Int, 0, true), col("automated_backup_preference", Int, 0, true),
		col("automated_backup_preference_desc", NVarChar, 60, true), col("version", Int, 0, true),
		col("basic_features", Bit, 0, true), col("dtc_support", Bit, 0, true), col("db_failover", Bit, 0, true),
		col("is_distributed", Bit, 0, true), col("cluster_type", Int, 0, true), col("cluster_type_desc", NVarChar, 60, true),
		col("required_synchronized_secondaries_to_commit", Int, 0, true), col("sequence_number", BigInt, 0, true),
	}
	var rows [][]any
	for _, g := range in.cat.hadr.ags {
		if !g.joined {
			continue // a definition received but not joined is not a group here yet
		}
		rows = append(rows, []any{g.groupID, g.name, nil, nil, int64(3), int64(30000), int64(2), "secondary", int64(1),
			false, false, false, false, clusterTypeCode(g.clusterType), strings.ToLower(g.clusterType), int64(0), int64(1)})
	}
	return cols, rows, true
}

func (in *instance) availabilityReplicasView() ([]Column, [][]any, bool) {
	cols := []Column{
		col("replica_id", NVarChar, 36, false), col("group_id", NVarChar, 36, false), col("replica_metadata_id", Int, 0, true),
		col("replica_server_name", NVarChar, 256, true), col("owner_sid", VarBinary, 0, true), col("endpoint_url", NVarChar, 128, true),
		col("availability_mode", Int, 0, true), col("availability_mode_desc", NVarChar, 60, true),
		col("failover_mode", Int, 0, true), col("failover_mode_desc", NVarChar, 60, true), col("session_timeout", Int, 0, true),
		col("primary_role_allow_connections", Int, 0, true), col("primary_role_allow_connections_desc", NVarChar, 60, true),
		col("secondary_role_allow_connections", Int, 0, true), col("secondary_role_allow_connections_desc", NVarChar, 60, true),
		col("create_date", DateTime, 0, true), col("modify_date", DateTime, 0, true), col("backup_priority", Int, 0, true),
		col("read_only_routing_url", NVarChar, 256, true), col("seeding_mode", Int, 0, true), col("seeding_mode_desc", NVarChar, 60, true),
	}
	var rows [][]any
	for _, g := range in.cat.hadr.ags {
		if !g.joined {
			continue
		}
		for i, r := range g.replicas {
			avail := map[string]int64{"ASYNCHRONOUS_COMMIT": 0, "SYNCHRONOUS_COMMIT": 1, "CONFIGURATION_ONLY": 4}[r.AvailMode]
			fail := map[string]int64{"AUTOMATIC": 0, "MANUAL": 1, "EXTERNAL": 2}[r.FailoverMode]
			allow := map[string]int64{"NO": 0, "READ_ONLY": 1, "ALL": 2}[r.AllowConns]
			seed := map[string]int64{"AUTOMATIC": 0, "MANUAL": 1}[r.SeedingMode]
			rows = append(rows, []any{r.id, g.groupID, int64(65536 + i), r.Server, []byte{0x01}, r.URL, avail, r.AvailMode,
				fail, r.FailoverMode, int64(10), int64(3), "ALL", allow, r.AllowConns, g.created, g.created, int64(50), nil,
				seed, r.SeedingMode})
		}
	}
	return cols, rows, true
}

// replicaStatesView: the primary sees every replica; a secondary sees
// itself and the primary, as on SQL Server.
func (in *instance) replicaStatesView() ([]Column, [][]any, bool) {
	cols := []Column{
		col("replica_id", NVarChar, 36, false), col("group_id", NVarChar, 36, false), col("is_local", Bit, 0, true),
		col("role", Int, 0, true), col("role_desc", NVarChar, 60, true), col("operational_state", Int, 0, true),
		col("operational_state_desc", NVarChar, 60, true), col("connected_state", Int, 0, true),
		col("connected_state_desc", NVarChar, 60, true), col("recovery_health", Int, 0, true),
		col("recovery_health_desc", NVarChar, 60, true), col("synchronization_health", Int, 0, true),
		col("synchronization_health_desc", NVarChar, 60, true), col("last_connect_error_number", Int, 0, true),
		col("last_connect_error_description", NVarChar, 1024, true), col("last_connect_error_timestamp", DateTime, 0, true),
	}
	var rows [][]any
	for _, g := range in.cat.hadr.ags {
		if !g.joined {
			continue
		}
		amPrimary := strings.EqualFold(g.primary, in.opts.Name)
		if amPrimary {
			in.redefineLocked(g)
		}
		for _, r := range g.replicas {
			local := strings.EqualFold(r.Server, in.opts.Name)
			isPrimary := strings.EqualFold(r.Server, g.primary)
			if !amPrimary && !local && !isPrimary {
				continue
			}
			role, roleDesc := int64(2), "SECONDARY"
			if isPrimary {
				role, roleDesc = 1, "PRIMARY"
			}
			connected := local || linkUp(r.link) && (r.joined || !amPrimary)
			var opState, opDesc, recHealth, recDesc any
			if local {
				opState, opDesc, recHealth, recDesc = int64(2), "ONLINE", int64(1), "ONLINE"
			}
			health, healthDesc := int64(2), "HEALTHY"
			if !connected {
				health, healthDesc = 0, "NOT_HEALTHY"
			}
			var errNum, errDesc, errAt any
			if r.lastErr != 0 {
				errNum, errDesc, errAt = int64(r.lastErr), r.lastErrDesc, r.lastErrAt
			}
			rows = append(rows, []any{r.id, g.groupID, local, role, roleDesc, opState, opDesc, boolInt64(connected),
				map[bool]string{true: "CONNECTED", false: "DISCONNECTED"}[connected], recHealth, recDesc, health, healthDesc,
				errNum, errDesc, errAt})
		}
	}
	return cols, rows, true
}

func boolInt64(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// databaseReplicaStatesView: a row per group database and replica holding
// it (on the primary, every replica; on a secondary, its own copies).
func (in *instance) databaseReplicaStatesView() ([]Column, [][]any, bool) {
	cols := []Column{
		col("database_id", Int, 0, true), col("group_id", NVarChar, 36, false), col("replica_id", NVarChar, 36, false),
		col("group_database_id", NVarChar, 36, true), col("is_local", Bit, 0, true), col("is_primary_replica", Bit, 0, true),
		col("synchronization_state", Int, 0, true), col("synchronization_state_desc", NVarChar, 60, true),
		col("is_commit_participant", Bit, 0, true), col("synchronization_health", Int, 0, true),
		col("synchronization_health_desc", NVarChar, 60, true), col("database_state_desc", NVarChar, 60, true),
	}
	var rows [][]any
	for _, g := range in.cat.hadr.ags {
		if !g.joined {
			continue
		}
		amPrimary := strings.EqualFold(g.primary, in.opts.Name)
		for _, d := range in.cat.dbs {
			if !strings.EqualFold(d.st().hadrAG, g.name) {
				continue
			}
			for _, r := range g.replicas {
				local := strings.EqualFold(r.Server, in.opts.Name)
				syncAt, holds := r.dbs[d.name]
				switch {
				case local:
					syncAt, holds = time.Time{}, true
					if !amPrimary {
						syncAt = time.Now() // the secondary reports its own copy as the primary sees it
					}
				case !amPrimary:
					continue
				}
				if !holds {
					continue
				}
				up := local || linkUp(r.link)
				state, desc := int64(1), "SYNCHRONIZING"
				switch {
				case !up:
					state, desc = 0, "NOT SYNCHRONIZING"
				case r.AvailMode == "SYNCHRONOUS_COMMIT" && !time.Now().Before(syncAt):
					state, desc = 2, "SYNCHRONIZED"
				}
				health, hdesc := int64(2), "HEALTHY"
				if state == 0 {
					health, hdesc = 0, "NOT_HEALTHY"
				}
				var dbID any
				if local {
					dbID = int64(d.id)
				}
				rows = append(rows, []any{dbID, g.groupID, r.id, d.st().family, local, strings.EqualFold(r.Server, g.primary),
					state, desc, r.AvailMode == "SYNCHRONOUS_COMMIT" && state == 2, health, hdesc, "ONLINE"})
			}
		}
	}
	return cols, rows, true
}

// redefineLocked starts one attempt (at most one a second, bounded by the
// transport's timeout) to reach the secondaries the primary has no link to,
// as a primary keeps retrying on SQL Server; reading the replica states
// drives it, so nothing runs in the background. mu is held.
func (in *instance) redefineLocked(g *availabilityGroup) {
	if g.defining || time.Since(g.lastDefine) < reconnectEvery || in.opts.MirrorNet == nil {
		return
	}
	down := false
	for _, r := range g.replicas {
		if !strings.EqualFold(r.Server, in.opts.Name) && !linkUp(r.link) {
			down = true
		}
	}
	if !down {
		return
	}
	g.defining, g.lastDefine = true, time.Now()
	go func() {
		in.defineOnSecondaries(g)
		in.locked(func() { g.defining = false })
	}()
}
