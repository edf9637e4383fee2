package engine

import "testing"

func TestCMSViews(t *testing.T) {
	cms := &CMS{
		Groups:  []CMSGroup{{ID: 4, Name: "Prod"}, {ID: 5, Name: "East", ParentID: 4}},
		Servers: []CMSServer{{GroupID: 5, Name: "east1", ServerName: "sql1,1433"}, {Name: "rootsrv", ServerName: "sql2"}},
	}
	in, err := New(Options{Name: "CMS", SAPassword: testSAPassword, FileRoot: t.TempDir(), Now: testNow, CMS: func() *CMS { return cms }})
	if err != nil {
		t.Fatal(err)
	}
	s := in.NewSession("sa")
	outs := s.ExecBatch("SELECT s.name, s.server_name, g.name, g.parent_id FROM msdb.dbo.sysmanagement_shared_registered_servers AS s " +
		"JOIN msdb.dbo.sysmanagement_shared_server_groups AS g ON g.server_group_id = s.server_group_id ORDER BY s.server_id")
	if errs := errorsOf(outs); len(errs) > 0 {
		t.Fatalf("errors: %+v", errs)
	}
	if got := render(results(outs)[0]); got != "east1,sql1,1433,East,4;rootsrv,sql2,DatabaseEngineServerGroup,NULL" {
		t.Fatalf("rows = %q", got)
	}
	// From msdb itself, two-part names resolve too.
	outs = s.ExecBatch("USE msdb; SELECT COUNT(*) FROM dbo.sysmanagement_shared_server_groups WHERE server_type = 0")
	if got := render(results(outs)[0]); got != "3" {
		t.Fatalf("Database Engine groups = %q, want the root and two", got)
	}

	// An instance that is not a CMS has no such view: 208, as a server
	// without the feature's objects would answer.
	plain := newInstance(t, "PLAIN").NewSession("sa")
	errs := errorsOf(plain.ExecBatch("SELECT * FROM msdb.dbo.sysmanagement_shared_registered_servers"))
	if len(errs) != 1 || errs[0].Number != 208 {
		t.Fatalf("errors = %+v, want 208", errs)
	}
}
