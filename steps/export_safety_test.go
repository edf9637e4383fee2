package steps

import (
	"regexp"
	"strings"
	"testing"

	"github.com/mirrorcert/mirrorcert/plan"
	"github.com/mirrorcert/mirrorcert/steps/tsql"
)

var (
	reVarUse = regexp.MustCompile(`\$\(([^)]*)\)`)
	// reNamed finds the variables the header's command line gives with -v.
	reNamed = regexp.MustCompile(`([A-Z0-9_]+)="<password>"`)
)

// namedVars returns the variables a script's header names on its -v line.
func namedVars(script string) map[string]bool {
	named := map[string]bool{}
	for _, line := range strings.Split(script, "\n") {
		if strings.HasPrefix(line, "--   sqlcmd ") && strings.Contains(line, " -v ") {
			for _, m := range reNamed.FindAllStringSubmatch(line, -1) {
				named[m[1]] = true
			}
		}
	}
	return named
}

// No secret is declared with :setvar (it would outrank sqlcmd -v and the
// environment); every $(VAR) a script uses is named in its header's
// command line, and every one named there is used.
func TestExportedVariablesAreDeclared(t *testing.T) {
	p := docsPlan(plan.TransferInband)
	scripts := map[string]string{}
	for _, h := range p.Hosts {
		s, err := ExportHost(p, h.Name, exportMeta)
		if err != nil {
			t.Fatal(err)
		}
		scripts[h.Name] = s
	}
	all, err := ExportAll(p, exportMeta)
	if err != nil {
		t.Fatal(err)
	}
	scripts["all"] = all
	for name, s := range scripts {
		if strings.Contains(s, "\n:setvar") {
			t.Errorf("%s declares a variable with :setvar", name)
		}
		declared := namedVars(s)
		used := map[string]bool{}
		for _, m := range reVarUse.FindAllStringSubmatch(s, -1) {
			used[m[1]] = true
			if !declared[m[1]] {
				t.Errorf("%s uses $(%s) without naming it in the header", name, m[1])
			}
		}
		for v := range declared {
			if !used[v] {
				t.Errorf("%s declares %s but never uses it", name, v)
			}
		}
		if !strings.Contains(s, "\n:on error exit\n") || strings.Count(s, "IF NOT EXISTS") < 4 {
			t.Errorf("%s lacks :on error exit or guards", name)
		}
	}
	want := `--   sqlcmd -S host_a.corp.example,1433 -U sa -Nm -i HOST_A.sql -v MASTER_KEY_PASSWORD_HOST_A="<password>" LOGIN_PASSWORD_HOST_B="<password>" LOGIN_PASSWORD_HOST_W="<password>"` + "\n"
	if !strings.Contains(scripts["HOST_A"], want) {
		t.Errorf("HOST_A.sql does not give the exact command line with its own secrets:\n%s", scripts["HOST_A"][:2000])
	}
}

// The order of all.sql: every outbound part, then the hand-over, then
// every inbound part.
func TestExportAllOrder(t *testing.T) {
	all, err := ExportAll(docsPlan(plan.TransferInband), exportMeta)
	if err != nil {
		t.Fatal(err)
	}
	last := func(s string) int { return strings.LastIndex(all, s) }
	first := func(s string) int { return strings.Index(all, s) }
	handOver := first("Part 2: certificate hand-over")
	if handOver < 0 || last("BACKUP CERTIFICATE [HOST_W_cert]") > handOver || last("CREATE ENDPOINT") > handOver ||
		first("CREATE LOGIN") < handOver || first("FROM FILE = ") < handOver {
		t.Error("all.sql is not outbound, hand-over, inbound")
	}
	if strings.Count(all, "\n:CONNECT ") != 9 || !strings.Contains(all, "\n:CONNECT host_w.corp.example,1433 -U sa\nUSE [master];\nGO\n") {
		t.Error("all.sql :CONNECT blocks wrong")
	}
	if strings.Contains(all, "FROM BINARY") {
		t.Error("an offline script cannot use FROM BINARY")
	}
}

func TestExportRefusesWhatSqlcmdWouldMangle(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(p *plan.Plan)
		all    bool // the problem only shows in all.sql
		want   string
	}{
		{"host name with $(", func(p *plan.Plan) { p.Hosts[1].Name = "B$(x)" }, false, `"$("`},
		{"endpoint name with $(", func(p *plan.Plan) { p.Endpoint.Name = "E$(PATH)" }, false, `"$("`},
		{"subject with $(", func(p *plan.Plan) { p.Certificate.Subject = "{host} $(USERNAME)" }, false, `"$("`},
		{"file dir with $(", func(p *plan.Plan) { p.Certificate.FileDir = `C:\$(x)\` }, false, `"$("`},
		{"endpoint name across lines", func(p *plan.Plan) { p.Endpoint.Name = "E\nGO\n:!! calc" }, false, "spans lines"},
		{"subject across lines", func(p *plan.Plan) { p.Certificate.Subject = "{host}\r\n:setvar X" }, false, "spans lines"},
		{"host names sharing a variable", func(p *plan.Plan) { p.Hosts[1].Name = "HOST-A" }, false, "share the sqlcmd variable"},
		{"server with a blank", func(p *plan.Plan) { p.Hosts[0].Server = "sqla -P secret" }, true, "blank"},
		{"user with $(", func(p *plan.Plan) { p.Hosts[2].Auth.User = "$(SQLCMDPASSWORD)" }, true, `"$("`},
		{"planned RC4 only", func(p *plan.Plan) { p.Endpoint.Encryption = "RC4" }, false, "RC4"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := docsPlan(plan.TransferInband)
			tc.mutate(p)
			var err error
			if tc.all {
				_, err = ExportAll(p, exportMeta)
			} else {
				_, err = ExportHost(p, p.Hosts[0].Name, exportMeta)
				if err == nil {
					_, err = ExportAll(p, exportMeta)
				}
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want one saying %q", err, tc.want)
			}
		})
	}
	if _, err := ExportHost(docsPlan(plan.TransferInband), "NOPE", exportMeta); err == nil || !strings.Contains(err.Error(), `"NOPE"`) {
		t.Errorf("unknown host: %v", err)
	}
}

// Names that are hostile to T-SQL but harmless to sqlcmd are exported,
// quoted, on one line.
func TestExportQuotesHostileNames(t *testing.T) {
	p := docsPlan(plan.TransferInband)
	p.Endpoint.Name = "E]; DROP LOGIN sa; --"
	p.Certificate.Subject = "{host}' OR 1=1 --"
	s, err := ExportHost(p, "HOST_A", exportMeta)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"CREATE ENDPOINT " + tsql.QuoteIdent(p.Endpoint.Name) + "\n",
		"GRANT CONNECT ON ENDPOINT::[E]]; DROP LOGIN sa; --] TO [HOST_B_login];",
		"WITH SUBJECT = N'HOST_A'' OR 1=1 --',",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("script lacks %q", want)
		}
	}
}
