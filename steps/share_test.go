package steps

import (
	"testing"

	"github.com/mirrorcert/mirrorcert/plan"
)

func TestIsShare(t *testing.T) {
	for dir, want := range map[string]bool{
		`\\fs\certs`: true, `\\fs\certs\mirroring\`: true, `//fs/certs`: true,
		`C:\`: false, `/var/opt/mssql/data`: false, `\\fs`: false, `\\?\C:\x`: false, `\\.\pipe\x`: false, "": false,
	} {
		if got := IsShare(dir); got != want {
			t.Errorf("IsShare(%q) = %v", dir, got)
		}
	}
}

// With file_dir on a share the copy is no manual step: it is done as soon
// as the peer's backup is on the share.
func TestShareNeedsNoManualCopy(t *testing.T) {
	p := docsPlan(plan.TransferFile)
	p.Certificate.FileDir = `\\fs\certs`
	states := map[string]*State{}
	for _, h := range p.Hosts {
		s := outboundDone(p, h.Name)
		delete(s.Files, p.CertFile(h.Name)) // no backup yet
		states[h.Name] = s
	}
	c := Build(p, states, testNow)
	copyRef := Ref{"HOST_A", InboundID("HOST_B", KindCopy)}
	it := c.Item(copyRef)
	if it.Manual || it.Status != Blocked {
		t.Fatalf("before HOST_B's backup: manual=%v %s (%s)", it.Manual, it.Status, it.Detail)
	}
	states["HOST_B"].Files[p.CertFile("HOST_B")] = true
	c = Build(p, states, testNow)
	if it = c.Item(copyRef); it.Manual || it.Status != Done {
		t.Fatalf("after HOST_B's backup: manual=%v %s (%s)", it.Manual, it.Status, it.Detail)
	}
	p.Certificate.FileDir = `C:\`
	c = Build(p, states, testNow)
	if it = c.Item(copyRef); !it.Manual {
		t.Fatal("a local file_dir still needs the manual copy")
	}
}
