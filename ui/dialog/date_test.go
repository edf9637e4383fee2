package dialog

import (
	"strings"
	"testing"
	"time"

	"charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/mirrorcert/mirrorcert/ui/styles"
)

func TestParseExpiry(t *testing.T) {
	today := time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		in, err string
	}{
		{"2027-11-30", ""},
		{" 2026-12-01 ", ""},
		{"2026-11-30", "is not in the future"},
		{"2020-01-01", "is not in the future"},
		{"2027-13-01", "is not a date: type it as YYYY-MM-DD, e.g. 2027-11-30"},
		{"30/11/2027", "is not a date"},
		{"", "is not a date"},
	} {
		_, err := ParseExpiry(c.in, today)
		switch {
		case c.err == "" && err != nil:
			t.Errorf("%q: %v", c.in, err)
		case c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)):
			t.Errorf("%q: error %v, want one saying %q", c.in, err, c.err)
		}
	}
}

func TestDateDialogDefaultsToOneYearAndRefusesThePast(t *testing.T) {
	st := styles.Default(true, false, true)
	d, _ := NewDate(&st, "HOST_A", time.Date(2026, 11, 30, 15, 4, 5, 0, time.UTC))
	if v := ansi.Strip(d.View()); !strings.Contains(v, "2027-11-30") || !strings.Contains(v, "Rotate HOST_A's certificate") {
		t.Fatalf("view:\n%s", v)
	}
	key := func(code rune, text string) tea.KeyPressMsg { return tea.KeyPressMsg{Code: code, Text: text} }
	for range 10 {
		d.Update(tea.KeyPressMsg{Code: tea.KeyBackspace})
	}
	for _, r := range "2026-11-30" {
		d.Update(key(r, string(r)))
	}
	if act, _ := d.Update(tea.KeyPressMsg{Code: tea.KeyEnter}); act != None {
		t.Fatalf("today accepted: %v", act)
	}
	if v := ansi.Strip(d.View()); !strings.Contains(v, "not in the future") {
		t.Fatalf("no error shown:\n%s", v)
	}
	for range 10 {
		d.Update(tea.KeyPressMsg{Code: tea.KeyBackspace})
	}
	for _, r := range "2026-12-09" {
		d.Update(key(r, string(r)))
	}
	if act, _ := d.Update(tea.KeyPressMsg{Code: tea.KeyEnter}); act != Accept || !d.Value().Equal(time.Date(2026, 12, 9, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("2026-12-09: %v %v", act, d.Value())
	}
	if act, _ := d.Update(tea.KeyPressMsg{Code: tea.KeyEscape}); act != Cancel {
		t.Fatalf("esc: %v", act)
	}
}
