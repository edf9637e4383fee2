// Package tsql is the only place mirrorcert builds SQL text: identifier and
// literal quoting, and one builder per statement of the procedure.
package tsql

// Secret names a value that must never appear in statement text shown to a
// person, logged, or exported. In Statement.Text a secret stands as the sqlcmd
// variable reference $(Var) inside a literal, e.g. PASSWORD = N'$(Var)'.
type Secret struct {
	Var  string // sqlcmd variable name, e.g. MASTER_KEY_PASSWORD_HOST_A
	Kind string // "master-key" | "login"
	Host string // the host the secret belongs to (the peer for a login)
}

// Statement is one T-SQL statement ready to show, export or run.
type Statement struct {
	// Text is the statement as shown and exported: secrets appear only as
	// N'$(Var)' placeholders.
	Text string
	// Secrets lists the placeholders in Text.
	Secrets []Secret
	// Guard is a boolean T-SQL condition that is true when the statement still
	// needs to run (e.g. NOT EXISTS (SELECT ...)). Exported scripts wrap Text in
	// IF <Guard> BEGIN ... END so a re-run is safe. Empty means no guard.
	Guard string
	// Database is the database the statement must run in ("master" for all of
	// the procedure).
	Database string
	// Destructive marks ALTER/DROP of an existing endpoint or certificate.
	Destructive bool
}
