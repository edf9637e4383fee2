package engine

import (
	"encoding/json"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Availability groups with CLUSTER_TYPE = NONE: the statements on this
// instance. The replicas talk over the mirroring endpoints (MirrorLinks);
// ag_peer.go answers the other side. The catalog lock is never held across
// a Connect or a Call.

const (
	txtAGNoCluster = "Could not process the operation. Always On Availability Groups replica manager is waiting for the host computer to start a Windows Server Failover Clustering (WSFC) cluster and join it. Either the local computer is not a cluster node, or the local cluster node is not online. If the computer is a cluster node, wait for it to join the cluster. If the computer is not a cluster node, add the computer to a WSFC cluster. Then, retry the operation."
	txtAGExists    = "The availability group '%s' already exists. This error could be caused by a previous failed CREATE AVAILABILITY GROUP or DROP AVAILABILITY GROUP operation. If the availability group name you specified is correct, try dropping the availability group and then retry CREATE AVAILABILITY GROUP operation."
	txtAGNotLocal  = "None of the specified replicas for availability group %s maps to the instance of SQL Server to which you are connected. Reenter the command, specifying this server instance to host one of the replicas. This replica will be the initial primary replica."
	txtAGMissing   = "Cannot find resource of the availability group '%s' because the availability group does not exist on this instance, or you do not have permission."
	txtAGNoPrimary = "The connection to the primary replica is not active.  The command cannot be processed."
	txtAGNotPrim   = "The operation is not supported on secondary replica of availability group '%s'."
	txtAGDBNotFull = "Database '%s' cannot be added to availability group '%s'. The database is not in FULL recovery model or has no full database backup. Set the recovery model to FULL and back up the database, then retry the operation."
	txtAGNotJoined = "Cannot complete this ALTER DATABASE SET HADR operation on database '%s'. The database is not joined to an availability group. After the database has joined the availability group, retry the command."
	txtAGDBJoin    = "The mirror database, \"%s\", has insufficient transaction log data to preserve the log backup chain of the principal database. This may happen if a log backup from the principal database has not been taken or has not been restored on the mirror database."
)

// agReplicaJSON carries a replica's definition to the secondaries.
type agReplicaJSON struct {
	Spec agReplicaSpec
	ID   string
}

func (r *runner) agStmt(st stmt) {
	switch st := st.(type) {
	case *createAGStmt:
		r.createAG(st)
	case *alterAGStmt:
		r.alterAG(st)
	case *dropAGStmt:
		r.dropAG(st)
	}
}

func (r *runner) createAG(st *createAGStmt) {
	in := r.s.inst
	if st.ClusterType == "WSFC" {
		panic(newErr(35220, txtAGNoCluster))
	}
	g := &availabilityGroup{name: st.Name, groupID: sessionGUID(), clusterType: st.ClusterType, primary: in.opts.Name,
		joined: true, created: in.now(), lastDefine: time.Now()}
	for _, spec := range st.Replicas {
		g.replicas = append(g.replicas, &agReplica{agReplicaSpec: spec, id: sessionGUID(), dbs: map[string]time.Time{}})
	}
	in.locked(func() {
		if in.cat.ag(st.Name) != nil {
			panic(newErr(35209, txtAGExists, st.Name))
		}
		if g.replica(in.opts.Name) == nil {
			panic(newErr(35237, txtAGNotLocal, st.Name))
		}
		for _, name := range st.Databases {
			d := in.cat.db(name)
			if d == nil {
				panic(newErr(911, txtNoDatabase, name))
			}
			if d.st().recovery != "FULL" || d.st().chainStart == 0 {
				panic(newErr(35239, txtAGDBNotFull, d.name, st.Name))
			}
		}
		for _, name := range st.Databases {
			d := in.cat.db(name)
			d.st().hadrAG = g.name
			g.databases = append(g.databases, d.name)
		}
		in.cat.hadr.ags = append(in.cat.hadr.ags, g)
	})
	in.defineOnSecondaries(g)
}

// defineOnSecondaries connects to every secondary that has no live link
// and hands it the group's definition; failures are kept for
// sys.dm_hadr_availability_replica_states.
func (in *instance) defineOnSecondaries(g *availabilityGroup) {
	var replicas []agReplicaJSON
	var todo []*agReplica
	var primaryURL string
	in.locked(func() {
		for _, rep := range g.replicas {
			replicas = append(replicas, agReplicaJSON{Spec: rep.agReplicaSpec, ID: rep.id})
			if strings.EqualFold(rep.Server, in.opts.Name) {
				primaryURL = rep.URL
			} else if !linkUp(rep.link) {
				todo = append(todo, rep)
			}
		}
	})
	def, _ := json.Marshal(replicas)
	args := map[string]string{"group_id": g.groupID, "primary": in.opts.Name, "primary_url": primaryURL,
		"replicas": string(def), "cluster_type": g.clusterType}
	var wg sync.WaitGroup
	for _, rep := range todo {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx, cancel := mirrorCtx()
			defer cancel()
			link, err := in.mirrorConnect(ctx, rep.URL)
			var reply MirrorMessage
			if err == nil {
				reply, err = link.Call(ctx, MirrorMessage{Kind: "AG DEFINE", Database: g.name, Args: args})
				if err == nil && reply.Error != 0 {
					link.Close()
				}
			}
			var extra MirrorLink
			in.locked(func() {
				if err != nil {
					num, desc := connectErrorOf(err)
					rep.lastErr, rep.lastErrDesc, rep.lastErrAt = num, desc, in.now()
					return
				}
				switch {
				case reply.Error != 0:
				case linkUp(rep.link):
					extra = link // another attempt got there first
				default:
					rep.link = link
				}
			})
			if extra != nil {
				extra.Close()
			}
		}()
	}
	wg.Wait()
}

// connectErrorOf words a failed connection as last_connect_error_* do.
func connectErrorOf(err error) (int32, string) {
	me, ok := err.(*MirrorError)
	if !ok {
		return 1418, err.Error()
	}
	switch me.Kind {
	case MirrorUnknownHost:
		return 11001, "DNS Lookup failed with error '11001(No such host is known)'"
	case MirrorRefused:
		return 10061, "Connection attempt failed with error: '10061(No connection could be made because the target machine actively refused it.)'."
	case MirrorTimedOut:
		return 10060, "Connection attempt failed with error: '10060(A connection attempt failed because the connected party did not properly respond after a period of time, or established connection failed because connected host has failed to respond.)'."
	case MirrorLocal:
		return 28055, "The endpoint of this instance cannot connect: " + me.Detail
	}
	return 10054, "An error occurred while receiving data: '10054(An existing connection was forcibly closed by the remote host.)'."
}

func (r *runner) alterAG(st *alterAGStmt) {
	in := r.s.inst
	var g *availabilityGroup
	in.locked(func() { g = in.cat.ag(st.Name) })
	if g == nil {
		panic(newErr(15151, txtAGMissing, st.Name))
	}
	isPrimary := strings.EqualFold(g.primary, in.opts.Name)
	switch st.Op {
	case "JOIN":
		if isPrimary || g.joined {
			panic(newErr(41106, "Cannot join availability group '%s'. The local availability replica is already joined to it.", g.name))
		}
		if st.ClusterType != "" && st.ClusterType != g.clusterType {
			panic(newErr(47104, "This operation cannot be performed on the availability group '%s' because it has a different cluster type ('%s').", g.name, strings.ToLower(g.clusterType)))
		}
		in.joinAG(g)
	case "GRANT", "DENY":
		in.locked(func() { g.createDB = st.Op == "GRANT" })
		if st.Op == "GRANT" && !isPrimary {
			in.seedFromPrimary(g)
		}
	case "ADD DATABASE":
		if !isPrimary {
			panic(newErr(41190, txtAGNotPrim, g.name))
		}
		in.addAGDatabase(g, st.Database)
	case "REMOVE DATABASE":
		in.locked(func() {
			if d := in.cat.db(st.Database); d != nil && strings.EqualFold(d.st().hadrAG, g.name) {
				d.st().hadrAG = ""
			}
			g.databases = without(g.databases, func(n string) bool { return strings.EqualFold(n, st.Database) })
		})
	}
}

// joinAG is a secondary's JOIN: reach the primary and tell it.
func (in *instance) joinAG(g *availabilityGroup) {
	var url string
	in.locked(func() {
		if p := g.replica(g.primary); p != nil {
			url = p.URL
		}
	})
	ctx, cancel := mirrorCtx()
	defer cancel()
	link, err := in.mirrorConnect(ctx, url)
	if err != nil {
		panic(newErr(35250, txtAGNoPrimary))
	}
	reply, err := link.Call(ctx, MirrorMessage{Kind: "AG JOIN", Database: g.name, Args: map[string]string{"server": in.opts.Name}})
	if err != nil || reply.Error != 0 {
		link.Close()
		panic(newErr(35250, txtAGNoPrimary))
	}
	in.locked(func() {
		g.joined = true
		if p := g.replica(g.primary); p != nil {
			p.link = link
		}
	})
	if g.createDB {
		in.seedFromPrimary(g)
	}
}

// addAGDatabase is the primary's ADD DATABASE: automatic seeding creates
// the database on every joined secondary that granted CREATE ANY DATABASE.
func (in *instance) addAGDatabase(g *availabilityGroup, name string) {
	in.locked(func() {
		d := in.cat.db(name)
		if d == nil {
			panic(newErr(911, txtNoDatabase, name))
		}
		if d.st().recovery != "FULL" || d.st().chainStart == 0 {
			panic(newErr(35239, txtAGDBNotFull, d.name, g.name))
		}
		d.st().hadrAG = g.name
		g.databases = append(without(g.databases, func(n string) bool { return strings.EqualFold(n, d.name) }), d.name)
	})
	in.seedSecondaries(g)
}

// seedSecondaries offers the group's databases to every joined secondary.
func (in *instance) seedSecondaries(g *availabilityGroup) {
	var reps []*agReplica
	in.locked(func() {
		for _, rep := range g.replicas {
			if rep.joined && linkUp(rep.link) {
				reps = append(reps, rep)
			}
		}
	})
	for _, rep := range reps {
		reply, err := tell(rep.link, "AG SEED", g.name, map[string]string{"dbs": in.offerDatabases(g, rep.Server)})
		if err == nil && reply.Error == 0 {
			in.markSeeded(g, rep.Server, reply.Args["seeded"])
		}
	}
}

// dropAG removes the group from this replica only, as on SQL Server with
// CLUSTER_TYPE = NONE; its databases leave the group.
func (r *runner) dropAG(st *dropAGStmt) {
	in := r.s.inst
	var links []MirrorLink
	in.locked(func() {
		g := in.cat.ag(st.Name)
		if g == nil {
			panic(newErr(15151, txtAGMissing, st.Name))
		}
		for _, d := range in.cat.dbs {
			if strings.EqualFold(d.st().hadrAG, g.name) {
				d.st().hadrAG = ""
			}
		}
		for _, rep := range g.replicas {
			if rep.link != nil {
				links = append(links, rep.link)
			}
		}
		in.cat.hadr.ags = without(in.cat.hadr.ags, func(o *availabilityGroup) bool { return o == g })
	})
	for _, l := range links {
		l.Close()
	}
}

// hadrStmt is ALTER DATABASE ... SET HADR on a secondary (manual seeding):
// the restored copy joins the group once the primary accepts its log.
func (r *runner) hadrStmt(d *database, st *alterDatabaseStmt) {
	in := r.s.inst
	if st.Value != "AVAILABILITY" {
		in.locked(func() {
			if d.st().hadrAG == "" {
				panic(newErr(35242, txtAGNotJoined, d.name))
			}
			if st.Value == "OFF" {
				d.st().hadrAG = ""
			}
		})
		return
	}
	var g *availabilityGroup
	var link MirrorLink
	var args map[string]string
	in.locked(func() {
		g = in.cat.ag(st.Arg)
		if g == nil || !g.joined {
			panic(newErr(15151, txtAGMissing, st.Arg))
		}
		if p := g.replica(g.primary); p != nil {
			link = p.link
		}
		s := d.st()
		if s.state != "RESTORING" {
			panic(newErr(1419, "%s", strings.Replace(mirrorText(1419), "%s", d.name, 1)))
		}
		args = map[string]string{"server": in.opts.Name, "db": d.name, "family": s.family, "lsn": strconv.FormatInt(s.lsn, 10)}
	})
	reply, err := tell(link, "AG DBJOIN", g.name, args)
	switch {
	case err != nil || reply.Error == 35250:
		panic(newErr(35250, txtAGNoPrimary))
	case reply.Error == 35242:
		panic(newErr(35242, txtAGNotJoined, d.name))
	case reply.Error != 0:
		panic(newErr(reply.Error, txtAGDBJoin, d.name))
	}
	in.locked(func() { in.joinAGDatabaseLocked(g, d) })
}

// joinAGDatabaseLocked makes d a secondary database of g; mu held.
// Readable secondaries are ONLINE, others stay RESTORING.
func (in *instance) joinAGDatabaseLocked(g *availabilityGroup, d *database) {
	d.st().hadrAG = g.name
	if me := g.replica(in.opts.Name); me != nil && me.AllowConns != "NO" {
		d.st().state = "ONLINE"
	}
}
