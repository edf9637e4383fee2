package sim

import (
	"crypto/rand"
	"fmt"
	"math/big"
)

// GeneratePassword returns a 20-character password with upper and lower
// case letters, digits and symbols, which passes SQL Server's policy. The
// symbols are ones that need no quoting in a shell, a URL or freetds.conf,
// and look-alike characters (0/O, 1/l/I) are left out so it can be typed.
func GeneratePassword() (string, error) {
	const (
		upper  = "ABCDEFGHJKLMNPQRSTUVWXYZ"
		lower  = "abcdefghijkmnopqrstuvwxyz"
		digits = "23456789"
		symbol = "-_."
	)
	classes := []string{upper, lower, digits, symbol}
	all := upper + lower + digits + symbol
	pick := func(set string) (byte, error) {
		n, err := rand.Int(rand.Reader, big.NewInt(int64(len(set))))
		if err != nil {
			return 0, fmt.Errorf("generate password: %w", err)
		}
		return set[n.Int64()], nil
	}
	b := make([]byte, 20)
	for i := range b {
		set := all
		if i < len(classes) {
			set = classes[i]
		}
		ch, err := pick(set)
		if err != nil {
			return "", err
		}
		b[i] = ch
	}
	// Shuffle so the class-guaranteeing characters are not always first.
	for i := len(b) - 1; i > 0; i-- {
		j, err := rand.Int(rand.Reader, big.NewInt(int64(i+1)))
		if err != nil {
			return "", fmt.Errorf("generate password: %w", err)
		}
		b[i], b[j.Int64()] = b[j.Int64()], b[i]
	}
	return string(b), nil
}
