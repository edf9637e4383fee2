package session

import (
	"github.com/mirrorcert/mirrorcert/steps"
	"github.com/mirrorcert/mirrorcert/steps/tsql"
)

// parseServerExtras reads the columns of the state query's first result
// set after version and name: the collations (names compare by them) and
// the connected login's rights (a login that cannot see the setup must not
// be shown it as missing). A row without them (an older query) leaves
// them unset.
func parseServerExtras(st *steps.State, row []any) {
	st.Collation = str(col(row, 2))
	st.MasterCollation = str(col(row, 3))
	rights := tsql.RightsChecked()
	if len(row) < 6+len(rights) {
		return
	}
	r := &steps.Rights{Login: str(col(row, 4)), Sysadmin: num(col(row, 5)) == 1, Held: map[string]bool{}}
	for i, x := range rights {
		// HAS_PERMS_BY_NAME is NULL when it cannot tell; that is not a yes.
		r.Held[steps.RightKey(x)] = num(col(row, 6+i)) == 1
	}
	st.Rights = r
}

// RightsError is a host's error when its login lacks the rights the
// procedure needs: the state was read, but it cannot be trusted.
type RightsError struct {
	Host   string
	Reason string
}

func (e *RightsError) Error() string { return e.Host + ": " + e.Reason }
