package clients

import (
	"database/sql"
	"fmt"
	"testing"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/mirrorcert/mirrorcert/sim"
)

// catalogQuery is the kind of state read the product makes: the endpoint
// row, over loopback, through the real driver.
const catalogQuery = "SELECT name, role_desc, state_desc, connection_auth_desc, encryption_algorithm_desc FROM sys.database_mirroring_endpoints;"

// BenchmarkCatalogQuery reports the round-trip time of one catalog query
// on an open encrypted connection.
func BenchmarkCatalogQuery(b *testing.B) {
	benchQuery(b, 0)
}

// BenchmarkCatalogQueryLatency is the same with --latency 2ms, showing the
// injected delay dominates.
func BenchmarkCatalogQueryLatency(b *testing.B) {
	benchQuery(b, 2*time.Millisecond)
}

func benchQuery(b *testing.B, latency time.Duration) {
	c := startCluster(b, sim.Config{Names: []string{"HOST_A"}, Latency: latency})
	db := c.open(b, "HOST_A", "encrypt=true&trustservercertificate=true")
	db.SetMaxOpenConns(1)
	if _, err := db.Exec("CREATE ENDPOINT Endpoint_Mirroring STATE = STARTED AS TCP ( LISTENER_PORT = 7024 ) FOR DATABASE_MIRRORING ( AUTHENTICATION = WINDOWS NEGOTIATE, ROLE = ALL );"); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		var name, role, state, auth, alg string
		if err := db.QueryRow(catalogQuery).Scan(&name, &role, &state, &auth, &alg); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkNineReplicas reads the endpoint row from nine instances at once
// (an availability group's maximum), one connection each, as the product
// refreshes every host concurrently.
func BenchmarkNineReplicas(b *testing.B) {
	names := make([]string, 9)
	for i := range names {
		names[i] = fmt.Sprintf("REPLICA_%d", i+1)
	}
	c := startCluster(b, sim.Config{Names: names})
	dbs := make([]*sql.DB, len(names))
	for i, n := range names {
		dbs[i] = c.open(b, n, "encrypt=true&trustservercertificate=true")
		if err := dbs[i].Ping(); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for b.Loop() {
		var g errgroup.Group
		for _, db := range dbs {
			g.Go(func() error {
				rows, err := db.Query(catalogQuery)
				if err != nil {
					return err
				}
				defer rows.Close()
				for rows.Next() {
				}
				return rows.Err()
			})
		}
		if err := g.Wait(); err != nil {
			b.Fatal(err)
		}
	}
}
