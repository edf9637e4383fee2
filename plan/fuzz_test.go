package plan

import (
	"errors"
	"path/filepath"
	"reflect"
	"testing"
)

// FuzzParse checks that no input crashes the loader, that every failure is
// a *Error, and that every accepted plan is stable: validating it again
// changes nothing, and it survives Save and Load unchanged.
func FuzzParse(f *testing.F) {
	f.Add([]byte(base))
	f.Add([]byte("mode: ag\nhosts:\n  - {name: R1, server: a}\n  - {name: R2, server: b}\ncertificate: {expiry: 2030-01-01}\n"))
	f.Add([]byte("hosts: &h [*h]\n"))
	f.Add([]byte("hosts:\n  - name: [a, b]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Parse(data, "f.yaml", testNow)
		if err != nil {
			var pe *Error
			if !errors.As(err, &pe) || len(pe.Problems) == 0 {
				t.Fatalf("error %v (%T) is not a *plan.Error with problems", err, err)
			}
			return
		}
		again := *p
		again.Hosts = append([]Host(nil), p.Hosts...)
		if err := Validate(&again, testNow); err != nil {
			t.Fatalf("accepted plan fails Validate: %v", err)
		}
		path := filepath.Join(t.TempDir(), "p.yaml")
		if err := p.Save(path); err != nil {
			t.Fatal(err)
		}
		back, err := Load(path, testNow)
		if err != nil {
			t.Fatalf("saved plan does not load: %v", err)
		}
		back.Path, p.Path = "", ""
		back.Warnings, p.Warnings = nil, nil
		if !reflect.DeepEqual(back, p) {
			t.Fatalf("round trip differs:\n got %+v\nwant %+v", back, p)
		}
	})
}
