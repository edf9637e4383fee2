package engine

import "strings"

// Fixed texts of catalog view columns, as functions rather than map
// literals: a map literal is built again for every row of the view.

// userTypeDesc is sys.database_principals' type_desc for type t.
func userTypeDesc(t string) string {
	switch t {
	case "S":
		return "SQL_USER"
	case "R":
		return "DATABASE_ROLE"
	case "C":
		return "CERTIFICATE_MAPPED_USER"
	case "U":
		return "WINDOWS_USER"
	}
	return ""
}

// serverClassDesc is sys.server_permissions' class_desc for class c.
func serverClassDesc(c int32) string {
	switch c {
	case 100:
		return "SERVER"
	case 101:
		return "SERVER_PRINCIPAL"
	case 105:
		return "ENDPOINT"
	}
	return ""
}

// padRight pads s with spaces to n characters, as a char(n) column reads.
func padRight(s string, n int) string {
	if len(s) >= n {
		return s
	}
	return s + strings.Repeat(" ", n-len(s))
}
