package scaleout

import (
	"strings"
)

// SSLBinding is one binding from `netsh http show sslcert`, read by the
// documented field labels. Only the fields the check needs are kept.
type SSLBinding struct {
	IPPort    string // "0.0.0.0:8391" (or "Hostname:port" for SNI bindings)
	CertHash  string
	AppID     string
	StoreName string // "Root", "MY"; "(null)" means MY
}

// netsh labels, as printed by Windows (English). Labels are matched
// case-insensitively and with any run of spaces before the colon.
const (
	labelIPPort    = "ip:port"
	labelHostPort  = "hostname:port"
	labelCCSPort   = "central certificate store"
	labelCertHash  = "certificate hash"
	labelAppID     = "application id"
	labelStoreName = "certificate store name"
)

// ParseNetshSSLCert reads every binding in the output of `netsh http show
// sslcert [ipport=...]`. Output without any binding (netsh prints "The
// system cannot find the file specified." for an ipport that has none)
// gives an empty list. known is false when the text has "label : value"
// lines but none of the documented labels: netsh speaks another language
// on this machine, and nothing can be concluded from it.
func ParseNetshSSLCert(out string) (bindings []SSLBinding, known bool) {
	var cur *SSLBinding
	sawField := false
	flush := func() {
		if cur != nil && (cur.IPPort != "" || cur.CertHash != "") {
			bindings = append(bindings, *cur)
		}
		cur = nil
	}
	for _, line := range strings.Split(strings.ReplaceAll(out, "\r\n", "\n"), "\n") {
		label, value, ok := strings.Cut(line, " : ")
		if !ok {
			// "IP:port : 0.0.0.0:8391" always has " : "; a label followed by
			// nothing ends in " :".
			if l, cut := strings.CutSuffix(strings.TrimRight(line, " \t"), " :"); cut {
				label, value, ok = l, "", true
			}
		}
		if !ok {
			continue
		}
		sawField = true
		label = strings.ToLower(strings.Join(strings.Fields(label), " "))
		value = strings.TrimSpace(value)
		switch {
		case label == labelIPPort || label == labelHostPort || strings.HasPrefix(label, labelCCSPort):
			flush()
			cur = &SSLBinding{IPPort: value}
		case label == labelCertHash:
			if cur == nil {
				cur = &SSLBinding{}
			}
			cur.CertHash = value
			known = true
		case label == labelAppID:
			if cur != nil {
				cur.AppID = value
			}
		case label == labelStoreName:
			if cur != nil {
				cur.StoreName = value
			}
		}
	}
	flush()
	if !sawField {
		known = true // no binding at all: nothing to misread
	}
	for _, b := range bindings {
		if b.CertHash == "" {
			known = false // a binding whose hash label was not recognised
		}
	}
	return bindings, known
}

// BindingFor returns the binding for ipport ("0.0.0.0:8391"), if any.
func BindingFor(bindings []SSLBinding, ipport string) (SSLBinding, bool) {
	for _, b := range bindings {
		if strings.EqualFold(b.IPPort, ipport) {
			return b, true
		}
	}
	return SSLBinding{}, false
}
