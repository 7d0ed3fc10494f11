# The Node.js phoihop runs on (Node 24, package.json `engines`), first on PATH: the machine's own `node`
# when it is Node 24, otherwise the Node 24 that scripts/setup installs into $PHOIHOP_TOOLS/node from the
# npm registry (package node-linux-<arch>, which carries the binary and Node's headers). Also points
# node-gyp at the headers of that Node (npm_config_nodedir), so native modules (better-sqlite3) compile
# against it offline and never download headers.
#
# Sourced by scripts/lib.sh and bin/phoihop; safe in an interactive shell too, to run npx, jest or tsx by
# hand on the project's Node: `source scripts/node-env.sh`. It only sets variables (no `set -e`).

PHOIHOP_NODE_VERSION="24.22.3"
PHOIHOP_NODE_MAJOR="${PHOIHOP_NODE_VERSION%%.*}"
PHOIHOP_TOOLS="${PHOIHOP_TOOLS:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/.tools}"
# Where scripts/setup installs it: the package's own folder (bin/node, include/node, share).
PHOIHOP_NODE_DIR="$PHOIHOP_TOOLS/node/v$PHOIHOP_NODE_VERSION"
export PHOIHOP_TOOLS

# phoihop_node_major: the major version of the `node` on PATH, empty when there is none.
phoihop_node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || true; }

# The major version of the node on PATH once this file has run: known without starting node when PATH
# already leads to the tools' Node (nested scripts, bin/phoihop run by the tests), else one probe.
if [ "$(command -v node)" = "$PHOIHOP_NODE_DIR/bin/node" ]; then
  phoihop_node_on_path="$PHOIHOP_NODE_MAJOR"
else
  phoihop_node_on_path="$(phoihop_node_major)"
fi
if [ "$phoihop_node_on_path" != "$PHOIHOP_NODE_MAJOR" ] && [ -x "$PHOIHOP_NODE_DIR/bin/node" ]; then
  PATH="$PHOIHOP_NODE_DIR/bin:$PATH"
  export PATH
  phoihop_node_on_path="$PHOIHOP_NODE_MAJOR"
fi
# node-gyp's headers: those shipped beside the node on PATH (the tools' Node, or a system Node under /usr).
if phoihop_node_path="$(command -v node)" && phoihop_node_path="$(readlink -f "$phoihop_node_path")" \
  && [ -f "${phoihop_node_path%/bin/node}/include/node/node_version.h" ]; then
  npm_config_nodedir="${phoihop_node_path%/bin/node}"
  export npm_config_nodedir
fi
unset phoihop_node_path
