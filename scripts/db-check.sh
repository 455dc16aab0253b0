#!/usr/bin/env bash
# Migration drift check on a throwaway embedded PostgreSQL: applies every migration to an empty
# database, then asks TypeORM which statements the entities still need. Any statement = drift = exit 1.
# Never touches DATABASE_URL's server (it is ignored here on purpose).
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d "${TMPDIR:-/tmp}/eldercare-drift-XXXXXX")
# As root, the embedded cluster runs as "postgres", which must be able to enter the directory.
chmod 755 "$tmp"
trap 'rm -rf "$tmp"' EXIT
npm run -s build
env -u DATABASE_URL EMBEDDED_PG_DATA_DIR="$tmp/pgdata" node dist/scripts/db.js check
