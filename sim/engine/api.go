// Package engine is the simulated SQL Server's brain: a T-SQL lexer and
// parser for the statements the certificate procedure uses, and a per-instance
// master catalog (master key, certificates with real X.509, the mirroring
// endpoint, logins, users, permissions). It knows nothing of the wire; package
// tds serves it over TDS.
package engine

import "time"

// Type is a column type the wire layer can encode.
type Type int

// Column types. Values in Rows use these Go types:
// Int -> int32, BigInt -> int64, Bit -> bool, NVarChar -> string,
// VarBinary -> []byte, DateTime -> time.Time (UTC); nil for NULL (and see
// UniqueIdentifier and DateTimeOffset below).
const (
	Int Type = iota
	BigInt
	Bit
	NVarChar  // nvarchar(Size) or nvarchar(max) when Size <= 0
	VarBinary // varbinary(Size) or varbinary(max) when Size <= 0
	DateTime
	// UniqueIdentifier values are [16]byte in SQL Server's byte order (the
	// first three groups little-endian), as uniqueidentifier travels.
	UniqueIdentifier
	// DateTimeOffset is datetimeoffset(7); values are time.Time, sent with
	// their zone's offset.
	DateTimeOffset
)

// Column describes one result column.
type Column struct {
	Name     string
	Type     Type
	Size     int // characters for NVarChar, bytes for VarBinary; <= 0 means max
	Nullable bool
}

// ResultSet is the rows of one SELECT.
type ResultSet struct {
	Columns []Column
	Rows    [][]any
}

// Message is an INFO (Class <= 10) or ERROR (Class > 10) token.
type Message struct {
	Number int32
	State  uint8
	Class  uint8
	Text   string
	Line   int32  // 1-based line within the batch
	Proc   string // procedure name, usually ""
}

// IsError reports whether m is an error (severity above 10).
func (m Message) IsError() bool { return m.Class > 10 }

// Output is what one statement of a batch produced, in order. The wire layer
// sends Messages, then the result set (COLMETADATA + ROWs) if any, then a DONE
// (DONE_COUNT with RowCount when HasRowCount, DONE_ERROR when an error message
// is present).
type Output struct {
	Messages    []Message
	Result      *ResultSet
	RowCount    int64
	HasRowCount bool
	// Database is set when the statement changed the current database (USE);
	// the wire layer sends an ENVCHANGE.
	Database string
}

// Param is a typed parameter of an RPC (sp_executesql) call. Name includes the
// leading @. Value uses the Go types listed for Type.
type Param struct {
	Name  string
	Value any
}

// Options configure an instance.
type Options struct {
	Name           string // server name, e.g. HOST_A (@@SERVERNAME, SERVERPROPERTY('ServerName'))
	ProductVersion string // default "16.0.4135.4"
	Edition        string // default "Developer Edition (64-bit)"
	FileRoot       string // directory that sandboxes C:\... paths for BACKUP/FROM FILE
	// ShareRoot stands for every \\server\share of the instance's network:
	// instances given the same ShareRoot see the same UNC files. Empty keeps
	// UNC paths under FileRoot/UNC, the instance's own.
	ShareRoot  string
	SAPassword string           // password of login sa
	Now        func() time.Time // clock; default time.Now
	// Collation is the server collation (SERVERPROPERTY('Collation'), and
	// every database's); default SQL_Latin1_General_CP1_CI_AS. A _CS_ or
	// _BIN collation makes names case-sensitive.
	Collation string
	// Port is the TDS port the wire layer listens on, for the error log's
	// "Server is listening on" line; 0 leaves that line out.
	Port int
	// MirrorNet is the mirroring transport (package sim); nil means the
	// endpoints never listen and SET PARTNER cannot reach anyone.
	MirrorNet MirrorNet
	// Address is the instance's own IP address (the wire layer serves TDS
	// there too), for the error log's "Server is listening on" line.
	Address string
	// CMS, when set, makes the instance a Central Management Server: msdb
	// serves the registered servers it returns (read at query time, so the
	// cluster can fill it once every instance's port is known). Nil: msdb
	// has no registered-servers views.
	CMS func() *CMS
}

// Instance is one simulated SQL Server. It is safe for concurrent use by many
// sessions.
type Instance interface {
	// Name is the server name.
	Name() string
	// Authenticate checks a SQL login. On failure it returns the 18456 message.
	Authenticate(user, password string) *Message
	// NewSession starts a connection's session state (current database "master").
	NewSession(login string) Session
	// ErrorLog returns the instance's error-log lines (for xp_readerrorlog).
	ErrorLog() []string
	// FileRoot is the sandbox directory standing for the instance's disks.
	FileRoot() string
}

// Session is one connection's state. Not safe for concurrent use: the wire
// layer serialises requests on a connection.
type Session interface {
	// ExecBatch parses and runs a SQL batch (SQLBatch packet). A batch that does
	// not parse returns one Output with the 102/156 error and runs nothing.
	ExecBatch(sql string) []Output
	// ExecRPC runs sp_executesql: stmt with its typed parameters.
	ExecRPC(stmt string, params []Param) []Output
	// Database is the current database name.
	Database() string
	// Reset restores the session to a fresh state (TDS reset-connection flag).
	Reset()
}
