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
//	\\srv\share\x.cer        -> root/UNC/srv/share/x.cer (see MapPathShare)
//	/var/opt/mssql/x.cer     -> root/var/opt/mssql/x.cer
//	x.cer                    -> root/C/Program Files/.../MSSQL/DATA/x.cer (the default data directory)
//
// Paths that climb out with "..", or hold characters Windows forbids in
// names, are refused.
func MapPath(root, p string) (string, error) {
	return MapPathShare(root, "", p)
}

// MapPathShare is MapPath for an instance on a network: a UNC path
// \\server\share\x names the same file from every instance, so it maps
// under share (share/server/share/x, server and share lower-cased as Windows
// compares them), and every \\server\share root exists (it is created on
// first use). With share empty, UNC paths stay under root/UNC. A UNC path
// needs a server, a share and a file name.
func MapPathShare(root, share, p string) (string, error) {
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
		return mapUNC(root, share, p)
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

// mapUNC maps \\server\share\rest (see MapPathShare).
func mapUNC(root, share, p string) (string, error) {
	comps := strings.FieldsFunc(p[2:], func(r rune) bool { return r == '\\' || r == '/' })
	if len(comps) < 3 {
		return "", fmt.Errorf("UNC path %q needs \\\\server\\share\\file", p)
	}
	for _, c := range comps {
		if c == "." || c == ".." {
			return "", fmt.Errorf("path %q climbs out with '..' or has a '.' component", p)
		}
		if strings.ContainsAny(c, `:<>"|?*`) {
			return "", fmt.Errorf("path %q has a character not allowed in a file name", p)
		}
	}
	if share == "" {
		return filepath.Join(append([]string{root, "UNC"}, comps...)...), nil
	}
	shareDir := filepath.Join(share, strings.ToLower(comps[0]), strings.ToLower(comps[1]))
	if err := os.MkdirAll(shareDir, 0o755); err != nil {
		return "", fmt.Errorf("share %q: %w", p, err)
	}
	return filepath.Join(append([]string{shareDir}, comps[2:]...)...), nil
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// CopyFile copies a file between two instances' sandboxes, the way an
// operator copies a certificate backup from one server to another. It
// refuses to overwrite, like BACKUP CERTIFICATE, and creates the target's
// directory only if its drive exists.
func CopyFile(src Instance, srcPath string, dst Instance, dstPath string) error {
	from, err := MapPathShare(src.FileRoot(), shareOf(src), srcPath)
	if err != nil {
		return fmt.Errorf("%s: %w", src.Name(), err)
	}
	to, err := MapPathShare(dst.FileRoot(), shareOf(dst), dstPath)
	if err != nil {
		return fmt.Errorf("%s: %w", dst.Name(), err)
	}
	if from == to {
		// One file on the share both instances see: nothing to copy.
		if _, err := os.Stat(from); err != nil {
			return fmt.Errorf("%s: open %s: %w", src.Name(), srcPath, err)
		}
		return nil
	}
	in, err := os.Open(from)
	if err != nil {
		return fmt.Errorf("%s: open %s: %w", src.Name(), srcPath, err)
	}
	defer in.Close()
	// The operator may create folders on the target, but not a new drive.
	if rel, err := filepath.Rel(dst.FileRoot(), to); err == nil && !strings.HasPrefix(rel, "..") {
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

// shareOf is the instance's network share root, if it has one.
func shareOf(in Instance) string {
	if s, ok := in.(interface{ ShareRoot() string }); ok {
		return s.ShareRoot()
	}
	return ""
}

// mapPath maps a server-side path for this instance (see MapPathShare).
func (in *instance) mapPath(p string) (string, error) {
	return MapPathShare(in.opts.FileRoot, in.opts.ShareRoot, p)
}

// ShareRoot is the directory standing for every \\server\share of the
// instance's network ("" when UNC paths are the instance's own).
func (in *instance) ShareRoot() string { return in.opts.ShareRoot }

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
func fileExists(root, share, p string) (file, dir, parent bool) {
	mapped, err := MapPathShare(root, share, p)
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
