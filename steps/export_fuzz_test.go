package steps

import (
	"strings"
	"testing"

	"github.com/mirrorcert/mirrorcert/plan"
	"github.com/mirrorcert/mirrorcert/steps/tsql"
)

// FuzzExport feeds hostile endpoint names, subjects and file directories to
// the exporter. Either it refuses, or the script is one sqlcmd can run as
// written: only our own :commands start a line, every $(VAR) is declared,
// and the name appears quoted.
func FuzzExport(f *testing.F) {
	for _, s := range []string{"]", "'", "]]", ";--", "' OR 1=1 --", "ünï", "\x00", "a\nGO\n", "$(x)", ":!! calc", "\r:setvar X 1"} {
		f.Add(s, s, s)
	}
	f.Fuzz(func(t *testing.T, endpoint, subject, dir string) {
		p := docsPlan(plan.TransferFile)
		p.Endpoint.Name, p.Certificate.Subject, p.Certificate.FileDir = endpoint, subject, dir
		if dir == "" {
			p.Certificate.FileDir = `C:\`
		}
		s, err := ExportAll(p, exportMeta)
		mangles := func(v string) bool { return strings.ContainsAny(v, "\r\n") || strings.Contains(v, "$(") }
		if err != nil {
			if !mangles(endpoint) && !mangles(subject) && !mangles(p.CertFile("HOST_A")) && !mangles(p.CertFile("HOST_B")) && !mangles(p.CertFile("HOST_W")) {
				t.Fatalf("refused harmless input: %v", err)
			}
			return
		}
		if mangles(endpoint) || mangles(subject) || mangles(dir) {
			t.Fatalf("exported input sqlcmd would mangle: %q %q %q", endpoint, subject, dir)
		}
		for _, line := range strings.Split(s, "\n") {
			if strings.HasPrefix(line, ":") && line != tsql.OnErrorExit && !strings.HasPrefix(line, ":CONNECT ") {
				t.Fatalf("line %q would be read as a sqlcmd command", line)
			}
		}
		named := namedVars(s)
		for _, m := range reVarUse.FindAllStringSubmatch(s, -1) {
			if !named[m[1]] {
				t.Fatalf("$(%s) is not named in the header", m[1])
			}
		}
		if !strings.Contains(s, "CREATE ENDPOINT "+tsql.QuoteIdent(endpoint)+"\n") {
			t.Fatal("endpoint name not quoted as expected")
		}
	})
}
