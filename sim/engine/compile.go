package engine

import (
	"strconv"
	"strings"
)

// compile checks a parsed batch the way SQL Server compiles it before
// running anything: a function the server version does not have is error
// 195 for the whole batch, so none of its statements run. This is what makes
// a pre-2012 server reject a state query that uses CERTENCODED outright.
func (in *instance) compile(stmts []stmt) *Message {
	major := in.major()
	var bad *funcExpr
	check := func(x expr) {
		walkDeep(x, func(e expr) {
			if f, ok := e.(*funcExpr); ok && bad == nil && !builtinAvailable(f.Name, major) {
				bad = f
			}
		})
	}
	for _, st := range stmts {
		walkStmt(st, check)
		if m := binaryCertBefore2012(st, major); m != nil {
			return m
		}
	}
	if bad == nil {
		return nil
	}
	m := errf(195, bad.Line, txtNotBuiltin, bad.Raw)
	return &m
}

// major is the simulated server's major version (11 for SQL Server 2012);
// 16 when ProductVersion does not start with a number.
func (in *instance) major() int {
	if n, err := strconv.Atoi(strings.SplitN(in.opts.ProductVersion, ".", 2)[0]); err == nil {
		return n
	}
	return 16
}

// builtinAvailable reports whether the engine knows function name and the
// simulated version has it.
func builtinAvailable(name string, major int) bool {
	switch name {
	case "CERTENCODED", "CONCAT", "IIF":
		return major >= 11 // SQL Server 2012
	case "TRIM":
		return major >= 14 // SQL Server 2017
	case "COUNT", "COUNT_BIG", "MAX", "MIN", "SUM",
		"CERT_ID", "CERTPROPERTY", "SUSER_SNAME", "SUSER_NAME", "SUSER_ID", "SUSER_SID",
		"SYSTEM_USER", "ORIGINAL_LOGIN", "USER", "CURRENT_USER", "SESSION_USER", "USER_NAME",
		"USER_ID", "DATABASE_PRINCIPAL_ID", "IS_SRVROLEMEMBER", "IS_MEMBER", "HAS_PERMS_BY_NAME",
		"SERVERPROPERTY", "DB_NAME", "DB_ID", "GETUTCDATE", "SYSUTCDATETIME", "GETDATE",
		"SYSDATETIME", "CURRENT_TIMESTAMP", "ISNULL", "COALESCE", "NULLIF", "LEN", "DATALENGTH",
		"UPPER", "LOWER", "LTRIM", "RTRIM", "SUBSTRING", "LEFT", "RIGHT", "REPLACE",
		"CHARINDEX", "QUOTENAME", "DATEADD", "DATEDIFF", "NEWID", "OBJECT_ID",
		"ERROR_NUMBER", "ERROR_MESSAGE", "ERROR_SEVERITY", "ERROR_STATE", "ERROR_LINE", "ERROR_PROCEDURE":
		return true
	}
	return false
}

// walkStmt visits every expression of a statement, nested statements included.
func walkStmt(st stmt, fn func(expr)) {
	switch st := st.(type) {
	case *blockStmt:
		for _, b := range st.Body {
			walkStmt(b, fn)
		}
	case *tryStmt:
		for _, b := range st.Try {
			walkStmt(b, fn)
		}
		for _, b := range st.Catch {
			walkStmt(b, fn)
		}
	case *ifStmt:
		fn(st.Cond)
		walkStmt(st.Then, fn)
		if st.Else != nil {
			walkStmt(st.Else, fn)
		}
	case *printStmt:
		fn(st.X)
	case *declareStmt:
		for _, v := range st.Vars {
			if v.Init != nil {
				fn(v.Init)
			}
		}
	case *setVarStmt:
		fn(st.X)
	case *selectStmt:
		fn(&subqueryExpr{Sub: st.Q})
	case *execStmt:
		if st.Dynamic != nil {
			fn(st.Dynamic)
		}
		for _, a := range st.Args {
			fn(a.X)
		}
	case *throwStmt:
		for _, x := range []expr{st.Num, st.Msg, st.State} {
			if x != nil {
				fn(x)
			}
		}
	case *raiserrorStmt:
		fn(st.Msg)
		fn(st.Sev)
		fn(st.State)
		for _, a := range st.Args {
			fn(a)
		}
	}
}

// walkDeep is walkExpr that also descends into subqueries.
func walkDeep(x expr, fn func(expr)) {
	walkExpr(x, func(e expr) {
		fn(e)
		var q *selectQuery
		switch e := e.(type) {
		case *subqueryExpr:
			q = e.Sub
		case *existsExpr:
			q = e.Sub
		case *inExpr:
			q = e.Sub
		}
		if q == nil {
			return
		}
		for _, u := range q.Unions {
			walkDeep(&subqueryExpr{Sub: u.Q}, fn)
		}
		parts := []expr{q.Top, q.Where}
		for _, it := range q.Items {
			parts = append(parts, it.X)
		}
		for _, j := range q.Joins {
			parts = append(parts, j.On)
		}
		parts = append(parts, q.GroupBy...)
		for _, o := range q.OrderBy {
			parts = append(parts, o.X)
		}
		for _, p := range parts {
			if p != nil {
				walkDeep(p, fn)
			}
		}
	})
}

// binaryCertBefore2012 rejects CREATE CERTIFICATE ... FROM BINARY and
// THROW, which SQL Server 2012 introduced, as syntax errors on older versions.
func binaryCertBefore2012(st stmt, major int) *Message {
	if major >= 11 {
		return nil
	}
	switch st := st.(type) {
	case *createCertStmt:
		if st.HasBinary {
			m := errf(102, st.Line, txtSyntax, "BINARY")
			return &m
		}
	case *throwStmt:
		// THROW came with SQL Server 2012; before it the word is not a
		// statement, so the batch does not parse.
		m := errf(102, st.Line, txtSyntax, "THROW")
		return &m
	case *blockStmt:
		for _, b := range st.Body {
			if m := binaryCertBefore2012(b, major); m != nil {
				return m
			}
		}
	case *tryStmt:
		for _, b := range append(append([]stmt{}, st.Try...), st.Catch...) {
			if m := binaryCertBefore2012(b, major); m != nil {
				return m
			}
		}
	case *ifStmt:
		if m := binaryCertBefore2012(st.Then, major); m != nil {
			return m
		}
		if st.Else != nil {
			return binaryCertBefore2012(st.Else, major)
		}
	}
	return nil
}
