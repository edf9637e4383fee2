// Package session is everything in mirrorcert that talks to SQL Server: one
// pinned connection per host, a whole-host state read in one round trip, step
// execution with secrets filled in only at that moment, the in-band certificate
// hand-over, and the transcript. It is the only package importing go-mssqldb
// and never imports ui.
//
// Lifecycle:
//
//	s := session.Open(ctx, session.Options{Plan: p, ...}) // connects and reads every host concurrently
//	defer s.Close()
//	s.Hosts()      // per-host connection status (a failed host does not stop the others)
//	s.Checklist()  // steps.Build over the last read states
//	s.Run(ctx, ref) / s.Apply(ctx, progress)
//
// Open returns after every host has been tried: connected and read, or failed.
// It never returns nil; per-host failures are in Hosts()[i].Err and that host's
// items are "unknown" in the checklist. Connect retries one host.
//
// Every method is safe for concurrent use. Work on one host is serialised on its
// pinned connection; different hosts run in parallel.
//
// Round trips: a step's statements and the state re-read after it travel in one
// batch, and Apply sends every item that can run on a host at that moment in
// one batch, so apply needs about as many round trips per host as the longest
// dependency chain of the procedure.
//
// Errors from statements are *SQLError (host, step, number, severity, state,
// line within the step, message). After a broken connection the session
// reconnects and re-reads the state instead of re-sending anything: the state
// decides what is still pending.
//
// Secrets (connection, master key and generated login passwords) are known to
// the session's Redactor; every string that leaves the package through logs,
// the transcript or errors passes through it.
package session
