package sim

import (
	"slices"
	"testing"
)

func TestInstanceNames(t *testing.T) {
	for n, want := range map[int][]string{
		1: {"HOST_A"},
		3: {"HOST_A", "HOST_B", "HOST_W"},
		5: {"HOST_A", "HOST_B", "HOST_W", "HOST_4", "HOST_5"},
	} {
		got, err := InstanceNames(n)
		if err != nil || !slices.Equal(got, want) {
			t.Errorf("InstanceNames(%d) = %v, %v; want %v", n, got, err, want)
		}
	}
	for _, n := range []int{0, -1, MaxInstances + 1} {
		if _, err := InstanceNames(n); err == nil {
			t.Errorf("InstanceNames(%d): no error", n)
		}
	}
}
