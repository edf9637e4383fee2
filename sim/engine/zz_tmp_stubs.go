package engine

func (r *runner) agStmt(st stmt) { panic(newErr(50000, "availability groups: work in progress")) }
func (r *runner) hadrStmt(d *database, st *alterDatabaseStmt) {
	panic(newErr(50000, "availability groups: work in progress"))
}
func (r *runner) mirrorStmt(d *database, st *alterDatabaseStmt) {
	panic(newErr(50000, "mirroring sessions: work in progress"))
}
