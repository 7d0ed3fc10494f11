#!/usr/bin/env bash
# Provides Temporal's time-skipping test server: the Java SDK's io.temporal:temporal-test-server, fetched
# once from Maven Central into .tools/temporal-test-server/lib, and a wrapper script that the tests start
# as `<wrapper> <port>` (test/support/temporal.ts). Prints the wrapper's path.
#
# Start-up: the JVM loads about 2,400 classes before the server listens. A class-data-sharing archive of
# them (AppCDS, test-server.jsa, made here once by running the server and stopping it) maps them instead;
# the wrapper uses it when present. A JDK other than the one that made it ignores it, with a warning.
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

dir="$PHOIHOP_TOOLS/temporal-test-server"
pom="$PHOIHOP_ROOT/scripts/tools/test-server-pom.xml"
wrapper="$dir/temporal-test-server"
stamp="$dir/.fetched-$(sha256sum "$pom" | cut -c1-16)"
archive="$dir/test-server.jsa"
java_flags='-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xss512k'

if [ ! -f "$stamp" ]; then
  command -v java >/dev/null || die "Java 17+ is needed for the time-skipping test server"
  command -v mvn >/dev/null || die "Maven is needed to fetch the time-skipping test server"
  log "fetching the Temporal time-skipping test server from Maven Central"
  rm -rf "$dir" && mkdir -p "$dir/lib"
  mvn -q -B -f "$pom" dependency:copy-dependencies -DoutputDirectory="$dir/lib" -DincludeScope=runtime >&2 \
    || die "mvn could not fetch io.temporal:temporal-test-server (is Maven Central reachable?)"
  touch "$stamp"
fi

# The wrapper, replaced atomically (a test may be starting the old one right now).
cat > "$wrapper.new" <<WRAP
#!/bin/sh
# Started as: temporal-test-server <port> [extra args]
dir="\$(cd "\$(dirname "\$0")" && pwd)"
cds=""
[ -f "\$dir/test-server.jsa" ] && cds="-XX:SharedArchiveFile=\$dir/test-server.jsa"
exec java \$cds $java_flags -cp "\$dir/lib/*" io.temporal.testserver.TestServer "\$@"
WRAP
chmod +x "$wrapper.new"
if cmp -s "$wrapper.new" "$wrapper"; then rm -f "$wrapper.new"; else mv -f "$wrapper.new" "$wrapper"; fi

if [ ! -f "$archive" ]; then
  log "recording the test server's class-data-sharing archive (once)"
  port=$((20000 + RANDOM % 40000))
  while port_in_use "$port"; do port=$((20000 + RANDOM % 40000)); done
  # shellcheck disable=SC2086 # java_flags is a list of flags
  java -XX:ArchiveClassesAtExit="$archive.tmp" -Xlog:cds=off -Xlog:cds+dynamic=off $java_flags \
    -cp "$dir/lib/*" io.temporal.testserver.TestServer "$port" >"$dir/archive.log" 2>&1 &
  pid=$!
  wait_for_port 127.0.0.1 "$port" 300 "the time-skipping test server (recording its archive)"
  kill -TERM "$pid"
  wait "$pid" || true # the JVM writes the archive as it exits on SIGTERM (status 143)
  [ -s "$archive.tmp" ] || die "the JVM wrote no class-data-sharing archive (see $dir/archive.log)"
  mv -f "$archive.tmp" "$archive"
fi
echo "$wrapper"
