package steps

import (
	"strings"
	"testing"
)

// Item 12 (issue 10): the login's password is generated when the step runs;
// the checklist must not say the operator supplies it.
func TestSecretStepsSayWhereTheirPasswordComesFrom(t *testing.T) {
	p := docsPlan("inband")
	c := Build(p, map[string]*State{"HOST_A": {}, "HOST_B": {}, "HOST_W": {}}, testNow)
	login := c.Item(Ref{Host: "HOST_A", ID: InboundID("HOST_B", KindLogin)})
	if login == nil {
		t.Fatal("no login item")
	}
	if strings.Contains(login.Changes, "you supply") || !strings.Contains(login.Changes, "generated when the step runs") {
		t.Errorf("login changes: %q", login.Changes)
	}
	mk := c.Item(Ref{Host: "HOST_A", ID: IDMasterKey})
	if strings.Contains(mk.Changes, "you supply") {
		t.Errorf("master key changes: %q", mk.Changes)
	}
}
