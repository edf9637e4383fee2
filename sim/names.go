package sim

import "fmt"

// MaxInstances bounds `mirrorcert sim --instances`: an availability group
// has at most 9 replicas, and fleets for expiry scans stay well under this.
const MaxInstances = 100

// InstanceNames returns the names of n instances: HOST_A, HOST_B, HOST_W
// (the documentation's partners and witness), then HOST_4 ... HOST_n.
func InstanceNames(n int) ([]string, error) {
	if n < 1 || n > MaxInstances {
		return nil, fmt.Errorf("%d instances: use 1..%d", n, MaxInstances)
	}
	names := DefaultNames()
	if n <= len(names) {
		return names[:n], nil
	}
	for i := len(names) + 1; i <= n; i++ {
		names = append(names, fmt.Sprintf("HOST_%d", i))
	}
	return names, nil
}
