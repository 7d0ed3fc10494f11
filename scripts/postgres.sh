#!/usr/bin/env bash
# A project-local PostgreSQL server for the "beyond one machine" setup and demos.
#
#   scripts/postgres.sh install   install Debian's PostgreSQL server if its binaries are missing
#   scripts/postgres.sh start     create the cluster if needed, start it, create database phoihop
#   scripts/postgres.sh stop      stop the cluster this script started (only that one)
#   scripts/postgres.sh status    say whether it runs (exit 0) or not (exit 3), and its URL
#   scripts/postgres.sh url       print the DATABASE_URL to use: postgresql://postgres@127.0.0.1:PORT/phoihop
#
# Data in .data/postgres (PHOIHOP_PG_DATA to move it), owned by the `postgres` system user when run as
# root (PostgreSQL refuses to run as root). Listens only on 127.0.0.1, port ${PHOIHOP_PG_PORT:-55432},
# with trust authentication: loopback only, for one machine's demo, never for a shared server.
# Then: DATABASE_URL="$(scripts/postgres.sh url)" npm run db:migrate
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PG_PORT="${PHOIHOP_PG_PORT:-55432}"
PG_HOME="${PHOIHOP_PG_DATA:-$PHOIHOP_DATA/postgres}"
PG_DATA="$PG_HOME/data"
PG_LOG="$PG_HOME/postgres.log"
PG_DB=phoihop
PG_SUPERUSER=postgres

# The folder with initdb/pg_ctl/postgres: PHOIHOP_PG_BIN, else the newest /usr/lib/postgresql/N/bin.
find_bin() {
  if [ -n "${PHOIHOP_PG_BIN:-}" ] && [ -x "$PHOIHOP_PG_BIN/postgres" ]; then echo "$PHOIHOP_PG_BIN"; return 0; fi
  local v
  for v in $(ls /usr/lib/postgresql 2>/dev/null | sort -rn); do
    if [ -x "/usr/lib/postgresql/$v/bin/postgres" ]; then echo "/usr/lib/postgresql/$v/bin"; return 0; fi
  done
  return 1
}

install_pg() {
  if find_bin >/dev/null; then return 0; fi
  [ "$(id -u)" -eq 0 ] || die "PostgreSQL server binaries not found; install Debian's 'postgresql' package as root (apt-get install postgresql) or set PHOIHOP_PG_BIN"
  log "installing PostgreSQL (Debian package postgresql)"
  # Do not let the package create and start its own cluster on port 5432: we run ours.
  if [ ! -e /etc/postgresql-common/createcluster.conf ]; then
    mkdir -p /etc/postgresql-common
    echo 'create_main_cluster = false' >/etc/postgresql-common/createcluster.conf
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  find_bin >/dev/null || die "PostgreSQL was installed but no server binaries were found under /usr/lib/postgresql"
}

# as_pg CMD...: run as the postgres user when we are root, as ourselves otherwise.
as_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u "$PG_SUPERUSER" -- "$@"; else "$@"; fi
}

running() {
  local bin
  bin="$(find_bin)" || return 1
  [ -f "$PG_DATA/postmaster.pid" ] && as_pg "$bin/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1
}

# The port of the running cluster (it may have been started with another PHOIHOP_PG_PORT).
current_port() {
  if [ -f "$PG_DATA/postmaster.pid" ]; then sed -n 4p "$PG_DATA/postmaster.pid"; else echo "$PG_PORT"; fi
}

url() { echo "postgresql://$PG_SUPERUSER@127.0.0.1:$(current_port)/$PG_DB"; }

start() {
  install_pg
  local bin
  bin="$(find_bin)"
  if running; then
    log "PostgreSQL already running on 127.0.0.1:$(current_port) ($PG_DATA)"
    url
    return 0
  fi
  if port_in_use "$PG_PORT"; then
    die "port $PG_PORT is already in use by something else: set PHOIHOP_PG_PORT to a free port"
  fi
  mkdir -p "$PG_HOME"
  if [ "$(id -u)" -eq 0 ]; then
    chown -R "$PG_SUPERUSER:" "$PG_HOME"
    runuser -u "$PG_SUPERUSER" -- test -w "$PG_HOME" ||
      die "the postgres user cannot write to $PG_HOME (a parent folder is not accessible to it?): set PHOIHOP_PG_DATA to a folder it can reach"
  fi
  if [ ! -f "$PG_DATA/PG_VERSION" ]; then
    log "creating the cluster in $PG_DATA"
    as_pg "$bin/initdb" -D "$PG_DATA" -U "$PG_SUPERUSER" -A trust -E UTF8 --locale=C.UTF-8 >"$PG_HOME/initdb.log" 2>&1 ||
      die "initdb failed, see $PG_HOME/initdb.log"
  fi
  log "starting PostgreSQL on 127.0.0.1:$PG_PORT"
  as_pg "$bin/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -w -t 60 \
    -o "-p $PG_PORT -k $PG_HOME -c listen_addresses=127.0.0.1" start >/dev/null ||
    die "PostgreSQL did not start, see $PG_LOG"
  if [ "$("$bin/psql" -h 127.0.0.1 -p "$PG_PORT" -U "$PG_SUPERUSER" -d postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname = '$PG_DB'")" != "1" ]; then
    "$bin/psql" -q -h 127.0.0.1 -p "$PG_PORT" -U "$PG_SUPERUSER" -d postgres -c "CREATE DATABASE $PG_DB" ||
      die "could not create database $PG_DB"
    log "created database $PG_DB"
  fi
  url
}

stop() {
  if ! running; then
    log "PostgreSQL ($PG_DATA) is not running"
    return 0
  fi
  as_pg "$(find_bin)/pg_ctl" -D "$PG_DATA" -m fast -w stop >/dev/null
  log "PostgreSQL stopped"
}

status() {
  if running; then
    echo "running on 127.0.0.1:$(current_port), data in $PG_DATA: $(url)"
  else
    echo "not running (data in $PG_DATA)"
    return 3
  fi
}

case "${1:-}" in
  install) install_pg ;;
  start) start ;;
  stop) stop ;;
  status) status ;;
  url) url ;;
  *) die "usage: scripts/postgres.sh install|start|stop|status|url" ;;
esac
