package engine

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// MapPath maps a path as a DBA types it on the simulated server to a file
// under root, the instance's sandbox:
//
//	C:\HOST_A_cert.cer       -> root/C/HOST_A_cert.cer
//	D:\certs\x.cer           -> root/D/certs/x.cer
//	\\srv\share\x.cer        -> root/UNC/srv/share/x.cer
//	/var/opt/mssql/x.cer     -> root/var/opt/mssql/x.cer
//	x.cer                    -> root/C/Program Files/.../MSSQL/DATA/x.cer (the default data directory)
//
// Paths that climb out with "..", or hold characters Windows forbids in
// names, are refused.
func MapPath(root, p string) (string, error) {
	p = strings.TrimSpace(p)
	if p == "" {
		return "", errors.New("empty path")
	}
	if strings.ContainsRune(p, 0) {
		return "", errors.New("path contains a NUL character")
	}
	var base []string
	rest := p
	switch {
	case len(p) >= 3 && isLetter(p[0]) && p[1] == ':' && (p[2] == '\\' || p[2] == '/'):
		base = []string{strings.ToUpper(p[:1])}
		rest = p[3:]
	case len(p) >= 2 && isLetter(p[0]) && p[1] == ':':
		return "", fmt.Errorf("drive-relative path %q is not supported", p)
	case strings.HasPrefix(p, `\\`) || strings.HasPrefix(p, "//"):
		base = []string{"UNC"}
		rest = p[2:]
	case strings.HasPrefix(p, "/") || strings.HasPrefix(p, `\`):
		rest = p[1:]
	default:
		base = strings.Split(defaultDataDir, "/")
	}
	parts := append([]string{root}, base...)
	for _, c := range strings.FieldsFunc(rest, func(r rune) bool { return r == '\\' || r == '/' }) {
		switch {
		case c == ".":
			continue
		case c == "..":
			return "", fmt.Errorf("path %q climbs out with '..'", p)
		case strings.ContainsAny(c, `:<>"|?*`):
			return "", fmt.Errorf("path %q has a character not allowed in a file name", p)
		}
		parts = append(parts, c)
	}
	if len(parts) == 1+len(base) {
		return "", fmt.Errorf("path %q names a directory, not a file", p)
	}
	return filepath.Join(parts...), nil
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// CopyFile copies a file between two instances' sandboxes, the way an
// operator copies a certificate backup from one server to another. It
// refuses to overwrite, like BACKUP CERTIFICATE, and creates the target's
// directory only if its drive exists.
func CopyFile(src Instance, srcPath string, dst Instance, dstPath string) error {
	from, err := MapPath(src.FileRoot(), srcPath)
	if err != nil {
		return fmt.Errorf("%s: %w", src.Name(), err)
	}
	to, err := MapPath(dst.FileRoot(), dstPath)
	if err != nil {
		return fmt.Errorf("%s: %w", dst.Name(), err)
	}
	in, err := os.Open(from)
	if err != nil {
		return fmt.Errorf("%s: open %s: %w", src.Name(), srcPath, err)
	}
	defer in.Close()
	// The operator may create folders on the target, but not a new drive.
	if rel, err := filepath.Rel(dst.FileRoot(), to); err == nil {
		drive := strings.Split(filepath.ToSlash(rel), "/")[0]
		if st, err := os.Stat(filepath.Join(dst.FileRoot(), drive)); err != nil || !st.IsDir() {
			return fmt.Errorf("%s: %s: no such drive or root directory on the target", dst.Name(), dstPath)
		}
	}
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		return fmt.Errorf("%s: %w", dst.Name(), err)
	}
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return fmt.Errorf("%s: create %s: %w", dst.Name(), dstPath, err)
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return fmt.Errorf("%s: write %s: %w", dst.Name(), dstPath, err)
	}
	return out.Close()
}

// writeNew writes data to a new file; it fails if the file exists or its
// directory does not (SQL Server creates no directories either).
func writeNew(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		os.Remove(path)
		return err
	}
	return f.Close()
}

// fileExists answers xp_fileexist's three questions.
func fileExists(root, p string) (file, dir, parent bool) {
	mapped, err := MapPath(root, p)
	if err != nil {
		// A bare drive such as C:\ is a directory that exists.
		if d := strings.TrimRight(p, `\/`); len(d) == 2 && isLetter(d[0]) && d[1] == ':' {
			if st, err := os.Stat(filepath.Join(root, strings.ToUpper(d[:1]))); err == nil && st.IsDir() {
				return false, true, true
			}
		}
		return false, false, false
	}
	if st, err := os.Stat(mapped); err == nil {
		file, dir = !st.IsDir(), st.IsDir()
	}
	if st, err := os.Stat(filepath.Dir(mapped)); err == nil && st.IsDir() {
		parent = true
	}
	return file, dir, parent
}
