package clients

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/golang-sql/sqlexp"
	mssql "github.com/microsoft/go-mssqldb"

	"github.com/mirrorcert/mirrorcert/sim"
)

// TestReturnMessages reads one batch of several statements through
// sqlexp.ReturnMessage, the way the product (and go-sqlcmd) do: PRINT
// notices, result sets and a statement error must arrive in order and the
// batch must end (DONE flags right), with the statements after the error
// still run as SQL Server does for a statement-level error.
func TestReturnMessages(t *testing.T) {
	c := startCluster(t, sim.Config{Names: []string{"HOST_A"}})
	db := c.open(t, "HOST_A", "encrypt=disable")
	batch := `PRINT 'starting';
CREATE MASTER KEY ENCRYPTION BY PASSWORD = 'Str0ng!MasterKey.Pw';
CREATE MASTER KEY ENCRYPTION BY PASSWORD = 'Str0ng!MasterKey.Pw';
SELECT name FROM sys.symmetric_keys WHERE name = '##MS_DatabaseMasterKey##';
SELECT @@SERVERNAME AS server, DB_NAME() AS db;`
	ctx := context.Background()
	retmsg := &sqlexp.ReturnMessage{}
	rows, err := db.QueryContext(ctx, batch, retmsg)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var events []string
	active := true
	for active {
		switch m := retmsg.Message(ctx).(type) {
		case sqlexp.MsgNotice:
			events = append(events, "notice:"+m.Message.String())
		case sqlexp.MsgNext:
			for rows.Next() {
				cols, _ := rows.Columns()
				vals := make([]any, len(cols))
				ptrs := make([]any, len(cols))
				for i := range vals {
					ptrs[i] = &vals[i]
				}
				if err := rows.Scan(ptrs...); err != nil {
					t.Fatal(err)
				}
				var parts []string
				for _, v := range vals {
					parts = append(parts, strings.TrimSpace(toString(v)))
				}
				events = append(events, "row:"+strings.Join(parts, ","))
			}
		case sqlexp.MsgError:
			var me mssql.Error
			if errors.As(m.Error, &me) {
				events = append(events, "error:"+strconv.Itoa(int(me.Number))+":line "+strconv.Itoa(int(me.LineNo)))
			} else {
				events = append(events, "error:"+m.Error.Error())
			}
		case sqlexp.MsgNextResultSet:
			active = rows.NextResultSet()
		}
	}
	got := strings.Join(events, "\n")
	want := strings.Join([]string{
		"notice:starting",
		"error:15578:line 3",
		"row:##MS_DatabaseMasterKey##",
		"row:HOST_A,master",
	}, "\n")
	if got != want {
		t.Errorf("events:\n%s\nwant:\n%s", got, want)
	}
}

func toString(v any) string {
	switch x := v.(type) {
	case []byte:
		return string(x)
	case nil:
		return "NULL"
	}
	return fmt.Sprint(v)
}
