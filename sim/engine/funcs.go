package engine

import (
	"bytes"
	"strings"
	"time"
)

// call evaluates a built-in function.
func (ev *evaluator) call(f *funcExpr) any {
	if isAggregate(f.Name) {
		return ev.aggregate(f)
	}
	args := func(min, max int) []any {
		if len(f.Args) < min || len(f.Args) > max {
			panic(newErr(174, "The %s function requires %d argument(s).", strings.ToLower(f.Name), min))
		}
		out := make([]any, len(f.Args))
		for i, a := range f.Args {
			out[i] = ev.eval(a)
		}
		return out
	}
	s := ev.s
	in := s.inst
	switch f.Name {
	case "CERTENCODED":
		a := args(1, 1)
		if a[0] == nil {
			return nil
		}
		id := toInt(a[0])
		in.mu.Lock()
		defer in.mu.Unlock()
		if d := in.cat.db(s.db); d != nil {
			if c := d.certByID(int32(id)); c != nil {
				return bytes.Clone(c.der)
			}
		}
		return nil
	case "CERT_ID":
		a := args(1, 1)
		if a[0] == nil {
			return nil
		}
		in.mu.Lock()
		defer in.mu.Unlock()
		if d := in.cat.db(s.db); d != nil {
			if c := d.cert(toString(a[0])); c != nil {
				return int64(c.id)
			}
		}
		return nil
	case "CERTPROPERTY":
		a := args(2, 2)
		if a[0] == nil || a[1] == nil {
			return nil
		}
		in.mu.Lock()
		defer in.mu.Unlock()
		d := in.cat.db(s.db)
		if d == nil {
			return nil
		}
		c := d.certByID(int32(toInt(a[0])))
		if c == nil {
			return nil
		}
		switch strings.ToUpper(toString(a[1])) {
		case "SUBJECT":
			return c.subject
		case "ISSUER_NAME":
			return c.issuer
		case "CERT_SERIAL_NUMBER":
			return c.serial
		case "EXPIRY_DATE":
			return c.cert.NotAfter.UTC()
		case "START_DATE":
			return c.cert.NotBefore.UTC()
		case "SID":
			return bytes.Clone(c.sid)
		case "STRING_SID":
			return stringSID(c.sid)
		}
		return nil
	case "SUSER_SNAME", "SUSER_NAME":
		a := args(0, 1)
		in.mu.Lock()
		defer in.mu.Unlock()
		if len(a) == 0 {
			return s.login
		}
		var l *login
		switch x := a[0].(type) {
		case []byte:
			l = in.cat.loginBySID(x)
		case nil:
			return nil
		default:
			l = in.cat.loginByID(int32(toInt(x)))
		}
		if l == nil {
			return nil
		}
		return l.name
	case "SUSER_ID", "SUSER_SID":
		a := args(0, 1)
		in.mu.Lock()
		defer in.mu.Unlock()
		name := s.login
		if len(a) == 1 {
			if a[0] == nil {
				return nil
			}
			name = toString(a[0])
		}
		l := in.cat.login(name)
		if l == nil {
			return nil
		}
		if f.Name == "SUSER_SID" {
			return bytes.Clone(l.sid)
		}
		return int64(l.id)
	case "SYSTEM_USER", "ORIGINAL_LOGIN":
		return s.login
	case "USER", "CURRENT_USER", "SESSION_USER", "USER_NAME", "USER_ID", "DATABASE_PRINCIPAL_ID":
		a := args(0, 1)
		in.mu.Lock()
		defer in.mu.Unlock()
		d := in.cat.db(s.db)
		if d == nil {
			return nil
		}
		wantsName := f.Name != "USER_ID" && f.Name != "DATABASE_PRINCIPAL_ID"
		p := s.dbUserLocked(d, a, wantsName)
		switch {
		case p == nil:
			return nil
		case wantsName:
			return p.name
		}
		return int64(p.id)
	case "IS_SRVROLEMEMBER":
		a := args(1, 2)
		in.mu.Lock()
		defer in.mu.Unlock()
		name := s.login
		if len(a) == 2 {
			name = toString(a[1])
		}
		l := in.cat.login(name)
		role := strings.ToLower(toString(a[0]))
		if in.cat.login(role) == nil || in.cat.login(role).typ != "R" {
			return nil
		}
		if l == nil {
			return nil
		}
		if role == "public" || (role == "sysadmin" && l.sysadmin) || l.sysadmin {
			return int64(1)
		}
		return int64(0)
	case "HAS_PERMS_BY_NAME":
		return s.permsByName(args(3, 5))
	case "IS_MEMBER":
		args(1, 1)
		if s.isSysadmin() {
			return int64(1)
		}
		return int64(0)
	case "SERVERPROPERTY":
		a := args(1, 1)
		return in.serverProperty(toString(a[0]))
	case "DB_NAME":
		a := args(0, 1)
		if len(a) == 0 {
			return s.db
		}
		if a[0] == nil {
			return nil
		}
		in.mu.Lock()
		defer in.mu.Unlock()
		if d := in.cat.dbByID(int32(toInt(a[0]))); d != nil {
			return d.name
		}
		return nil
	case "DB_ID":
		a := args(0, 1)
		in.mu.Lock()
		defer in.mu.Unlock()
		name := s.db
		if len(a) == 1 {
			if a[0] == nil {
				return nil
			}
			name = toString(a[0])
		}
		if d := in.cat.db(name); d != nil {
			return int64(d.id)
		}
		return nil
	case "GETUTCDATE", "SYSUTCDATETIME":
		args(0, 0)
		return in.now()
	case "GETDATE", "SYSDATETIME", "CURRENT_TIMESTAMP":
		args(0, 0)
		return in.now() // the simulated server's clock runs on UTC
	case "IIF":
		if len(f.Args) != 3 {
			panic(newErr(174, "The iif function requires 3 argument(s)."))
		}
		if ev.pred(f.Args[0]) == triTrue {
			return ev.eval(f.Args[1])
		}
		return ev.eval(f.Args[2])
	case "ISNULL":
		a := args(2, 2)
		if a[0] == nil {
			return a[1]
		}
		return a[0]
	case "COALESCE":
		a := args(1, 64)
		for _, v := range a {
			if v != nil {
				return v
			}
		}
		return nil
	case "NULLIF":
		a := args(2, 2)
		if a[0] != nil && a[1] != nil && compare(a[0], a[1]) == 0 {
			return nil
		}
		return a[0]
	case "LEN":
		a := args(1, 1)
		if a[0] == nil {
			return nil
		}
		return int64(len([]rune(strings.TrimRight(toString(a[0]), " "))))
	case "DATALENGTH":
		a := args(1, 1)
		switch x := a[0].(type) {
		case nil:
			return nil
		case []byte:
			return int64(len(x))
		case string:
			return int64(len([]rune(x)) * 2)
		case int64:
			return int64(4)
		}
		return int64(8)
	case "UPPER", "LOWER", "LTRIM", "RTRIM", "TRIM":
		a := args(1, 1)
		if a[0] == nil {
			return nil
		}
		v := toString(a[0])
		switch f.Name {
		case "UPPER":
			return strings.ToUpper(v)
		case "LOWER":
			return strings.ToLower(v)
		case "LTRIM":
			return strings.TrimLeft(v, " ")
		case "RTRIM":
			return strings.TrimRight(v, " ")
		}
		return strings.Trim(v, " ")
	case "SUBSTRING":
		a := args(3, 3)
		if a[0] == nil || a[1] == nil || a[2] == nil {
			return nil
		}
		return substring(a[0], toInt(a[1]), toInt(a[2]))
	case "LEFT", "RIGHT":
		a := args(2, 2)
		if a[0] == nil || a[1] == nil {
			return nil
		}
		r := []rune(toString(a[0]))
		n := int(toInt(a[1]))
		if n < 0 {
			panic(newErr(536, "Invalid length parameter passed to the %s function.", strings.ToLower(f.Name)))
		}
		if n > len(r) {
			n = len(r)
		}
		if f.Name == "LEFT" {
			return string(r[:n])
		}
		return string(r[len(r)-n:])
	case "REPLACE":
		a := args(3, 3)
		if a[0] == nil || a[1] == nil || a[2] == nil {
			return nil
		}
		if ev.s.inst.cs {
			if toString(a[1]) == "" {
				return toString(a[0])
			}
			return strings.ReplaceAll(toString(a[0]), toString(a[1]), toString(a[2]))
		}
		return replaceCI(toString(a[0]), toString(a[1]), toString(a[2]))
	case "CHARINDEX":
		a := args(2, 3)
		if a[0] == nil || a[1] == nil {
			return nil
		}
		return int64(strings.Index(ev.fold(toString(a[1])), ev.fold(toString(a[0]))) + 1)
	case "CONCAT":
		a := args(2, 254)
		var b strings.Builder
		for _, v := range a {
			b.WriteString(toString(v))
		}
		return b.String()
	case "QUOTENAME":
		a := args(1, 2)
		if a[0] == nil {
			return nil
		}
		q := "["
		if len(a) == 2 && a[1] != nil {
			q = toString(a[1])
		}
		v := toString(a[0])
		switch q {
		case "'":
			return "'" + strings.ReplaceAll(v, "'", "''") + "'"
		case "\"":
			return "\"" + strings.ReplaceAll(v, "\"", "\"\"") + "\""
		}
		return "[" + strings.ReplaceAll(v, "]", "]]") + "]"
	case "DATEADD":
		a := args(3, 3)
		if a[1] == nil || a[2] == nil {
			return nil
		}
		t := convertTo(a[2], sqlType{T: DateTime}).(time.Time)
		return dateAdd(toString(a[0]), toInt(a[1]), t)
	case "DATEDIFF":
		a := args(3, 3)
		if a[1] == nil || a[2] == nil {
			return nil
		}
		t1 := convertTo(a[1], sqlType{T: DateTime}).(time.Time)
		t2 := convertTo(a[2], sqlType{T: DateTime}).(time.Time)
		return dateDiff(toString(a[0]), t1, t2)
	case "NEWID":
		b := randomBytes(16)
		return strings.ToUpper(formatGUID(b))
	case "OBJECT_ID":
		args(1, 2)
		return nil
	case "ERROR_NUMBER", "ERROR_MESSAGE", "ERROR_SEVERITY", "ERROR_STATE", "ERROR_LINE", "ERROR_PROCEDURE":
		args(0, 0)
		c := s.caught
		if c == nil {
			return nil // outside a CATCH block
		}
		switch f.Name {
		case "ERROR_NUMBER":
			return int64(c.Number)
		case "ERROR_MESSAGE":
			return c.Text
		case "ERROR_SEVERITY":
			return int64(c.Class)
		case "ERROR_STATE":
			return int64(c.State)
		case "ERROR_LINE":
			return int64(c.Line)
		}
		return nil
	}
	panic(&sqlError{msg: errf(195, 0, txtNotBuiltin, f.Raw), abortBatch: true})
}
