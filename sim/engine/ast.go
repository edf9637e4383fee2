package engine

// The syntax tree of a batch. Statements carry the batch line they start on,
// which is the line SQL Server reports for their errors.

type stmt interface{ stmtLine() int }

type at struct{ Line int }

func (a at) stmtLine() int { return a.Line }

type sqlType struct {
	T    Type
	Size int    // <= 0 means max
	Name string // as written, lower-case, for conversion error texts
}

type useStmt struct {
	at
	DB string
}

type createMasterKeyStmt struct {
	at
	Password string
}

type dropMasterKeyStmt struct{ at }

// masterKeyStmt is OPEN / CLOSE MASTER KEY and the ALTER MASTER KEY forms.
type masterKeyStmt struct {
	at
	Op       string // OPEN, CLOSE, REGENERATE, ADD, DROP
	Password *string
	BySMK    bool // ... ENCRYPTION BY SERVICE MASTER KEY
}

type createCertStmt struct {
	at
	Name        string
	Owner       string
	Subject     *string
	StartDate   *string
	ExpiryDate  *string
	Password    *string // ENCRYPTION BY PASSWORD (new keys, or re-encryption of an imported key)
	FromFile    *string
	FromBinary  []byte
	HasBinary   bool
	PrivKeyFile *string // WITH PRIVATE KEY (FILE = ...)
	PrivKeyPwd  *string // DECRYPTION BY PASSWORD for that file
}

type dropCertStmt struct {
	at
	Name string
}

type backupCertStmt struct {
	at
	Name       string
	File       string
	PrivFile   *string
	PrivPwd    *string // ENCRYPTION BY PASSWORD of the key file
	PrivDecPwd *string // DECRYPTION BY PASSWORD for a password-protected certificate
}

// authSpec is an endpoint AUTHENTICATION clause.
type authSpec struct {
	Windows   string // "", NTLM, KERBEROS, NEGOTIATE ("" with HasWin means NEGOTIATE)
	HasWin    bool
	Cert      string
	CertFirst bool
}

type endpointStmt struct {
	at
	Alter      bool
	Name       string
	Owner      string
	State      string // "" = not given
	Port       *int64
	IP         *string // "ALL" or an address
	Payload    string  // DATABASE_MIRRORING, SERVICE_BROKER, TSQL; "" when not given (ALTER)
	Auth       *authSpec
	Encryption string // DISABLED, SUPPORTED, REQUIRED; "" = not given
	Algorithm  string // AES, RC4, AES RC4, RC4 AES
	Role       string // ALL, PARTNER, WITNESS
}

type dropEndpointStmt struct {
	at
	Name string
}

type createLoginStmt struct {
	at
	Name        string
	Password    *string
	FromCert    string
	CheckPolicy *bool
	CheckExpiry *bool
	DefaultDB   string
}

type dropLoginStmt struct {
	at
	Name string
}

type createUserStmt struct {
	at
	Name         string
	Login        string
	WithoutLogin bool
	FromCert     string
}

type dropUserStmt struct {
	at
	Name     string
	IfExists bool
}

type grantStmt struct {
	at
	Revoke     bool
	Permission string
	Class      string // ENDPOINT, LOGIN, "" (server)
	Object     string
	Grantees   []string
}

type ifStmt struct {
	at
	Cond expr
	Then stmt
	Else stmt
}

type blockStmt struct {
	at
	Body []stmt
}

type printStmt struct {
	at
	X expr
}

type declVar struct {
	Name string
	Type sqlType
	Init expr
}

type declareStmt struct {
	at
	Vars []declVar
}

type setVarStmt struct {
	at
	Name string
	X    expr
}

type setOptionStmt struct {
	at
	Options []string // upper-case option names
	On      bool
}

type selectStmt struct {
	at
	Q *selectQuery
}

type execArg struct {
	Name   string // @name = value form; "" when positional
	X      expr
	Output bool
}

type execStmt struct {
	at
	Proc    string // as written, e.g. master.sys.xp_fileexist
	Args    []execArg
	Dynamic expr // EXEC (N'...') form when non-nil
}

type tranStmt struct {
	at
	Op string // BEGIN, COMMIT, ROLLBACK
}

type tryStmt struct {
	at
	Try, Catch []stmt
}

type throwStmt struct {
	at
	Num, Msg, State expr
}

type raiserrorStmt struct {
	at
	Msg, Sev, State expr
	Args            []expr // substituted for %s, %d, %i in Msg
}

// Expressions.

type expr any

type litExpr struct {
	V any // nil, int64, float64, string, []byte
}

type varExpr struct{ Name string }

type sysVarExpr struct{ Name string }

type colExpr struct{ Parts []string }

type funcExpr struct {
	Name string // upper-case
	Raw  string // as written, for error 195
	Args []expr
	Star bool
	Line int
}

type castExpr struct {
	X     expr
	To    sqlType
	Style expr
}

type binExpr struct {
	Op   string // + - * / % = <> < > <= >= AND OR
	L, R expr
}

type unaryExpr struct {
	Op string // NOT, -, +
	X  expr
}

type isNullExpr struct {
	X   expr
	Not bool
}

type likeExpr struct {
	X, Pattern expr
	Not        bool
}

type inExpr struct {
	X    expr
	List []expr
	Sub  *selectQuery
	Not  bool
}

type betweenExpr struct {
	X, Lo, Hi expr
	Not       bool
}

type existsExpr struct{ Sub *selectQuery }

type subqueryExpr struct{ Sub *selectQuery }

type whenClause struct{ When, Then expr }

type caseExpr struct {
	Operand expr
	Whens   []whenClause
	Else    expr
}

// SELECT.

type selItem struct {
	X        expr
	Alias    string
	Star     bool
	StarQual string
	Assign   string // @var = expr
}

type tableRef struct {
	Parts []string // 1 to 3 parts; an empty middle part stands for db..name
	Raw   string   // as written, for error 208
	Alias string
}

type joinClause struct {
	Kind  string // INNER, LEFT, CROSS
	Table tableRef
	On    expr
}

type orderItem struct {
	X    expr
	Desc bool
}

type unionPart struct {
	All bool
	Q   *selectQuery
}

type selectQuery struct {
	Unions   []unionPart
	Distinct bool
	Top      expr
	Items    []selItem
	From     *tableRef
	Joins    []joinClause
	Where    expr
	GroupBy  []expr
	OrderBy  []orderItem
}
