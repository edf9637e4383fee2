//go:build !windows

package session

// Kerberos for -E on Linux and macOS: go-mssqldb's provider uses the ticket
// cache from kinit (KRB5CCNAME), a keytab, or user@REALM with a password.
import _ "github.com/microsoft/go-mssqldb/integratedauth/krb5"
