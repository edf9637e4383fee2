package session_test

import (
	"database/sql"
	"testing"

	"github.com/mirrorcert/mirrorcert/sim"
	"github.com/mirrorcert/mirrorcert/steps/tsql"
)

// setsOf runs text and counts its result sets.
func setsOf(t *testing.T, db *sql.DB, text string) int {
	t.Helper()
	rows, err := db.Query(text)
	if err != nil {
		t.Fatalf("%v\n%s", err, text)
	}
	defer rows.Close()
	n := 0
	for {
		n++
		for rows.Next() {
		}
		if !rows.NextResultSet() {
			break
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("%v\n%s", err, text)
	}
	return n
}

// verify's and start's builders, run against the simulator in the order
// start runs them: the read, the grants verify offers, the backups, the
// restores, SET PARTNER (mirror first) and WITNESS, then an availability
// group of the three instances.
func TestVerifyAndStartBuildersRunOnTheSimulator(t *testing.T) {
	cl := startSimWith(t, sim.Config{})
	if err := cl.Seed("missing-connect"); err != nil {
		t.Fatal(err)
	}
	ins := cl.Instances()
	a, b, w := saDB(t, ins[0].Addr), saDB(t, ins[1].Addr), saDB(t, ins[2].Addr)
	for _, db := range []*sql.DB{a, b, w} {
		must(t, db, tsql.Use(tsql.Master))
	}
	must(t, b, tsql.GrantConnect("Endpoint_Mirroring", "HOST_A_login").Text)

	if got, want := setsOf(t, a, tsql.StateQuery(true, nil)+tsql.VerifyQuery(24)), tsql.StateSetCount+tsql.VerifySetCount(); got != want {
		t.Fatalf("StateQuery+VerifyQuery: %d result sets, want %d (connections at %d)", got, want, tsql.VerifySetConnections())
	}
	must(t, a, "CREATE LOGIN [dba] WITH PASSWORD = N'Str0ng-Pa55word!x';")
	for _, perm := range []string{"VIEW ANY DEFINITION", "VIEW SERVER STATE"} {
		st, err := tsql.GrantServerPermission(perm, "dba")
		if err != nil {
			t.Fatal(err)
		}
		must(t, a, st.Text)
	}
	if _, err := tsql.GrantServerPermission("CONTROL SERVER", "dba"); err == nil {
		t.Fatal("GrantServerPermission grants only what verify offers")
	}

	dir := `\\fileserver\backups`
	full, logf := dir+`\Sales_full.bak`, dir+`\Sales_log.trn`
	must(t, a, tsql.SetRecoveryFull("Sales").Text)
	must(t, a, tsql.BackupDatabase("Sales", full).Text)
	must(t, a, tsql.BackupLog("Sales", logf).Text)
	var exists, isDir, parent int
	if err := b.QueryRow(tsql.FileExistsQuery([]string{full})).Scan(&exists, &isDir, &parent); err != nil || exists != 1 {
		t.Fatalf("FileExistsQuery: %v exists=%d", err, exists)
	}
	must(t, b, tsql.RestoreDatabase("Sales", full).Text)
	must(t, b, tsql.RestoreLog("Sales", logf).Text)
	url := func(i int) string { return tsql.MirroringURL(ins[i].Address, 7024) }
	must(t, b, tsql.SetPartner("Sales", url(0)).Text)
	must(t, a, tsql.SetPartner("Sales", url(1)).Text)
	must(t, a, tsql.SetWitness("Sales", url(2)).Text)
	if n := count(t, a, "SELECT COUNT(*) FROM sys.database_mirroring WHERE mirroring_role_desc = N'PRINCIPAL' AND mirroring_witness_name IS NOT NULL"); n != 1 {
		t.Fatalf("SET PARTNER/WITNESS: %d principal sessions with a witness", n)
	}

	// The witness's endpoint serves AGs only with ROLE = ALL.
	role, err := tsql.AlterEndpointRole("Endpoint_Mirroring", "ALL")
	if err != nil {
		t.Fatal(err)
	}
	must(t, w, role.Text)
	must(t, a, "CREATE DATABASE [Inventory]; ALTER DATABASE [Inventory] SET RECOVERY FULL;")
	must(t, a, tsql.BackupDatabase("Inventory", dir+`\Inventory_full.bak`).Text)
	must(t, a, tsql.CreateAG("ag1", []tsql.AGReplica{{Server: "HOST_A", URL: url(0)}, {Server: "HOST_B", URL: url(1)}, {Server: "HOST_W", URL: url(2)}}).Text)
	must(t, a, tsql.GrantCreateAnyDatabase("ag1").Text)
	for _, db := range []*sql.DB{b, w} {
		must(t, db, tsql.JoinAG("ag1").Text)
		must(t, db, tsql.GrantCreateAnyDatabase("ag1").Text)
	}
	must(t, a, tsql.AddDatabaseToAG("ag1", "Inventory").Text)
	if n := setsOf(t, a, tsql.StartQuery()); n != 3 {
		t.Fatalf("StartQuery: %d result sets, want 3", n)
	}
	if n := count(t, a, "SELECT COUNT(*) FROM sys.availability_replicas"); n != 3 {
		t.Fatalf("CreateAG: %d replicas", n)
	}
}
