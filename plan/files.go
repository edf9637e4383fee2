package plan

import (
	"fmt"
	"io"
	"os"
)

// MaxCABytes bounds a CA certificate file: a PEM bundle is a few kilobytes;
// more is the wrong file (or a device such as /dev/zero).
const MaxCABytes = 1 << 20

// ReadRegularFile reads path only when it is a regular file of at most max
// bytes. A FIFO would block the open (or the read) forever and a device
// such as /dev/zero never ends, so both are refused before being read; the
// open does not block, and the file is checked again once open, in case it
// was swapped in between.
func ReadRegularFile(path string, max int64) ([]byte, error) {
	if err := checkRegularFile(path, max); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_RDONLY|nonBlock, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file (%s)", path, fileKind(fi.Mode()))
	}
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("%s is larger than %d bytes; is this the right file?", path, max)
	}
	return data, nil
}

// checkRegularFile stats path (following symbolic links) and refuses
// anything but a regular file of at most max bytes.
func checkRegularFile(path string, max int64) error {
	fi, err := os.Stat(path)
	if err != nil {
		return err
	}
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("%s is not a regular file (%s)", path, fileKind(fi.Mode()))
	}
	if fi.Size() > max {
		return fmt.Errorf("%s is larger than %d bytes (%d); is this the right file?", path, max, fi.Size())
	}
	return nil
}

func fileKind(m os.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&os.ModeNamedPipe != 0:
		return "a named pipe"
	case m&os.ModeSocket != 0:
		return "a socket"
	case m&os.ModeDevice != 0:
		return "a device"
	}
	return "a special file"
}
