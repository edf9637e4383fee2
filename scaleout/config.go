package scaleout

import (
	"fmt"
	"strings"
)

// Element names of the two service configuration files, as documented
// ("Integration Services (SSIS) Scale Out Master" and "... Worker").
const (
	ElemSSLCertThumbprint         = "SSLCertThumbprint"
	ElemPortNumber                = "PortNumber"
	ElemSqlServerName             = "SqlServerName"
	ElemMasterEndpoint            = "MasterEndpoint"
	ElemMasterHttpsCertThumbprint = "MasterHttpsCertThumbprint"
	ElemWorkerHttpsCertThumbprint = "WorkerHttpsCertThumbprint"
	ElemStoreLocation             = "StoreLocation"
	ElemStoreName                 = "StoreName"
	ElemDisplayName               = "DisplayName"
)

// ConfigFile is a MasterSettings.config or WorkerSettings.config as read:
// the text of every leaf element by local name (first occurrence wins).
// Installations differ in the root element and the namespaces, so neither
// is looked at.
type ConfigFile struct {
	Path   string
	values map[string]string // lower-case local name -> text
	names  map[string]string // lower-case local name -> name as spelled
}

// ParseConfig reads the leaf elements of an XML configuration file. It
// fails only on XML that does not parse; missing elements are for the
// checks to report.
func ParseConfig(path string, data []byte) (*ConfigFile, error) {
	cf := &ConfigFile{Path: path, values: map[string]string{}, names: map[string]string{}}
	// A BOM, the XML declaration (whatever encoding it names: the text is
	// read as it is) and namespaces are not looked at.
	x := &xmlScanner{s: string(data)}
	type open struct {
		name  string
		text  strings.Builder
		child bool
	}
	var stack []*open
	sawRoot := false
	for {
		tok, ok, err := x.next()
		if err != nil {
			return nil, fmt.Errorf("%s: not a readable XML configuration file: %w", path, err)
		}
		if !ok {
			break
		}
		switch {
		case tok.start:
			sawRoot = true
			if len(stack) > 0 {
				stack[len(stack)-1].child = true
			}
			_, local, found := strings.Cut(tok.name, ":")
			if !found {
				local = tok.name
			}
			stack = append(stack, &open{name: local})
		case tok.end:
			top := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			key := strings.ToLower(top.name)
			if !top.child {
				if _, seen := cf.values[key]; !seen {
					cf.values[key] = strings.TrimSpace(top.text.String())
					cf.names[key] = top.name
				}
			}
		default:
			if len(stack) > 0 {
				stack[len(stack)-1].text.WriteString(tok.text)
			}
		}
	}
	if !sawRoot {
		return nil, fmt.Errorf("%s: no XML element in the file: give the service's .config file", path)
	}
	return cf, nil
}

// Get returns an element's text and whether the element is present.
func (c *ConfigFile) Get(name string) (string, bool) {
	v, ok := c.values[strings.ToLower(name)]
	return v, ok
}
