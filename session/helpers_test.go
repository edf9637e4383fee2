package session_test

import "errors"

func errorsAs[T any](err error, target *T) bool { return errors.As(err, target) }
