#!/bin/sh
# Prints every figure of issue 11's performance table, measured side by
# side in one run (interleaved runs, medians). Takes a few minutes.
#   bench/run.sh [-runs 9] [-latency 25ms] [-settle 2s] [-tsql /usr/bin/tsql]
# Also: GODEBUG=inittrace=1 on `mirrorcert version`, the packages whose init
# costs the most (no package may take over 1 ms).
set -eu
cd "$(dirname "$0")/.."
go run ./bench "$@"
echo
echo "package init, costliest first (GODEBUG=inittrace=1 mirrorcert version):"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Built as released (.goreleaser.yaml), as the bench builds it.
CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$tmp/mirrorcert" .
GODEBUG=inittrace=1 "$tmp/mirrorcert" version 2>&1 >/dev/null | sort -t' ' -k5 -g -r | head -5
