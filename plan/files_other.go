//go:build !unix

package plan

// nonBlock: there are no FIFOs to open by path here.
const nonBlock = 0
