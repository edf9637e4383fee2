package expiry

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// WritePrometheus writes r in the Prometheus text exposition format as the
// node exporter's textfile collector reads it: one gauge of seconds to expiry
// per certificate, and one up gauge per instance so that an instance that
// stops answering is noticed rather than silently dropping its series.
func WritePrometheus(w io.Writer, r Report) error {
	var b strings.Builder
	b.WriteString("# HELP mirrorcert_certificate_expiry_seconds Seconds until the certificate expires; negative once it has.\n")
	b.WriteString("# TYPE mirrorcert_certificate_expiry_seconds gauge\n")
	for _, e := range r.Entries {
		fmt.Fprintf(&b, "mirrorcert_certificate_expiry_seconds{instance=%s,host=%s,name=%s,kind=%s,peer=%s,thumbprint=%s} %s\n",
			label(e.Server), label(e.Host), label(e.Name), label(e.Kind), label(e.Peer), label(e.Thumbprint),
			strconv.FormatFloat(e.Seconds, 'f', 0, 64))
	}
	b.WriteString("# HELP mirrorcert_instance_up Whether mirrorcert could read the instance's certificates (1) or not (0).\n")
	b.WriteString("# TYPE mirrorcert_instance_up gauge\n")
	for _, s := range r.Read {
		fmt.Fprintf(&b, "mirrorcert_instance_up{instance=%s} 1\n", label(s))
	}
	for _, u := range r.Unreachable {
		fmt.Fprintf(&b, "mirrorcert_instance_up{instance=%s} 0\n", label(u.Server))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// label quotes a label value as the exposition format demands: backslash,
// double quote and line feed escaped.
func label(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
	return `"` + r.Replace(s) + `"`
}

// Colour marks a table cell by urgency; the caller supplies styles (or none).
type Colour func(u Urgency, text string) string

// WriteTable writes r as an aligned table, soonest first, then the
// instances that could not be read. clean removes control characters from
// names read from servers; colour may be nil.
func WriteTable(w io.Writer, r Report, warnDays int, now time.Time, clean func(string) string, colour Colour) error {
	if colour == nil {
		colour = func(_ Urgency, s string) string { return s }
	}
	head := []string{"INSTANCE", "CERTIFICATE", "KIND", "THUMBPRINT", "EXPIRES (UTC)", "DAYS LEFT"}
	rows := make([][]string, 0, len(r.Entries))
	for _, e := range r.Entries {
		kind := e.Kind
		if e.Peer != "" {
			kind += " (" + e.Peer + ")"
		}
		inst := e.Server
		if e.Host != "" && !strings.EqualFold(e.Host, e.Server) {
			inst += " [" + e.Host + "]"
		}
		rows = append(rows, []string{clean(inst), clean(e.Name), clean(kind), e.Thumbprint, e.Expiry.Format("2006-01-02 15:04"), strconv.Itoa(e.DaysLeft)})
	}
	width := make([]int, len(head))
	for i, h := range head {
		width[i] = len(h)
	}
	for _, row := range rows {
		for i, c := range row {
			width[i] = max(width[i], len([]rune(c)))
		}
	}
	var b strings.Builder
	line := func(cells []string) string {
		var l strings.Builder
		for i, c := range cells {
			if i > 0 {
				l.WriteString("  ")
			}
			l.WriteString(c)
			if i < len(cells)-1 {
				l.WriteString(strings.Repeat(" ", width[i]-len([]rune(c))))
			}
		}
		return l.String()
	}
	b.WriteString(line(head) + "\n")
	for i, row := range rows {
		b.WriteString(colour(UrgencyOf(r.Entries[i], warnDays), line(row)) + "\n")
	}
	if len(rows) == 0 {
		b.WriteString("(no endpoint or peer certificate found)\n")
	}
	for _, u := range r.Unreachable {
		fmt.Fprintf(&b, "%s: not read: %s\n", clean(u.Server), clean(u.Err))
	}
	expired, expiring := 0, 0
	for _, e := range r.Entries {
		switch UrgencyOf(e, warnDays) {
		case Expired:
			expired++
		case Expiring:
			expiring++
		}
	}
	fmt.Fprintf(&b, "\n%d certificate(s) on %d instance(s) read", len(r.Entries), len(r.Read))
	if len(r.Unreachable) > 0 {
		fmt.Fprintf(&b, ", %d instance(s) not read", len(r.Unreachable))
	}
	fmt.Fprintf(&b, "; %d expired, %d expiring within %d days (as of %s UTC)\n", expired, expiring, warnDays, now.UTC().Format("2006-01-02 15:04"))
	if expired+expiring > 0 {
		b.WriteString("Replace an endpoint certificate with the session kept up: mirrorcert rotate --plan FILE --host NAME --expiry DATE\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}
