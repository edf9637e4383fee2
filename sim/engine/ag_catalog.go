package engine

import (
	"strings"
	"time"
)

// hadrCatalog is an instance's high-availability state beyond single
// databases: its availability groups, and the mirroring sessions it is the
// witness of.
type hadrCatalog struct {
	ags       []*availabilityGroup
	witnessed []*witnessed
}

// availabilityGroup is a CLUSTER_TYPE = NONE group as one replica knows it.
// The primary creates it; a secondary first receives the definition from
// the primary over the endpoints, and is a member once it has JOINed.
type availabilityGroup struct {
	name        string
	groupID     string
	clusterType string
	replicas    []*agReplica
	primary     string // server name of the primary replica
	joined      bool   // the primary always; a secondary after JOIN
	createDB    bool   // GRANT CREATE ANY DATABASE (automatic seeding)
	databases   []string
	created     time.Time
	// On the primary: an attempt to reach the unreachable secondaries is
	// running (defining), and when the last one started (ag_views.go).
	defining   bool
	lastDefine time.Time
}

type agReplica struct {
	agReplicaSpec
	id string
	// The primary's view of a secondary: its outbound link, whether the
	// secondary has joined, and the last failed connection attempt.
	link        MirrorLink
	joined      bool
	lastErr     int32
	lastErrDesc string
	lastErrAt   time.Time
	// dbs: on the primary, the group's databases this secondary holds,
	// with the time each is caught up (SYNCHRONIZED from then on when the
	// replica commits synchronously).
	dbs map[string]time.Time
}

func (c *catalog) ag(name string) *availabilityGroup {
	if name == "" {
		return nil
	}
	return find(c.hadr.ags, func(g *availabilityGroup) bool { return strings.EqualFold(g.name, name) })
}

func (g *availabilityGroup) replica(server string) *agReplica {
	return find(g.replicas, func(r *agReplica) bool { return strings.EqualFold(r.Server, server) })
}

// localReplicaID is the replica_id of this instance in the group.
func (g *availabilityGroup) localReplicaID(server string) any {
	if r := g.replica(server); r != nil {
		return r.id
	}
	return nil
}
