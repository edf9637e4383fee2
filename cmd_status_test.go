package main

import (
	"strings"
	"testing"
)

func TestPrintableStripsTerminalControls(t *testing.T) {
	in := "endpoint \x1b[31mred\x1b[0m\r\nname\ttab\u009b"
	got := printable(in)
	for _, bad := range []string{"\x1b", "\r", "\n", "\u009b"} {
		if strings.Contains(got, bad) {
			t.Errorf("printable(%q) = %q keeps %q", in, got, bad)
		}
	}
	if printable("HOST_A_cert ✓") != "HOST_A_cert ✓" {
		t.Error("printable changed a clean string")
	}
}
