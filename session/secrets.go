package session

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"sync"
)

// Redactor masks every secret value it knows in any string. The session feeds
// it every password it obtains or generates before the value can reach a log,
// the transcript or an error.
type Redactor struct {
	mu      sync.RWMutex
	secrets map[string]bool
	grams   map[string]bool // every minEcho-long run of every secret (RedactServer)
	// sorted is the secrets longest first, so that a secret containing
	// another is masked whole; kept here rather than sorted per call.
	sorted []string
	// pairs has a bit for the first two bytes of every secret: one pass
	// over a text finds where a secret may start, and most texts (a
	// statement with a peer certificate in hex, on 9 replicas checked
	// against 80 secrets) have no such place. short holds the one-byte
	// secrets, which have no pair.
	pairs [1 << 16 / 64]uint64
	short []string
}

// Mask is what a secret is replaced with.
const Mask = "********"

// NewRedactor returns an empty Redactor.
func NewRedactor() *Redactor { return &Redactor{secrets: map[string]bool{}, grams: map[string]bool{}} }

// Add registers a secret. Its quoted forms (a doubled ' as in a T-SQL literal,
// a doubled ] as in an identifier) are registered too, because that is how the
// value appears inside statement text.
func (r *Redactor) Add(secret string) {
	if secret == "" {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, v := range []string{secret, strings.ReplaceAll(secret, "'", "''"), strings.ReplaceAll(secret, "]", "]]")} {
		if r.secrets[v] {
			continue
		}
		r.secrets[v] = true
		for i := 0; i+minEcho <= len(v); i++ {
			r.grams[v[i:i+minEcho]] = true
		}
		r.sorted = append(r.sorted, v)
		if len(v) == 1 {
			r.short = append(r.short, v)
		} else {
			k := pair(v, 0)
			r.pairs[k/64] |= 1 << (k % 64)
		}
	}
	sort.SliceStable(r.sorted, func(i, j int) bool { return len(r.sorted[i]) > len(r.sorted[j]) })
}

// pair is the two bytes of s at i as one number.
func pair(s string, i int) uint16 { return uint16(s[i])<<8 | uint16(s[i+1]) }

// mayContainLocked reports whether s may contain a known secret: false
// only when no secret can start anywhere in it.
func (r *Redactor) mayContainLocked(s string) bool {
	for _, k := range r.short {
		if strings.Contains(s, k) {
			return true
		}
	}
	for i := 0; i+1 < len(s); i++ {
		if k := pair(s, i); r.pairs[k/64]&(1<<(k%64)) != 0 {
			for _, sec := range r.sorted {
				if strings.HasPrefix(s[i:], sec) {
					return true
				}
			}
		}
	}
	return false
}

// Redact returns s with every known secret replaced by Mask.
func (r *Redactor) Redact(s string) string {
	if r == nil || s == "" {
		return s
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	if !r.mayContainLocked(s) {
		return s
	}
	for _, k := range r.sorted {
		if strings.Contains(s, k) {
			s = strings.ReplaceAll(s, k, Mask)
		}
	}
	return s
}

// redactedError keeps errors.Is/As working while its text is masked.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

// RedactError returns err with its text masked (nil stays nil). A *SQLError
// keeps its type so callers can still read number, severity and line.
func (r *Redactor) RedactError(err error) error {
	if err == nil {
		return nil
	}
	var se *SQLError
	if errors.As(err, &se) && err == error(se) {
		c := *se
		c.Message = r.Redact(se.Message)
		return &c
	}
	msg := err.Error()
	red := r.Redact(msg)
	if red == msg {
		return err
	}
	return &redactedError{msg: red, err: err}
}

// Password alphabet: no quote, bracket, backslash, $ or space, so a generated
// value survives copy-paste into sqlcmd, shells and T-SQL literals unchanged.
const (
	pwLower  = "abcdefghijkmnopqrstuvwxyz"
	pwUpper  = "ABCDEFGHJKLMNPQRSTUVWXYZ"
	pwDigit  = "23456789"
	pwSymbol = "!#%*+-=?@^_~"
	pwLength = 28
)

// GeneratePassword returns a strong password from rnd: pwLength characters
// with at least one of each class (lower, upper, digit, symbol), which meets
// SQL Server's CHECK_POLICY complexity rules.
func GeneratePassword(rnd io.Reader) (string, error) {
	if rnd == nil {
		rnd = rand.Reader
	}
	all := pwLower + pwUpper + pwDigit + pwSymbol
	p := &picker{rnd: rnd}
	pick := func(set string) (byte, error) {
		n, err := p.intn(len(set))
		if err != nil {
			return 0, fmt.Errorf("generate password: %w", err)
		}
		return set[n], nil
	}
	buf := make([]byte, pwLength)
	for i := range buf {
		c, err := pick(all)
		if err != nil {
			return "", err
		}
		buf[i] = c
	}
	// Force one of each class at distinct random positions.
	perm := make([]int, pwLength)
	for i := range perm {
		perm[i] = i
	}
	for i := len(perm) - 1; i > 0; i-- {
		j, err := p.intn(i + 1)
		if err != nil {
			return "", fmt.Errorf("generate password: %w", err)
		}
		perm[i], perm[j] = perm[j], perm[i]
	}
	for k, set := range []string{pwLower, pwUpper, pwDigit, pwSymbol} {
		c, err := pick(set)
		if err != nil {
			return "", err
		}
		buf[perm[k]] = c
	}
	return string(buf), nil
}

// picker draws uniform numbers below n (at most 256) from random bytes read
// a block at a time: one read per password, where crypto/rand.Int made a
// read and two big.Ints per character (60 per password, 8 passwords in a
// host's inbound batch). A byte at or above the largest multiple of n is
// discarded, so there is no modulo bias.
type picker struct {
	rnd      io.Reader
	buf      [128]byte
	pos, end int
}

func (p *picker) intn(n int) (int, error) {
	limit := 256 - 256%n
	for {
		if p.pos == p.end {
			if _, err := io.ReadFull(p.rnd, p.buf[:]); err != nil {
				return 0, err
			}
			p.pos, p.end = 0, len(p.buf)
		}
		b := int(p.buf[p.pos])
		p.pos++
		if b < limit {
			return b % n, nil
		}
	}
}

// EnvName returns the environment-variable suffix for a host name: upper-case,
// with every character that is not a letter or digit turned into _.
func EnvName(host string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(host) {
		if (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	return b.String()
}

// MasterKeyFromEnv returns a MasterKeyPassword function reading
// MIRRORCERT_MASTER_KEY_PASSWORD_<HOST> and generating a strong, per-host
// unique password (from rnd) when it is unset.
func MasterKeyFromEnv(getenv func(string) string, rnd io.Reader) func(host string) (string, bool, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	var mu sync.Mutex
	used := map[string]bool{}
	return func(host string) (string, bool, error) {
		if v := getenv("MIRRORCERT_MASTER_KEY_PASSWORD_" + EnvName(host)); v != "" {
			return v, false, nil
		}
		mu.Lock()
		defer mu.Unlock()
		for {
			pw, err := GeneratePassword(rnd)
			if err != nil {
				return "", false, err
			}
			if !used[pw] {
				used[pw] = true
				return pw, true, nil
			}
		}
	}
}

// PasswordFromEnv returns the connection password for host from
// MIRRORCERT_PASSWORD_<HOST>, then SQLCMDPASSWORD. ok is false when neither is set.
func PasswordFromEnv(getenv func(string) string, host string) (pw string, ok bool) {
	if getenv == nil {
		getenv = os.Getenv
	}
	if v := getenv("MIRRORCERT_PASSWORD_" + EnvName(host)); v != "" {
		return v, true
	}
	if v := getenv("SQLCMDPASSWORD"); v != "" {
		return v, true
	}
	return "", false
}

// secretStore hands out the values for statement placeholders. Master key
// passwords are asked for once per host and kept until the master-key step
// fails (then the next run asks again, so a retyped password is used); login
// passwords are generated fresh for each statement (nobody ever logs in with
// them, so nothing needs to remember them).
type secretStore struct {
	mu        sync.Mutex
	masterKey func(host string) (string, bool, error)
	rnd       io.Reader
	red       *Redactor
	mk        map[string]mkSecret
}

type mkSecret struct {
	pw        string
	generated bool
}

func (s *secretStore) masterKeyFor(host string) (mkSecret, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if v, ok := s.mk[host]; ok {
		return v, nil
	}
	pw, gen, err := s.masterKey(host)
	if err != nil {
		return mkSecret{}, fmt.Errorf("%s: master key password: %w", host, s.red.RedactError(err))
	}
	if pw == "" {
		return mkSecret{}, fmt.Errorf("%s: master key password is empty: set MIRRORCERT_MASTER_KEY_PASSWORD_%s or let mirrorcert generate one", host, EnvName(host))
	}
	s.red.Add(pw)
	v := mkSecret{pw: pw, generated: gen}
	s.mk[host] = v
	return v, nil
}

func (s *secretStore) loginPassword() (string, error) {
	pw, err := GeneratePassword(s.rnd)
	if err != nil {
		return "", err
	}
	s.red.Add(pw)
	return pw, nil
}

// forget drops the master key password held for host, so the next statement
// that needs it asks the source again. The redactor keeps masking the old
// value: it may still be in an error the server sent back.
func (s *secretStore) forget(host string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.mk, host)
}

// handOverMasterKey decides what a step's result says about the generated
// master key password genMK (empty when none was generated): the password
// when the step is done, and also when the connection was lost after it was
// sent without the state showing it done; then uncertain is true, because
// the statement may have run (even a re-read that shows no key can race a
// server still finishing the lost batch). A password lost here would be lost
// for good: the key would exist and nobody would know its password.
func handOverMasterKey(o outcome, genMK string) (pw string, uncertain bool) {
	switch {
	case genMK == "":
		return "", false
	case o.err == nil:
		return genMK, false
	case o.lost:
		return genMK, true
	}
	return "", false
}
