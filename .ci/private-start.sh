#!/usr/bin/env bash
# The README's quick start where a newcomer may well put the project: a clone in a private
# directory (mode 700, like anything under /root), `npm ci`, then `npm start`, a sign-in and an
# authenticated request, a clean stop (SIGTERM), a restart that keeps the data, and a final stop
# that leaves no process behind. As root, PostgreSQL runs as the "postgres" user, which cannot enter
# such a directory: this is where both README commands used to crash with `spawn … initdb EACCES`.
#
# It tests the working tree: a `git clone` of this checkout plus its uncommitted changes (none in CI,
# which runs on a clean clone). Every wait is bounded; on failure the server log is printed.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/eldercare-private-XXXXXX")
chmod 700 "$work"
app="$work/app"
pid=
datadir=

say() { printf '    %s\n' "$*"; }
fail() {
  echo "private-start: $*" >&2
  [ -f "$work/server.log" ] && { echo '--- server log (last 40 lines):' >&2; grep -v '^{' "$work/server.log" | tail -40 >&2; }
  exit 1
}

# The PostgreSQL postmaster of our data directory, from its lock file.
postmaster() { [ -n "$datadir" ] && [ -f "$datadir/postmaster.pid" ] && head -1 "$datadir/postmaster.pid" || true; }

cleanup() {
  local rc=$?
  # Whatever is left of a failed check: the session of `npm start`, then its PostgreSQL.
  if [ -n "$pid" ]; then kill -KILL -- "-$pid" 2>/dev/null || true; fi
  local pm i
  pm=$(postmaster)
  if [ -n "$pm" ] && kill -QUIT "$pm" 2>/dev/null; then
    for i in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$pm" 2>/dev/null && sleep 0.5; done
    kill -KILL "$pm" 2>/dev/null || true
  fi
  rm -rf "$work"
  # Outside the clone (the fallback under the temp dir): remove it too.
  case "$datadir" in
  "" | "$app"/*) ;;
  */eldercare-*/pgdata) rm -rf "$(dirname "$datadir")" ;;
  esac
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 143' TERM INT HUP # so that a timeout still cleans up

say "as $(id -un) in $work (mode $(stat -c %a "$work"))"
git clone -q "$repo" "$app"
# Uncommitted changes of the checkout (a local run before a commit): deleted, modified, new files.
(cd "$repo" && git ls-files -z --deleted) | (cd "$app" && xargs -0r rm -f --)
(cd "$repo" && git ls-files -z --modified --others --exclude-standard) |
  (cd "$repo" && while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done) |
  (cd "$repo" && tar -c --null -T - -f -) | tar -x -C "$app" -f -

cd "$app"
node scripts/lock-optional-stubs.cjs package-lock.json
timeout 900 npm ci --no-audit --no-fund --loglevel=error || fail "npm ci failed"

port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
base="http://127.0.0.1:$port"

# start: `npm start` as the README says (development, no DATABASE_URL, default data directory),
# in its own session so that nothing of it can outlive the check unnoticed.
start() {
  : >"$work/server.log"
  env -u NODE_ENV -u DATABASE_URL -u EMBEDDED_PG_DATA_DIR PORT="$port" HOST=127.0.0.1 \
    setsid npm start >"$work/server.log" 2>&1 &
  pid=$!
  local deadline=$((SECONDS + 600))
  until curl -fsS -m 5 -o /dev/null "$base/health" 2>/dev/null; do
    kill -0 "$pid" 2>/dev/null || fail "npm start exited before /health answered"
    ((SECONDS < deadline)) || fail "/health did not answer within 600 s"
    sleep 1
  done
  grep -q '^start failed' "$work/server.log" && fail "the start printed an error"
  datadir=$(sed -n 's/^embedded PostgreSQL ready (data in \([^,)]*\).*/\1/p' "$work/server.log")
  [ -n "$datadir" ] || fail "the start did not say where the data is"
  say "/health answers; data in $datadir"
}

# request: signs in as the demo platform admin and reads an authenticated route.
request() {
  local code token
  code=$(curl -sS -m 20 -o "$work/login.json" -w '%{http_code}' -X POST "$base/auth/login" \
    -H 'content-type: application/json' -d '{"phone":"13800000001","password":"Wuhai-Demo-2026!"}')
  [ "$code" = 200 ] || fail "POST /auth/login answered $code: $(cat "$work/login.json")"
  token=$(node -e 'const t=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8")).accessToken;if(!t)process.exit(1);console.log(t)' "$work/login.json") ||
    fail "POST /auth/login returned no accessToken"
  code=$(curl -sS -m 20 -o "$work/me.json" -w '%{http_code}' -H "Authorization: Bearer $token" "$base/auth/me")
  [ "$code" = 200 ] || fail "GET /auth/me answered $code: $(cat "$work/me.json")"
  grep -q 'PLATFORM_ADMIN' "$work/me.json" || fail "GET /auth/me is not the platform admin: $(cat "$work/me.json")"
  say "signed in as 13800000001, GET /auth/me 200"
}

# stop: SIGTERM to the process `npm start` is (what a process manager sends); then nothing of it,
# and no PostgreSQL on its data directory, may be left.
stop() {
  local pm deadline=$((SECONDS + 60))
  pm=$(postmaster)
  kill -TERM "$pid"
  while kill -0 "$pid" 2>/dev/null || pgrep -s "$pid" >/dev/null || { [ -n "$pm" ] && kill -0 "$pm" 2>/dev/null; }; do
    if ((SECONDS >= deadline)); then
      ps -o pid,user,args -s "$pid" ${pm:+-p "$pm"} >&2 || true
      fail "processes left 60 s after SIGTERM (above)"
    fi
    sleep 0.5
  done
  wait "$pid" 2>/dev/null || true
  [ ! -e "$datadir/postmaster.pid" ] || fail "PostgreSQL did not shut down cleanly ($datadir/postmaster.pid is left)"
  say "stopped: no npm, node or postgres process left"
}

start
grep -q 'data loaded in' "$work/server.log" || fail "the first start did not load the demo data"
request
stop
start
grep -q 'data loaded in' "$work/server.log" && fail "the restart loaded the demo data again (data lost?)"
request
stop
