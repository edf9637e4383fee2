package engine

import "testing"

// BenchmarkCatalogSelect measures the state query's heaviest statement, a
// three-view join, in-process.
func BenchmarkCatalogSelect(b *testing.B) {
	_, s := saSession(b, "HOST_A")
	outbound(b, s, "HOST_A")
	const q = "SELECT e.name, e.endpoint_id, e.state_desc, e.role_desc, e.connection_auth_desc, c.name AS cert_name, e.is_encryption_enabled, e.encryption_algorithm_desc, t.port FROM master.sys.database_mirroring_endpoints AS e JOIN master.sys.tcp_endpoints AS t ON t.endpoint_id = e.endpoint_id LEFT JOIN master.sys.certificates AS c ON c.certificate_id = e.certificate_id;"
	b.ReportAllocs()
	for b.Loop() {
		if outs := s.ExecBatch(q); len(outs) != 1 || outs[0].Result == nil || len(outs[0].Result.Rows) != 1 {
			b.Fatal("unexpected result")
		}
	}
}

// BenchmarkCertificatesSelect reads sys.certificates with CERTENCODED.
func BenchmarkCertificatesSelect(b *testing.B) {
	_, s := saSession(b, "HOST_A")
	outbound(b, s, "HOST_A")
	const q = "SELECT c.name, c.certificate_id, dp.name AS owner, c.pvt_key_encryption_type, c.subject, c.start_date, c.expiry_date, c.thumbprint, CERTENCODED(c.certificate_id) AS encoded FROM master.sys.certificates AS c LEFT JOIN master.sys.database_principals AS dp ON dp.principal_id = c.principal_id WHERE c.name NOT LIKE '##%';"
	b.ReportAllocs()
	for b.Loop() {
		s.ExecBatch(q)
	}
}

// BenchmarkParse measures parsing alone.
func BenchmarkParse(b *testing.B) {
	const q = "IF NOT EXISTS (SELECT 1 FROM master.sys.symmetric_keys WHERE name = '##MS_DatabaseMasterKey##') CREATE MASTER KEY ENCRYPTION BY PASSWORD = 'x'; CREATE ENDPOINT Endpoint_Mirroring STATE = STARTED AS TCP ( LISTENER_PORT = 7024, LISTENER_IP = ALL ) FOR DATABASE_MIRRORING ( AUTHENTICATION = CERTIFICATE HOST_A_cert, ENCRYPTION = REQUIRED ALGORITHM AES, ROLE = ALL );"
	for b.Loop() {
		if _, err := parseBatch(q); err != nil {
			b.Fatal(err.Text)
		}
	}
}
