package expiry

import (
	"fmt"
	"slices"
	"strings"
)

// RegisteredServer is a server registered on a Central Management Server.
type RegisteredServer struct {
	Group  string // the group's path below the root, "Prod/East"; "" at the root
	Name   string // the registered name SSMS shows
	Server string // the server name to connect to
}

// InGroup keeps the servers of group and of the groups below it. group is a
// path ("Prod/East") or a single group name matched at any depth; names
// compare case-insensitively, as SSMS shows them. An empty group keeps all.
// A group that matches nothing is an error naming the groups there are.
func InGroup(regs []RegisteredServer, group string) ([]RegisteredServer, error) {
	group = strings.Trim(strings.TrimSpace(group), "/")
	if group == "" {
		return regs, nil
	}
	want := strings.Split(strings.ToLower(group), "/")
	var out []RegisteredServer
	for _, r := range regs {
		if r.Group == "" {
			continue
		}
		have := strings.Split(strings.ToLower(r.Group), "/")
		if containsRun(have, want) {
			out = append(out, r)
		}
	}
	if len(out) == 0 {
		var groups []string
		for _, r := range regs {
			if r.Group != "" && !slices.Contains(groups, r.Group) {
				groups = append(groups, r.Group)
			}
		}
		if len(groups) == 0 {
			return nil, fmt.Errorf("no group %q: the Central Management Server has no server groups", group)
		}
		slices.Sort(groups)
		return nil, fmt.Errorf("no server is registered in group %q; the groups are: %s", group, strings.Join(groups, ", "))
	}
	return out, nil
}

// containsRun reports whether want occurs in have as consecutive elements
// starting at a group boundary: "East" matches "Prod/East" and
// "Prod/East/Web", "Prod/East" matches "Prod/East/Web" but not "Test/East".
func containsRun(have, want []string) bool {
	for i := 0; i+len(want) <= len(have); i++ {
		if slices.Equal(have[i:i+len(want)], want) {
			// A path given from the root must match from the root.
			if len(want) > 1 && i != 0 {
				continue
			}
			return true
		}
	}
	return false
}
