package plan

import (
	"fmt"
	"sort"
	"strings"
)

// Problem is one finding of loading or validation.
type Problem struct {
	// Field is the path of the offending value, e.g. "hosts[2].server" or
	// "endpoint.port". Empty for problems with the file as a whole.
	Field string
	// Line is the 1-based line in the plan file; 0 when unknown (in-memory plans).
	Line int
	// Msg says what is wrong and how to fix it.
	Msg string
}

// Error is every problem found in a plan. Loading never stops at the first
// problem: a DBA fixing a plan file wants the whole list in one go.
type Error struct {
	Path     string // the plan file; "" for in-memory plans
	Problems []Problem
}

// String renders one problem as "file:line: field: message".
func (p Problem) String() string { return p.format("") }

func (p Problem) format(path string) string {
	var b strings.Builder
	switch {
	case path != "" && p.Line > 0:
		fmt.Fprintf(&b, "%s:%d: ", path, p.Line)
	case path != "":
		fmt.Fprintf(&b, "%s: ", path)
	case p.Line > 0:
		fmt.Fprintf(&b, "line %d: ", p.Line)
	}
	if p.Field != "" {
		b.WriteString(p.Field)
		b.WriteString(": ")
	}
	b.WriteString(p.Msg)
	return b.String()
}

// Error lists every problem, one per line.
func (e *Error) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.format(e.Path)
	}
	return strings.Join(lines, "\n")
}

// problems collects findings while a plan is read and checked.
type problems struct {
	list []Problem
}

func (ps *problems) add(field string, line int, format string, args ...any) {
	ps.list = append(ps.list, Problem{Field: field, Line: line, Msg: fmt.Sprintf(format, args...)})
}

func (ps *problems) err(path string) error {
	if len(ps.list) == 0 {
		return nil
	}
	// File order reads best; problems are found in check order.
	sort.SliceStable(ps.list, func(i, j int) bool { return ps.list[i].Line < ps.list[j].Line })
	return &Error{Path: path, Problems: ps.list}
}
