package scaleout

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// xmlScanner reads the little of XML a service's .config file needs:
// elements (their attributes are skipped), text with its entity and
// character references, CDATA, and comments, processing instructions and
// a DOCTYPE, which are skipped. It replaces encoding/xml, whose init (a
// map of every HTML entity) and code every mirrorcert command paid at
// start-up for this one parser. Like encoding/xml it does not insist on
// a single root element (ParseConfig asks for one at least); unlike it, it
// does not validate names beyond their delimiters.
type xmlScanner struct {
	s     string
	i     int
	stack []string // the names of the open elements
	empty string   // an empty element <name/> read, whose end comes next
}

// xmlToken is what next returns: a start or end tag's qualified name, or
// text.
type xmlToken struct {
	start, end bool
	name, text string
}

// next reads the next token; ok is false at the end of the input, which is
// an error while an element is open.
func (x *xmlScanner) next() (tok xmlToken, ok bool, err error) {
	if x.empty != "" {
		name := x.empty
		x.empty = ""
		return xmlToken{end: true, name: name}, true, nil
	}
	for x.i < len(x.s) {
		rest := x.s[x.i:]
		switch {
		case !strings.HasPrefix(rest, "<"):
			n := strings.IndexByte(rest, '<')
			if n < 0 {
				n = len(rest)
			}
			text, err := unescapeXML(rest[:n])
			if err != nil {
				return tok, false, x.errorf("%v", err)
			}
			x.i += n
			return xmlToken{text: text}, true, nil
		case strings.HasPrefix(rest, "<!--"):
			err = x.skipPast("-->", 4, "comment")
		case strings.HasPrefix(rest, "<![CDATA["):
			n := strings.Index(rest[9:], "]]>")
			if n < 0 {
				return tok, false, x.errorf("unterminated CDATA section")
			}
			x.i += 9 + n + 3
			return xmlToken{text: rest[9 : 9+n]}, true, nil
		case strings.HasPrefix(rest, "<?"):
			err = x.skipPast("?>", 2, "processing instruction")
		case strings.HasPrefix(rest, "<!"):
			err = x.skipDecl()
		case strings.HasPrefix(rest, "</"):
			return x.endTag()
		default:
			return x.startTag()
		}
		if err != nil {
			return tok, false, err
		}
	}
	if len(x.stack) > 0 {
		return tok, false, x.errorf("unexpected end of file: <%s> is not closed", x.stack[len(x.stack)-1])
	}
	return tok, false, nil
}

// startTag reads <name attr="v" ...> or <name .../>.
func (x *xmlScanner) startTag() (xmlToken, bool, error) {
	x.i++
	name := x.name()
	if name == "" {
		return xmlToken{}, false, x.errorf("expected an element name after <")
	}
	for {
		x.skipSpace()
		switch {
		case x.i >= len(x.s):
			return xmlToken{}, false, x.errorf("unexpected end of file in <%s>", name)
		case strings.HasPrefix(x.s[x.i:], "/>"):
			x.i += 2
			x.empty = name // an empty element: its end is the next token
			return xmlToken{start: true, name: name}, true, nil
		case x.s[x.i] == '>':
			x.i++
			x.stack = append(x.stack, name)
			return xmlToken{start: true, name: name}, true, nil
		}
		if err := x.attribute(name); err != nil {
			return xmlToken{}, false, err
		}
	}
}

// attribute skips name="value" (or 'value') inside element's start tag.
func (x *xmlScanner) attribute(element string) error {
	attr := x.name()
	x.skipSpace()
	if attr == "" || x.i >= len(x.s) || x.s[x.i] != '=' {
		return x.errorf("attribute in <%s> is not name=\"value\"", element)
	}
	x.i++
	x.skipSpace()
	if x.i >= len(x.s) || (x.s[x.i] != '"' && x.s[x.i] != '\'') {
		return x.errorf("unquoted value of %s in <%s>", attr, element)
	}
	q := x.s[x.i]
	n := strings.IndexByte(x.s[x.i+1:], q)
	if n < 0 {
		return x.errorf("unterminated value of %s in <%s>", attr, element)
	}
	if _, err := unescapeXML(x.s[x.i+1 : x.i+1+n]); err != nil || strings.Contains(x.s[x.i+1:x.i+1+n], "<") {
		return x.errorf("bad value of %s in <%s>", attr, element)
	}
	x.i += 1 + n + 1
	return nil
}

// endTag reads </name>, which must close the innermost open element.
func (x *xmlScanner) endTag() (xmlToken, bool, error) {
	x.i += 2
	name := x.name()
	x.skipSpace()
	if name == "" || x.i >= len(x.s) || x.s[x.i] != '>' {
		return xmlToken{}, false, x.errorf("malformed end tag </%s", name)
	}
	x.i++
	if len(x.stack) == 0 {
		return xmlToken{}, false, x.errorf("unexpected end element </%s>", name)
	}
	if open := x.stack[len(x.stack)-1]; open != name {
		return xmlToken{}, false, x.errorf("element <%s> closed by </%s>", open, name)
	}
	x.stack = x.stack[:len(x.stack)-1]
	return xmlToken{end: true, name: name}, true, nil
}

// name reads an element or attribute name: up to a space, =, /, > or <.
func (x *xmlScanner) name() string {
	start := x.i
	for x.i < len(x.s) && !strings.ContainsRune(" \t\r\n=/><'\"", rune(x.s[x.i])) {
		x.i++
	}
	return x.s[start:x.i]
}

func (x *xmlScanner) skipSpace() {
	for x.i < len(x.s) && strings.ContainsRune(" \t\r\n", rune(x.s[x.i])) {
		x.i++
	}
}

// skipPast skips to after end, searching from skip bytes in.
func (x *xmlScanner) skipPast(end string, skip int, what string) error {
	n := strings.Index(x.s[x.i+skip:], end)
	if n < 0 {
		return x.errorf("unterminated %s", what)
	}
	x.i += skip + n + len(end)
	return nil
}

// skipDecl skips <!DOCTYPE ...> and other declarations as encoding/xml
// did: to the '>' that balances the '<'s inside, quoted strings and
// comments (which may hold either) aside. Like encoding/xml, it takes the
// first character after <! as it is, whatever it is.
func (x *xmlScanner) skipDecl() error {
	depth := 0
	var quote byte
	for j := x.i + 3; j < len(x.s); j++ {
		c := x.s[j]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case strings.HasPrefix(x.s[j:], "<!--"):
			n := strings.Index(x.s[j+4:], "-->")
			if n < 0 {
				return x.errorf("unterminated comment")
			}
			j += 4 + n + 2
		case c == '<':
			depth++
		case c == '>':
			if depth == 0 {
				x.i = j + 1
				return nil
			}
			depth--
		}
	}
	return x.errorf("unterminated <! declaration")
}

// errorf is a syntax error with its line, as encoding/xml gave them.
func (x *xmlScanner) errorf(format string, args ...any) error {
	line := 1 + strings.Count(x.s[:min(x.i, len(x.s))], "\n")
	return fmt.Errorf("XML syntax error on line %d: %s", line, fmt.Sprintf(format, args...))
}

// unescapeXML replaces XML's five entities and character references.
func unescapeXML(s string) (string, error) {
	if !strings.Contains(s, "&") {
		return s, nil
	}
	var b strings.Builder
	for {
		i := strings.IndexByte(s, '&')
		if i < 0 {
			b.WriteString(s)
			return b.String(), nil
		}
		b.WriteString(s[:i])
		s = s[i:]
		end := strings.IndexByte(s, ';')
		if end < 0 {
			return "", fmt.Errorf("& without ; (write &amp; for a literal &)")
		}
		ref := s[1:end]
		switch ref {
		case "lt":
			b.WriteByte('<')
		case "gt":
			b.WriteByte('>')
		case "amp":
			b.WriteByte('&')
		case "apos":
			b.WriteByte('\'')
		case "quot":
			b.WriteByte('"')
		default:
			r, ok := charRef(ref)
			if !ok {
				return "", fmt.Errorf("unknown entity &%s;", ref)
			}
			b.WriteRune(r)
		}
		s = s[end+1:]
	}
}

// charRef decodes #NN or #xHH.
func charRef(ref string) (rune, bool) {
	var n uint64
	var err error
	switch {
	case strings.HasPrefix(ref, "#x"):
		n, err = strconv.ParseUint(ref[2:], 16, 32)
	case strings.HasPrefix(ref, "#"):
		n, err = strconv.ParseUint(ref[1:], 10, 32)
	default:
		return 0, false
	}
	if err != nil || n == 0 || !utf8.ValidRune(rune(n)) {
		return 0, false
	}
	return rune(n), true
}
