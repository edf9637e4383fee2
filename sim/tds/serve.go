package tds

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/mirrorcert/mirrorcert/sim/engine"
)

// serve reads requests until the client leaves, the server closes or the
// stream is malformed. A reader goroutine delivers messages so that an
// ATTENTION can arrive while a request waits out its delay.
func (c *conn) serve() error {
	msgs := make(chan message)
	stop := make(chan struct{})
	c.s.wg.Add(1)
	go func() {
		defer c.s.wg.Done()
		defer close(msgs)
		for {
			m, err := readMessage(c.rw)
			if err != nil {
				return
			}
			select {
			case msgs <- m:
			case <-stop:
				return
			}
		}
	}()
	defer func() {
		close(stop)
		c.raw.Close() // unblocks the reader
	}()

	for {
		var m message
		var ok bool
		select {
		case m, ok = <-msgs:
			if !ok {
				return nil
			}
		case <-c.s.ctx.Done():
			return nil
		}
		switch m.typ {
		case pktAttention:
			// Nothing is running: the request already finished. Confirm the
			// cancel so the client stops waiting.
			if err := c.sendAttnAck(); err != nil {
				return err
			}
		case pktSQLBatch, pktRPC, pktTransMgr:
			if err := c.request(m, msgs); err != nil {
				return err
			}
		default:
			return malformed("unexpected packet type %#x after login", m.typ)
		}
	}
}

func (c *conn) sendAttnAck() error {
	var t tokens
	t.done(tokDone, doneAttn, cmdNone, 0)
	return c.reply(t.b)
}

func (c *conn) reply(b []byte) error {
	return writeMessage(c.rw, pktReply, b, c.packetSize, c.spid)
}

// errDropped ends a connection a fault dropped.
var errDropped = errors.New("connection dropped by fault injection")

// request runs one batch, RPC or transaction-manager request.
func (c *conn) request(m message, msgs <-chan message) error {
	req := Request{ConnID: c.id}
	var batch string
	var calls []rpcCall
	switch m.typ {
	case pktSQLBatch:
		r := &reader{b: m.data}
		skipAllHeaders(r)
		if r.err != nil {
			return r.err
		}
		batch = decodeUCS2(r.b[r.pos:])
		req.Kind, req.SQL = KindBatch, batch
	case pktRPC:
		var err error
		if calls, err = parseRPC(m.data); err != nil {
			return err
		}
		var stmts []string
		for _, call := range calls {
			if s, ok := executeSQLText(call); ok {
				stmts = append(stmts, s)
			}
		}
		req.Kind, req.SQL = KindRPC, strings.Join(stmts, "\n")
	case pktTransMgr:
		req.Kind = KindTransMgr
	}
	if req.Kind != KindTransMgr {
		c.seq++
	}
	req.Seq = c.seq

	var dec Decision
	if c.s.opts.Hook != nil {
		dec = c.s.opts.Hook(req)
	}
	if dec.Delay > 0 {
		timer := time.NewTimer(dec.Delay)
		select {
		case <-timer.C:
		case a, ok := <-msgs:
			timer.Stop()
			if !ok {
				return nil
			}
			if a.typ != pktAttention {
				return malformed("request sent while another was running")
			}
			// Cancelled before it ran: nothing happened.
			return c.sendAttnAck()
		case <-c.s.ctx.Done():
			timer.Stop()
			return nil
		}
	}
	if dec.Drop {
		return errDropped
	}

	var t tokens
	if m.status&(statusResetConn|statusResetConnKeepX) != 0 {
		c.sess.Reset()
		if m.status&statusResetConnKeepX == 0 {
			c.tranID = 0
		}
		c.database = c.sess.Database()
		t.envChangeBytes(envResetAck, nil, nil)
	}
	switch m.typ {
	case pktSQLBatch:
		outs := c.failOr(dec.Fail, func() []engine.Output { return c.sess.ExecBatch(batch) })
		c.writeOutputs(&t, outs, tokDone, true)
	case pktRPC:
		c.runRPC(&t, calls, dec.Fail)
	case pktTransMgr:
		if dec.Fail != nil {
			t.message(*dec.Fail, c.name())
			t.done(tokDone, doneError, cmdNone, 0)
		} else if err := c.transMgr(&t, m.data); err != nil {
			return err
		}
	}

	// An ATTENTION that arrived while the request ran cancels the rest of
	// its output, as SQL Server stops sending results.
	select {
	case a, ok := <-msgs:
		if !ok {
			return nil
		}
		if a.typ != pktAttention {
			return malformed("request sent while another was running")
		}
		return c.sendAttnAck()
	default:
	}
	return c.reply(t.b)
}

func (c *conn) failOr(fail *engine.Message, run func() []engine.Output) []engine.Output {
	if fail != nil {
		return []engine.Output{{Messages: []engine.Message{*fail}}}
	}
	return run()
}

// writeOutputs sends each statement's messages, result set and DONE. In a
// batch the DONE tokens carry DONE_MORE except the last; inside a
// procedure (DONEINPROC) they all do, since DONEPROC ends the call.
func (c *conn) writeOutputs(t *tokens, outs []engine.Output, doneTok byte, last bool) (anyError bool) {
	server := c.name()
	if len(outs) == 0 && doneTok == tokDone {
		status := uint16(doneFinal)
		if !last {
			status = doneMore
		}
		t.done(tokDone, status, cmdNone, 0)
		return false
	}
	for i, o := range outs {
		hasErr := false
		saw5701 := false
		if o.Database != "" {
			// SQL Server confirms every USE, even of the current database.
			t.envChange(envDatabase, o.Database, c.database)
			c.database = o.Database
		}
		for _, m := range o.Messages {
			hasErr = hasErr || m.IsError()
			saw5701 = saw5701 || m.Number == 5701
			t.message(m, server)
		}
		if o.Database != "" && !saw5701 {
			t.message(engine.Message{Number: 5701, State: 1, Class: 0, Line: 1,
				Text: fmt.Sprintf("Changed database context to '%s'.", o.Database)}, server)
		}
		curCmd := uint16(cmdNone)
		if o.Result != nil {
			curCmd = cmdSelect
			t.colMetadata(o.Result.Columns)
			for _, row := range o.Result.Rows {
				t.row(o.Result.Columns, row)
			}
		}
		status := uint16(doneMore)
		if doneTok == tokDone && last && i == len(outs)-1 {
			status = doneFinal
		}
		if o.HasRowCount {
			status |= doneCount
		}
		if hasErr {
			status |= doneError
			anyError = true
		}
		if c.tranID != 0 {
			status |= doneInXact
		}
		rows := uint64(0)
		if o.HasRowCount && o.RowCount > 0 {
			rows = uint64(o.RowCount)
		}
		t.done(doneTok, status, curCmd, rows)
	}
	return anyError
}

// execStatement turns a call of a named procedure into
// "EXEC name @p1, @p2" with the call's parameters.
func execStatement(call rpcCall) (string, []engine.Param) {
	var args []string
	var params []engine.Param
	for i, p := range call.params {
		name := p.name
		if name == "" {
			name = fmt.Sprintf("@P%d", i+1)
		}
		args = append(args, name)
		params = append(params, engine.Param{Name: name, Value: p.value})
	}
	stmt := "EXEC " + call.name
	if len(args) > 0 {
		stmt += " " + strings.Join(args, ", ")
	}
	return stmt, params
}

// executeSQLText returns the statement of an sp_executesql call.
func executeSQLText(call rpcCall) (string, bool) {
	if !isExecuteSQL(call) || len(call.params) == 0 {
		return "", false
	}
	s, ok := call.params[0].value.(string)
	return s, ok
}

func isExecuteSQL(call rpcCall) bool {
	if call.name == "" {
		return call.procID == procExecuteSQL
	}
	n := strings.ToLower(strings.TrimSpace(call.name))
	n = strings.NewReplacer("[", "", "]", "").Replace(n)
	return n == "sp_executesql" || n == "sys.sp_executesql" || n == "master.sys.sp_executesql" || n == "master..sp_executesql"
}

// runRPC answers each call: its statements' output with DONEINPROC, then
// RETURNSTATUS and DONEPROC (DONE_MORE when another call follows).
func (c *conn) runRPC(t *tokens, calls []rpcCall, fail *engine.Message) {
	server := c.name()
	for i, call := range calls {
		status := uint16(doneFinal)
		if i < len(calls)-1 {
			status = doneMore
		}
		procErr := func(m engine.Message) {
			t.message(m, server)
			t.done(tokDoneProc, status|doneError, cmdNone, 0)
		}
		if call.name == "" && call.procID != procExecuteSQL {
			procErr(engine.Message{Number: 2812, State: 62, Class: 16, Line: 1,
				Text: fmt.Sprintf("Could not find stored procedure 'procedure id %d'.", call.procID)})
			continue
		}
		if bad := badParam(call); bad != nil {
			procErr(*bad)
			continue
		}
		var stmt string
		var params []engine.Param
		if isExecuteSQL(call) {
			var err error
			if stmt, params, err = paramsFromCall(call); err != nil {
				procErr(engine.Message{Number: 201, State: 4, Class: 16, Line: 0, Proc: "sp_executesql", Text: err.Error()})
				continue
			}
		} else {
			// Any other procedure called by name (drivers send a bare
			// "xp_readerrorlog" this way) runs as an EXEC with the same
			// parameters, so the engine decides whether it exists.
			stmt, params = execStatement(call)
		}
		outs := c.failOr(fail, func() []engine.Output { return c.sess.ExecRPC(stmt, params) })
		if c.writeOutputs(t, outs, tokDoneInProc, false) {
			status |= doneError
		}
		t.returnStatus(0)
		t.done(tokDoneProc, status, cmdNone, 0)
	}
}

// badParam reports the first parameter of a type this server cannot
// decode, with SQL Server's error 8009.
func badParam(call rpcCall) *engine.Message {
	for i, p := range call.params {
		if p.badType != 0 {
			return &engine.Message{Number: 8009, State: 1, Class: 16, Line: 1, Text: fmt.Sprintf(
				"The incoming tabular data stream (TDS) remote procedure call (RPC) protocol stream is incorrect. Parameter %d (\"%s\"): Data type 0x%02X is unknown.",
				i+1, p.name, p.badType)}
		}
	}
	return nil
}

// Transaction-manager request types ([MS-TDS] 2.2.6.9).
const (
	tmGetDTCAddress = 0
	tmPropagate     = 1
	tmBegin         = 5
	tmPromote       = 6
	tmCommit        = 7
	tmRollback      = 8
	tmSave          = 9
)

// transMgr answers BEGIN/COMMIT/ROLLBACK/SAVE with the ENVCHANGE tokens
// SQL Server sends, so drivers track the transaction descriptor. The
// simulated catalog has no undo: statements apply as they run, and a
// rollback only ends the transaction.
func (c *conn) transMgr(t *tokens, data []byte) error {
	r := &reader{b: data}
	skipAllHeaders(r)
	typ := r.u16()
	if r.err != nil {
		return r.err
	}
	server := c.name()
	fail := func(m engine.Message) {
		t.message(m, server)
		t.done(tokDone, doneError, cmdNone, 0)
	}
	desc := func(id uint64) []byte { return binary.LittleEndian.AppendUint64(nil, id) }
	begin := func() {
		c.tranID = c.s.nextTran.Add(1)
		t.envChangeBytes(envBeginTran, desc(c.tranID), nil)
	}
	switch typ {
	case tmBegin:
		r.u8() // isolation level
		r.bvarchar()
		if r.err != nil {
			return r.err
		}
		begin()
	case tmCommit, tmRollback:
		r.bvarchar()
		flags := r.u8()
		if r.err != nil {
			return r.err
		}
		if c.tranID == 0 {
			if typ == tmCommit {
				fail(engine.Message{Number: 3902, State: 1, Class: 16, Line: 1, Text: "The COMMIT TRANSACTION request has no corresponding BEGIN TRANSACTION."})
			} else {
				fail(engine.Message{Number: 3903, State: 1, Class: 16, Line: 1, Text: "The ROLLBACK TRANSACTION request has no corresponding BEGIN TRANSACTION."})
			}
			return nil
		}
		env := byte(envCommitTran)
		if typ == tmRollback {
			env = envRollbackTran
		}
		t.envChangeBytes(env, nil, desc(c.tranID))
		c.tranID = 0
		if flags&0x01 != 0 { // fBeginXact: start a new one at once
			begin()
		}
	case tmSave:
	case tmGetDTCAddress:
		cols := []engine.Column{{Name: "", Type: engine.VarBinary, Size: 8000, Nullable: true}}
		t.colMetadata(cols)
		t.row(cols, []any{[]byte{}})
		t.done(tokDone, doneCount, cmdSelect, 1)
		return nil
	default:
		fail(engine.Message{Number: 8509, State: 1, Class: 16, Line: 1, Text: "Distributed transactions are not supported by this server."})
		return nil
	}
	status := uint16(doneFinal)
	if c.tranID != 0 {
		status |= doneInXact
	}
	t.done(tokDone, status, cmdNone, 0)
	return nil
}
