#!/usr/bin/env bash
# Provides Mailpit (a local SMTP server with a web inbox) for the embedded stack and the tests, built from
# its Go module: the module's source comes from the Go module proxy, its web UI is built with npm from the
# module's own package-lock.json (a plain `go install` leaves the UI out), then `go build` into .tools/bin.
# Skipped when present. MAILPIT=/path/to/mailpit is used instead when set. Prints the binary's path.
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

if [ -n "${MAILPIT:-}" ]; then
  [ -x "$MAILPIT" ] || die "MAILPIT=$MAILPIT is not an executable file"
  echo "$MAILPIT"; exit 0
fi
target="$PHOIHOP_TOOLS/bin/mailpit"
stamp="$PHOIHOP_TOOLS/bin/.mailpit-$MAILPIT_VERSION-ui"
if [ -x "$target" ] && [ -f "$stamp" ]; then echo "$target"; exit 0; fi
command -v go >/dev/null || die "Go is needed to build Mailpit; install Go or set MAILPIT"
log "building Mailpit $MAILPIT_VERSION with its web inbox (first time only, about a minute)"
module="github.com/axllent/mailpit@$MAILPIT_VERSION"
src_dir=$(cd /tmp && GOFLAGS=-mod=mod go mod download -json "$module" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const j=JSON.parse(s);if(j.Error){console.error(j.Error);process.exit(1)}console.log(j.Dir)})') \
  || die "could not download $module from the Go module proxy (GOPROXY=$(go env GOPROXY))"
build="$PHOIHOP_TOOLS/src/mailpit"
rm -rf "$build" && mkdir -p "$build" && cp -r "$src_dir/." "$build/" && chmod -R u+w "$build"
(
  cd "$build"
  # --ignore-scripts: the UI build needs none (esbuild's binary comes from its platform package).
  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >&2
  MINIFY=true node esbuild.config.mjs >&2
  mkdir -p "$PHOIHOP_TOOLS/bin"
  GOFLAGS=-buildvcs=false go build -ldflags "-s -w -X github.com/axllent/mailpit/config.Version=$MAILPIT_VERSION" -o "$target" . >&2
) || die "building Mailpit failed (see above)"
rm -rf "$build/node_modules"
touch "$stamp"
echo "$target"
