package engine

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"
)

// The replicas' side of availability-group messages (ag_stmt.go sends
// them). Handlers never hold the catalog lock across a Connect or a Call.

// agDB is a database the primary offers for automatic seeding.
type agDB struct {
	Name, Family, Recovery string
	LSN                    int64
}

func (in *instance) agMessage(c *MirrorConn, m MirrorMessage) MirrorMessage {
	reply := MirrorMessage{Kind: m.Kind, Database: m.Database}
	var g *availabilityGroup
	in.locked(func() { g = in.cat.ag(m.Database) })
	if m.Kind == "AG DEFINE" {
		return in.onAGDefine(m, g)
	}
	if g == nil {
		reply.Error = 35250
		return reply
	}
	switch m.Kind {
	case "AG JOIN":
		return in.onAGJoin(m, g)
	case "AG DATABASES":
		reply.Args = map[string]string{"dbs": in.offerDatabases(g, c.Peer)}
	case "AG SEED":
		reply.Args = map[string]string{"seeded": strings.Join(in.seedDatabases(g, m.Args["dbs"]), ",")}
	case "AG SEED DONE":
		in.markSeeded(g, c.Peer, m.Args["seeded"])
	case "AG DBJOIN":
		reply.Error = in.onAGDBJoin(m, g)
	default:
		reply.Error = 35250
	}
	return reply
}

// onAGDefine stores the primary's definition on a secondary until JOIN.
func (in *instance) onAGDefine(m MirrorMessage, g *availabilityGroup) MirrorMessage {
	reply := MirrorMessage{Kind: m.Kind, Database: m.Database}
	var reps []agReplicaJSON
	if err := json.Unmarshal([]byte(m.Args["replicas"]), &reps); err != nil {
		reply.Error = 35250
		return reply
	}
	in.locked(func() {
		sameGroup := g != nil && g.groupID == m.Args["group_id"]
		switch {
		case sameGroup && g.joined:
			return // the primary reconnecting to a member
		case g != nil && g.joined:
			reply.Error = 35209 // another group of that name is joined here
			return
		}
		var replicas []*agReplica
		for _, r := range reps {
			replicas = append(replicas, &agReplica{agReplicaSpec: r.Spec, id: r.ID, dbs: map[string]time.Time{}})
		}
		if sameGroup {
			// Update in place: a JOIN may be using this definition now.
			g.replicas, g.primary = replicas, m.Args["primary"]
			return
		}
		ng := &availabilityGroup{name: m.Database, groupID: m.Args["group_id"], clusterType: m.Args["cluster_type"],
			primary: m.Args["primary"], created: in.now(), replicas: replicas}
		in.cat.hadr.ags = append(without(in.cat.hadr.ags, func(o *availabilityGroup) bool { return o == g }), ng)
	})
	return reply
}

// onAGJoin is the primary learning that a secondary joined; it makes sure
// it has its own link to that secondary.
func (in *instance) onAGJoin(m MirrorMessage, g *availabilityGroup) MirrorMessage {
	reply := MirrorMessage{Kind: m.Kind, Database: m.Database}
	var rep *agReplica
	in.locked(func() {
		if strings.EqualFold(g.primary, in.opts.Name) {
			rep = g.replica(m.Args["server"])
		}
	})
	if rep == nil {
		reply.Error = 35250
		return reply
	}
	in.defineOnSecondaries(g) // reconnects a secondary that was unreachable at CREATE
	in.locked(func() {
		if linkUp(rep.link) {
			rep.joined = true
		} else {
			reply.Error = 35250
		}
	})
	return reply
}

// offerDatabases lists the group's databases for a secondary with
// automatic seeding.
func (in *instance) offerDatabases(g *availabilityGroup, peer string) string {
	var dbs []agDB
	in.locked(func() {
		rep := g.replica(peer)
		if rep == nil || rep.SeedingMode != "AUTOMATIC" {
			return
		}
		for _, name := range g.databases {
			if d := in.cat.db(name); d != nil {
				s := d.st()
				dbs = append(dbs, agDB{Name: d.name, Family: s.family, Recovery: s.recovery, LSN: s.lsn})
			}
		}
	})
	b, _ := json.Marshal(dbs)
	return string(b)
}

// seedFromPrimary asks the primary for the group's databases and creates
// them here (automatic seeding needs GRANT CREATE ANY DATABASE here).
func (in *instance) seedFromPrimary(g *availabilityGroup) {
	var link MirrorLink
	in.locked(func() {
		if p := g.replica(g.primary); p != nil && g.joined && g.createDB {
			link = p.link
		}
	})
	if link == nil {
		return
	}
	reply, err := tell(link, "AG DATABASES", g.name, nil)
	if err != nil || reply.Error != 0 {
		return
	}
	seeded := in.seedDatabases(g, reply.Args["dbs"])
	if len(seeded) > 0 {
		_, _ = tell(link, "AG SEED DONE", g.name, map[string]string{"seeded": strings.Join(seeded, ",")})
	}
}

// seedDatabases creates the offered databases that are missing here.
func (in *instance) seedDatabases(g *availabilityGroup, list string) []string {
	var dbs []agDB
	if err := json.Unmarshal([]byte(list), &dbs); err != nil {
		return nil
	}
	var seeded []string
	in.locked(func() {
		if !g.joined || !g.createDB {
			return
		}
		for _, x := range dbs {
			if in.cat.db(x.Name) != nil {
				continue
			}
			d := in.addDatabaseLocked(x.Name, x.Recovery)
			s := d.st()
			s.family, s.lsn, s.chainStart, s.state = x.Family, x.LSN, x.LSN, "RESTORING"
			in.joinAGDatabaseLocked(g, d)
			seeded = append(seeded, d.name)
		}
	})
	return seeded
}

// onAGDBJoin is the primary checking a manually seeded secondary copy.
func (in *instance) onAGDBJoin(m MirrorMessage, g *availabilityGroup) int32 {
	lsn, _ := strconv.ParseInt(m.Args["lsn"], 10, 64)
	var errNum int32
	in.locked(func() {
		d := in.cat.db(m.Args["db"])
		rep := g.replica(m.Args["server"])
		switch {
		case d == nil || rep == nil || !strings.EqualFold(d.st().hadrAG, g.name):
			errNum = 35242
		case d.st().family != m.Args["family"] || lsn < d.st().chainStart || lsn > d.st().lsn:
			errNum = 1478
		default:
			rep.dbs[d.name] = time.Now().Add(mirrorSyncDelay)
		}
	})
	return errNum
}

// markSeeded records, on the primary, the databases a secondary seeded.
func (in *instance) markSeeded(g *availabilityGroup, server, names string) {
	in.locked(func() {
		rep := g.replica(server)
		if rep == nil || names == "" {
			return
		}
		for _, n := range strings.Split(names, ",") {
			rep.dbs[n] = time.Now().Add(mirrorSyncDelay)
		}
	})
}
