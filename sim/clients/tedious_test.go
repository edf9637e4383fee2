package clients

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/mirrorcert/mirrorcert/sim"
)

// TestTedious runs tedious@19 (Node) against the simulator: a
// parameterized SELECT through sp_executesql with an int and an nvarchar
// parameter, in each of tedious' encryption modes. `.ci/run` installs
// node_modules with npm.
func TestTedious(t *testing.T) {
	node := requireTool(t, "node")
	dir, err := filepath.Abs("tedious")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "tedious", "package.json")); err != nil {
		if os.Getenv("MIRRORCERT_E2E") == "1" {
			t.Fatalf("tedious is not installed (run npm install in %s): %v", dir, err)
		}
		t.Skipf("tedious is not installed (npm install in %s)", dir)
	}
	c := startCluster(t, sim.Config{Names: []string{"HOST_A"}})
	in := c.info(t, "HOST_A")
	for _, mode := range []string{"false", "true", "strict"} {
		t.Run("encrypt="+mode, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, node, "query.js")
			cmd.Dir = dir
			cmd.Env = append(os.Environ(),
				"SIM_HOST=127.0.0.1", fmt.Sprintf("SIM_PORT=%d", in.Port),
				"SIM_PASSWORD="+c.Password(), "SIM_ENCRYPT="+mode, "SIM_CA="+c.caFile,
				"NODE_NO_WARNINGS=1")
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if err := cmd.Run(); err != nil {
				t.Fatalf("node query.js: %v\nstdout: %s\nstderr: %s", err, stdout.String(), stderr.String())
			}
			var got struct {
				Int  []struct{ V int }    `json:"int"`
				Str  []struct{ V string } `json:"str"`
				Both []struct {
					N int
					S string
				} `json:"both"`
				ErrorNumber int `json:"errorNumber"`
			}
			if err := json.Unmarshal(stdout.Bytes(), &got); err != nil {
				t.Fatalf("output %q: %v", stdout.String(), err)
			}
			if len(got.Int) != 1 || got.Int[0].V != 42 {
				t.Errorf("SELECT @p AS v with int 42 = %+v", got.Int)
			}
			if len(got.Str) != 1 || got.Str[0].V != "it's ☃" {
				t.Errorf("SELECT @p AS v with nvarchar = %+v", got.Str)
			}
			if len(got.Both) != 1 || got.Both[0].N != -7 || got.Both[0].S != "HOST_A_cert" {
				t.Errorf("two parameters = %+v", got.Both)
			}
			if got.ErrorNumber != 208 {
				t.Errorf("unknown view: error %d, want 208", got.ErrorNumber)
			}
		})
	}
}
