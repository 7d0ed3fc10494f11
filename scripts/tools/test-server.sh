#!/usr/bin/env bash
# Provides Temporal's time-skipping test server: the Java SDK's io.temporal:temporal-test-server, fetched
# once from Maven Central into .tools/temporal-test-server/lib, and a wrapper script that the TypeScript
# SDK starts as `<wrapper> <port>` (TestWorkflowEnvironment.createTimeSkipping with an existing-path
# executable). Prints the wrapper's path.
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

dir="$PHOIHOP_TOOLS/temporal-test-server"
pom="$PHOIHOP_ROOT/scripts/tools/test-server-pom.xml"
wrapper="$dir/temporal-test-server"
stamp="$dir/.fetched-$(sha256sum "$pom" | cut -c1-16)"
if [ -x "$wrapper" ] && [ -f "$stamp" ]; then echo "$wrapper"; exit 0; fi

command -v java >/dev/null || die "Java 17+ is needed for the time-skipping test server"
command -v mvn >/dev/null || die "Maven is needed to fetch the time-skipping test server"
log "fetching the Temporal time-skipping test server from Maven Central"
rm -rf "$dir" && mkdir -p "$dir/lib"
mvn -q -B -f "$pom" dependency:copy-dependencies -DoutputDirectory="$dir/lib" -DincludeScope=runtime >&2 \
  || die "mvn could not fetch io.temporal:temporal-test-server (is Maven Central reachable?)"
cat > "$wrapper" <<'WRAP'
#!/bin/sh
# Started by the Temporal TypeScript SDK as: temporal-test-server <port> [extra args]
dir="$(cd "$(dirname "$0")" && pwd)"
exec java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xss512k -cp "$dir/lib/*" io.temporal.testserver.TestServer "$@"
WRAP
chmod +x "$wrapper"
touch "$stamp"
echo "$wrapper"
