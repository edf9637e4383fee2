package steps

import (
	"testing"
	"unsafe"

	"github.com/mirrorcert/mirrorcert/plan"
)

// TestFromBinaryEncodedOncePerBuild: every host installs the same copy of
// a peer's certificate, so its hex text is made once per Build and shared,
// not once per host and peer (n-1 times per certificate).
func TestFromBinaryEncodedOncePerBuild(t *testing.T) {
	p := docsPlan(plan.TransferInband)
	s := map[string]*State{}
	for _, h := range p.Hosts {
		s[h.Name] = outboundDone(p, h.Name)
	}
	c := Build(p, s, testNow)
	b := c.Item(Ref{"HOST_B", InboundID("HOST_A", KindCertificate)})
	w := c.Item(Ref{"HOST_W", InboundID("HOST_A", KindCertificate)})
	if len(b.Statements) != 1 || len(w.Statements) != 1 || b.Statements[0].Text != w.Statements[0].Text {
		t.Fatalf("statements differ: %+v / %+v", b.Statements, w.Statements)
	}
	if unsafe.StringData(b.Statements[0].Text) != unsafe.StringData(w.Statements[0].Text) {
		t.Error("HOST_A's certificate was encoded once per host")
	}
	b.Statements = append(b.Statements, b.Statements[0])
	if len(w.Statements) != 1 {
		t.Error("items share a statements array a caller can append to")
	}
}
