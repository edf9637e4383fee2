package session_test

import (
	"context"
	"testing"
	"time"

	"github.com/mirrorcert/mirrorcert/session"
)

// ReadSSISDB connects as every one-shot read does (sendOnce): a connection
// the server closes before answering the batch is reported, not waited on
// for ever (the driver itself only notices a loss once a reply started).
func TestReadSSISDBConnectionLostBeforeTheAnswer(t *testing.T) {
	cl := startSim(t, []string{"MASTER01"}, 0)
	if err := cl.SetFaults("*:drop-after=0"); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := session.ReadSSISDB(context.Background(), ssisHost(cl, "sa"), func(string) (string, error) { return simPassword, nil })
		done <- err
	}()
	select {
	case err := <-done:
		if err == nil {
			t.Fatal("no error from a connection closed before the answer")
		}
	case <-time.After(20 * time.Second):
		t.Fatal("ReadSSISDB still waiting 20 s after the server closed the connection")
	}
}
