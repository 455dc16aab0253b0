#!/usr/bin/env bash
# The docker-compose topology without docker: one PostgreSQL, two API processes (ports 3101/3102) and
# nginx with docker/nginx.conf (only its "templated" lines rewritten), all on loopback.
# Checks: both replicas start together on an empty database (migration lock), /health through nginx
# is answered by both upstreams in turn, and requests still succeed when one replica is stopped.
#
#   bash scripts/cluster-smoke.sh            # embedded PostgreSQL in a temp dir
#   SMOKE_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test bash scripts/cluster-smoke.sh
#
# Needs nginx (as root it installs Debian's package when missing). Leaves nothing running.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
LB_PORT=${SMOKE_LB_PORT:-3180}
PORT1=${SMOKE_PORT1:-3101}
PORT2=${SMOKE_PORT2:-3102}
REQUESTS=${SMOKE_REQUESTS:-12}

say() { printf '\n==> %s\n' "$*"; }
fail() {
  printf '\nFAIL: %s\n' "$*" >&2
  exit 1
}

if ! command -v nginx >/dev/null; then
  [ "$(id -u)" = 0 ] || fail "nginx is not installed (apt-get install nginx)"
  say "installing Debian's nginx"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/eldercare-cluster-XXXXXX")
chmod 755 "$tmp" # the embedded cluster runs as "postgres" when we are root
pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ -z "${SMOKE_KEEP:-}" ]; then rm -rf "$tmp"; else echo "kept $tmp"; fi
}
trap cleanup EXIT

say "build"
npm run -s build

# --- PostgreSQL -------------------------------------------------------------------------------------
if [ -n "${SMOKE_DATABASE_URL:-}" ]; then
  base_url=$SMOKE_DATABASE_URL
  db="eldercare_smoke_$$"
  say "fresh database $db on the server of SMOKE_DATABASE_URL"
  psql "$base_url" -v ON_ERROR_STOP=1 -qc "CREATE DATABASE $db" >/dev/null
  DATABASE_URL=$(node -e 'const u=new URL(process.argv[1]); u.pathname="/"+process.argv[2]; console.log(u.toString())' "$base_url" "$db")
  drop_db() { psql "$base_url" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true; }
else
  say "embedded PostgreSQL in $tmp/pgdata"
  EMBEDDED_PG_DATA_DIR="$tmp/pgdata" node --input-type=module -e '
    const { startEmbeddedPostgres } = await import(process.cwd() + "/dist/libs/database/src/index.js");
    const db = await startEmbeddedPostgres({ dataDir: process.env.EMBEDDED_PG_DATA_DIR, database: "eldercare" });
    console.log(db.url);
    const stop = () => db.stop().finally(() => process.exit(0));
    process.on("SIGTERM", stop);
    process.on("SIGINT", stop);
    setInterval(() => {}, 1 << 30);
  ' >"$tmp/pg.url" 2>"$tmp/pg.log" &
  pids+=($!)
  for _ in $(seq 1 120); do [ -s "$tmp/pg.url" ] && break; sleep 0.5; done
  [ -s "$tmp/pg.url" ] || fail "embedded PostgreSQL did not start: $(tail -5 "$tmp/pg.log")"
  DATABASE_URL=$(head -1 "$tmp/pg.url")
  drop_db() { :; }
fi
trap 'drop_db; cleanup' EXIT

# --- two API replicas, started together on the empty database ---------------------------------------
secret() { node -e "console.log(require('crypto').randomBytes($1).toString('base64'))"; }
export NODE_ENV=production HOST=127.0.0.1 DEMO_SEED=false LOG_LEVEL=info DATABASE_URL
export PII_ENCRYPTION_KEY PII_HASH_KEY JWT_SECRET
PII_ENCRYPTION_KEY=$(secret 32) PII_HASH_KEY=$(secret 32) JWT_SECRET=$(secret 48)
say "API replicas on 127.0.0.1:$PORT1 and 127.0.0.1:$PORT2 (same DATABASE_URL and secrets)"
wait_healthy() {
  local port=$1 ok=
  for _ in $(seq 1 120); do
    if curl -fsS -o /dev/null "http://127.0.0.1:$port/health" 2>/dev/null; then
      ok=1
      break
    fi
    sleep 0.5
  done
  [ -n "$ok" ] || fail "API on $port not healthy: $(tail -n 5 "$tmp"/api1.log "$tmp"/api2.log)"
  echo "127.0.0.1:$port healthy"
}
PORT=$PORT1 node dist/apps/api/src/main.js >"$tmp/api1.log" 2>&1 &
pids+=($!)
api1=$!
# Like `docker compose up`, both start at once on the empty database (both run the migrations).
# SMOKE_STAGGER=1 starts the second one only when the first is healthy.
[ -n "${SMOKE_STAGGER:-}" ] && wait_healthy "$PORT1"
PORT=$PORT2 node dist/apps/api/src/main.js >"$tmp/api2.log" 2>&1 &
pids+=($!)
api2=$!
wait_healthy "$PORT1"
wait_healthy "$PORT2"

# --- nginx with docker/nginx.conf ---------------------------------------------------------------------
say "nginx on 127.0.0.1:$LB_PORT with docker/nginx.conf (templated lines rewritten)"
sed -e "s|server api1:3000 \(.*\)# templated|server 127.0.0.1:$PORT1 \1# templated|" \
  -e "s|server api2:3000 \(.*\)# templated|server 127.0.0.1:$PORT2 \1# templated|" \
  -e "s|listen 80; # templated|listen 127.0.0.1:$LB_PORT; # templated|" \
  docker/nginx.conf >"$tmp/nginx.conf"
[ "$(grep -c '# templated' "$tmp/nginx.conf")" = 3 ] || fail "docker/nginx.conf lost its templated lines"
diff docker/nginx.conf "$tmp/nginx.conf" || true
nginx -t -p "$tmp" -c "$tmp/nginx.conf" -g "pid $tmp/nginx.pid;" 2>&1
nginx -p "$tmp" -c "$tmp/nginx.conf" -g "daemon off; pid $tmp/nginx.pid;" >"$tmp/nginx.access.log" 2>"$tmp/nginx.error.log" &
pids+=($!)
for _ in $(seq 1 40); do curl -fsS -o /dev/null "http://127.0.0.1:$LB_PORT/health" 2>/dev/null && break; sleep 0.25; done

# --- checks -------------------------------------------------------------------------------------------
say "$REQUESTS × GET /health through nginx"
: >"$tmp/nginx.access.log"
for i in $(seq 1 "$REQUESTS"); do
  curl -fsS "http://127.0.0.1:$LB_PORT/health" -o "$tmp/body" -w "%{http_code}\n" >"$tmp/code"
  printf '%2d: %s %s\n' "$i" "$(cat "$tmp/code")" "$(cat "$tmp/body")"
done
sleep 0.5
echo "upstreams that answered (from nginx's access log):"
grep -o 'upstream=[^ ]*' "$tmp/nginx.access.log" | sort | uniq -c
n1=$(grep -c "upstream=127.0.0.1:$PORT1" "$tmp/nginx.access.log" || true)
n2=$(grep -c "upstream=127.0.0.1:$PORT2" "$tmp/nginx.access.log" || true)
[ "$n1" -gt 0 ] && [ "$n2" -gt 0 ] || fail "round robin: replica 1 answered $n1, replica 2 answered $n2"

say "websocket upgrade through the same nginx.conf (upstreams templated to a websocket stub)"
# The real-time gateway does not exist yet, so a 20-line stub answers the upgrade (101) and echoes.
WS_PORT=$((PORT2 + 1))
WS_LB_PORT=$((LB_PORT + 1))
node -e '
  const http = require("http"), crypto = require("crypto");
  const srv = http.createServer((req, res) => { res.writeHead(426); res.end("upgrade required"); });
  srv.on("upgrade", (req, socket) => {
    console.log(`stub got Upgrade: ${req.headers.upgrade}, Connection: ${req.headers.connection}`);
    const accept = crypto.createHash("sha1").update(req.headers["sec-websocket-key"] + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").digest("base64");
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
    socket.pipe(socket);
  });
  srv.listen(Number(process.argv[1]), "127.0.0.1");
' "$WS_PORT" >"$tmp/ws-stub.log" 2>&1 &
pids+=($!)
mkdir -p "$tmp/ws"
sed -e "s|server api1:3000 \(.*\)# templated|server 127.0.0.1:$WS_PORT \1# templated|" \
  -e "s|server api2:3000 \(.*\)# templated|server 127.0.0.1:$WS_PORT \1# templated|" \
  -e "s|listen 80; # templated|listen 127.0.0.1:$WS_LB_PORT; # templated|" \
  docker/nginx.conf >"$tmp/ws/nginx.conf"
nginx -p "$tmp/ws" -c "$tmp/ws/nginx.conf" -g "daemon off; pid $tmp/ws/nginx.pid;" >/dev/null 2>"$tmp/ws/error.log" &
pids+=($!)
sleep 1
code=$(curl -sS -o /dev/null -w "%{http_code}" --http1.1 --max-time 2 -H 'Connection: Upgrade' -H 'Upgrade: websocket' \
  -H 'Sec-WebSocket-Version: 13' -H 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==' \
  "http://127.0.0.1:$WS_LB_PORT/socket.io/?EIO=4&transport=websocket" 2>/dev/null || true)
cat "$tmp/ws-stub.log"
echo "through nginx: HTTP $code"
[ "$code" = 101 ] || fail "websocket upgrade through nginx answered $code, expected 101"
grep -q 'Upgrade: websocket, Connection: upgrade' "$tmp/ws-stub.log" || fail "nginx did not forward the upgrade headers"

say "replica 2 stopped: requests still answered"
kill "$api2"
wait "$api2" 2>/dev/null || true
codes=$(for _ in $(seq 1 6); do curl -sS -o /dev/null -w "%{http_code} " "http://127.0.0.1:$LB_PORT/health"; done)
echo "$codes"
[ "$(echo "$codes" | tr ' ' '\n' | grep -c '^200$')" = 6 ] || fail "not every request answered 200 with one replica down: $codes"

say "schema: migrations applied once"
node -e '
  const pg = require("pg");
  const c = new pg.Client({ connectionString: process.env.DATABASE_URL });
  c.connect().then(() => c.query("SELECT name FROM schema_migration ORDER BY id")).then((r) => {
    console.log(r.rows.map((x) => x.name).join("\n"));
    const names = r.rows.map((x) => x.name);
    if (new Set(names).size !== names.length) { console.error("a migration ran twice"); process.exit(1); }
    return c.end();
  });
'
kill "$api1" 2>/dev/null || true
echo
echo "cluster smoke test passed: both replicas answered through nginx; one replica down was absorbed"
