package session

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	mssql "github.com/microsoft/go-mssqldb"

	"github.com/mirrorcert/mirrorcert/plan"
	"github.com/mirrorcert/mirrorcert/steps"
	"github.com/mirrorcert/mirrorcert/steps/tsql"
)

func TestParseState(t *testing.T) {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	expiry := time.Date(2029, 11, 30, 0, 0, 0, 0, time.UTC)
	files := []string{`C:\HOST_A_cert.cer`, `C:\HOST_B_cert.cer`}
	sets := make([]resultSet, tsql.StateSetCount+len(files))
	sets[tsql.StateSetServer].Rows = [][]any{{"16.0.4135.4", "HOST_A"}}
	sets[tsql.StateSetMasterKey].Rows = [][]any{{int64(1)}}
	sets[tsql.StateSetCertificates].Rows = [][]any{
		{"HOST_A_cert", int64(256), "dbo", "MK", "HOST_A certificate", start, expiry, []byte{1, 2}, []byte{0x30, 0x82}},
		{"HOST_B_cert", int64(257), "HOST_B_user", "NA", "HOST_B certificate", start, expiry, []byte{3, 4}, nil},
	}
	sets[tsql.StateSetEndpoint].Rows = [][]any{{"Endpoint_Mirroring", int64(65536), "STARTED", "ALL", "CERTIFICATE", "HOST_A_cert", true, "AES", int64(7024)}}
	sets[tsql.StateSetLogins].Rows = [][]any{{"sa", []byte{1}}, {"HOST_B_login", []byte{9, 9}}}
	sets[tsql.StateSetUsers].Rows = [][]any{{"dbo", []byte{1}, "sa"}, {"HOST_B_user", []byte{9, 9}, "HOST_B_login"}, {"guest", []byte{0}, nil}}
	sets[tsql.StateSetGrants].Rows = [][]any{{"HOST_B_login", int64(65536)}, {"public", int64(4)}}
	sets[tsql.StateSetCount].Rows = [][]any{{int64(1), int64(0), int64(1)}}
	sets[tsql.StateSetCount+1].Rows = [][]any{{int64(0), int64(0), int64(1)}}

	st, err := parseState(sets, files)
	if err != nil {
		t.Fatal(err)
	}
	if st.ProductVersion != "16.0.4135.4" || st.ServerName != "HOST_A" || !st.MasterKey {
		t.Fatalf("server part: %+v", st)
	}
	a := st.Cert("HOST_A_cert")
	if a == nil || a.ID != 256 || a.PvtKeyEncryption != "MK" || !a.ExpiryDate.Equal(expiry) || !bytes.Equal(a.Encoded, []byte{0x30, 0x82}) {
		t.Fatalf("own cert: %+v", a)
	}
	if b := st.Cert("HOST_B_cert"); b == nil || b.Owner != "HOST_B_user" || b.Encoded != nil {
		t.Fatalf("peer cert: %+v", b)
	}
	e := st.Endpoint
	if e == nil || e.Port != 7024 || !e.EncryptionEnabled || e.CertificateName != "HOST_A_cert" || e.ID != 65536 {
		t.Fatalf("endpoint: %+v", e)
	}
	if len(st.Logins) != 2 || len(st.Users) != 3 || st.Users[1].Login != "HOST_B_login" || st.Users[2].Login != "" {
		t.Fatalf("logins/users: %+v %+v", st.Logins, st.Users)
	}
	// Only the mirroring endpoint's grants count.
	if len(st.ConnectGrants) != 1 || st.ConnectGrants[0] != "HOST_B_login" {
		t.Fatalf("grants: %v", st.ConnectGrants)
	}
	if !st.Files[files[0]] || st.Files[files[1]] {
		t.Fatalf("files: %v", st.Files)
	}
}

func TestParseStateEmptyHostAndWrongShape(t *testing.T) {
	sets := make([]resultSet, tsql.StateSetCount)
	sets[tsql.StateSetServer].Rows = [][]any{{"10.50.6000.34", nil}}
	sets[tsql.StateSetMasterKey].Rows = [][]any{{int64(0)}}
	st, err := parseState(sets, nil)
	if err != nil {
		t.Fatal(err)
	}
	if st.MasterKey || st.Endpoint != nil || len(st.Certificates) != 0 || st.Files != nil {
		t.Fatalf("empty host: %+v", st)
	}
	if majorVersion(st.ProductVersion) != 10 || majorVersion("junk") != 0 {
		t.Fatal("majorVersion")
	}
	if _, err := parseState(sets[:3], nil); err == nil {
		t.Fatal("want an error for a short read")
	}
}

func TestStateQueryShape(t *testing.T) {
	q := tsql.StateQuery(true, []string{`C:\it's.cer`})
	if !strings.Contains(q, "CERTENCODED") || !strings.Contains(q, `xp_fileexist N'C:\it''s.cer'`) {
		t.Fatalf("query:\n%s", q)
	}
	if strings.Contains(tsql.StateQuery(false, nil), "CERTENCODED") {
		t.Fatal("legacy query must not use CERTENCODED")
	}
}

func TestTranscriptFilesAndMasking(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	red := NewRedactor()
	red.Add("Sup3r$ecret!pw")
	tr := newTranscript(dir, red)
	now := time.Date(2026, 11, 23, 1, 2, 3, 0, time.UTC)
	recs := []Record{
		{Time: now, Host: "HOST_A", Step: "outbound/master-key", Text: "CREATE MASTER KEY ENCRYPTION BY PASSWORD = N'Sup3r$ecret!pw';", DurationMS: 1.5, Result: "ok"},
		{Time: now, Host: "../HOST_B", Step: "inbound/HOST_A/login", Text: "CREATE LOGIN x", Result: "error", Error: "Msg 15025 Sup3r$ecret!pw"},
	}
	for _, r := range recs {
		if err := tr.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := tr.Close(); err != nil {
		t.Fatal(err)
	}
	// Reopening appends, never truncates.
	tr2 := newTranscript(dir, red)
	if err := tr2.Write(recs[0]); err != nil {
		t.Fatal(err)
	}
	tr2.Close()
	fi, err := os.Stat(dir)
	if err != nil || fi.Mode().Perm() != 0o700 {
		t.Fatalf("dir mode %v %v", fi.Mode().Perm(), err)
	}
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
		info, _ := e.Info()
		if info.Mode().Perm() != 0o600 {
			t.Errorf("%s mode %v", e.Name(), info.Mode().Perm())
		}
		data, _ := os.ReadFile(filepath.Join(dir, e.Name()))
		if strings.Contains(string(data), "Sup3r$ecret!pw") {
			t.Errorf("%s holds the secret", e.Name())
		}
	}
	want := "[executed-HOST_A.sql executed-___HOST_B.sql transcript.jsonl]"
	if got := strings.Join(strings.Fields(strings.Trim(strings.Join(names, " "), " ")), " "); "["+got+"]" != want {
		t.Fatalf("files %v want %s", names, want)
	}
	data, _ := os.ReadFile(filepath.Join(dir, "transcript.jsonl"))
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	if len(lines) != 3 {
		t.Fatalf("%d lines", len(lines))
	}
	var r Record
	if err := json.Unmarshal([]byte(lines[1]), &r); err != nil || r.Result != "error" || r.Step != "inbound/HOST_A/login" {
		t.Fatalf("record: %+v %v", r, err)
	}
}

func TestDefaultTranscriptDir(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", "/tmp/xdg-state")
	got := DefaultTranscriptDir(time.Date(2026, 11, 23, 1, 2, 3, 0, time.UTC))
	if runtime.GOOS == "windows" {
		t.Skip("LOCALAPPDATA on Windows")
	}
	if got != "/tmp/xdg-state/mirrorcert/20261123T010203Z" {
		t.Fatalf("got %s", got)
	}
}

func TestUnknownCertEncodedIsRecognised(t *testing.T) {
	old := &batchResult{Errors: []mssql.Error{{Number: 195, Class: 15, Message: "'CERTENCODED' is not a recognized built-in function name."}}}
	other := &batchResult{Errors: []mssql.Error{{Number: 195, Class: 15, Message: "'FOO' is not a recognized built-in function name."}}}
	if !unknownCertEncoded(old) || unknownCertEncoded(other) || unknownCertEncoded(&batchResult{}) {
		t.Fatal("unknownCertEncoded")
	}
}

func TestVerifyThumbprint(t *testing.T) {
	p := &plan.Plan{Hosts: []plan.Host{{Name: "HOST_A"}, {Name: "HOST_B"}}}
	s := &Session{plan: p}
	ref := steps.Ref{Host: "HOST_A", ID: steps.InboundID("HOST_B", steps.KindCertificate)}
	states := map[string]*steps.State{
		"HOST_A": {Certificates: []steps.Certificate{{Name: "HOST_B_cert", Thumbprint: []byte{1, 2, 3}}}},
		"HOST_B": {Certificates: []steps.Certificate{{Name: "HOST_B_cert", Thumbprint: []byte{1, 2, 3}}}},
	}
	if err := s.verifyThumbprint(states, ref); err != nil {
		t.Fatalf("matching: %v", err)
	}
	states["HOST_A"].Certificates[0].Thumbprint = []byte{9, 9, 9}
	err := s.verifyThumbprint(states, ref)
	if err == nil || !strings.Contains(err.Error(), "0x090909") || !strings.Contains(err.Error(), "0x010203") {
		t.Fatalf("mismatch: %v", err)
	}
	// Other items are not checked.
	if err := s.verifyThumbprint(states, steps.Ref{Host: "HOST_A", ID: steps.IDMasterKey}); err != nil {
		t.Fatal(err)
	}
}
