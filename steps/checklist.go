// Package steps is the pure heart of mirrorcert: from a plan and the observed
// State of every host it derives the whole checklist, each item's status and
// the exact T-SQL still to run. No I/O, no clock, no randomness: the caller
// passes time and state in.
package steps

import "github.com/mirrorcert/mirrorcert/steps/tsql"

// Status of a checklist item. These strings are part of the status --json contract.
type Status string

// Item statuses.
const (
	Done     Status = "done"
	Pending  Status = "pending"
	Blocked  Status = "blocked"
	Conflict Status = "conflict"
	Failed   Status = "failed"  // set by the session/UI after a run failed; Build never returns it
	Unknown  Status = "unknown" // host state not read (not connected)
)

// Item ids (per host). Inbound ids are "inbound/<PEER>/<kind>".
const (
	IDMasterKey   = "outbound/master-key"
	IDCertificate = "outbound/certificate"
	IDEndpoint    = "outbound/endpoint"
	IDBackup      = "outbound/backup" // file transfer mode only
)

// Inbound kinds.
const (
	KindLogin       = "login"
	KindUser        = "user"
	KindCertificate = "certificate"
	KindConnect     = "connect"
	KindCopy        = "copy" // file transfer mode only
)

// InboundID returns "inbound/<peer>/<kind>".
func InboundID(peer, kind string) string { return "inbound/" + peer + "/" + kind }

// Ref names an item on a host.
type Ref struct {
	Host string
	ID   string
}

func (r Ref) String() string { return r.Host + ":" + r.ID }

// Item is one line of a host's checklist.
type Item struct {
	Ref
	// Title is a short label for the checklist, e.g. "Master key" or "Login HOST_B_login".
	Title string
	// Why explains in the product's own words why the step exists.
	Why string
	// Changes says what running the step changes on the server.
	Changes string
	Status  Status
	// Detail is one line of explanation of the status (what is there, what is missing,
	// what blocks it, what conflicts).
	Detail string
	// Needs are the items this one depends on (explicit dependencies).
	Needs []Ref
	// BlockedBy are the Needs not yet done (set when Status is Blocked).
	BlockedBy []Ref
	// Conflict is set when Status is Conflict.
	Conflict *ConflictInfo
	// Statements are the T-SQL to run for a pending item, in order. For an
	// in-band inbound certificate the FROM BINARY bytes come from the peer's
	// State (Certificate.Encoded); when they are not known yet the item is blocked.
	Statements []tsql.Statement
	// Manual marks a step the operator performs outside mirrorcert (file copy)
	// and confirms.
	Manual bool
	// Warnings are non-blocking notes (e.g. certificate expires within 30 days,
	// endpoint on another port than planned).
	Warnings []string
}

// ConflictInfo says what differs from the plan and the safe way forward.
type ConflictInfo struct {
	What string // what is there and how it differs
	Fix  string // the safe way forward, in words
	// Remedy are optional statements that resolve it (e.g. ALTER ENDPOINT). They
	// are Destructive and need an explicit, specific confirmation naming Object.
	Remedy []tsql.Statement
	Object string // the name the operator must type to confirm the remedy
	// RemedyNeeds are the items the remedy depends on, like an item's Needs
	// (e.g. ALTER ENDPOINT ... CERTIFICATE c needs certificate c).
	RemedyNeeds []Ref
	// RemedyBlockedBy are the RemedyNeeds not yet done. While it is not
	// empty the remedy is shown but must not run: it would fail (15151).
	RemedyBlockedBy []Ref
}

// RemedyReady reports whether the conflict has a remedy that can run now.
func (c *ConflictInfo) RemedyReady() bool {
	return c != nil && len(c.Remedy) > 0 && len(c.RemedyBlockedBy) == 0
}

// HostList is the checklist of one host.
type HostList struct {
	Host  string
	Role  string
	Items []Item // outbound items first, then inbound per peer in plan order
}

// Checklist is the whole checklist.
type Checklist struct {
	Hosts []HostList
}

// Item returns the item for ref, or nil.
func (c *Checklist) Item(r Ref) *Item {
	for i := range c.Hosts {
		if c.Hosts[i].Host != r.Host {
			continue
		}
		for j := range c.Hosts[i].Items {
			if c.Hosts[i].Items[j].ID == r.ID {
				return &c.Hosts[i].Items[j]
			}
		}
	}
	return nil
}

// Complete reports whether every item on every host is done.
func (c *Checklist) Complete() bool {
	for _, h := range c.Hosts {
		for _, it := range h.Items {
			if it.Status != Done {
				return false
			}
		}
	}
	return len(c.Hosts) > 0
}
