package ui

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/mirrorcert/mirrorcert/steps"
	"github.com/mirrorcert/mirrorcert/steps/tsql"
)

// fixture builds a fabricated checklist shaped like the real one: per host
// the three outbound items, then four inbound items per peer, with the same
// dependencies steps.Build declares (certificate needs master key, endpoint
// needs certificate, peer certificate needs the peer's own certificate...).
func fixture(hosts ...string) steps.Checklist {
	var c steps.Checklist
	for _, h := range hosts {
		hl := steps.HostList{Host: h, Role: "partner"}
		if h == "HOST_W" {
			hl.Role = "witness"
		}
		mk := steps.Ref{Host: h, ID: steps.IDMasterKey}
		cert := steps.Ref{Host: h, ID: steps.IDCertificate}
		ep := steps.Ref{Host: h, ID: steps.IDEndpoint}
		ept, _ := tsql.CreateEndpoint("Endpoint_Mirroring", 7024, h+"_cert", "AES", "ALL")
		hl.Items = append(hl.Items,
			steps.Item{Ref: mk, Title: "Master key", Why: "The endpoint certificate's private key is protected by the database master key.",
				Changes: "Creates the database master key in master.", Status: steps.Pending,
				Statements: []tsql.Statement{tsql.CreateMasterKey(tsql.MasterKeySecret(h))}},
			steps.Item{Ref: cert, Title: "Certificate " + h + "_cert", Why: "Peers recognise " + h + " by this certificate.",
				Changes: "Creates " + h + "_cert with a private key.", Needs: []steps.Ref{mk}, Status: steps.Pending,
				Statements: []tsql.Statement{tsql.CreateCertificate(h+"_cert", h+" certificate for database mirroring", time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC), time.Date(2029, 11, 30, 0, 0, 0, 0, time.UTC))}},
			steps.Item{Ref: ep, Title: "Endpoint Endpoint_Mirroring", Why: "Mirroring traffic arrives on this endpoint.",
				Changes: "Creates the endpoint on port 7024.", Needs: []steps.Ref{cert}, Status: steps.Pending,
				Statements: []tsql.Statement{ept}},
		)
		for _, p := range hosts {
			if p == h {
				continue
			}
			login := steps.Ref{Host: h, ID: steps.InboundID(p, steps.KindLogin)}
			user := steps.Ref{Host: h, ID: steps.InboundID(p, steps.KindUser)}
			pc := steps.Ref{Host: h, ID: steps.InboundID(p, steps.KindCertificate)}
			conn := steps.Ref{Host: h, ID: steps.InboundID(p, steps.KindConnect)}
			hl.Items = append(hl.Items,
				steps.Item{Ref: login, Title: "Login " + p + "_login", Why: "Stands for " + p + " on " + h + ".", Status: steps.Pending,
					Statements: []tsql.Statement{tsql.CreateLogin(p+"_login", tsql.LoginSecret(p))}},
				steps.Item{Ref: user, Title: "User " + p + "_user", Why: "Owns " + p + "'s certificate.", Needs: []steps.Ref{login}, Status: steps.Pending,
					Statements: []tsql.Statement{tsql.CreateUser(p+"_user", p+"_login")}},
				steps.Item{Ref: pc, Title: "Certificate " + p + "_cert", Why: "Lets " + h + " verify " + p + ".",
					Needs: []steps.Ref{user, {Host: p, ID: steps.IDCertificate}}, Status: steps.Pending,
					Statements: []tsql.Statement{tsql.CreatePeerCertificateFromBinary(p+"_cert", p+"_user", []byte{0x30, 0x82, 0x01, 0x0a})}},
				steps.Item{Ref: conn, Title: "CONNECT for " + p + "_login", Why: "Lets " + p + " connect.",
					Needs: []steps.Ref{login, ep}, Status: steps.Pending,
					Statements: []tsql.Statement{tsql.GrantConnect("Endpoint_Mirroring", p+"_login")}},
			)
		}
		c.Hosts = append(c.Hosts, hl)
	}
	resolveFixture(&c)
	return c
}

// resolveFixture blocks every not-done item whose needs are not all done.
func resolveFixture(c *steps.Checklist) {
	for hi := range c.Hosts {
		for ii := range c.Hosts[hi].Items {
			it := &c.Hosts[hi].Items[ii]
			if it.Status == steps.Done || it.Status == steps.Conflict || it.Status == steps.Unknown {
				continue
			}
			it.BlockedBy = nil
			it.Status = steps.Pending
			for _, n := range it.Needs {
				if d := c.Item(n); d == nil || d.Status != steps.Done {
					it.BlockedBy = append(it.BlockedBy, n)
				}
			}
			if len(it.BlockedBy) > 0 {
				it.Status = steps.Blocked
			}
		}
	}
}

// fakeBackend is an in-memory Backend: running an item marks it done and
// unblocks what depended on it. Failures can be injected per ref.
type fakeBackend struct {
	mu        sync.Mutex
	seq       uint64
	hosts     []HostInfo
	list      steps.Checklist
	fail      map[steps.Ref]error
	runs      []steps.Ref
	passwords map[string]string // host -> password passed in RunOptions
	manual    []steps.Ref
	remedies  []string
	block     chan struct{} // when set, Run waits on it or ctx
	// ignoreCancel makes a blocked Run finish its step even when cancelled,
	// as a server does when the cancel arrives after the statement ran.
	ignoreCancel bool
	// afterRemedy is the status a fixed conflict takes (default done): a
	// dropped object leaves its step pending.
	afterRemedy map[steps.Ref]steps.Status
}

func newFake(hosts ...string) *fakeBackend {
	f := &fakeBackend{list: fixture(hosts...), fail: map[steps.Ref]error{}, passwords: map[string]string{}}
	for i, h := range hosts {
		role := "partner"
		if h == "HOST_W" {
			role = "witness"
		}
		f.hosts = append(f.hosts, HostInfo{Name: h, Server: fmt.Sprintf("127.0.0.1,%d", 50001+i), Role: role, Connected: true, Version: "16.0.4135.4"})
	}
	return f
}

func (f *fakeBackend) Snapshot() Snapshot {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.seq++
	c := steps.Checklist{}
	for _, h := range f.list.Hosts {
		h.Items = append([]steps.Item(nil), h.Items...)
		c.Hosts = append(c.Hosts, h)
	}
	return Snapshot{Seq: f.seq, Hosts: append([]HostInfo(nil), f.hosts...), Checklist: c}
}

func (f *fakeBackend) RefreshAll(context.Context) {}

func (f *fakeBackend) Refresh(context.Context, string) error { return nil }

func (f *fakeBackend) Run(ctx context.Context, ref steps.Ref, opts RunOptions) (Result, error) {
	if f.block != nil {
		if f.ignoreCancel {
			<-f.block
		} else {
			select {
			case <-f.block:
			case <-ctx.Done():
				return Result{}, ctx.Err()
			}
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.runs = append(f.runs, ref)
	if err := f.fail[ref]; err != nil {
		return Result{}, err
	}
	it := f.list.Item(ref)
	if it == nil || it.Status != steps.Pending {
		return Result{}, fmt.Errorf("%s is not pending", ref)
	}
	it.Status = steps.Done
	resolveFixture(&f.list)
	res := Result{Statements: len(it.Statements), Duration: 12 * time.Millisecond}
	if ref.ID == steps.IDMasterKey {
		f.passwords[ref.Host] = opts.MasterKeyPassword
		if opts.MasterKeyPassword == "" {
			res.GeneratedMasterKeyPassword = "Gen-" + ref.Host + "-Secret-9!"
		}
	}
	return res, nil
}

func (f *fakeBackend) RunRemedy(_ context.Context, ref steps.Ref, confirm string) (Result, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.remedies = append(f.remedies, confirm)
	it := f.list.Item(ref)
	it.Status, it.Conflict = steps.Done, nil
	if s, ok := f.afterRemedy[ref]; ok {
		it.Status = s
	}
	resolveFixture(&f.list)
	return Result{Statements: 1, Duration: 5 * time.Millisecond}, nil
}

func (f *fakeBackend) ConfirmManual(_ context.Context, ref steps.Ref) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.manual = append(f.manual, ref)
	it := f.list.Item(ref)
	it.Status = steps.Done
	resolveFixture(&f.list)
	return nil
}

// markDone sets items done without running them (to build later states).
func (f *fakeBackend) markDone(refs ...steps.Ref) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, r := range refs {
		f.list.Item(r).Status = steps.Done
	}
	resolveFixture(&f.list)
}

// markAllDone finishes every item.
func (f *fakeBackend) markAllDone() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for hi := range f.list.Hosts {
		for ii := range f.list.Hosts[hi].Items {
			f.list.Hosts[hi].Items[ii].Status = steps.Done
			f.list.Hosts[hi].Items[ii].BlockedBy = nil
		}
	}
}
