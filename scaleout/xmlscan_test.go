package scaleout

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"maps"
	"os"
	"strings"
	"testing"
)

// parseWithEncodingXML is ParseConfig as it was with encoding/xml: the
// reference the scanner that replaced it is held to.
func parseWithEncodingXML(data []byte) (map[string]string, error) {
	values := map[string]string{}
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.CharsetReader = func(_ string, r io.Reader) (io.Reader, error) { return r, nil }
	type open struct {
		name  string
		text  strings.Builder
		child bool
	}
	var stack []*open
	sawRoot := false
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			sawRoot = true
			if len(stack) > 0 {
				stack[len(stack)-1].child = true
			}
			stack = append(stack, &open{name: t.Name.Local})
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].text.Write(t)
			}
		case xml.EndElement:
			top := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if key := strings.ToLower(top.name); !top.child {
				if _, seen := values[key]; !seen {
					values[key] = strings.TrimSpace(top.text.String())
				}
			}
		}
	}
	if !sawRoot {
		return nil, errors.New("no root")
	}
	return values, nil
}

// xmlCorpus is real files and the XML features and mistakes a hand-edited
// .config may hold.
func xmlCorpus(t testing.TB) []string {
	corpus := []string{
		"", "not xml", "<a><b></a>", "<a>", "</a>", "<a></a></a>", "<a/>", "<a />", "<a><b/><c>x</c></a>",
		`<?xml version="1.0" encoding="utf-8"?>` + "\r\n<a x='1' y=\"2>3\"><b>v</b></a>",
		"\ufeff<?xml version=\"1.0\"?><a><b>1</b></a>",
		"<!-- c --><a><!-- <b>no</b> --><b>yes</b></a>",
		"<!DOCTYPE a [<!ENTITY e 'x'>]><a><b>1</b></a>",
		"<a><b><![CDATA[<not/> &amp;]]></b></a>",
		"<a><b>&lt;&gt;&amp;&apos;&quot;&#65;&#x42;</b></a>",
		"<a><b>&nope;</b></a>", "<a><b>& x</b></a>", "<a><b>x &amp y</b></a>",
		"<a x=1></a>", "<a x></a>", "<a x=\"1></a>", "<a><!-- x </a>", "<a><![CDATA[x</a>", "<?xml ",
		"<p:a xmlns:p='u'><p:b> v </p:b><c>w</c></p:a>",
		"<a><b>first</b><b>second</b></a>", "<a><B>1</B><b>2</b></a>",
		"<a>t<b>x</b>u</a>", "<a><b>1</b></a><c>2</c>", "text<a><b>1</b></a>more",
		"<a><b>\n  multi\n  line\n</b></a>",
	}
	for _, f := range []string{"testdata/MasterSettings.config.tmpl", "testdata/WorkerSettings.config.tmpl"} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		corpus = append(corpus, string(b))
	}
	return corpus
}

// TestScannerAgreesWithEncodingXML: on every file of the corpus, ParseConfig
// finds the values encoding/xml found, and fails where it failed.
func TestScannerAgreesWithEncodingXML(t *testing.T) {
	for _, in := range xmlCorpus(t) {
		want, werr := parseWithEncodingXML([]byte(in))
		cf, err := ParseConfig("x.config", []byte(in))
		if (err != nil) != (werr != nil) {
			t.Errorf("%q: error %v, encoding/xml's %v", in, err, werr)
			continue
		}
		if err == nil && !maps.Equal(cf.values, want) {
			t.Errorf("%q:\n got %v\nwant %v", in, cf.values, want)
		}
	}
}

// FuzzScannerAgreesWithEncodingXML: where encoding/xml reads a file, the
// scanner reads the same values; and it never panics on anything.
func FuzzScannerAgreesWithEncodingXML(f *testing.F) {
	for _, in := range xmlCorpus(f) {
		f.Add(in)
	}
	f.Fuzz(func(t *testing.T, in string) {
		cf, err := ParseConfig("x.config", []byte(in))
		want, werr := parseWithEncodingXML([]byte(in))
		if werr == nil && err != nil {
			t.Fatalf("%q: error %v where encoding/xml read %v", in, err, want)
		}
		if werr == nil && !maps.Equal(cf.values, want) {
			t.Fatalf("%q:\n got %v\nwant %v", in, cf.values, want)
		}
	})
}
