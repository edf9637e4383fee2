package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/mirrorcert/mirrorcert/ui"
)

// A master key password the server rejects is not kept: the operator types
// a stronger one for the retry and that is the one used.
func TestTUIRetypedMasterKeyPasswordAfter15118(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the simulator")
	}
	d, dm, be := demoDriver(t, "default", "", ui.Options{PlanLabel: "retype (test)", AskMasterKeyPassword: true})

	const weak = "weakpassword"
	const strong = "Str0ng-Retyped-Pa55!"
	d.keys("enter", "y")
	if s := d.screen(); !strings.Contains(s, "Master key password for HOST_A") {
		t.Fatalf("no password dialog:\n%s", s)
	}
	d.typeText(weak)
	d.keys("enter")
	d.typeText(weak)
	d.keys("enter")
	if s := d.screen(); !strings.Contains(s, "Msg 15118") {
		t.Fatalf("the weak password was not rejected with 15118:\n%s", s)
	}
	d.keys("y")
	d.typeText(strong)
	d.keys("enter")
	d.typeText(strong)
	d.keys("enter")
	s := d.screen()
	if !strings.Contains(s, "HOST_A 1/11") || pwDialog(s) {
		t.Fatalf("the retyped password did not create the master key:\n%s", s)
	}
	if strings.Contains(s, weak) || strings.Contains(s, strong) {
		t.Fatalf("a typed password is on screen:\n%s", s)
	}
	be.Close()
	var seen []string
	_ = filepath.WalkDir(filepath.Join(dm.cluster.Dir(), "transcript"), func(p string, e os.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return nil
		}
		b, rerr := os.ReadFile(p)
		if rerr != nil {
			t.Error(rerr)
		}
		seen = append(seen, p)
		for _, pw := range []string{weak, strong} {
			if strings.Contains(string(b), pw) {
				t.Errorf("%s contains a typed master key password", p)
			}
		}
		return nil
	})
	if len(seen) == 0 {
		t.Error("no transcript files to check")
	}
}

// typeText types into the open text input. Typing starts no server work, so
// the keys' commands (cursor blinks) are not run.
func (d *tuiDriver) typeText(text string) {
	for _, r := range text {
		d.m, _ = d.m.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
}
