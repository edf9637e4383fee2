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
//	s.Hosts()                  // per-host status: Connected, Err, Version
//	s.Checklist()              // steps.Build over the last read states (+ Failed for failed runs), built once per state change
//	s.Run(ctx, ref)            // one pending item; the host is re-read in the same round trip
//	s.RunRemedy(ctx, ref, obj) // a conflict's destructive remedy; obj must equal ConflictInfo.Object
//	s.ConfirmManual(ctx, ref)  // after a manual file copy: re-read and check
//	s.Apply(ctx, progress)     // every pending item, hosts in parallel; *IncompleteError if not all done
//	s.Refresh / RefreshAll / States / Stats / Redactor / TranscriptDir
//
// Open returns after every host has been tried: connected and read, or failed.
// It never returns nil; per-host failures are in Hosts()[i].Err and that host's
// items are "unknown" in the checklist. Connect retries one host.
//
// Every method is safe for concurrent use. Work on one host is serialised on its
// pinned connection; different hosts run in parallel.
//
// Round trips: a step's statements and the state re-read after it travel in one
// batch. Apply (and ApplyAllowed, the TUI's run-all) sends each host's
// outbound chain (master key, certificate, endpoint) as one batch, then, once
// every peer's certificate bytes are known, the whole inbound set (login,
// user, certificate FROM BINARY, CONNECT for every peer) as one more: with
// the state read, three round trips per host whatever the number of hosts.
// Inside a batch an item runs only if the items it needs there ran without
// error; the others are reported "not run: it needs ..., which failed in the
// same batch". Stats counts round trips.
//
// Errors from statements are *SQLError (host, step, number, severity, state,
// line within the step, message). After a broken connection the session
// reconnects and re-reads the state instead of re-sending anything: the state
// decides what is still pending, and the item shows Failed until run again.
// Cancelling the context of Run or Apply makes the driver send an attention;
// the error then wraps context.Canceled and the item is not marked Failed:
// the re-read state says whether it is pending or done.
//
// When a batch stops at one item's error, the items after it in that batch
// fail with "not run: the batch stopped at HOST:item (Msg N)".
//
// A host before SQL Server 2012 (no CERTENCODED) switches the checklist to the
// file route (BACKUP CERTIFICATE / copy / FROM FILE), and every item says why
// in its Warnings.
//
// Secrets (connection, master key and generated login passwords) are known to
// the session's Redactor; every string that leaves the package through logs,
// the transcript or errors passes through it. A generated master key password
// is returned once, in RunResult.GeneratedMasterKeyPassword of the run that
// created the key. A master-key step that fails drops the password it used,
// so a retry asks the MasterKeyPassword source again (ForgetMasterKeyPassword
// does the same on demand).
//
// The transcript (TranscriptDir, default DefaultTranscriptDir) holds
// transcript.jsonl, one Record per statement run, and executed-HOST.sql; files
// are 0600 in a 0700 directory and only ever appended to.
package session
