package checklist

import (
	"strings"
	"testing"

	"charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/mirrorcert/mirrorcert/steps"
	"github.com/mirrorcert/mirrorcert/ui/styles"
)

func rows() []Row {
	mk := steps.Ref{Host: "HOST_A", ID: steps.IDMasterKey}
	mkItem := steps.Item{Ref: mk, Title: "Master key", Status: steps.Done}
	cert := steps.Item{Ref: steps.Ref{Host: "HOST_A", ID: steps.IDCertificate}, Title: "Certificate HOST_A_cert", Status: steps.Pending}
	login := steps.Item{Ref: steps.Ref{Host: "HOST_A", ID: steps.InboundID("HOST_B", steps.KindLogin)}, Title: "Login HOST_B_login", Status: steps.Blocked}
	return []Row{
		{Item: mkItem, Section: SectionOf(mk.ID)},
		{Item: cert, Section: SectionOf(cert.ID)},
		{Item: login, Section: SectionOf(login.ID), Note: "← HOST_B: Certificate HOST_B_cert"},
	}
}

func keyPress(code rune) tea.KeyPressMsg { return tea.KeyPressMsg{Code: code} }

func TestListDrawsSectionsAndMoves(t *testing.T) {
	st := styles.Default(true, false, true)
	m := New(&st)
	m.SetSize(80, 8)
	m.SetRows(rows())
	got := ansi.Strip(m.View())
	for _, want := range []string{" Outbound", "› ✓ Master key", "  • Certificate HOST_A_cert", " Inbound from HOST_B", "◌ Login HOST_B_login", "← HOST_B: Certificate HOST_B_cert"} {
		if !strings.Contains(got, want) {
			t.Errorf("list lacks %q:\n%s", want, got)
		}
	}
	if n := len(m.Lines()); n != 8 {
		t.Errorf("%d lines, want 8", n)
	}
	if m.Update(keyPress(tea.KeyDown)) != Moved {
		t.Fatal("down did not move")
	}
	if r, _ := m.Selected(); r.Item.ID != steps.IDCertificate {
		t.Fatalf("selected %s", r.Item.ID)
	}
	if m.Update(keyPress(tea.KeyEnter)) != Open {
		t.Fatal("enter did not open")
	}
	// New rows keep the cursor on the same step.
	m.SetRows(append([]Row{{Item: steps.Item{Ref: steps.Ref{Host: "HOST_A", ID: "outbound/extra"}, Title: "Extra"}, Section: "Outbound"}}, rows()...))
	if r, _ := m.Selected(); r.Item.ID != steps.IDCertificate {
		t.Fatalf("after new rows the cursor is on %s", r.Item.ID)
	}
	m.SetFocus(false)
	if m.KeyMap.Down.Enabled() || m.Update(keyPress(tea.KeyDown)) != None {
		t.Error("an unfocused list moves")
	}
}

// A generic section (what verify's "Checks" will use) draws like any other.
func TestListTakesAnySection(t *testing.T) {
	st := styles.Default(true, true, true)
	m := New(&st)
	m.SetSize(60, 4)
	m.SetRows([]Row{{Item: steps.Item{Ref: steps.Ref{Host: "HOST_A", ID: "check/cert-expired"}, Title: "cert-expired", Status: steps.Conflict}, Section: "Checks", Note: "HOST_A_cert expired"}})
	got := ansi.Strip(m.View())
	if !strings.Contains(got, " Checks") || !strings.Contains(got, "> [!] cert-expired") {
		t.Errorf("generic row:\n%s", got)
	}
}
