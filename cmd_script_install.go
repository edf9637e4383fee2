package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// scriptFile is one script to write: its name inside the -o folder.
type scriptFile struct{ name, text string }

// installFiles puts every file into dir, or leaves dir as it was. Every new
// content is first written and synced to a temporary file beside its
// target; only then is each target moved aside and the new file renamed into
// place. If any step fails, what was done is undone in reverse order, so a
// reader (or an interrupted run) never sees a mix of old and new scripts.
// rename is os.Rename except in tests, which inject a failure.
func installFiles(dir string, files []scriptFile, rename func(from, to string) error) (err error) {
	temps := make([]string, len(files))
	defer func() {
		for _, t := range temps {
			if t != "" {
				os.Remove(t) // no-op after the rename
			}
		}
	}()
	for i, f := range files {
		if temps[i], err = writeTemp(dir, f); err != nil {
			return err
		}
	}
	type done struct{ target, backup string }
	var steps []done
	defer func() {
		if err == nil {
			for _, d := range steps {
				if d.backup != "" {
					os.Remove(d.backup)
				}
			}
			return
		}
		for i := len(steps) - 1; i >= 0; i-- {
			d := steps[i]
			if d.backup != "" {
				if rerr := os.Rename(d.backup, d.target); rerr != nil {
					err = errors.Join(err, fmt.Errorf("restore %s from %s: %w", d.target, d.backup, rerr))
				}
			} else {
				os.Remove(d.target)
			}
		}
	}()
	for i, f := range files {
		target := filepath.Join(dir, f.name)
		d := done{target: target}
		if _, serr := os.Lstat(target); serr == nil {
			if d.backup, err = reserveName(dir, f.name+".old"); err != nil {
				return err
			}
			if err = rename(target, d.backup); err != nil {
				os.Remove(d.backup)
				return fmt.Errorf("move %s aside: %w", target, err)
			}
		} else if !errors.Is(serr, fs.ErrNotExist) {
			return serr
		}
		if err = rename(temps[i], target); err != nil {
			if d.backup != "" {
				steps = append(steps, done{target: target, backup: d.backup})
			}
			return fmt.Errorf("write %s: %w", target, err)
		}
		temps[i] = ""
		steps = append(steps, d)
	}
	return nil
}

// writeTemp writes f's text to a new temporary file in dir (mode 0644) and
// syncs it.
func writeTemp(dir string, f scriptFile) (string, error) {
	tmp, err := os.CreateTemp(dir, "."+f.name+".tmp*")
	if err != nil {
		return "", err
	}
	name := tmp.Name()
	_, err = tmp.WriteString(f.text)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(name, 0o644)
	}
	if err != nil {
		os.Remove(name)
		return "", err
	}
	return name, nil
}

// reserveName creates an empty file with a unique name in dir, for a rename
// to replace.
func reserveName(dir, base string) (string, error) {
	f, err := os.CreateTemp(dir, "."+base+"*")
	if err != nil {
		return "", err
	}
	f.Close()
	return f.Name(), nil
}
