package session

import (
	"context"
	"fmt"
	"strings"

	mssql "github.com/microsoft/go-mssqldb"

	"github.com/mirrorcert/mirrorcert/plan"
	"github.com/mirrorcert/mirrorcert/scaleout"
	"github.com/mirrorcert/mirrorcert/steps/tsql"
)

// ReadSSISDB connects to h, the Scale Out Master's SQL Server, and reads
// SSISDB's catalog.master_properties and catalog.worker_agents in one batch.
// password is used only when h needs one (not for integrated auth); it is
// kept out of every error returned.
func ReadSSISDB(ctx context.Context, h plan.Host, password func(host string) (string, error)) (*scaleout.SSISDBInfo, error) {
	res, red, err := sendOnce(ctx, Target{Name: h.Name, Server: h.Server, Auth: h.Auth}, password, tsql.SSISDBQuery)
	if err != nil {
		return nil, err
	}
	if len(res.Errors) > 0 {
		e := res.Errors[0]
		msg := fmt.Sprintf("%s (%s): read SSISDB: Msg %d, Level %d: %s", h.Name, h.Server, e.Number, e.Class, e.Message)
		if e.Number == 208 {
			msg += " (this server has no SSISDB catalog: give --ssisdb the SQL Server named in MasterSettings.config <SqlServerName>)"
		}
		return nil, red.RedactError(fmt.Errorf("%s", msg))
	}
	if len(res.Sets) < tsql.SSISDBSetCount {
		return nil, fmt.Errorf("%s (%s): read SSISDB: expected %d result sets, got %d", h.Name, h.Server, tsql.SSISDBSetCount, len(res.Sets))
	}
	return parseSSISDB(h.Server, res.Sets)
}

func parseSSISDB(server string, sets []resultSet) (*scaleout.SSISDBInfo, error) {
	info := &scaleout.SSISDBInfo{Server: server, Properties: map[string]string{}}
	for _, r := range sets[tsql.SSISDBSetMasterProperties].Rows {
		info.Properties[strings.ToUpper(str(col(r, 0)))] = str(col(r, 1))
	}
	for _, r := range sets[tsql.SSISDBSetWorkerAgents].Rows {
		var id mssql.UniqueIdentifier
		if err := id.Scan(col(r, 0)); err != nil {
			return nil, fmt.Errorf("%s: catalog.worker_agents WorkerAgentId: %w", server, err)
		}
		info.Workers = append(info.Workers, scaleout.WorkerAgent{
			ID:          id.String(),
			MachineName: str(col(r, 1)),
			DisplayName: str(col(r, 2)),
			IsEnabled:   boolean(col(r, 3)),
			LastOnline:  tm(col(r, 4)),
		})
	}
	return info, nil
}
