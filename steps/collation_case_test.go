package steps

import "testing"

func TestCaseSensitiveCollations(t *testing.T) {
	for c, want := range map[string]bool{
		"SQL_Latin1_General_CP1_CI_AS":              false,
		"Latin1_General_100_CI_AS_SC_UTF8":          false,
		"Latin1_General_CS_AS":                      true,
		"latin1_general_cs_as":                      true,
		"Japanese_Bushu_Kakusu_140_CS_AS_KS_WS_VSS": true,
		"Latin1_General_BIN":                        true,
		"latin1_general_bin2":                       true,
		"Latin1_General_BIN_extra":                  false, // BIN only counts as the suffix
		"Türkçe_CI_AS":                              false,
		"":                                          false,
		"_cs":                                       true,
	} {
		if got := CaseSensitive(c); got != want {
			t.Errorf("CaseSensitive(%q) = %v, want %v", c, got, want)
		}
	}
}
