package plan

import (
	"strings"
	"testing"
)

// Any "$(" in plan text would be expanded by sqlcmd in an exported script
// (a subject of "$(MASTER_KEY_PASSWORD_HOST_A)" put the password into a
// public certificate): it is a plan error naming the field and its line.
func TestSqlcmdVariableInPlanText(t *testing.T) {
	const v = "$(MASTER_KEY_PASSWORD_HOST_A)"
	cases := []struct {
		name, src, field string
		line             int
	}{
		{"host name", edit(t, "name: HOST_B", "name: \"B"+v+"\""), "hosts[1].name", 5},
		{"server", edit(t, "server: sqlb.corp.example", "server: \"sqlb"+v+"\""), "hosts[1].server", 6},
		{"address", edit(t, "    role: witness\n", "    role: witness\n    address: \"w"+v+"\"\n"), "hosts[2].address", 11},
		{"user", edit(t, "  user: sa", "  user: \"sa"+v+"\""), "auth.user", 12},
		{"host user", edit(t, "    role: witness\n", "    role: witness\n    auth: {user: \"u"+v+"\"}\n"), "hosts[2].auth.user", 11},
		{"host name in certificate", edit(t, "  user: sa\n", "  user: sa\n  host_name_in_certificate: \"h"+v+"\"\n"), "auth.host_name_in_certificate", 13},
		{"endpoint name", edit(t, "name: Endpoint_Mirroring", "name: \"E"+v+"\""), "endpoint.name", 15},
		{"subject", edit(t, "  expiry: 2029-11-30\n", "  expiry: 2029-11-30\n  subject: \""+v+"\"\n"), "certificate.subject", 20},
		{"file dir", edit(t, "  expiry: 2029-11-30\n", "  expiry: 2029-11-30\n  file_dir: \"C:\\\\"+v+"\"\n"), "certificate.file_dir", 20},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse([]byte(c.src), "plan.yaml", testNow)
			if err == nil {
				t.Fatalf("no error for\n%s", c.src)
			}
			found := false
			for _, p := range problemsOf(t, err) {
				if p.Field == c.field && p.Line == c.line && strings.Contains(p.Msg, "$(") && strings.Contains(p.Msg, "sqlcmd") {
					found = true
				}
			}
			if !found {
				t.Errorf("want a problem at %s line %d about \"$(\" and sqlcmd, got:\n%v", c.field, c.line, err)
			}
		})
	}
}

// The form builds plans in memory: Validate refuses "$(" too.
func TestValidateRefusesSqlcmdVariable(t *testing.T) {
	p, err := Parse([]byte(base), "", testNow)
	if err != nil {
		t.Fatal(err)
	}
	p.Certificate.Subject = "$(MASTER_KEY_PASSWORD_HOST_A)"
	err = Validate(p, testNow)
	if err == nil || !strings.Contains(err.Error(), "certificate.subject") || !strings.Contains(err.Error(), "$(") {
		t.Fatalf("Validate: %v", err)
	}
}
