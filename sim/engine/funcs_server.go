package engine

import (
	"strings"
	"time"
)

// Server-level functions: @@ variables, SERVERPROPERTY, the current user,
// and date arithmetic.

// sysVar evaluates an @@ function.
func (ev *evaluator) sysVar(name string) any {
	s := ev.s
	switch name {
	case "@@SERVERNAME":
		return s.inst.opts.Name
	case "@@SERVICENAME":
		return "MSSQLSERVER"
	case "@@VERSION":
		return s.inst.version()
	case "@@SPID":
		return int64(s.spid)
	case "@@ROWCOUNT":
		return s.rowcount
	case "@@ERROR":
		return int64(s.lastError)
	case "@@TRANCOUNT":
		return int64(s.tranCount)
	case "@@LANGUAGE":
		return "us_english"
	case "@@DATEFIRST":
		return int64(7)
	case "@@MAX_PRECISION":
		return int64(38)
	case "@@TEXTSIZE":
		return int64(2147483647)
	case "@@LOCK_TIMEOUT":
		return int64(-1)
	case "@@NESTLEVEL":
		return int64(s.depth)
	case "@@IDENTITY":
		return nil
	case "@@OPTIONS":
		return int64(5496)
	case "@@MICROSOFTVERSION":
		return int64(0x10000000) | int64(4135)
	}
	panic(newErr(137, txtMustDeclare, name))
}

func (in *instance) version() string {
	year := productYear(in.opts.ProductVersion)
	return "Microsoft SQL Server " + year + " - " + in.opts.ProductVersion + " (X64) \n" +
		"\tmirrorcert simulated instance \n" +
		"\tCopyright (C) " + year + " Microsoft Corporation\n" +
		"\t" + in.opts.Edition + " on Windows Server 2022 Datacenter 10.0 <X64> (Build 20348: ) (Hypervisor)\n"
}

// serverProperty answers SERVERPROPERTY; unknown properties are NULL.
func (in *instance) serverProperty(p string) any {
	switch strings.ToLower(p) {
	case "productversion":
		return in.opts.ProductVersion
	case "productmajorversion":
		return strings.SplitN(in.opts.ProductVersion, ".", 2)[0]
	case "productminorversion":
		parts := strings.Split(in.opts.ProductVersion, ".")
		if len(parts) > 1 {
			return parts[1]
		}
		return "0"
	case "productbuild":
		parts := strings.Split(in.opts.ProductVersion, ".")
		if len(parts) > 2 {
			return parts[2]
		}
		return "0"
	case "productlevel":
		return "RTM"
	case "servername", "machinename", "computernamephysicalnetbios":
		return in.opts.Name
	case "instancename":
		return nil
	case "edition":
		return in.opts.Edition
	case "engineedition":
		if strings.Contains(strings.ToLower(in.opts.Edition), "express") {
			return int64(4)
		}
		if strings.Contains(strings.ToLower(in.opts.Edition), "enterprise") || strings.Contains(strings.ToLower(in.opts.Edition), "developer") {
			return int64(3)
		}
		return int64(2)
	case "collation":
		return in.opts.Collation
	case "ishadrenabled":
		// Availability groups (CLUSTER_TYPE = NONE) work here, as on an
		// instance where the Always On feature was enabled.
		return int64(1)
	case "isclustered", "isintegratedsecurityonly", "issingleuser":
		return int64(0)
	case "processid":
		return int64(4242)
	}
	return nil
}

// userLocked is the session's database user in d: dbo for sysadmins, the
// user mapped to the login, else guest. mu must be held.
func (s *session) userLocked(d *database) *dbPrincipal {
	l := s.inst.cat.login(s.login)
	if l != nil && l.sysadmin {
		return d.principalByID(1)
	}
	if l != nil {
		if u := d.principalBySID(l.sid); u != nil {
			return u
		}
	}
	return d.principalByID(2)
}

// dbUserLocked resolves the principal of the user functions: with an
// argument, the one it names (USER_NAME takes an id, USER_ID a name, so
// byID picks the lookup); without, the session's own user. USER_NAME and
// USER_ID are mirror images, so they share this and differ only in what
// they return. A NULL or unknown argument gives nil. in.mu must be held.
func (s *session) dbUserLocked(d *database, a []any, byID bool) *dbPrincipal {
	if len(a) == 0 {
		return s.userLocked(d)
	}
	switch {
	case a[0] == nil:
		return nil
	case byID:
		return d.principalByID(int32(toInt(a[0])))
	}
	return d.principal(toString(a[0]))
}

func formatGUID(b []byte) string {
	const hexd = "0123456789abcdef"
	var sb strings.Builder
	for i, v := range b {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			sb.WriteByte('-')
		}
		sb.WriteByte(hexd[v>>4])
		sb.WriteByte(hexd[v&15])
	}
	return sb.String()
}

func dateAdd(part string, n int64, t time.Time) any {
	switch strings.ToLower(part) {
	case "year", "yy", "yyyy":
		return addMonths(t, n*12)
	case "month", "mm", "m":
		return addMonths(t, n)
	case "day", "dd", "d", "dayofyear", "dy", "y":
		return t.AddDate(0, 0, int(n))
	case "week", "wk", "ww":
		return t.AddDate(0, 0, int(n)*7)
	case "hour", "hh":
		return t.Add(time.Duration(n) * time.Hour)
	case "minute", "mi", "n":
		return t.Add(time.Duration(n) * time.Minute)
	case "second", "ss", "s":
		return t.Add(time.Duration(n) * time.Second)
	case "millisecond", "ms":
		return t.Add(time.Duration(n) * time.Millisecond)
	}
	panic(newErr(155, "'%s' is not a recognized dateadd option.", part))
}

// dateDiff counts boundaries crossed, as DATEDIFF does.
func dateDiff(part string, a, b time.Time) any {
	a, b = a.UTC(), b.UTC()
	switch strings.ToLower(part) {
	case "year", "yy", "yyyy":
		return int64(b.Year() - a.Year())
	case "month", "mm", "m":
		return int64((b.Year()-a.Year())*12 + int(b.Month()) - int(a.Month()))
	case "day", "dd", "d", "dayofyear", "dy", "y":
		da := time.Date(a.Year(), a.Month(), a.Day(), 0, 0, 0, 0, time.UTC)
		db := time.Date(b.Year(), b.Month(), b.Day(), 0, 0, 0, 0, time.UTC)
		return int64(db.Sub(da) / (24 * time.Hour))
	case "hour", "hh":
		return int64(b.Truncate(time.Hour).Sub(a.Truncate(time.Hour)) / time.Hour)
	case "minute", "mi", "n":
		return int64(b.Truncate(time.Minute).Sub(a.Truncate(time.Minute)) / time.Minute)
	case "second", "ss", "s":
		return int64(b.Truncate(time.Second).Sub(a.Truncate(time.Second)) / time.Second)
	}
	panic(newErr(155, "'%s' is not a recognized datediff option.", part))
}

// addMonths moves t by n months, keeping the day unless the target month is
// shorter: DATEADD(month, 1, '2029-01-31') is Feb 28, not Go's Mar 3.
func addMonths(t time.Time, n int64) time.Time {
	y, m, d := t.Date()
	first := time.Date(y, m, 1, t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC).AddDate(0, int(n), 0)
	last := first.AddDate(0, 1, -1).Day()
	if d > last {
		d = last
	}
	return first.AddDate(0, 0, d-1)
}
