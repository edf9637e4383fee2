package session

import (
	"unicode/utf8"
)

// minEcho is the shortest run of a secret's characters that is masked in
// text a server sends back. A syntax error quotes only the start of a token
// ("Incorrect syntax near 'Mk3yPw_WVB4j'"), so masking whole secrets is not
// enough for server text; four characters are too few to be worth guessing
// from and long enough not to mask ordinary words by accident.
const minEcho = 4

// RedactServer masks, in text a server returned (messages, errors), every
// whole known secret and every run of minEcho or more characters that also
// occurs in a known secret. Text the product writes itself goes through
// Redact, which masks whole secrets only, so its own words stay readable.
func (r *Redactor) RedactServer(s string) string {
	s = r.Redact(s)
	if r == nil || len(s) < minEcho {
		return s
	}
	// Mark every byte covered by a window that is part of a secret: any run
	// of minEcho or more secret characters is a chain of such windows.
	r.mu.RLock()
	var masked []bool
	hit := false
	for i := 0; i+minEcho <= len(s) && len(r.grams) > 0; i++ {
		if r.grams[s[i:i+minEcho]] {
			if masked == nil {
				masked = make([]bool, len(s))
			}
			hit = true
			for j := i; j < i+minEcho; j++ {
				masked[j] = true
			}
		}
	}
	r.mu.RUnlock()
	if !hit {
		return s
	}
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); {
		if !masked[i] {
			out = append(out, s[i])
			i++
			continue
		}
		j := i
		for j < len(s) && masked[j] {
			j++
		}
		// Never leave half a multi-byte character on either side.
		for len(out) > 0 && !utf8.RuneStart(s[i]) {
			out = out[:len(out)-1]
			i--
		}
		for j < len(s) && !utf8.RuneStart(s[j]) {
			j++
		}
		out = append(out, Mask...)
		i = j
	}
	return string(out)
}

// RedactServerError is RedactError with RedactServer's masking, for errors
// whose text comes from a server (a login failure, a driver error).
func (r *Redactor) RedactServerError(err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	red := r.RedactServer(msg)
	if red == msg {
		return err
	}
	return &redactedError{msg: red, err: err}
}

// scrubBatch masks secret echoes in everything a batch brought back, before
// any of it is stored, logged or shown.
func (r *Redactor) scrubBatch(res *batchResult) {
	if res == nil {
		return
	}
	for i, m := range res.Messages {
		res.Messages[i] = r.RedactServer(m)
	}
	for i := range res.Errors {
		e := &res.Errors[i]
		e.Message = r.RedactServer(e.Message)
		for j := range e.All {
			e.All[j].Message = r.RedactServer(e.All[j].Message)
		}
	}
	if res.Transport != nil {
		res.Transport = r.RedactServerError(res.Transport)
	}
}
