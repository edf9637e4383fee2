package clients

import (
	"testing"
	"time"

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
