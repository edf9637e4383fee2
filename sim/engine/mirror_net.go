package engine

import (
	"context"
	"errors"
)

// mirrorEndpointChanged tells the transport to (re)bind or stop the
// mirroring listener. Called without mu held (a deferred call that runs
// after the DDL's unlock), since the transport calls back into the engine.
func (in *instance) mirrorEndpointChanged() {
	if in.opts.MirrorNet != nil {
		in.opts.MirrorNet.EndpointChanged(in)
	}
}

// errNoMirrorNet is Connect's error on an instance built without a transport.
var errNoMirrorNet = errors.New("this instance has no mirroring transport (Options.MirrorNet)")

// mirrorConnect opens an authenticated link to url for the sessions' code.
// Never call it holding mu. The error is a *MirrorError (already logged),
// ctx's error, or errNoMirrorNet; sessions map all of them to 1418 (1456 for
// a witness).
func (in *instance) mirrorConnect(ctx context.Context, url string) (MirrorLink, error) {
	if in.opts.MirrorNet == nil {
		return nil, errNoMirrorNet
	}
	return in.opts.MirrorNet.Connect(ctx, in, url)
}
