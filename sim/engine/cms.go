package engine

import "strings"

// CMS is the content of a Central Management Server: server groups and
// registered servers, served from msdb as SQL Server does through
// dbo.sysmanagement_shared_server_groups and
// dbo.sysmanagement_shared_registered_servers. The root group of the
// Database Engine (DatabaseEngineServerGroup, id 1, no parent) always
// exists; groups given here hang below it or below each other.
type CMS struct {
	Groups  []CMSGroup
	Servers []CMSServer
}

// CMSGroup is a server group. ParentID 0 means the root group (id 1).
type CMSGroup struct {
	ID       int
	Name     string
	ParentID int
}

// CMSServer is a registered server. GroupID 0 means the root group.
type CMSServer struct {
	GroupID    int
	Name       string // the registered name SSMS shows
	ServerName string // what to connect to
}

// cmsView serves the two msdb views when the instance is a CMS. It is called
// for names outside the sys schema; ok is false for anything else.
func (in *instance) cmsView(dbName, schema, name string) ([]Column, [][]any, bool) {
	var cms *CMS
	if in.opts.CMS != nil {
		cms = in.opts.CMS()
	}
	if cms == nil || !strings.EqualFold(dbName, "msdb") || !strings.EqualFold(schema, "dbo") {
		return nil, nil, false
	}
	switch strings.ToLower(name) {
	case "sysmanagement_shared_server_groups":
		cols := []Column{
			col("server_group_id", Int, 0, false), col("name", NVarChar, 128, false), col("description", NVarChar, 2048, false),
			col("server_type", Int, 0, false), col("parent_id", Int, 0, true), col("is_system_object", Bit, 0, true),
			col("num_server_group_children", Int, 0, true), col("num_registered_server_children", Int, 0, true),
		}
		children := func(id int) (groups, servers int64) {
			for _, g := range cms.Groups {
				if parentOf(g) == id {
					groups++
				}
			}
			for _, s := range cms.Servers {
				if groupOf(s) == id {
					servers++
				}
			}
			return
		}
		g, s := children(1)
		// The three built-in roots (Database Engine, Analysis Services,
		// Reporting Services), as a fresh msdb has them.
		rows := [][]any{
			{int64(1), "DatabaseEngineServerGroup", "", int64(0), nil, true, g, s},
			{int64(2), "AnalysisServicesServerGroup", "", int64(1), nil, true, int64(0), int64(0)},
			{int64(3), "ReportingServicesServerGroup", "", int64(2), nil, true, int64(0), int64(0)},
		}
		for _, gr := range cms.Groups {
			g, s := children(gr.ID)
			rows = append(rows, []any{int64(gr.ID), gr.Name, "", int64(0), int64(parentOf(gr)), false, g, s})
		}
		return cols, rows, true
	case "sysmanagement_shared_registered_servers":
		cols := []Column{
			col("server_id", Int, 0, false), col("server_group_id", Int, 0, false), col("name", NVarChar, 128, false),
			col("server_name", NVarChar, 128, false), col("description", NVarChar, 2048, false), col("server_type", Int, 0, false),
		}
		var rows [][]any
		for i, s := range cms.Servers {
			rows = append(rows, []any{int64(i + 1), int64(groupOf(s)), s.Name, s.ServerName, "", int64(0)})
		}
		return cols, rows, true
	}
	return nil, nil, false
}

func parentOf(g CMSGroup) int {
	if g.ParentID == 0 {
		return 1
	}
	return g.ParentID
}

func groupOf(s CMSServer) int {
	if s.GroupID == 0 {
		return 1
	}
	return s.GroupID
}
