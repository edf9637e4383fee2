package ui

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/mirrorcert/mirrorcert/steps"
	"github.com/mirrorcert/mirrorcert/steps/rotate"
	"github.com/mirrorcert/mirrorcert/steps/tsql"
)

// fakeRotator is a Backend with a Rotator: a rotation of HOST_A over the
// fixture's hosts whose steps run in rotate's stage order. After the
// endpoint switch the verify steps wait for waitPolls reads that refresh,
// as a real reconnect takes a moment.
type fakeRotator struct {
	*fakeBackend
	rmu       sync.Mutex
	done      map[steps.Ref]bool
	ran       []steps.Ref
	waitPolls int
	builds    int
	expiries  []time.Time
	states    map[string]*steps.State
	taken     time.Time
	failBuild error
}

func newFakeRotator(hosts ...string) *fakeRotator {
	f := &fakeRotator{fakeBackend: newFake(hosts...), done: map[steps.Ref]bool{}, waitPolls: 2,
		taken: time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)}
	f.markAllDone()
	f.states = map[string]*steps.State{}
	for _, h := range hosts {
		st := &steps.State{Endpoint: &steps.Endpoint{Name: "Endpoint_Mirroring", CertificateName: h + "_cert"}}
		exp := f.taken.AddDate(2, 0, 0)
		if h == "HOST_A" {
			exp = f.taken.Add(4*24*time.Hour + 23*time.Hour) // expires in 5 days, as in the expiring-cert scenario
		}
		st.Certificates = append(st.Certificates, steps.Certificate{Name: h + "_cert", ID: 256, PvtKeyEncryption: "MK", Owner: "dbo",
			ExpiryDate: exp, Thumbprint: []byte(h)})
		f.states[h] = st
	}
	return f
}

func (f *fakeRotator) Snapshot() Snapshot {
	s := f.fakeBackend.Snapshot()
	f.rmu.Lock()
	defer f.rmu.Unlock()
	s.States, s.Taken = f.states, f.taken
	return s
}

var rotationOrder = []string{rotate.IDCreate, rotate.IDImport, rotate.IDEndpoint, rotate.IDVerify, rotate.IDDropOld}

func (f *fakeRotator) Rotation(_ context.Context, host string, expiry time.Time, refresh bool) (RotationView, error) {
	f.rmu.Lock()
	defer f.rmu.Unlock()
	f.builds++
	f.expiries = append(f.expiries, expiry)
	if f.failBuild != nil {
		return RotationView{}, f.failBuild
	}
	if refresh && f.done[steps.Ref{Host: host, ID: rotate.IDEndpoint}] && f.waitPolls > 0 {
		f.waitPolls--
	}
	newName := host + "_cert_" + expiry.Format("20060102")
	q := rotate.Sequence{Host: host, NewName: newName, OldName: host + "_cert"}
	var peers []string
	for _, h := range f.list.Hosts {
		if h.Host != host {
			peers = append(peers, h.Host)
		}
	}
	earlierDone := true
	for _, id := range rotationOrder {
		on := []string{host}
		switch id {
		case rotate.IDImport, rotate.IDVerify:
			on = peers
		case rotate.IDDropOld:
			on = append([]string{host}, peers...)
		}
		stageDone := true
		for _, h := range on {
			s := rotate.Step{Host: h, ID: id, Title: fmt.Sprintf("%s on %s", id, h), Live: id == rotate.IDEndpoint}
			ref := steps.Ref{Host: h, ID: id}
			switch {
			case f.done[ref]:
				s.Status, s.Detail = rotate.Done, "done"
			case !earlierDone:
				s.Status, s.Detail = rotate.Blocked, "waits"
			case id == rotate.IDVerify && f.waitPolls > 0:
				s.Status, s.Detail = rotate.Waiting, "no connection from "+host+" yet"
			case id == rotate.IDVerify:
				s.Status, s.Detail = rotate.Done, "verified"
			default:
				s.Status, s.Detail = rotate.Pending, "runs "+id
				s.Statements = []tsql.Statement{{Text: "-- " + id + " on " + h + " (" + newName + ")"}}
				if s.Live {
					s.Detail = "ALTER ENDPOINT restarts Endpoint_Mirroring's listener: every mirroring connection drops and reconnects"
				}
			}
			if s.Status != rotate.Done {
				stageDone = false
			}
			q.Steps = append(q.Steps, s)
		}
		earlierDone = earlierDone && stageDone
	}
	live := map[string]*rotate.Live{}
	state := "SYNCHRONIZED"
	if f.done[steps.Ref{Host: host, ID: rotate.IDEndpoint}] && f.waitPolls > 0 {
		state = "DISCONNECTED"
	}
	live[host] = &rotate.Live{Read: true, Sessions: []rotate.Session{{Database: "Sales", State: state}}}
	if q.Complete() {
		f.states[host] = &steps.State{Endpoint: &steps.Endpoint{Name: "Endpoint_Mirroring", CertificateName: newName},
			Certificates: []steps.Certificate{{Name: newName, ID: 300, PvtKeyEncryption: "MK", ExpiryDate: expiry, Thumbprint: []byte("new")}}}
	}
	return RotationView{Seq: q, Live: live}, nil
}

func (f *fakeRotator) RunRotationStep(_ context.Context, st rotate.Step) (Result, error) {
	f.rmu.Lock()
	defer f.rmu.Unlock()
	ref := steps.Ref{Host: st.Host, ID: st.ID}
	f.ran = append(f.ran, ref)
	f.done[ref] = true
	return Result{Statements: len(st.Statements), Duration: 3 * time.Millisecond}, nil
}

func (f *fakeRotator) ranRefs() []steps.Ref {
	f.rmu.Lock()
	defer f.rmu.Unlock()
	return append([]steps.Ref(nil), f.ran...)
}
