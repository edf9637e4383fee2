package engine

import (
	"fmt"
	"strings"
	"time"
)

// variable is a T-SQL local variable: its declared type and current value.
type variable struct {
	typ sqlType
	val any
}

// session implements Session: one connection's database, SET options and,
// while a batch runs, its variables.
type session struct {
	inst      *instance
	login     string
	spid      int32
	db        string
	vars      map[string]*variable
	nocount   bool
	xactAbort bool
	rowcount  int64
	lastError int32
	tranCount int32
	depth     int      // nesting of EXEC (@sql) / sp_executesql
	caught    *Message // the error a CATCH block is handling, for ERROR_NUMBER() etc.
}

// Database implements Session.
func (s *session) Database() string { return s.db }

// Reset implements Session: the state of a fresh connection (the TDS
// reset-connection flag).
func (s *session) Reset() {
	s.db = "master"
	s.inst.mu.Lock()
	if l := s.inst.cat.login(s.login); l != nil && l.defaultDB != "" && s.inst.cat.db(l.defaultDB) != nil {
		s.db = s.inst.cat.db(l.defaultDB).name
	}
	s.inst.mu.Unlock()
	s.vars = map[string]*variable{}
	s.nocount, s.xactAbort = false, false
	s.rowcount, s.lastError, s.tranCount = 0, 0, 0
}

// ExecBatch implements Session.
func (s *session) ExecBatch(sql string) []Output {
	s.vars = map[string]*variable{} // variables live for one batch
	return s.run(sql)
}

// ExecRPC implements Session: sp_executesql with typed parameters, which
// become variables of the statement's batch.
func (s *session) ExecRPC(stmt string, params []Param) []Output {
	s.vars = map[string]*variable{}
	for _, p := range params {
		name := p.Name
		if !strings.HasPrefix(name, "@") {
			name = "@" + name
		}
		s.vars[strings.ToLower(name)] = &variable{typ: typeOfGo(p.Value), val: fromGo(p.Value)}
	}
	return s.run(stmt)
}

func (s *session) run(sql string) []Output {
	stmts, perr := s.inst.parsed(sql)
	if perr != nil {
		s.lastError = perr.Number
		return []Output{{Messages: []Message{*perr}}}
	}
	r := &runner{s: s}
	r.runList(stmts)
	if len(r.pending) > 0 || len(r.out) == 0 {
		r.out = append(r.out, Output{Messages: r.pending})
	}
	return r.out
}

// isSysadmin reports whether the session's login is in the sysadmin role.
func (s *session) isSysadmin() bool {
	s.inst.mu.Lock()
	defer s.inst.mu.Unlock()
	l := s.inst.cat.login(s.login)
	return l != nil && l.sysadmin
}

// runner executes one batch's statements and collects their outputs.
type runner struct {
	s        *session
	out      []Output
	pending  []Message // PRINT output waiting for the next statement's DONE
	aborted  bool
	catching bool     // inside BEGIN TRY: the first error goes to CATCH
	caught   *Message // that error
}

func (r *runner) emit(o Output) {
	if len(r.pending) > 0 {
		o.Messages = append(r.pending, o.Messages...)
		r.pending = nil
	}
	r.out = append(r.out, o)
}

func (r *runner) runList(stmts []stmt) {
	for _, st := range stmts {
		if r.aborted {
			return
		}
		r.runStmt(st)
	}
}

// runStmt runs one statement. An error ends the statement only (SQL Server's
// default), unless it is batch-aborting or XACT_ABORT is on.
func (r *runner) runStmt(st stmt) {
	defer func() {
		rec := recover()
		if rec == nil {
			return
		}
		e, ok := rec.(*sqlError)
		if !ok {
			// A simulator bug must not take the server down: report it as an
			// error on the statement, loudly worded.
			e = &sqlError{msg: errf(50000, 0, "mirrorcert simulator internal error: %v", rec), abortBatch: true}
		}
		r.fail(st, e)
	}()
	r.exec(st)
	switch st.(type) {
	case *blockStmt, *ifStmt, *tryStmt:
		// Their inner statements set @@ERROR.
	default:
		r.s.lastError = 0 // @@ERROR is 0 after a statement that succeeded
	}
}

func (r *runner) fail(st stmt, e *sqlError) {
	m := e.msg
	if m.Line == 0 {
		m.Line = int32(st.stmtLine())
	}
	r.s.lastError = m.Number
	if !m.IsError() {
		// Severity 10 and below is information: it ends the statement
		// (nothing was done) but TRY does not catch it and nothing aborts.
		r.emit(Output{Messages: []Message{m}})
		return
	}
	if r.catching {
		// In a TRY block any error (severity above 10) ends the block and
		// is handed to CATCH instead of the client.
		r.caught = &m
		r.aborted = true
		return
	}
	r.emit(Output{Messages: []Message{m}})
	if e.abortBatch || r.s.xactAbort {
		r.aborted = true
	}
}

func (r *runner) exec(st stmt) {
	s := r.s
	switch st := st.(type) {
	case *blockStmt:
		r.runList(st.Body)
	case *ifStmt:
		ev := &evaluator{s: s}
		if ev.pred(st.Cond) == triTrue {
			r.runStmt(st.Then)
		} else if st.Else != nil {
			r.runStmt(st.Else)
		}
	case *useStmt:
		s.inst.mu.Lock()
		d := s.inst.cat.db(st.DB)
		s.inst.mu.Unlock()
		if d == nil {
			panic(newErr(911, txtNoDatabase, st.DB))
		}
		s.inst.locked(func() { checkUsable(d) })
		s.db = d.name
		info := errf(5701, st.Line, "Changed database context to '%s'.", d.name)
		info.Class = 0
		r.emit(Output{Database: d.name, Messages: []Message{info}})
	case *printStmt:
		ev := &evaluator{s: s}
		v := ev.eval(st.X)
		text := ""
		if v != nil {
			text = toString(v)
		}
		r.pending = append(r.pending, Message{Number: 0, State: 1, Class: 0, Text: text, Line: int32(st.Line)})
	case *declareStmt:
		for _, v := range st.Vars {
			key := strings.ToLower(v.Name)
			if _, dup := s.vars[key]; dup {
				panic(newErr(134, "The variable name '%s' has already been declared. Variable names must be unique within a query batch or stored procedure.", v.Name))
			}
			nv := &variable{typ: v.Type}
			s.vars[key] = nv
			if v.Init != nil {
				nv.val = convertTo((&evaluator{s: s}).eval(v.Init), v.Type)
			}
		}
	case *setVarStmt:
		vr := s.variable(st.Name)
		vr.val = convertTo((&evaluator{s: s}).eval(st.X), vr.typ)
	case *setOptionStmt:
		for _, o := range st.Options {
			switch o {
			case "NOCOUNT":
				s.nocount = st.On
			case "XACT_ABORT":
				s.xactAbort = st.On
			}
		}
	case *tryStmt:
		inner := &runner{s: s, pending: r.pending, catching: true}
		r.pending = nil
		inner.runList(st.Try)
		r.out = append(r.out, inner.out...)
		r.pending = inner.pending
		if inner.caught != nil {
			saved := s.caught
			s.caught = inner.caught
			defer func() { s.caught = saved }()
			r.runList(st.Catch)
		}
	case *tranStmt:
		// Transactions are counted for @@TRANCOUNT; catalog changes are not
		// rolled back (see README).
		switch st.Op {
		case "BEGIN":
			s.tranCount++
		case "COMMIT":
			if s.tranCount == 0 {
				panic(newErr(3902, "The COMMIT TRANSACTION request has no corresponding BEGIN TRANSACTION."))
			}
			s.tranCount--
		case "ROLLBACK":
			if s.tranCount == 0 {
				panic(newErr(3903, "The ROLLBACK TRANSACTION request has no corresponding BEGIN TRANSACTION."))
			}
			s.tranCount = 0
		}
	case *selectStmt:
		r.selectStmt(st)
	case *execStmt:
		r.execProc(st)
	case *throwStmt:
		ev := &evaluator{s: s}
		if st.Num == nil && s.caught != nil {
			m := *s.caught
			panic(&sqlError{msg: m, abortBatch: true})
		}
		if st.Num == nil {
			panic(newErr(10704, "To rethrow an error, a THROW statement must be used inside a CATCH block. Insert the THROW statement inside a CATCH block, or add error parameters to the THROW statement."))
		}
		n := toInt(ev.eval(st.Num))
		m := errf(int32(n), st.Line, "%s", toString(ev.eval(st.Msg)))
		m.State = uint8(toInt(ev.eval(st.State)))
		panic(&sqlError{msg: m, abortBatch: true})
	case *raiserrorStmt:
		ev := &evaluator{s: s}
		args := make([]any, len(st.Args))
		for i, a := range st.Args {
			args[i] = ev.eval(a)
		}
		m := errf(50000, st.Line, "%s", raiserrorFormat(toString(ev.eval(st.Msg)), args))
		m.Class = uint8(toInt(ev.eval(st.Sev)))
		m.State = uint8(toInt(ev.eval(st.State)))
		if m.Class <= 10 {
			r.pending = append(r.pending, m)
			return
		}
		panic(&sqlError{msg: m})
	default:
		r.ddl(st)
	}
}

// variable looks up a declared variable or raises 137.
func (s *session) variable(name string) *variable {
	v, ok := s.vars[strings.ToLower(name)]
	if !ok {
		panic(newErr(137, txtMustDeclare, name))
	}
	return v
}

func (r *runner) selectStmt(st *selectStmt) {
	ev := &evaluator{s: r.s}
	res, n := ev.runSelect(st.Q, nil)
	r.s.rowcount = n
	o := Output{RowCount: n, HasRowCount: !r.s.nocount}
	if res != nil {
		o.Result = res
	}
	r.emit(o)
}

// typeOfGo maps an RPC parameter's Go value to its SQL type.
func typeOfGo(v any) sqlType {
	switch x := v.(type) {
	case int32, int16, int8, uint8:
		return sqlType{T: Int, Name: "int"}
	case int64, int:
		return sqlType{T: BigInt, Name: "bigint"}
	case bool:
		return sqlType{T: Bit, Name: "bit"}
	case []byte:
		return sqlType{T: VarBinary, Size: 0, Name: "varbinary"}
	case time.Time:
		return sqlType{T: DateTime, Name: "datetime"}
	case string:
		_ = x
		return sqlType{T: NVarChar, Size: 0, Name: "nvarchar"}
	}
	return sqlType{T: NVarChar, Size: 0, Name: "nvarchar"}
}

// fromGo converts an API value to the evaluator's representation.
func fromGo(v any) any {
	switch x := v.(type) {
	case int32:
		return int64(x)
	case int16:
		return int64(x)
	case int8:
		return int64(x)
	case uint8:
		return int64(x)
	case int:
		return int64(x)
	case int64, bool, string, []byte, nil:
		return x
	case time.Time:
		return x.UTC()
	case float64:
		return x
	}
	return fmt.Sprint(v)
}
