#!/usr/bin/env bash
# Shared helpers for phoihop's shell scripts. Source it; it defines paths and small functions only.
set -euo pipefail

PHOIHOP_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# Project-local, git-ignored folders: tools we build or fetch, and the data of the embedded stack.
PHOIHOP_TOOLS="${PHOIHOP_TOOLS:-$PHOIHOP_ROOT/.tools}"
PHOIHOP_DATA="${PHOIHOP_DATA:-$PHOIHOP_ROOT/.data}"
export PHOIHOP_ROOT PHOIHOP_TOOLS PHOIHOP_DATA
# Node 24 first on PATH (the machine's, or the one scripts/setup installs into $PHOIHOP_TOOLS/node), so every
# script, npm/npx, tsx, jest, the worker and the portal run on it.
source "$PHOIHOP_ROOT/scripts/node-env.sh"

# Versions of the tools the project builds or fetches itself.
TEMPORAL_CLI_VERSION="v1.5.1"
MAILPIT_VERSION="v1.27.11"

# Prisma must never try to download native engines (offline networks): point both at an existing file.
# We use the JS schema engine and the wasm query compiler, so neither file is ever executed.
export PRISMA_QUERY_ENGINE_LIBRARY="${PRISMA_QUERY_ENGINE_LIBRARY:-$PHOIHOP_ROOT/package.json}"
export PRISMA_SCHEMA_ENGINE_BINARY="${PRISMA_SCHEMA_ENGINE_BINARY:-$PHOIHOP_ROOT/package.json}"
export PRISMA_HIDE_UPDATE_MESSAGE=1
export CHECKPOINT_DISABLE=1

log() { printf '\033[1;34m[phoihop]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[phoihop] error:\033[0m %s\n' "$*" >&2; exit 1; }

# require_node: stop unless the `node` on PATH is the project's Node (after scripts/setup installed it).
require_node() {
  [ "$(phoihop_node_major)" = "$PHOIHOP_NODE_MAJOR" ] \
    || die "Node.js $PHOIHOP_NODE_MAJOR is needed (found $(node --version 2>/dev/null || echo 'no node')); run scripts/setup, which installs it into $PHOIHOP_NODE_DIR"
}

# wait_for_port HOST PORT SECONDS WHAT: wait until a TCP port accepts connections.
wait_for_port() {
  local host=$1 port=$2 secs=$3 what=$4 i
  for ((i = 0; i < secs * 10; i++)); do
    if (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  die "$what did not start listening on $host:$port within ${secs}s (see its log in $PHOIHOP_DATA/logs)"
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# pid_alive FILE: true when FILE holds the pid of a running process.
pid_alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }
