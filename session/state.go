package session

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/mirrorcert/mirrorcert/steps"
	"github.com/mirrorcert/mirrorcert/steps/tsql"
)

// parseState turns the result sets of tsql.StateQuery into a State. sets are
// exactly the query's sets (the caller slices off anything before them).
func parseState(sets []resultSet, files []string) (*steps.State, error) {
	if len(sets) != tsql.StateSetCount+len(files) {
		return nil, fmt.Errorf("state read returned %d result sets, expected %d", len(sets), tsql.StateSetCount+len(files))
	}
	st := &steps.State{}
	if rows := sets[tsql.StateSetServer].Rows; len(rows) > 0 {
		st.ProductVersion = str(col(rows[0], 0))
		st.ServerName = str(col(rows[0], 1))
		parseServerExtras(st, rows[0])
	}
	if rows := sets[tsql.StateSetMasterKey].Rows; len(rows) > 0 {
		st.MasterKey = num(col(rows[0], 0)) > 0
	}
	for _, r := range sets[tsql.StateSetCertificates].Rows {
		c := steps.Certificate{
			Name:             str(col(r, 0)),
			ID:               int(num(col(r, 1))),
			Owner:            str(col(r, 2)),
			PvtKeyEncryption: strings.TrimSpace(str(col(r, 3))),
			Subject:          str(col(r, 4)),
			StartDate:        tm(col(r, 5)),
			ExpiryDate:       tm(col(r, 6)),
			Thumbprint:       bin(col(r, 7)),
			Encoded:          bin(col(r, 8)),
		}
		st.Certificates = append(st.Certificates, c)
	}
	if rows := sets[tsql.StateSetEndpoint].Rows; len(rows) > 0 {
		r := rows[0]
		st.Endpoint = &steps.Endpoint{
			Name:              str(col(r, 0)),
			ID:                int(num(col(r, 1))),
			State:             str(col(r, 2)),
			Role:              str(col(r, 3)),
			Auth:              str(col(r, 4)),
			CertificateName:   str(col(r, 5)),
			EncryptionEnabled: boolean(col(r, 6)),
			Encryption:        str(col(r, 7)),
			Port:              int(num(col(r, 8))),
		}
	}
	for _, r := range sets[tsql.StateSetLogins].Rows {
		st.Logins = append(st.Logins, steps.Login{Name: str(col(r, 0)), SID: bin(col(r, 1))})
	}
	for _, r := range sets[tsql.StateSetUsers].Rows {
		st.Users = append(st.Users, steps.User{Name: str(col(r, 0)), SID: bin(col(r, 1)), Login: str(col(r, 2))})
	}
	for _, r := range sets[tsql.StateSetGrants].Rows {
		// Only grants on the mirroring endpoint count; other endpoints
		// (e.g. TSQL Default TCP) carry CONNECT for public.
		if st.Endpoint != nil && int(num(col(r, 1))) == st.Endpoint.ID {
			st.ConnectGrants = append(st.ConnectGrants, str(col(r, 0)))
		}
	}
	if len(files) > 0 {
		st.Files = map[string]bool{}
		for i, f := range files {
			rows := sets[tsql.StateSetCount+i].Rows
			st.Files[f] = len(rows) > 0 && num(col(rows[0], 0)) == 1
		}
	}
	return st, nil
}

// majorVersion returns the major part of a ProductVersion ("16.0.4135.4" -> 16).
func majorVersion(v string) int {
	head, _, _ := strings.Cut(v, ".")
	n, err := strconv.Atoi(head)
	if err != nil {
		return 0
	}
	return n
}

func col(r []any, i int) any {
	if i < len(r) {
		return r[i]
	}
	return nil
}

func str(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case []byte:
		return string(x)
	case nil:
		return ""
	default:
		return fmt.Sprint(x)
	}
}

func num(v any) int64 {
	switch x := v.(type) {
	case int64:
		return x
	case int32:
		return int64(x)
	case int:
		return int64(x)
	case int16:
		return int64(x)
	case uint8:
		return int64(x)
	case bool:
		if x {
			return 1
		}
		return 0
	case []byte:
		n, _ := strconv.ParseInt(string(x), 10, 64)
		return n
	case string:
		n, _ := strconv.ParseInt(x, 10, 64)
		return n
	default:
		return 0
	}
}

func boolean(v any) bool { return num(v) != 0 }

func bin(v any) []byte {
	if b, ok := v.([]byte); ok && b != nil {
		return append([]byte(nil), b...)
	}
	return nil
}

func tm(v any) time.Time {
	if t, ok := v.(time.Time); ok {
		return t.UTC()
	}
	return time.Time{}
}
