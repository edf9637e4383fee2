package tsql

import (
	"strings"
	"testing"
)

func TestComment(t *testing.T) {
	cases := map[string]string{
		"plain":               "-- plain",
		"two\nlines\r\n:!! x": "-- two lines  :!! x",
		"uses $(VAR) here":    "-- uses $ (VAR) here",
		"trailing \n":         "-- trailing",
	}
	for in, want := range cases {
		if got := Comment(in); got != want {
			t.Errorf("Comment(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestConnect(t *testing.T) {
	if got, err := Connect(`sqla.corp\PROD,1433`, "sa"); err != nil || got != `:CONNECT sqla.corp\PROD,1433 -U sa` {
		t.Errorf("Connect = %q, %v", got, err)
	}
	if got, err := Connect("sqla", ""); err != nil || got != ":CONNECT sqla" {
		t.Errorf("Connect integrated = %q, %v", got, err)
	}
	for _, bad := range [][2]string{{"a b", ""}, {"a\n:!! x", ""}, {"$(S)", ""}, {"a", "u -P pw"}, {"a", `"u"`}, {"", ""}} {
		if _, err := Connect(bad[0], bad[1]); err == nil {
			t.Errorf("Connect(%q, %q) accepted", bad[0], bad[1])
		}
	}
}

func TestSetVarAndRequireSecrets(t *testing.T) {
	if got, err := SetVar("LOGIN_PASSWORD_B"); err != nil || got != `:setvar LOGIN_PASSWORD_B ""` {
		t.Errorf("SetVar = %q, %v", got, err)
	}
	if _, err := SetVar("X Y"); err == nil {
		t.Error("SetVar accepted a blank")
	}
	got := RequireSecrets([]string{"A", "B"})
	if !strings.HasPrefix(got, "IF N'$(A)' = N''\n    OR N'$(B)' = N''\n    RAISERROR(") {
		t.Errorf("RequireSecrets = %q", got)
	}
	if RequireSecrets(nil) != "" {
		t.Error("RequireSecrets(nil) not empty")
	}
}

func TestCheckScriptText(t *testing.T) {
	declared := map[string]bool{"PW": true}
	ok := []string{"CREATE LOGIN [x] WITH PASSWORD = N'$(PW)';", "SELECT N'a$b', [c$]"}
	for _, s := range ok {
		if err := CheckScriptText(s, declared); err != nil {
			t.Errorf("CheckScriptText(%q) = %v", s, err)
		}
	}
	bad := []string{"CREATE LOGIN [x$(PW)] WITH PASSWORD = N'$(PW)';", "SELECT N'$(OTHER)'", "SELECT [a\nb]", "SELECT $(X)", "SELECT N'open"}
	for _, s := range bad {
		if err := CheckScriptText(s, declared); err == nil {
			t.Errorf("CheckScriptText(%q) accepted", s)
		}
	}
}
