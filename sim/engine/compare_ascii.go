package engine

// compareUpperASCII compares a and b as strings.Compare(strings.ToUpper(a),
// strings.ToUpper(b)) does, without building either, when both are ASCII
// (every comparison of a catalog name or code such as type = 'S' runs per
// row). ok is false when either holds a non-ASCII byte: upper-casing can
// then change lengths and order, and the caller does it the long way.
func compareUpperASCII(a, b string) (c int, ok bool) {
	n := min(len(a), len(b))
	for i := 0; i < n; i++ {
		x, y := a[i], b[i]
		if x >= 0x80 || y >= 0x80 {
			return 0, false
		}
		if x >= 'a' && x <= 'z' {
			x -= 'a' - 'A'
		}
		if y >= 'a' && y <= 'z' {
			y -= 'a' - 'A'
		}
		if x != y {
			if x < y {
				return -1, true
			}
			return 1, true
		}
	}
	for i := n; i < len(a); i++ {
		if a[i] >= 0x80 {
			return 0, false
		}
	}
	for i := n; i < len(b); i++ {
		if b[i] >= 0x80 {
			return 0, false
		}
	}
	switch {
	case len(a) < len(b):
		return -1, true
	case len(a) > len(b):
		return 1, true
	}
	return 0, true
}
