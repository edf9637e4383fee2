package session

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/mirrorcert/mirrorcert/steps"
)

// composeBatch writes the prepared items as one batch and records each
// item's lines. An item that needs another item of the same batch runs only
// if that one ran without error: T-SQL goes on after most errors, and a
// CREATE CERTIFICATE after a failed CREATE MASTER KEY would only add a
// second, misleading failure (and a GRANT on a missing endpoint a third).
// So each such need gets a flag, set when its statements raise no error
// (@@ERROR), and the dependent item is wrapped in IF ... BEGIN ... END on
// its own lines, so that server errors still point into the item's lines.
// Items whose need could not even be prepared are left out and marked not
// run. A batch without such needs is the statements alone, as before.
func composeBatch(preps []prepared, outs []outcome) string {
	index := map[steps.Ref]int{}
	for i := range preps {
		index[preps[i].item.Ref] = i
	}
	flagged := make([]bool, len(preps)) // another item here needs it
	deps := make([][]int, len(preps))
	for i := range preps {
		for _, n := range preps[i].item.Needs {
			if j, ok := index[n]; ok && j < i {
				deps[i] = append(deps[i], j)
				flagged[j] = true
			}
		}
	}
	flag := func(i int) string { return "@mirrorcert_ok_" + strconv.Itoa(i+1) }
	var b strings.Builder
	line := 1
	writeLine := func(s string) {
		b.WriteString(s)
		b.WriteString("\n")
		line += strings.Count(s, "\n") + 1
	}
	var decl []string
	for i := range preps {
		if flagged[i] {
			decl = append(decl, flag(i)+" int = 0")
		}
	}
	if len(decl) > 0 {
		writeLine("DECLARE " + strings.Join(decl, ", ") + ";")
	}
	for i := range preps {
		p := &preps[i]
		if p.err != nil {
			continue
		}
		if j := firstUnsent(preps, outs, deps[i]); j >= 0 {
			p.skipped = true
			outs[i].notRun = true
			outs[i].err = fmt.Errorf("%s: %s: not run: it needs %s, which could not be sent", p.item.Host, p.item.ID, preps[j].item.ID)
			continue
		}
		var cond []string
		for _, j := range deps[i] {
			cond = append(cond, flag(j)+" = 1")
		}
		if len(cond) > 0 {
			writeLine("IF " + strings.Join(cond, " AND "))
			writeLine("BEGIN")
		}
		if flagged[i] {
			writeLine("SET " + flag(i) + " = 1;")
		}
		p.first = line
		for _, t := range p.rendered {
			writeLine(t)
			p.last = line - 1 // the item's lines end with its last statement
			if flagged[i] {
				writeLine("IF @@ERROR <> 0 SET " + flag(i) + " = 0;")
			}
		}
		if len(cond) > 0 {
			writeLine("END")
		}
	}
	return b.String()
}

// firstUnsent returns the first of deps that is not in the batch (it could
// not be prepared, or was itself left out), or -1.
func firstUnsent(preps []prepared, outs []outcome, deps []int) int {
	for _, j := range deps {
		if preps[j].err != nil || preps[j].skipped {
			return j
		}
	}
	return -1
}

// markSkipped reports the items the server skipped because an item they
// need, earlier in the same batch, failed or was itself skipped: they did
// not run, and the transcript says so and why.
func markSkipped(host string, outs []outcome, preps []prepared) {
	index := map[steps.Ref]int{}
	for i := range preps {
		index[preps[i].item.Ref] = i
	}
	for i := range preps {
		if preps[i].err != nil || preps[i].skipped || outs[i].err != nil {
			continue
		}
		for _, n := range preps[i].item.Needs {
			j, ok := index[n]
			if !ok || j >= i || outs[j].err == nil {
				continue
			}
			outs[i].notRun = true
			outs[i].err = fmt.Errorf("%s: %s: not run: it needs %s, which failed in the same batch", host, preps[i].item.ID, preps[j].item.ID)
			break
		}
	}
}

// lineOwner returns the sent item a server error at line belongs to: the
// one whose statements hold the line, else the first one after it, as the
// error came from the lines that lead to it (the DECLARE of the flags, an
// IF wrapper) or from the batch as a whole (a server reports an error that
// stops a batch before it runs at line 1). -1 for the state read's lines.
func lineOwner(preps []prepared, line int32) int {
	next := -1
	for i := range preps {
		p := &preps[i]
		if !p.sent() {
			continue
		}
		if line >= int32(p.first) && line <= int32(p.last) {
			return i
		}
		if next < 0 && int32(p.first) > line {
			next = i
		}
	}
	return next
}
