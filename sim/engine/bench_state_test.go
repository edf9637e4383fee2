package engine

import (
	"os"
	"regexp"
	"testing"
)

// The batches in testdata/bench were captured from a 9-replica `mirrorcert
// apply` against `mirrorcert sim` (sim imports nothing of the product, so
// they cannot be generated here), with the generated passwords replaced:
// the state read the session sends at connect (steps/tsql StateQuery), and
// HOST_B's outbound and inbound batches, each with that state read
// appended. The inbound one creates a login, user, certificate FROM BINARY
// and endpoint GRANT for each of 8 peers: 32 statements.
func benchBatch(tb testing.TB, name string) string {
	tb.Helper()
	b, err := os.ReadFile("testdata/bench/" + name)
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

// peerNames are the inbound batch's peers, for undoing it between runs.
func peerNames(tb testing.TB, inbound string) []string {
	var names []string
	for _, m := range regexp.MustCompile(`CREATE LOGIN \[(\w+)_login\]`).FindAllStringSubmatch(inbound, -1) {
		names = append(names, m[1])
	}
	if len(names) != 8 {
		tb.Fatalf("inbound batch has %d peers, want 8", len(names))
	}
	return names
}

// undoInbound drops what the inbound batch created, so it can run again.
func undoInbound(tb testing.TB, s Session, peers []string) {
	tb.Helper()
	sql := ""
	for _, p := range peers {
		sql += "DROP CERTIFICATE [" + p + "_cert]; DROP USER [" + p + "_user]; DROP LOGIN [" + p + "_login];\n"
	}
	run(tb, s, sql)
}

// hostBWithPeers is HOST_B after the outbound and inbound batches of a
// 9-replica apply: 8 peers' logins, users, certificates and grants.
func hostBWithPeers(tb testing.TB) Session {
	tb.Helper()
	_, s := saSession(tb, "HOST_B")
	run(tb, s, benchBatch(tb, "outbound_host_b.sql"))
	run(tb, s, benchBatch(tb, "inbound_host_b.sql"))
	return s
}

// BenchmarkStateQuery9Peers is the state read on a host with 8 peers, the
// statement batch every apply batch ends with and every status sends.
func BenchmarkStateQuery9Peers(b *testing.B) {
	s := hostBWithPeers(b)
	q := benchBatch(b, "statequery.sql")
	b.ReportAllocs()
	for b.Loop() {
		if rs := results(s.ExecBatch(q)); len(rs) != 7 || len(rs[4].Rows) < 9 {
			b.Fatalf("unexpected state read: %d result sets", len(rs))
		}
	}
}

// BenchmarkInboundBatch32 runs the 32-statement inbound batch (plus its
// appended state read); what it created is dropped between runs, untimed.
func BenchmarkInboundBatch32(b *testing.B) {
	_, s := saSession(b, "HOST_B")
	run(b, s, benchBatch(b, "outbound_host_b.sql"))
	in := benchBatch(b, "inbound_host_b.sql")
	peers := peerNames(b, in)
	b.ReportAllocs()
	for b.Loop() {
		outs := s.ExecBatch(in)
		b.StopTimer()
		if errs := errorsOf(outs); len(errs) > 0 {
			b.Fatalf("inbound batch failed: %d %s", errs[0].Number, errs[0].Text)
		}
		undoInbound(b, s, peers)
		b.StartTimer()
	}
}

// BenchmarkParseStateQuery is parsing the state read alone.
func BenchmarkParseStateQuery(b *testing.B) {
	q := benchBatch(b, "statequery.sql")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := parseBatch(q); err != nil {
			b.Fatal(err.Text)
		}
	}
}

// BenchmarkParseInbound32 is parsing the inbound batch alone (18 KB, mostly
// the peers' certificates in hex).
func BenchmarkParseInbound32(b *testing.B) {
	q := benchBatch(b, "inbound_host_b.sql")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := parseBatch(q); err != nil {
			b.Fatal(err.Text)
		}
	}
}
