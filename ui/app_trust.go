package ui

import (
	"context"
	"strings"

	"charm.land/bubbletea/v2"

	"github.com/mirrorcert/mirrorcert/ui/dialog"
)

// trustDoneMsg ends the change of the TLS trust setting; a refresh follows.
type trustDoneMsg struct {
	Err  error
	Snap Snapshot
}

// askTrust offers, once, to trust the servers' TLS certificates and
// reconnect in place when a host failed on its certificate: pressing r
// cannot help there, and restarting would lose the operator's place.
func (m *Model) askTrust() {
	tc, ok := m.opts.Backend.(TrustChanger)
	if !ok || tc == nil || m.trustAsked || m.dlg.box != nil || m.sched.Busy("") {
		return
	}
	var bad []string
	for _, h := range m.snap.Hosts {
		if h.TLSUntrusted {
			bad = append(bad, h.Name)
		}
	}
	if len(bad) == 0 {
		return
	}
	m.trustAsked = true
	body := []dialog.Part{
		dialog.Para("The TLS certificate of " + strings.Join(bad, ", ") + " could not be validated, so mirrorcert did not connect: the certificate is self-signed, from a CA this machine does not trust, or names another host."),
		dialog.Line(""),
		dialog.Para("Safer: trust the CA that issued it (install it, or give its PEM file as auth.ca_certificate in the plan), then start again."),
		dialog.Para("Or, for servers you verified another way: trust the certificates without validation for this session (trust_server_certificate: true, sqlcmd -C) and reconnect now. An impostor server could then read the passwords mirrorcert sends."),
		dialog.Line(""),
		dialog.Line("y trust and reconnect · n not now"),
	}
	m.open(openDialog{kind: dlgTrust, box: dialog.NewConfirm(m.st, "Trust the servers' TLS certificates?", body)})
}

// trustAndReconnect changes the setting in the backend, then reads every
// host again.
func (m *Model) trustAndReconnect() tea.Cmd {
	tc, _ := m.opts.Backend.(TrustChanger)
	b := m.opts.Backend
	m.refreshing[""] = true
	return tea.Batch(func() tea.Msg {
		ctx := context.Background()
		if err := tc.TrustServerCertificates(ctx); err != nil {
			return trustDoneMsg{Err: err, Snap: b.Snapshot()}
		}
		b.RefreshAll(ctx)
		return trustDoneMsg{Snap: b.Snapshot()}
	}, m.setNote("Reconnecting with the servers' certificates trusted"+m.st.Glyphs.Ellipsis, false), m.spin.Tick)
}
