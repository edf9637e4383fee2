package engine

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"io"
	"testing"
)

// rwPair reads from in and discards what is written, standing for a peer
// that sends arbitrary bytes.
type rwPair struct {
	in  io.Reader
	out bytes.Buffer
}

func (p *rwPair) Read(b []byte) (int, error)  { return p.in.Read(b) }
func (p *rwPair) Write(b []byte) (int, error) { return p.out.Write(b) }

// FuzzAcceptHandshake: whatever a client sends to an endpoint port, the
// acceptor neither panics nor accepts it without a valid proof.
func FuzzAcceptHandshake(f *testing.F) {
	frame := func(v any) []byte {
		body, _ := json.Marshal(v)
		return append(binary.BigEndian.AppendUint32(nil, uint32(len(body))), body...)
	}
	f.Add([]byte{})
	f.Add([]byte("\x12\x01\x00\x2f\x00\x00\x01\x00"))
	f.Add(frame(hsHello{Protocol: mirrorProtocol, Server: "X", Auth: []string{"CERTIFICATE"}, Encryption: "REQUIRED", Algorithms: []string{"AES"}, Cert: []byte{0x30, 0x82}}))
	f.Add(append(frame(hsHello{Protocol: mirrorProtocol, Auth: []string{"WINDOWS"}}), frame(hsProof{Signature: []byte{1}})...))
	_, b := pairConfigured(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := b.AcceptHandshake(&rwPair{in: bytes.NewReader(data)}, "127.0.0.9")
		if err == nil {
			c.Close()
			t.Fatalf("accepted %q", data)
		}
	})
}
