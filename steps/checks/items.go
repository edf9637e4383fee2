package checks

import (
	"strings"

	"github.com/mirrorcert/mirrorcert/steps"
)

// IDPrefix starts the checklist id of every finding shown as a step.
const IDPrefix = "check/"

// ItemID is a finding's checklist id: check/<code>[/<peer>].
func ItemID(f Finding) string {
	if f.Peer == "" {
		return IDPrefix + f.Code
	}
	return IDPrefix + f.Code + "/" + f.Peer
}

// Items turns findings into checklist items per host, so that a fix is a
// step like any other: a T-SQL fix that only creates or grants is Pending;
// one that alters or drops (ALTER ENDPOINT, DROP CERTIFICATE) is a Conflict
// whose remedy needs the typed confirmation of the object; a fix that is
// not T-SQL is Manual. Warnings without a fix are Done with the warning, so
// they inform without blocking.
func Items(fs []Finding) map[string][]steps.Item {
	out := map[string][]steps.Item{}
	seen := map[string]bool{}
	for _, f := range fs {
		id := ItemID(f)
		if seen[f.Host+"\x00"+id] {
			continue // one item per code and peer: the first (most severe) wins
		}
		seen[f.Host+"\x00"+id] = true
		it := steps.Item{
			Ref:     steps.Ref{Host: f.Host, ID: id},
			Title:   title(f),
			Why:     f.EvidenceText(),
			Changes: f.FixNote,
			Detail:  f.Message,
		}
		destructive := false
		for _, st := range f.Fix {
			destructive = destructive || st.Destructive || strings.HasPrefix(strings.ToUpper(st.Text), "DROP ")
		}
		switch {
		case f.Severity == Warning && len(f.Fix) == 0:
			it.Status = steps.Done
			it.Warnings = []string{f.Message}
		case destructive:
			it.Status = steps.Conflict
			it.Conflict = &steps.ConflictInfo{What: f.Message, Fix: f.FixNote, Remedy: f.Fix, Object: object(f)}
		case len(f.Fix) > 0:
			it.Status = steps.Pending
			it.Statements = f.Fix
		default:
			it.Status = steps.Pending
			it.Manual = true
		}
		out[f.Host] = append(out[f.Host], it)
	}
	return out
}

func title(f Finding) string {
	if f.Peer != "" {
		return f.Code + " (" + f.Peer + ")"
	}
	return f.Code
}

// object is the name an operator types to confirm a destructive fix: the
// endpoint or certificate the first statement names.
func object(f Finding) string {
	if len(f.Fix) == 0 {
		return ""
	}
	t := f.Fix[0].Text
	i := strings.Index(t, "[")
	if i < 0 {
		return ""
	}
	var b strings.Builder
	for j := i + 1; j < len(t); j++ {
		if t[j] != ']' {
			b.WriteByte(t[j])
			continue
		}
		if j+1 < len(t) && t[j+1] == ']' { // ]] is an escaped ]
			b.WriteByte(']')
			j++
			continue
		}
		return b.String()
	}
	return ""
}
