package session

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/golang-sql/sqlexp"
	mssql "github.com/microsoft/go-mssqldb"
)

// resultSet is one result set of a batch, rows as the driver returned them.
type resultSet struct {
	Columns []string
	Rows    [][]any
}

// batchResult is everything one batch produced, in order.
type batchResult struct {
	Sets     []resultSet
	Errors   []mssql.Error // server errors (severity > 10), in order
	Messages []string      // informational messages (PRINT, severity <= 10)
	Duration time.Duration
	// Transport is set when the connection failed (not a server error): the
	// batch may or may not have run, and the connection is unusable.
	Transport error
}

// runBatch sends one batch on a pinned connection and collects every result
// set, error and message. Cancelling ctx makes the driver send an attention.
//
// dead is closed when the TCP connection fails. The driver reports such a
// failure through the message queue only once a reply has started, so a
// connection lost before that would leave Message waiting forever: after a
// short grace (for messages already queued) the wait is cut, and the
// driver's error then comes from NextResultSet.
func runBatch(ctx context.Context, conn *sql.Conn, text string, dead <-chan struct{}) *batchResult {
	start := time.Now()
	res := &batchResult{}
	defer func() { res.Duration = time.Since(start) }()
	msgCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	if dead != nil {
		stop := make(chan struct{})
		defer close(stop)
		go func() {
			select {
			case <-dead:
				select {
				case <-time.After(200 * time.Millisecond):
					cancel()
				case <-stop:
				}
			case <-stop:
			}
		}()
	}
	retmsg := &sqlexp.ReturnMessage{}
	rows, err := conn.QueryContext(ctx, text, retmsg)
	if err != nil {
		classify(res, err)
		return res
	}
	defer rows.Close()
	for active := true; active; {
		switch m := retmsg.Message(msgCtx).(type) {
		case sqlexp.MsgNotice:
			res.Messages = append(res.Messages, m.Message.String())
		case sqlexp.MsgNext:
			set, err := readSet(rows)
			if err != nil {
				classify(res, err)
			}
			res.Sets = append(res.Sets, set)
		case sqlexp.MsgNextResultSet:
			active = rows.NextResultSet()
		case sqlexp.MsgError:
			classify(res, m.Error)
		case sqlexp.MsgRowsAffected, sqlexp.MsgLastInsertID:
		}
		if res.Transport != nil {
			break
		}
	}
	if err := rows.Err(); err != nil {
		classify(res, err)
	}
	if err := ctx.Err(); err != nil && res.Transport == nil {
		res.Transport = err
	}
	if msgCtx.Err() != nil && res.Transport == nil {
		res.Transport = errors.New("the connection closed before the server answered")
	}
	return res
}

// classify records err as a server error or a transport failure. A server
// error arriving twice (as a message and from rows.Err) is kept once.
func classify(res *batchResult, err error) {
	if err == nil {
		return
	}
	var me mssql.Error
	if errors.As(err, &me) {
		all := me.All
		if len(all) == 0 {
			all = []mssql.Error{me}
		}
		for _, e := range all {
			if e.Class <= 10 {
				res.Messages = append(res.Messages, e.Message)
				continue
			}
			dup := false
			for _, have := range res.Errors {
				if have.Number == e.Number && have.LineNo == e.LineNo && have.Message == e.Message {
					dup = true
				}
			}
			if !dup {
				res.Errors = append(res.Errors, e)
			}
		}
		return
	}
	if res.Transport == nil {
		res.Transport = err
	}
}

func readSet(rows *sql.Rows) (resultSet, error) {
	var set resultSet
	cols, err := rows.Columns()
	if err != nil {
		return set, err
	}
	set.Columns = cols
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return set, fmt.Errorf("read row: %w", err)
		}
		set.Rows = append(set.Rows, vals)
	}
	return set, rows.Err()
}
