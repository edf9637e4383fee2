package engine

import "strings"

// Collation: SQL Server compares names (logins, users, certificates,
// endpoints, databases) and string values by a collation. Under the default
// SQL_Latin1_General_CP1_CI_AS `host_b_login` and `HOST_B_login` are the
// same login (CREATE LOGIN of the second fails with 15025); under a _CS_ or
// _BIN/_BIN2 collation they are two. Each simulated instance has one
// collation for the server and all its databases, as a default install does.

// DefaultCollation is what an instance gets when Options.Collation is empty.
const DefaultCollation = "SQL_Latin1_General_CP1_CI_AS"

// CaseSensitive reports whether collation compares letters case-sensitively:
// _CS_ (case-sensitive) and the binary collations _BIN and _BIN2.
func CaseSensitive(collation string) bool {
	c := strings.ToUpper(collation)
	return strings.Contains(c, "_CS") || strings.HasSuffix(c, "_BIN") || strings.HasSuffix(c, "_BIN2")
}

// nameEq compares two names as a collation does: exact when cs, else
// ignoring case. Both ignore trailing blanks, as SQL Server's = does.
func nameEq(cs bool, a, b string) bool {
	a, b = strings.TrimRight(a, " "), strings.TrimRight(b, " ")
	if cs {
		return a == b
	}
	return strings.EqualFold(a, b)
}

func (c *catalog) same(a, b string) bool  { return nameEq(c.cs, a, b) }
func (d *database) same(a, b string) bool { return nameEq(d.cs, a, b) }

// cmp orders two values for the session's comparisons: strings by the
// instance's collation, everything else as compare does.
func (ev *evaluator) cmp(a, b any) int {
	if ev.s.inst.cs {
		x, okx := a.(string)
		y, oky := b.(string)
		if okx && oky {
			return strings.Compare(strings.TrimRight(x, " "), strings.TrimRight(y, " "))
		}
	}
	return compare(a, b)
}

// fold is s as the collation tells strings apart, for keys of GROUP BY,
// DISTINCT and UNION and for CHARINDEX: upper-cased under a CI collation,
// as it is under _CS_ and _BIN.
func (ev *evaluator) fold(s string) string {
	if ev.s.inst.cs {
		return s
	}
	return strings.ToUpper(s)
}

// foldStrings is vals with every string folded and its trailing blanks
// dropped: rows equal under the collation get equal keys.
func (ev *evaluator) foldStrings(vals []any) []any {
	out := make([]any, len(vals))
	for i, v := range vals {
		if s, ok := v.(string); ok {
			v = ev.fold(strings.TrimRight(s, " "))
		}
		out[i] = v
	}
	return out
}

// like matches LIKE by the instance's collation.
func (ev *evaluator) like(s, pattern string) bool {
	if ev.s.inst.cs {
		return likeMatchCase(s, pattern)
	}
	return likeMatch(s, pattern)
}
