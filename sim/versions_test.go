package sim

import (
	"slices"
	"testing"
)

// TestServerVersions: release names, oldest first, each with its
// ProductVersion, looked up case-insensitively; NAME=RELEASE pairs.
func TestServerVersions(t *testing.T) {
	if got := ServerVersionNames(); !slices.Equal(got, []string{"2008R2", "2012", "2014", "2016", "2017", "2019", "2022"}) {
		t.Errorf("names %v", got)
	}
	for in, want := range map[string]string{"2008r2": "10.50.6000.34", " 2019 ": "15.0.4298.1", "2022": "16.0.4135.4", "2005": "", "": ""} {
		got, ok := ProductVersionOf(in)
		if got != want || ok != (want != "") {
			t.Errorf("ProductVersionOf(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	got, err := ParseServerVersions("HOST_A=2008R2, host_w=2012", []string{"HOST_A", "HOST_B", "HOST_W"})
	if err != nil || got["HOST_A"] != "10.50.6000.34" || got["HOST_W"] != "11.0.7001.0" || got["HOST_B"] != "" {
		t.Errorf("pairs: %v %v", got, err)
	}
	if _, err := ParseServerVersions("2005", []string{"HOST_A"}); err == nil {
		t.Error("an unknown release was accepted")
	}
}
