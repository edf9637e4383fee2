package engine

// The database catalog views: sys.databases, sys.database_mirroring and
// sys.database_mirroring_witnesses, with the documented columns.

func (in *instance) databasesView() ([]Column, [][]any, bool) {
	cols := []Column{
		col("name", NVarChar, 128, false), col("database_id", Int, 0, false), col("source_database_id", Int, 0, true),
		col("owner_sid", VarBinary, 0, true), col("create_date", DateTime, 0, false), col("compatibility_level", Int, 0, false),
		col("collation_name", NVarChar, 128, true), col("user_access", Int, 0, true), col("user_access_desc", NVarChar, 60, true),
		col("is_read_only", Bit, 0, true), col("state", Int, 0, true), col("state_desc", NVarChar, 60, true),
		col("recovery_model", Int, 0, true), col("recovery_model_desc", NVarChar, 60, true),
		col("is_master_key_encrypted_by_server", Bit, 0, false), col("group_database_id", NVarChar, 36, true),
		col("replica_id", NVarChar, 36, true),
	}
	var rows [][]any
	for _, db := range in.cat.dbs {
		s := db.st()
		state := map[string]int64{"ONLINE": 0, "RESTORING": 1}[s.state]
		rec := map[string]int64{"FULL": 1, "BULK_LOGGED": 2, "SIMPLE": 3}[s.recovery]
		var groupDB, replica any
		if ag := in.cat.ag(s.hadrAG); ag != nil {
			groupDB, replica = s.family, ag.localReplicaID(in.opts.Name)
		}
		rows = append(rows, []any{db.name, int64(db.id), nil, []byte{0x01}, db.created, int64(160),
			in.opts.Collation, int64(0), "MULTI_USER", false, state, s.state, rec, s.recovery,
			db.masterKey != nil, groupDB, replica})
	}
	return cols, rows, true
}

// databaseMirroringView has a row for every database; the mirroring_*
// columns are NULL where no session exists, as on SQL Server.
func (in *instance) databaseMirroringView() ([]Column, [][]any, bool) {
	cols := []Column{
		col("database_id", Int, 0, false), col("mirroring_guid", NVarChar, 36, true), col("mirroring_state", Int, 0, true),
		col("mirroring_state_desc", NVarChar, 60, true), col("mirroring_role", Int, 0, true), col("mirroring_role_desc", NVarChar, 60, true),
		col("mirroring_role_sequence", Int, 0, true), col("mirroring_safety_level", Int, 0, true),
		col("mirroring_safety_level_desc", NVarChar, 60, true), col("mirroring_safety_sequence", Int, 0, true),
		col("mirroring_partner_name", NVarChar, 128, true), col("mirroring_partner_instance", NVarChar, 128, true),
		col("mirroring_witness_name", NVarChar, 128, true), col("mirroring_witness_state", Int, 0, true),
		col("mirroring_witness_state_desc", NVarChar, 60, true), col("mirroring_failover_lsn", BigInt, 0, true),
		col("mirroring_connection_timeout", Int, 0, true), col("mirroring_redo_queue", Int, 0, true),
		col("mirroring_redo_queue_type", NVarChar, 60, true), col("mirroring_end_of_log_lsn", BigInt, 0, true),
		col("mirroring_replication_lsn", BigInt, 0, true),
	}
	var rows [][]any
	for _, db := range in.cat.dbs {
		m := db.st().mirror
		if m == nil || !m.active {
			rows = append(rows, []any{int64(db.id), nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil})
			continue
		}
		in.reconnectLocked(db, m, false) // a DBA watching a broken session sees it come back
		state, stateDesc := m.stateNow()
		var witness, wstate, wdesc any = nil, int64(0), "UNKNOWN"
		if m.witness != "" {
			witness = m.witness
			ws := m.witnessStateNow()
			wstate, wdesc = int64(ws), [...]string{"UNKNOWN", "CONNECTED", "DISCONNECTED"}[ws]
		}
		safetyDesc := [...]string{"UNKNOWN", "OFF", "FULL"}[m.safety]
		lsn := db.st().lsn
		rows = append(rows, []any{int64(db.id), m.guid, int64(state), stateDesc, int64(m.role), [...]string{"", "PRINCIPAL", "MIRROR"}[m.role],
			int64(m.roleSeq), int64(m.safety), safetyDesc, int64(m.safetySeq), m.partner, m.partnerInstance,
			witness, wstate, wdesc, lsn, int64(m.timeout), nil, "UNLIMITED", lsn, lsn})
	}
	return cols, rows, true
}

// databaseMirroringWitnessesView is the witness's view: a row per session
// this instance is the witness of.
func (in *instance) databaseMirroringWitnessesView() ([]Column, [][]any, bool) {
	cols := []Column{
		col("database_name", NVarChar, 128, false), col("principal_server_name", NVarChar, 128, true),
		col("mirror_server_name", NVarChar, 128, true), col("safety_level", Int, 0, false),
		col("safety_level_desc", NVarChar, 60, true), col("safety_sequence_number", Int, 0, false),
		col("role_sequence_number", Int, 0, false), col("mirroring_guid", NVarChar, 36, false),
		col("family_guid", NVarChar, 36, false), col("is_suspended", Bit, 0, true),
		col("is_suspended_sequence_number", Int, 0, false), col("partner_sync_state", Int, 0, true),
		col("partner_sync_state_desc", NVarChar, 60, true),
	}
	var rows [][]any
	for _, w := range in.cat.hadr.witnessed {
		sync, syncDesc := int64(6), "UNSYNCHRONIZED"
		if w.synchronized() {
			sync, syncDesc = 5, "SYNCHRONIZED"
		}
		rows = append(rows, []any{w.database, w.principal, w.mirror, int64(w.safety), [...]string{"UNKNOWN", "OFF", "FULL"}[w.safety],
			int64(w.safetySeq), int64(w.roleSeq), w.guid, w.family, w.suspended, int64(0), sync, syncDesc})
	}
	return cols, rows, true
}
