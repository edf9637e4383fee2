package main

import (
	"context"
	"testing"

	"github.com/mirrorcert/mirrorcert/steps"
	"github.com/mirrorcert/mirrorcert/ui"
)

func findItem(cl steps.Checklist, host, id string) *steps.Item {
	return cl.Item(steps.Ref{Host: host, ID: id})
}

// v's findings are checklist steps: the fix runs with y like any step, and
// the checks run again afterwards.
func TestBackendVerifyFixAsStep(t *testing.T) {
	ctx := context.Background()
	d, err := startDemo(ctx, "default", "")
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	be := d.backend(nil)
	defer be.Close()
	if err := be.session(ctx).Apply(ctx, nil); err != nil {
		t.Fatalf("apply: %v", err)
	}
	for _, o := range d.cluster.Engine("HOST_B").NewSession("sa").ExecBatch("REVOKE CONNECT ON ENDPOINT::[Endpoint_Mirroring] FROM [HOST_A_login];") {
		for _, m := range o.Messages {
			if m.IsError() {
				t.Fatal(m.Text)
			}
		}
	}
	if err := be.Verify(ctx); err != nil {
		t.Fatal(err)
	}
	ref := steps.Ref{Host: "HOST_B", ID: "check/connect-missing/HOST_A"}
	it := findItem(be.Snapshot().Checklist, ref.Host, ref.ID)
	if it == nil || it.Status != steps.Pending || len(it.Statements) != 1 {
		t.Fatalf("finding as a step: %+v", it)
	}
	if _, err := be.Run(ctx, ref, ui.RunOptions{}); err != nil {
		t.Fatalf("run the fix: %v", err)
	}
	if it := findItem(be.Snapshot().Checklist, ref.Host, ref.ID); it != nil {
		t.Fatalf("after the fix the checks ran again and still find it: %+v", it)
	}
	if it := findItem(be.Snapshot().Checklist, "HOST_B", "inbound/HOST_A/connect"); it == nil || it.Status != steps.Done {
		t.Fatalf("the checklist item is done again: %+v", it)
	}
}

// A finding whose fix alters an existing object runs only with the
// object's name typed, as the item the operator saw asks.
func TestBackendVerifyDestructiveFixNeedsTheName(t *testing.T) {
	ctx := context.Background()
	d, err := startDemo(ctx, "endpoint-stopped", "")
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	be := d.backend(nil)
	defer be.Close()
	be.RefreshAll(ctx)
	if err := be.Verify(ctx); err != nil {
		t.Fatal(err)
	}
	ref := steps.Ref{Host: "HOST_B", ID: "check/endpoint-stopped"}
	it := findItem(be.Snapshot().Checklist, ref.Host, ref.ID)
	if it == nil || it.Status != steps.Conflict || it.Conflict == nil || it.Conflict.Object == "" {
		t.Fatalf("endpoint-stopped as a conflict to confirm: %+v", it)
	}
	if _, err := be.Run(ctx, ref, ui.RunOptions{}); err == nil {
		t.Fatal("the ALTER ENDPOINT fix ran without the typed name")
	}
	if _, err := be.RunRemedy(ctx, ref, it.Conflict.Object+"x"); err == nil {
		t.Fatal("the ALTER ENDPOINT fix ran with the wrong name typed")
	}
	if it := findItem(be.Snapshot().Checklist, ref.Host, ref.ID); it == nil {
		t.Fatal("the endpoint was started without the typed name")
	}
	if _, err := be.RunRemedy(ctx, ref, it.Conflict.Object); err != nil {
		t.Fatalf("the fix with the name typed: %v", err)
	}
	if it := findItem(be.Snapshot().Checklist, ref.Host, ref.ID); it != nil {
		t.Fatalf("after the fix the checks still find it: %+v", it)
	}
}
