package engine

import "fmt"

// errClass returns SQL Server's severity and state for an error number. The
// texts and severities follow sys.messages (../shared/reference/errors.md).
func errClass(num int32) (class, state uint8) {
	switch num {
	case 0:
		return 0, 1 // PRINT
	case 18456, 300, 916:
		return 14, 1
	case 102, 103, 105, 113, 137, 134, 156, 191, 195, 2715:
		return 15, 1
	case 2812:
		return 16, 62
	case 15313:
		return 10, 1 // sys.messages has it at severity 10
	default:
		return 16, 1
	}
}

// errf builds the Message for error num at a batch line. The caller supplies
// the exact sys.messages text as the format.
func errf(num int32, line int, format string, args ...any) Message {
	class, state := errClass(num)
	return Message{Number: num, State: state, Class: class, Text: fmt.Sprintf(format, args...), Line: int32(line)}
}

// sqlError is an execution error carried up from deep inside evaluation; it
// ends the statement (or the batch when abortBatch is set, as SQL Server does
// for name-resolution errors).
type sqlError struct {
	msg        Message
	abortBatch bool
}

func (e *sqlError) Error() string { return e.msg.Text }

// newErr builds an sqlError; the line is filled in by the statement runner.
func newErr(num int32, format string, args ...any) *sqlError {
	return &sqlError{msg: errf(num, 0, format, args...)}
}

// Messages used in more than one place, with the exact wording of sys.messages.
const (
	txtNoPermission   = "User does not have permission to perform this action."
	txtCannotFind     = "Cannot find the %s '%s', because it does not exist or you do not have permission."
	txtCertExists     = "A certificate with name '%s' already exists or this certificate already has been added to the database."
	txtBadCertFile    = "The certificate, asymmetric key, or private key file is not valid or does not exist; or you do not have permissions for it."
	txtCannotWrite    = "Cannot write into file '%s'. Verify that you have write permissions, that the file path is valid, and that the file does not already exist."
	txtBadCertData    = "The certificate, asymmetric key, or private key data is invalid."
	txtInvalidObject  = "Invalid object name '%s'."
	txtInvalidColumn  = "Invalid column name '%s'."
	txtSyntax         = "Incorrect syntax near '%s'."
	txtSyntaxKeyword  = "Incorrect syntax near the keyword '%s'."
	txtMustDeclare    = "Must declare the scalar variable \"%s\"."
	txtPwdTooShort    = "Password validation failed. The password does not meet the operating system policy requirements because it is too short."
	txtPwdTooLong     = "Password validation failed. The password does not meet the operating system policy requirements because it is too long."
	txtPwdNotComplex  = "Password validation failed. The password does not meet the operating system policy requirements because it is not complex enough."
	txtNoMasterKey    = "Please create a master key in the database or open the master key in the session before performing this operation."
	txtMasterKeyExist = "There is already a master key in the database. Please drop it before performing this statement."
	txtLoginFailed    = "Login failed for user '%s'."
	txtNoDatabase     = "Database '%s' does not exist. Make sure that the name is entered correctly."
	txtNotBuiltin     = "'%s' is not a recognized built-in function name."
)
