package engine

import (
	"sort"
	"strings"
	"time"
)

// execProc runs EXEC: dynamic SQL, sp_executesql and the extended
// procedures the procedure and its diagnostics use.
func (r *runner) execProc(st *execStmt) {
	s := r.s
	ev := &evaluator{s: s}
	if st.Dynamic != nil {
		r.nested(toString(ev.eval(st.Dynamic)), nil, nil)
		return
	}
	parts := strings.Split(st.Proc, ".")
	name := strings.ToLower(parts[len(parts)-1])
	if len(parts) >= 2 {
		schema := strings.ToLower(parts[len(parts)-2])
		if schema != "" && schema != "sys" && schema != "dbo" {
			panic(newErr(2812, "Could not find stored procedure '%s'.", st.Proc))
		}
	}
	if len(parts) == 3 && parts[0] != "" {
		s.inst.mu.Lock()
		ok := s.inst.cat.db(parts[0]) != nil
		s.inst.mu.Unlock()
		if !ok {
			panic(newErr(2812, "Could not find stored procedure '%s'.", st.Proc))
		}
	}
	args := make([]any, len(st.Args))
	for i, a := range st.Args {
		args[i] = ev.eval(a.X)
	}
	switch name {
	case "xp_readerrorlog", "sp_readerrorlog":
		// sysadmin (or CONTROL SERVER, which acts like it) only: the
		// documented securityadmin membership is not modelled.
		if !s.hasControlServer() {
			panic(newErr(229, "The EXECUTE permission was denied on the object '%s', database 'mssqlsystemresource', schema 'sys'.", name))
		}
		r.readErrorLog(args)
	case "xp_fileexist":
		if len(args) < 1 || args[0] == nil {
			panic(newErr(22027, "Usage:  EXECUTE xp_fileexist <filename> [, <file_exists INT> OUTPUT]"))
		}
		file, dir, parent := fileExists(s.inst.opts.FileRoot, s.inst.opts.ShareRoot, toString(args[0]))
		if len(st.Args) > 1 && st.Args[1].Output {
			if v, ok := st.Args[1].X.(*varExpr); ok {
				out := s.variable(v.Name)
				out.val = convertTo(boolInt(file), out.typ)
				r.emit(Output{})
				return
			}
		}
		res := &ResultSet{
			Columns: []Column{
				{Name: "File Exists", Type: Int},
				{Name: "File is a Directory", Type: Int},
				{Name: "Parent Directory Exists", Type: Int},
			},
			Rows: [][]any{{int32(boolInt(file)), int32(boolInt(dir)), int32(boolInt(parent))}},
		}
		r.emit(Output{Result: res, RowCount: 1, HasRowCount: !s.nocount})
	case "sp_executesql":
		if len(args) == 0 {
			panic(newErr(201, "Procedure or function 'sp_executesql' expects parameter '@statement', which was not supplied."))
		}
		params := map[string]*variable{}
		var outs []execArg
		var order []string
		if len(args) > 1 && args[1] != nil {
			defs := parseParamDefs(toString(args[1]))
			for _, d := range defs {
				params[strings.ToLower(d.Name)] = &variable{typ: d.Type}
				order = append(order, strings.ToLower(d.Name))
			}
		}
		pos := 0
		for i := 2; i < len(st.Args); i++ {
			a := st.Args[i]
			key := strings.ToLower(a.Name)
			if key == "" {
				if pos >= len(order) {
					panic(newErr(8144, "Procedure or function sp_executesql has too many arguments specified."))
				}
				key = order[pos]
				pos++
			}
			p, ok := params[key]
			if !ok {
				panic(newErr(8145, "%s is not a parameter for procedure sp_executesql.", a.Name))
			}
			p.val = convertTo(args[i], p.typ)
			if a.Output {
				a.Name = key
				outs = append(outs, a)
			}
		}
		r.nested(toString(args[0]), params, func(vars map[string]*variable) {
			for _, a := range outs {
				if target, ok := a.X.(*varExpr); ok {
					tv := s.variable(target.Name)
					tv.val = convertTo(vars[a.Name].val, tv.typ)
				}
			}
		})
	default:
		panic(newErr(2812, "Could not find stored procedure '%s'.", st.Proc))
	}
}

func boolInt(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// nested runs dynamic SQL in its own variable scope; its statements' outputs
// become part of this batch's outputs.
func (r *runner) nested(sql string, vars map[string]*variable, done func(map[string]*variable)) {
	s := r.s
	if s.depth >= 32 {
		panic(newErr(217, "Maximum stored procedure, function, trigger, or view nesting level exceeded (limit 32)."))
	}
	saved := s.vars
	if vars == nil {
		vars = map[string]*variable{}
	}
	stmts, perr := parseBatch(sql)
	if perr == nil {
		perr = s.inst.compile(stmts)
	}
	if perr != nil {
		s.lastError = perr.Number
		if r.catching {
			r.caught, r.aborted = perr, true
			return
		}
		r.emit(Output{Messages: []Message{*perr}})
		return
	}
	inner := &runner{s: s, pending: r.pending, catching: r.catching}
	r.pending = nil
	savedDB := s.db
	func() {
		s.vars = vars
		s.depth++
		defer func() {
			s.depth--
			s.vars = saved
		}()
		inner.runList(stmts)
	}()
	r.out = append(r.out, inner.out...)
	r.pending = inner.pending
	if s.db != savedDB {
		// A USE inside dynamic SQL lasts only until it ends.
		s.db = savedDB
		r.emit(Output{Database: savedDB})
	}
	if inner.caught != nil {
		// An error in dynamic SQL inside TRY goes to the caller's CATCH.
		r.caught, r.aborted = inner.caught, true
		return
	}
	if done != nil {
		done(vars) // OUTPUT parameters are copied back in the caller's scope
	}
}

// parseParamDefs parses sp_executesql's parameter list, e.g.
// N'@name sysname, @id int OUTPUT'. A bad list raises the parse error.
func parseParamDefs(defs string) []declVar {
	toks, lerr := lex(defs)
	if lerr != nil {
		panic(&sqlError{msg: lerr.msg})
	}
	p := &parser{toks: toks}
	var out []declVar
	func() {
		defer func() {
			if rec := recover(); rec != nil {
				pe, ok := rec.(*parseError)
				if !ok {
					panic(rec)
				}
				panic(&sqlError{msg: pe.msg})
			}
		}()
		for p.peek().Kind != tkEOF {
			t := p.next()
			if t.Kind != tkVar {
				p.failAt(t)
			}
			p.accept("AS")
			out = append(out, declVar{Name: t.Text, Type: p.dataType()})
			if !p.accept("OUTPUT") {
				p.accept("OUT")
			}
			if !p.acceptOp(",") && p.peek().Kind != tkEOF {
				p.fail()
			}
		}
	}()
	return out
}

// readErrorLog implements xp_readerrorlog's arguments: log number (0 is the
// current log), log type (1 SQL Server, 2 Agent), two search strings that
// must both appear, a start and end time, and 'asc' or 'desc'.
func (r *runner) readErrorLog(args []any) {
	arg := func(i int) any {
		if i < len(args) {
			return args[i]
		}
		return nil
	}
	in := r.s.inst
	in.mu.Lock()
	entries := append([]logEntry(nil), in.cat.errlog...)
	in.mu.Unlock()
	if n := arg(0); n != nil && toInt(n) != 0 {
		entries = nil // no archived logs on a simulated instance
	}
	if t := arg(1); t != nil && toInt(t) == 2 {
		entries = nil // no SQL Server Agent
	}
	var kept []logEntry
	for _, e := range entries {
		ok := true
		for _, i := range []int{2, 3} {
			if s := arg(i); s != nil && toString(s) != "" && !strings.Contains(strings.ToUpper(e.text), strings.ToUpper(toString(s))) {
				ok = false
			}
		}
		if from := arg(4); from != nil {
			if t, isTime := convertTo(from, sqlType{T: DateTime}).(time.Time); isTime && e.at.Before(t) {
				ok = false
			}
		}
		if to := arg(5); to != nil {
			if t, isTime := convertTo(to, sqlType{T: DateTime}).(time.Time); isTime && e.at.After(t) {
				ok = false
			}
		}
		if ok {
			kept = append(kept, e)
		}
	}
	if o := arg(6); o != nil && strings.EqualFold(toString(o), "desc") {
		sort.SliceStable(kept, func(i, j int) bool { return kept[i].at.After(kept[j].at) })
	}
	res := &ResultSet{Columns: []Column{
		{Name: "LogDate", Type: DateTime, Nullable: true},
		{Name: "ProcessInfo", Type: NVarChar, Size: 50, Nullable: true},
		{Name: "Text", Type: NVarChar, Size: 4000, Nullable: true},
	}}
	for _, e := range kept {
		res.Rows = append(res.Rows, []any{e.at, e.process, e.text})
	}
	r.emit(Output{Result: res, RowCount: int64(len(res.Rows)), HasRowCount: !r.s.nocount})
}
