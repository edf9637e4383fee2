package steps

import "strings"

// IsShare reports whether a file_dir is a UNC share (\\server\share\...):
// every host reads the same files there, so the file route needs no copy
// between machines.
func IsShare(dir string) bool {
	d := strings.ReplaceAll(dir, "/", `\`)
	if !strings.HasPrefix(d, `\\`) {
		return false
	}
	parts := strings.Split(strings.TrimPrefix(d, `\\`), `\`)
	return len(parts) >= 2 && parts[0] != "" && parts[1] != "" && parts[0] != "?" && parts[0] != "."
}
