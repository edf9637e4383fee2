package start

import (
	"fmt"

	"github.com/mirrorcert/mirrorcert/steps"
	"github.com/mirrorcert/mirrorcert/steps/checks"
	"github.com/mirrorcert/mirrorcert/steps/tsql"
)

// CodeLogChain is the finding for 1412/1478: the mirror's copy does not
// hold the log the principal's chain needs.
const CodeLogChain = "mirror-log-behind"

// DiagnoseError turns the server error a start step failed with into the
// findings the checks cannot see (the log chain is not in any catalog the
// checks read). Errors about the connection (1418, 1456) are explained by
// the checks and the error logs instead; nil when there is nothing to add.
func DiagnoseError(o Options, failed steps.Ref, number int32) []checks.Finding {
	P, M, _ := roles(o.Plan)
	db := o.Database
	switch number {
	case 1412, 1478:
		logf := fileIn(o.BackupDir, db+"_mirrorcert_log_more.trn")
		backup, restore := tsql.BackupLog(db, logf), tsql.RestoreLog(db, logf)
		return []checks.Finding{{
			Code: CodeLogChain, Host: M, Peer: P, Severity: checks.Error,
			Message: fmt.Sprintf("%s's copy of %s has not been rolled forward far enough for %s's log (%d): a log backup was taken on %s after the one restored, or the backups restored are older than the last log backup.",
				M, db, P, number, P),
			Evidence: []string{fmt.Sprintf("%s %s failed with Msg %d", failed.Host, failed.ID, number)},
			Fix:      []tsql.Statement{restore},
			FixNote: fmt.Sprintf("First on %s: %s Then run this on %s, and start again. If log backups run on a schedule, restore every one taken since, in order.",
				P, backup.Text, M),
		}}
	case 1465:
		return []checks.Finding{{
			Code: CodeRecoveryNotFull, Host: P, Severity: checks.Error,
			Message:  fmt.Sprintf("%s is not in FULL recovery on both partners (1465).", db),
			Evidence: []string{fmt.Sprintf("%s %s failed with Msg 1465", failed.Host, failed.ID)},
			Fix:      []tsql.Statement{tsql.SetRecoveryFull(db)},
		}}
	}
	return nil
}
