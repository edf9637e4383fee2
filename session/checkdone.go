package session

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/mirrorcert/mirrorcert/steps"
)

// checkDone verifies, on the re-read state, that every item that ran without
// error is now done, and that an in-band peer certificate carries the
// peer's own thumbprint. afterLoss marks items found done after a lost
// connection as done.
func (s *Session) checkDone(outs []outcome, preps []prepared, lenient bool) {
	if len(outs) == 0 {
		return
	}
	items := s.hostItems(outs[0].item.Host) // a batch is one host's
	byID := make(map[string]*steps.Item, len(items))
	for i := range items {
		byID[items[i].ID] = &items[i]
	}
	states := s.States()
	for i := range outs {
		if preps[i].err != nil {
			continue
		}
		it := byID[outs[i].item.ID]
		if it == nil || it.Host != outs[i].item.Host {
			continue
		}
		if it.Status == steps.Done && lenient {
			outs[i].err = nil
		}
		if outs[i].err != nil {
			continue
		}
		if err := s.verifyThumbprint(states, outs[i].item.Ref); err != nil {
			outs[i].err = err
			continue
		}
		if !lenient && it.Status != steps.Done && it.Status != steps.Failed {
			outs[i].err = fmt.Errorf("%s: %s ran without error, but the host's state does not show it done: %s", it.Host, it.ID, it.Detail)
		}
	}
}

// verifyThumbprint compares, for an inbound certificate item, the copy on
// the host with the peer's own certificate.
func (s *Session) verifyThumbprint(states map[string]*steps.State, ref steps.Ref) error {
	parts := strings.Split(ref.ID, "/")
	if len(parts) != 3 || parts[0] != "inbound" || parts[2] != steps.KindCertificate {
		return nil
	}
	peer := parts[1]
	here, there := states[ref.Host], states[peer]
	if here == nil || there == nil {
		return nil
	}
	name := s.plan.CertName(peer)
	got, want := here.Cert(name), there.Cert(name)
	if got == nil || want == nil {
		return nil
	}
	if !bytes.Equal(got.Thumbprint, want.Thumbprint) {
		return fmt.Errorf("%s: %s: certificate %s on %s has thumbprint 0x%s, but %s's own has 0x%s: the copy does not match; drop it and run the step again",
			ref.Host, ref.ID, name, ref.Host, hex.EncodeToString(got.Thumbprint), peer, hex.EncodeToString(want.Thumbprint))
	}
	return nil
}
