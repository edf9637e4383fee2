package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbletea/v2"

	"github.com/mirrorcert/mirrorcert/plan"
	"github.com/mirrorcert/mirrorcert/ui/form"
	"github.com/mirrorcert/mirrorcert/ui/styles"
)

// ErrFormAborted is returned when the operator leaves the connection form.
var ErrFormAborted = errors.New("form aborted")

// FormResult is what the connection form produced.
type FormResult struct {
	Plan *plan.Plan
	// Password is the login's password for every host ("" when not
	// given); it is never saved.
	Password string
	// Saved is where the plan was saved, "" when it was not.
	Saved string
}

// RunPlanForm asks for the plan on the terminal, saves it when asked, and
// returns it validated.
func RunPlanForm(ctx context.Context, now time.Time, noColor, ascii bool) (FormResult, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	st := styles.Default(noColor, ascii, true)
	m := form.New(form.Default(now), &st, now)
	if _, err := tea.NewProgram(m, tea.WithContext(ctx)).Run(); err != nil {
		return FormResult{}, fmt.Errorf("connection form: %w", err)
	}
	if m.State != form.Completed {
		// Drop the typed login password. (clear([]byte(s)) would clear a
		// copy: a Go string cannot be wiped in place.)
		m.Values.Password = ""
		return FormResult{}, ErrFormAborted
	}
	return SavePlan(m.Values, now)
}

// SavePlan builds the plan from the form's values and saves it when a path
// was given (never over an existing file).
func SavePlan(v form.Values, now time.Time) (FormResult, error) {
	p, err := form.BuildPlan(v, now)
	if err != nil {
		return FormResult{}, err
	}
	res := FormResult{Plan: p, Password: v.Password}
	if path := strings.TrimSpace(v.SavePath); path != "" {
		if err := form.CheckSavePath(path); err != nil {
			return FormResult{}, err
		}
		if err := p.Save(path); err != nil {
			return FormResult{}, err
		}
		p.Path, res.Saved = path, path
	}
	return res, nil
}

// SavedNote says where the form saved the plan and how to use it again.
func SavedNote(path string) string {
	if path == "" {
		return "The plan was not saved: the form asks again next time"
	}
	return fmt.Sprintf("Plan saved to %s; next time run: mirrorcert --plan %s", path, path)
}
