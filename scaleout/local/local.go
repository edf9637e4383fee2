// Package local reads what the Windows machine mirrorcert runs on says about
// SSIS Scale Out: the `netsh http show sslcert` binding of the master port,
// the LocalMachine\Root and \My certificate stores (through PowerShell), and
// where MasterSettings.config and WorkerSettings.config are. Every command
// goes through a Runner, so the parsing is tested with recorded outputs on
// any operating system; only ExecRunner touches the machine.
package local

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"io/fs"
	"os/exec"
	"path"
	"sort"
	"strings"

	"github.com/mirrorcert/mirrorcert/scaleout"
)

// Runner runs a program and returns its standard output. A non-zero exit
// is an error, returned together with whatever was printed.
type Runner interface {
	Run(ctx context.Context, name string, args ...string) ([]byte, error)
}

// ExecRunner runs programs on this machine.
type ExecRunner struct{}

// Run implements Runner.
func (ExecRunner) Run(ctx context.Context, name string, args ...string) ([]byte, error) {
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		if msg := strings.TrimSpace(stderr.String()); msg != "" {
			err = fmt.Errorf("%w: %s", err, msg)
		}
	}
	return out, err
}

// storeScript prints every certificate of the two LocalMachine stores as
// "STORE BASE64-DER", one per line, which ParseStores reads back with the
// same parser as a .cer file. No secret and no private key is read.
const storeScript = `$ErrorActionPreference = 'Stop'; ` +
	`foreach ($s in 'Root','My') { Get-ChildItem -Path ('Cert:\LocalMachine\' + $s) | ` +
	`ForEach-Object { $s + ' ' + [Convert]::ToBase64String($_.RawData) } }`

// Probe reads the binding of 0.0.0.0:port (when master) and both stores.
func Probe(ctx context.Context, r Runner, machine string, port int, master, worker bool) (*scaleout.LocalInfo, error) {
	li := &scaleout.LocalInfo{Machine: machine, IsMaster: master, IsWorker: worker}
	if master {
		ipport := fmt.Sprintf("ipport=0.0.0.0:%d", port)
		out, err := r.Run(ctx, "netsh", "http", "show", "sslcert", ipport)
		bs, known := scaleout.ParseNetshSSLCert(string(out))
		// netsh exits 1 when the port has no binding; its output says so,
		// and that is a finding, not a failure to read.
		if err != nil && len(bs) == 0 && !strings.Contains(string(out), "cannot find") {
			return nil, fmt.Errorf("netsh http show sslcert %s: %w", ipport, err)
		}
		if !known {
			return nil, fmt.Errorf("netsh http show sslcert %s: the output has none of the labels \"IP:port\" and \"Certificate Hash\" (is Windows set to another language? run: chcp 437, or check the binding by hand)", ipport)
		}
		li.Bindings, li.BindingsRead = bs, true
	}
	out, err := r.Run(ctx, "powershell.exe", "-NoProfile", "-NonInteractive", "-Command", storeScript)
	if err != nil {
		return nil, fmt.Errorf("read the LocalMachine certificate stores with PowerShell: %w", err)
	}
	li.Root, li.My, err = ParseStores(out)
	if err != nil {
		return nil, err
	}
	return li, nil
}

// ParseStores reads storeScript's output.
func ParseStores(out []byte) (root, my []scaleout.CertInfo, err error) {
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		store, b64, ok := strings.Cut(line, " ")
		if !ok {
			return nil, nil, fmt.Errorf("certificate store listing: unexpected line %q", line)
		}
		der, err := base64.StdEncoding.DecodeString(b64)
		if err != nil {
			return nil, nil, fmt.Errorf("certificate store listing: %s: %w", store, err)
		}
		ci, err := scaleout.ParseCert(`LocalMachine\`+store, der)
		if err != nil {
			// A store can hold certificates Go's parser refuses (old or odd
			// encodings); they cannot be Scale Out certificates SSIS made.
			continue
		}
		switch store {
		case "Root":
			root = append(root, *ci)
		case "My":
			my = append(my, *ci)
		default:
			return nil, nil, fmt.Errorf("certificate store listing: unknown store %q", store)
		}
	}
	return root, my, sc.Err()
}

// ConfigPaths finds MasterSettings.config and WorkerSettings.config under
// programFiles (os.DirFS of %ProgramFiles%): Microsoft SQL Server\NNN\DTS\Binn,
// newest version first. Empty results mean the role is not installed.
func ConfigPaths(programFiles fs.FS) (master, worker []string, err error) {
	for _, name := range []string{"MasterSettings.config", "WorkerSettings.config"} {
		found, gerr := fs.Glob(programFiles, path.Join("Microsoft SQL Server", "*", "DTS", "Binn", name))
		if gerr != nil {
			return nil, nil, gerr
		}
		sort.Sort(sort.Reverse(sort.StringSlice(found)))
		if name == "MasterSettings.config" {
			master = found
		} else {
			worker = found
		}
	}
	return master, worker, nil
}
