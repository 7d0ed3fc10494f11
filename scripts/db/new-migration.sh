#!/usr/bin/env bash
# Writes a new migration for BOTH providers from the change in prisma/schema.base.prisma.
#
#   scripts/db/new-migration.sh add_reminder_offsets      (npm run db:new-migration -- add_reminder_offsets)
#
# 1. derives prisma/sqlite/schema.prisma and prisma/postgres/schema.prisma from the base schema;
# 2. for each provider, `prisma migrate diff --from-migrations <committed migrations>
#    --to-schema-datamodel <schema> --script` (the committed migrations are replayed into a shadow
#    database: in memory for SQLite; a temporary database on a PostgreSQL server for PostgreSQL);
# 3. writes prisma/<provider>/migrations/<UTC timestamp>_<name>/migration.sql.
# Read both files before committing them: renames come out as drop + add, for instance.
#
# PostgreSQL needs a server on which the user may CREATE DATABASE: PHOIHOP_SHADOW_PG_URL, else the
# project-local one (scripts/postgres.sh start). Nothing is written to the database itself.
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
cd "$PHOIHOP_ROOT"

name="${1:-}"
[[ "$name" =~ ^[a-z0-9_]+$ ]] || die "usage: scripts/db/new-migration.sh <name> (lowercase letters, digits, _)"
stamp="$(date -u +%Y%m%d%H%M%S)"
prisma=(node "$PHOIHOP_ROOT/node_modules/prisma/build/index.js")

node scripts/db/derive-schemas.js

pg_url="${PHOIHOP_SHADOW_PG_URL:-}"
if [ -z "$pg_url" ]; then
  pg_url="$(bash scripts/postgres.sh start)"
fi

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

wrote=0
for provider in sqlite postgres; do
  if [ "$provider" = sqlite ]; then url="file:$scratch/scratch.db"; else url="$pg_url"; fi
  out="$scratch/$provider.sql"
  set +e
  DATABASE_URL="$url" "${prisma[@]}" migrate diff \
    --from-migrations "prisma/$provider/migrations" \
    --to-schema-datamodel "prisma/$provider/schema.prisma" \
    --script --exit-code -o "$out" >"$scratch/$provider.log" 2>&1
  rc=$?
  set -e
  case $rc in
    0) log "$provider: no change between the committed migrations and the schema" ;;
    2)
      dir="prisma/$provider/migrations/${stamp}_$name"
      mkdir -p "$dir"
      mv "$out" "$dir/migration.sql"
      log "$provider: wrote $dir/migration.sql"
      wrote=$((wrote + 1))
      ;;
    *) cat "$scratch/$provider.log" >&2; die "prisma migrate diff failed for $provider" ;;
  esac
done

if [ "$wrote" -eq 1 ]; then
  log "warning: only one provider changed; the two schemas should always move together"
fi
[ "$wrote" -gt 0 ] || log "nothing to do: change prisma/schema.base.prisma first"
