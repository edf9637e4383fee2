package engine

import (
	"context"
	"time"
)

// Partners reconnect on their own after a broken link (an endpoint stopped
// and started again, a blocked port opened), as SQL Server's do. There is
// no background loop, so nothing outlives the instance: an attempt starts
// when someone reads the session's state (sys.database_mirroring) or the
// partner announces it is back, and each attempt ends within the
// transport's timeout.

// reconnectEvery throttles attempts per session.
const reconnectEvery = time.Second

// reconnectLocked starts one attempt to restore the session's link to its
// partner (and to the witness) if they are down; mu is held.
func (in *instance) reconnectLocked(d *database, m *dbMirror, force bool) {
	if !m.active || m.reconnecting || in.opts.MirrorNet == nil {
		return
	}
	partnerDown, witnessDown := !linkUp(m.link), m.witness != "" && !linkUp(m.witnessLink)
	if !partnerDown && !witnessDown || !force && time.Since(m.lastTry) < reconnectEvery {
		return
	}
	m.reconnecting, m.lastTry = true, time.Now()
	partner, witness := m.partner, m.witness
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), mirrorCallTimeout)
		defer cancel()
		var link, wlink MirrorLink
		if partnerDown {
			link, _ = in.mirrorConnect(ctx, partner)
		}
		if witnessDown {
			wlink, _ = in.mirrorConnect(ctx, witness)
		}
		var stale []MirrorLink
		in.locked(func() {
			m.reconnecting = false
			current := d.st().mirror == m && m.active
			switch {
			case link == nil:
			case current && !linkUp(m.link):
				m.link = link
				m.syncAt = time.Now().Add(mirrorSyncDelay)
			default:
				stale = append(stale, link)
				link = nil
			}
			switch {
			case wlink == nil:
			case current && m.witness == witness && !linkUp(m.witnessLink):
				m.witnessLink = wlink
			default:
				stale = append(stale, wlink)
			}
		})
		for _, l := range stale {
			l.Close()
		}
		if link != nil {
			// The partner reconnects its side at once instead of waiting to
			// be looked at.
			_, _ = tell(link, "RECONNECT", d.name, nil)
		}
	}()
}
