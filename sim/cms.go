package sim

import "github.com/mirrorcert/mirrorcert/sim/engine"

// CMSGroup is the server group under which a simulated Central Management
// Server registers the cluster's other instances.
const CMSGroup = "Mirroring"

// registeredServers is what the first instance serves as a Central
// Management Server: every other instance, in one group. A CMS cannot
// register itself (SSMS refuses), so the first instance is left out.
func registeredServers(insts []Info) *engine.CMS {
	cms := &engine.CMS{Groups: []engine.CMSGroup{{ID: 4, Name: CMSGroup}}}
	for _, in := range insts[1:] {
		cms.Servers = append(cms.Servers, engine.CMSServer{GroupID: 4, Name: in.Name, ServerName: in.Addr})
	}
	return cms
}
