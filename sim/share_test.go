package sim

import (
	"context"
	"testing"
)

// TestClusterSharesUNC: a file HOST_A backs up to \\server\share is there
// for HOST_B under the same path, as on a real network share.
func TestClusterSharesUNC(t *testing.T) {
	c, err := Start(context.Background(), Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	exec := func(host, sql string) {
		t.Helper()
		for _, out := range c.Engine(host).NewSession("sa").ExecBatch(sql) {
			for _, m := range out.Messages {
				if m.IsError() {
					t.Fatalf("%s: Msg %d: %s\n%s", host, m.Number, m.Text, sql)
				}
			}
		}
	}
	exec("HOST_A", `CREATE MASTER KEY ENCRYPTION BY PASSWORD = 'Mk-Passw0rd!x'; CREATE CERTIFICATE c WITH SUBJECT = 'c';
		BACKUP CERTIFICATE c TO FILE = '\\fs\share\c.cer'`)
	exec("HOST_B", `CREATE CERTIFICATE c FROM FILE = '\\FS\Share\c.cer'`)
	if err := c.CopyFile("HOST_A", "HOST_W", `\\fs\share\c.cer`); err != nil {
		t.Errorf("copy within the share: %v", err)
	}
}
