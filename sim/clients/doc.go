// Package clients holds the simulator's independent-client tests: real TDS
// clients that nobody on this project wrote (go-mssqldb, FreeTDS tsql, Node's
// tedious) connect to simulated instances over TCP and run the documented
// procedure. It has no code of its own; tedious/ holds the Node script.
package clients
