package engine

import (
	"bytes"
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestMapPath(t *testing.T) {
	root := "/sandbox"
	for in, want := range map[string]string{
		`C:\HOST_A_cert.cer`:            "/sandbox/C/HOST_A_cert.cer",
		`c:/x/y.cer`:                    "/sandbox/C/x/y.cer",
		`D:\certs\x.cer`:                "/sandbox/D/certs/x.cer",
		`\\fileserver\share\x.cer`:      "/sandbox/UNC/fileserver/share/x.cer",
		`/var/opt/mssql/x.cer`:          "/sandbox/var/opt/mssql/x.cer",
		`x.cer`:                         "/sandbox/C/Program Files/Microsoft SQL Server/MSSQL16.MSSQLSERVER/MSSQL/DATA/x.cer",
		`C:\.\certs\\double\x.cer`:      "/sandbox/C/certs/double/x.cer",
		`  C:\spaces trimmed.cer  `:     "/sandbox/C/spaces trimmed.cer",
		`C:\Program Files\a b\cert.cer`: "/sandbox/C/Program Files/a b/cert.cer",
	} {
		got, err := MapPath(root, in)
		if err != nil || got != filepath.FromSlash(want) {
			t.Errorf("MapPath(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{``, `C:\..\x.cer`, `C:\a\..\..\x`, `../x`, `/var/../../etc/passwd`, `C:x.cer`, `C:\a:b`, "C:\\a\x00b", `C:\`, `C:\a|b`} {
		if got, err := MapPath(root, bad); err == nil {
			t.Errorf("MapPath(%q) = %q, want an error", bad, got)
		}
	}
}

func TestBackupAndRestoreWithPrivateKey(t *testing.T) {
	inA, a := saSession(t, "HOST_A")
	outbound(t, a, "HOST_A")
	if got := scalar(t, a, "SELECT pvt_key_last_backup_date FROM sys.certificates WHERE name = 'HOST_A_cert'"); got != nil {
		t.Fatalf("fresh certificate has a backup date: %v", got)
	}
	runErr(t, a, `BACKUP CERTIFICATE HOST_A_cert TO FILE = 'D:\nodrive\x.cer'`, 15240)
	runErr(t, a, `BACKUP CERTIFICATE HOST_A_cert TO FILE = 'C:\a.cer' WITH PRIVATE KEY (FILE = 'C:\a.pvk', ENCRYPTION BY PASSWORD = 'weak')`, 15116)
	run(t, a, `BACKUP CERTIFICATE HOST_A_cert TO FILE = 'C:\a.cer' WITH PRIVATE KEY (FILE = 'C:\a.pvk', ENCRYPTION BY PASSWORD = 'Key-Backup-Pw1')`)
	if got := scalar(t, a, "SELECT pvt_key_last_backup_date FROM sys.certificates WHERE name = 'HOST_A_cert'"); got == nil {
		t.Fatal("pvt_key_last_backup_date not set")
	}
	pvk, err := os.ReadFile(filepath.Join(inA.FileRoot(), "C", "a.pvk"))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(pvk, []byte("Key-Backup-Pw1")) || !bytes.HasPrefix(pvk, []byte(pvkMagic)) {
		t.Fatal("key file leaks the password or has the wrong format")
	}

	// Restore on another instance (disaster recovery): the key comes back and
	// is protected by that instance's master key.
	inB, b := saSession(t, "HOST_B")
	run(t, b, "CREATE MASTER KEY ENCRYPTION BY PASSWORD = 'Mk-HOST_B-Passw0rd!'")
	for _, f := range []string{"a.cer", "a.pvk"} {
		if err := CopyFile(inA, `C:\`+f, inB, `C:\restore\`+f); err != nil {
			t.Fatal(err)
		}
	}
	if err := CopyFile(inA, `C:\a.cer`, inB, `C:\restore\a.cer`); err == nil {
		t.Fatal("CopyFile overwrote an existing file")
	}
	if err := CopyFile(inA, `C:\a.cer`, inB, `Q:\a.cer`); err == nil {
		t.Fatal("CopyFile created a drive")
	}
	if err := CopyFile(inA, `C:\missing.cer`, inB, `C:\m.cer`); err == nil || !strings.Contains(err.Error(), "HOST_A") {
		t.Fatalf("missing source: %v", err)
	}
	runErr(t, b, `CREATE CERTIFICATE restored FROM FILE = 'C:\restore\a.cer' WITH PRIVATE KEY (FILE = 'C:\restore\a.pvk', DECRYPTION BY PASSWORD = 'Wrong-Passw0rd1')`, 15208)
	run(t, b, `CREATE CERTIFICATE restored FROM FILE = 'C:\restore\a.cer' WITH PRIVATE KEY (FILE = 'C:\restore\a.pvk', DECRYPTION BY PASSWORD = 'Key-Backup-Pw1')`)
	rs := query(t, b, "SELECT pvt_key_encryption_type, thumbprint FROM sys.certificates WHERE name = 'restored'")
	want := scalar(t, a, "SELECT thumbprint FROM sys.certificates WHERE name = 'HOST_A_cert'")
	if !equalRow(rs.Rows[0], []any{"MK", want}) {
		t.Fatalf("restored = %v", rs.Rows)
	}
	// The restored key is usable: it can be backed up again.
	run(t, b, `BACKUP CERTIFICATE restored TO FILE = 'C:\r.cer' WITH PRIVATE KEY (FILE = 'C:\r.pvk', ENCRYPTION BY PASSWORD = 'Key-Backup-Pw2')`)
}

func TestImportPEMAndLinuxPaths(t *testing.T) {
	inA, a := saSession(t, "HOST_A")
	outbound(t, a, "HOST_A")
	run(t, a, `BACKUP CERTIFICATE HOST_A_cert TO FILE = '/var/opt/mssql/data/HOST_A_cert.cer'`)
	der, err := os.ReadFile(filepath.Join(inA.FileRoot(), "var", "opt", "mssql", "data", "HOST_A_cert.cer"))
	if err != nil {
		t.Fatal(err)
	}
	inB, b := saSession(t, "HOST_B")
	pemPath := filepath.Join(inB.FileRoot(), "C", "HOST_A_cert.pem")
	if err := os.WriteFile(pemPath, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	run(t, b, `CREATE LOGIN HOST_A_login WITH PASSWORD = 'Str0ng-HOST_A'; CREATE USER HOST_A_user FOR LOGIN HOST_A_login;
CREATE CERTIFICATE HOST_A_cert AUTHORIZATION HOST_A_user FROM FILE = 'C:\HOST_A_cert.pem'`)
	got := scalar(t, b, "SELECT CERTENCODED(CERT_ID('HOST_A_cert'))").([]byte)
	if !bytes.Equal(got, der) {
		t.Fatal("PEM import does not hold the same DER")
	}
	// xp_fileexist sees what BACKUP wrote.
	rs := query(t, a, `EXEC master.sys.xp_fileexist N'/var/opt/mssql/data/HOST_A_cert.cer'`)
	if !equalRow(rs.Rows[0], []any{int32(1), int32(0), int32(1)}) {
		t.Fatalf("xp_fileexist = %v", rs.Rows)
	}
}

// TestUNCShareIsOneForTheCluster: instances given one ShareRoot see one
// file under \\server\share, any share root exists, and local paths stay
// each instance's own.
func TestUNCShareIsOneForTheCluster(t *testing.T) {
	share := t.TempDir()
	mk := func(name string) (Instance, Session) {
		in, err := New(Options{Name: name, SAPassword: testSAPassword, FileRoot: t.TempDir(), ShareRoot: share, Now: testNow})
		if err != nil {
			t.Fatal(err)
		}
		return in, in.NewSession("sa")
	}
	inA, a := mk("HOST_A")
	inB, b := mk("HOST_B")
	outbound(t, a, "HOST_A")
	run(t, a, `BACKUP CERTIFICATE HOST_A_cert TO FILE = '\\FileServer\Certs\HOST_A_cert.cer'`)
	run(t, a, `BACKUP CERTIFICATE HOST_A_cert TO FILE = 'C:\HOST_A_cert.cer'`)
	// HOST_B reads the share's file with other letter case in server and share.
	run(t, b, `CREATE LOGIN HOST_A_login WITH PASSWORD = 'Str0ng!Passw0rd#1'; CREATE USER HOST_A_user FOR LOGIN HOST_A_login;
		CREATE CERTIFICATE HOST_A_cert AUTHORIZATION HOST_A_user FROM FILE = '\\fileserver\certs\HOST_A_cert.cer'`)
	// The local C:\ file is HOST_A's alone.
	if got := scalar(t, b, `DECLARE @e int; EXEC xp_fileexist 'C:\HOST_A_cert.cer', @e OUTPUT; SELECT @e`); fmt.Sprint(got) != "0" {
		t.Errorf("HOST_B sees HOST_A's C:\\ file: %v", got)
	}
	if got := scalar(t, b, `DECLARE @e int; EXEC xp_fileexist '\\FILESERVER\CERTS\HOST_A_cert.cer', @e OUTPUT; SELECT @e`); fmt.Sprint(got) != "1" {
		t.Errorf("HOST_B does not see the share's file: %v", got)
	}
	// CopyFile of a share path is the one file already there.
	if err := CopyFile(inA, `\\fileserver\certs\HOST_A_cert.cer`, inB, `\\fileserver\certs\HOST_A_cert.cer`); err != nil {
		t.Errorf("CopyFile on the share: %v", err)
	}
	for _, bad := range []string{`\\srv\x.cer`, `\\srv\share\..\x`} {
		if got, err := MapPathShare("/r", share, bad); err == nil {
			t.Errorf("MapPathShare(%q) = %q, want an error", bad, got)
		}
	}
}
