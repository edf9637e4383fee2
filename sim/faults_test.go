package sim

import (
	"strings"
	"testing"

	"github.com/mirrorcert/mirrorcert/sim/tds"
)

func TestParseFaultsErrorsNameThePart(t *testing.T) {
	cases := []struct{ spec, want string }{
		{"HOST_B", "want TARGET:ACTION"},
		{":drop-after=3", "want TARGET:ACTION"},
		{"HOST_B:drop-after=x", `drop-after needs a batch count (0 or more), got "x"`},
		{"HOST_B:drop-after=-1", "drop-after needs a batch count"},
		{"HOST_A:drop-on=CREATE", "want a regular expression between slashes"},
		{"HOST_A:drop-on=/CREATE", "not closed"},
		{"HOST_A:drop-on=/(/", "bad regular expression"},
		{"*:explode=1", `unknown action "explode=1"`},
		{"*:fail-on=/X/:error=abc", `error= needs a positive error number, got "abc"`},
		{"*:drop-on=/X/:error=15151", "error= only applies to fail-on"},
		{"*:fail-on=/X/:bogus=1", `unknown option "bogus=1"`},
		{"HOST_A:drop-after=1;HOST_B:nope", `fault rule "HOST_B:nope"`},
	}
	for _, c := range cases {
		_, err := ParseFaults(c.spec)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("ParseFaults(%q) = %v, want error containing %q", c.spec, err, c.want)
		}
	}
}

func TestFaultDecisions(t *testing.T) {
	fs, err := ParseFaults(` HOST_B:drop-after=3 ; HOST_A:drop-on=/CREATE\/ENDPOINT|CREATE ENDPOINT/;` +
		`*:fail-on=/GRANT CONNECT ON (ENDPOINT)::(\w+)/:error=15151; *:fail-on=/x:y;z/:times=1`)
	if err != nil {
		t.Fatal(err)
	}
	batch := func(seq int, sql string) tds.Request { return tds.Request{Seq: seq, Kind: tds.KindBatch, SQL: sql} }
	if _, hit := fs.decide("HOST_B", batch(3, "SELECT 1")); hit {
		t.Error("drop-after=3 fired on batch 3")
	}
	if d, hit := fs.decide("host_b", batch(4, "SELECT 1")); !hit || !d.Drop {
		t.Error("drop-after=3 did not fire on batch 4 (names are case-insensitive)")
	}
	if d, _ := fs.decide("HOST_A", batch(1, "create endpoint E")); !d.Drop {
		t.Error("drop-on did not match case-insensitively")
	}
	if _, hit := fs.decide("HOST_B", batch(1, "CREATE ENDPOINT E")); hit {
		t.Error("HOST_A's rule fired on HOST_B")
	}
	d, hit := fs.decide("HOST_W", batch(1, "GRANT CONNECT ON ENDPOINT::Endpoint_Mirroring TO [HOST_A_login];"))
	if !hit || d.Fail == nil || d.Fail.Number != 15151 || d.Fail.Class != 16 ||
		d.Fail.Text != "Cannot find the ENDPOINT 'Endpoint_Mirroring', because it does not exist or you do not have permission." {
		t.Errorf("fail-on: %+v", d.Fail)
	}
	// times=1: fires once, then never again.
	if d, hit := fs.decide("HOST_W", batch(1, "x:y;z")); !hit || d.Fail == nil || d.Fail.Number != 50000 {
		t.Errorf("times=1 first: %+v %v", d, hit)
	}
	if _, hit := fs.decide("HOST_W", batch(2, "x:y;z")); hit {
		t.Error("times=1 fired twice")
	}
	// Transaction-manager requests are not batches.
	if _, hit := fs.decide("HOST_B", tds.Request{Seq: 9, Kind: tds.KindTransMgr}); hit {
		t.Error("fault fired on a transaction-manager request")
	}
}

func TestEmptyFaultSpec(t *testing.T) {
	fs, err := ParseFaults("  ; ")
	if err != nil || len(fs.rules) != 0 {
		t.Fatalf("empty spec: %v %v", fs, err)
	}
}
