package tsql

// SSISDBQuery reads what SSIS Scale Out keeps in the master's catalog, in
// one round trip: catalog.master_properties (property_name, property_value;
// readable by public) and catalog.worker_agents (WorkerAgentId, MachineName,
// DisplayName, IsEnabled, LastOnlineTime; rows only for ssis_admin,
// ssis_cluster_executor or sysadmin). Three-part names, so the login's
// default database does not matter; a server without SSISDB answers 208.
const SSISDBQuery = "SET NOCOUNT ON;\n" +
	"SELECT [property_name], [property_value] FROM [SSISDB].[catalog].[master_properties];\n" +
	"SELECT [WorkerAgentId], [MachineName], [DisplayName], [IsEnabled], [LastOnlineTime] FROM [SSISDB].[catalog].[worker_agents];\n"

// SSISDB result sets, in the order SSISDBQuery returns them.
const (
	SSISDBSetMasterProperties = iota
	SSISDBSetWorkerAgents
	SSISDBSetCount
)
