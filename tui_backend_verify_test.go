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
