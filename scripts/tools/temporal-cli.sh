#!/usr/bin/env bash
# Provides the Temporal CLI (dev server + UI) offline-friendly: built from source with `go install` into
# .tools/bin, skipped when the right version is already there. TEMPORAL_CLI=/path/to/temporal, or a
# `temporal` of the right version on PATH, is used instead. Prints the path of the binary to use.
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

version_ok() { "$1" --version 2>/dev/null | grep -q 'Server 1\.'; }

if [ -n "${TEMPORAL_CLI:-}" ]; then
  [ -x "$TEMPORAL_CLI" ] || die "TEMPORAL_CLI=$TEMPORAL_CLI is not an executable file"
  echo "$TEMPORAL_CLI"; exit 0
fi
target="$PHOIHOP_TOOLS/bin/temporal"
stamp="$PHOIHOP_TOOLS/bin/.temporal-$TEMPORAL_CLI_VERSION"
if [ -x "$target" ] && [ -f "$stamp" ]; then echo "$target"; exit 0; fi
if on_path=$(command -v temporal 2>/dev/null) && version_ok "$on_path"; then echo "$on_path"; exit 0; fi

command -v go >/dev/null || die "Go is needed to build the Temporal CLI (go install); install Go or set TEMPORAL_CLI"
log "building the Temporal CLI $TEMPORAL_CLI_VERSION with go install (first time only, a few minutes)"
mkdir -p "$PHOIHOP_TOOLS/bin"
# Later tags carry a replace directive that `go install` refuses, hence the pinned version.
GOBIN="$PHOIHOP_TOOLS/bin" GOFLAGS=-buildvcs=false go install "github.com/temporalio/cli/cmd/temporal@$TEMPORAL_CLI_VERSION" >&2 \
  || die "go install of the Temporal CLI failed (is the Go module proxy reachable? GOPROXY=$(go env GOPROXY))"
touch "$stamp"
echo "$target"
