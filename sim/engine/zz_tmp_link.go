package engine

// MirrorLink: placeholder until the transport branch lands (deleted on merge).
type MirrorLink interface{ Done() <-chan struct{} }
