#!/usr/bin/env bash
# Article-page benchmark: Sahifa (release build, demo content) against nginx serving the
# very same article HTML as a static file. Results go to docs/BENCHMARKS.md between the
# markers <!-- bench:article:start --> and <!-- bench:article:end -->.
#
# Usage: bench/run.sh                 (RUNS=5 DURATION=10 by default)
#        RUNS=1 DURATION=3 bench/run.sh   (quick check)
#
# Environment:
#   RUNS         measurements per target, the median is reported          (default 5)
#   DURATION     seconds per measurement                                  (default 10)
#   WARMUP       seconds of warm-up load before each measurement          (default 2)
#   CONNECTIONS  wrk connections                                          (default 64)
#   SERVER_CPU   core the server under test is pinned to                  (default 0)
#   WRK_CPU      core wrk is pinned to                                    (default 1)
#   QUIET_WAIT   seconds to wait for other compilers (rustc, cc, ld) to finish
#                before each measurement                                  (default 60)
#   RETRIES      re-measurements of a run that overlapped a compiler      (default 1)
#   NO_BUILD=1   skip `cargo build --release -p sahifa`
#   NO_WRITE=1   print the section instead of writing docs/BENCHMARKS.md
#
# Needs: cargo, wrk, nginx (/usr/sbin/nginx or on PATH), curl, taskset, python3 (stdlib).
set -euo pipefail

RUNS="${RUNS:-5}"
DURATION="${DURATION:-10}"
WARMUP="${WARMUP:-2}"
CONNECTIONS="${CONNECTIONS:-64}"
SERVER_CPU="${SERVER_CPU:-0}"
WRK_CPU="${WRK_CPU:-1}"
QUIET_WAIT="${QUIET_WAIT:-60}"
RETRIES="${RETRIES:-1}"
WRK_THREADS=1

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BENCH_DIR="$ROOT/bench"
DOC="$ROOT/docs/BENCHMARKS.md"
BIN="${CARGO_TARGET_DIR:-$ROOT/target}/release/sahifa"
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"

log() { printf '[bench] %s\n' "$*" >&2; }
die() { printf '[bench] error: %s\n' "$*" >&2; exit 1; }

for tool in wrk curl taskset python3; do
    command -v "$tool" >/dev/null || die "$tool is not installed"
done
[ -x "$NGINX" ] || die "nginx not found"
[ "$(nproc)" -ge 2 ] || log "warning: fewer than 2 cores; server and wrk will share a core"

TMP="$(mktemp -d -t sahifa-bench.XXXXXX)"
SAHIFA_PID=""
NGINX_PID=""
SAMPLER_PID=""
cleanup() {
    local rc=$?
    set +e
    [ -n "$SAMPLER_PID" ] && kill "$SAMPLER_PID" 2>/dev/null
    for pid in "$SAHIFA_PID" "$NGINX_PID"; do
        if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
            kill -TERM "$pid" 2>/dev/null
            for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
            kill -KILL "$pid" 2>/dev/null
        fi
    done
    rm -rf "$TMP"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

wait_http() { # URL: wait up to 30 s for any HTTP answer
    for _ in $(seq 300); do
        if curl -s -o /dev/null "$1"; then return 0; fi
        sleep 0.1
    done
    return 1
}

# --- load on the machine before we start (recorded in the report) ----------------------
busy_procs() { # other compilers/test runners that would disturb the figures
    ps -eo comm= | grep -E -c '^(rustc|cc|gcc|cc1|cc1plus|ld|ld.lld|rust-lld|clang)$' || true
}
LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
BUSY_BEFORE="$(busy_procs)"

# --- build -------------------------------------------------------------------------------
BUILD_CMD="cargo build --release -p sahifa"
if [ "${NO_BUILD:-0}" != 1 ]; then
    log "building: $BUILD_CMD"
    (cd "$ROOT" && $BUILD_CMD) >&2
fi
[ -x "$BIN" ] || die "$BIN missing (build failed?)"
BUILD_NOTE=""
if [ "${NO_BUILD:-0}" = 1 ]; then
    BUILD_NOTE="not rebuilt by this run (NO_BUILD=1): binary from $(date -u -r "$BIN" '+%Y-%m-%d %H:%M UTC')"
fi

# --- Sahifa --------------------------------------------------------------------------------
PORT1="$(free_port)"
mkdir -p "$TMP/data"
log "starting Sahifa on 127.0.0.1:$PORT1 (pinned to CPU $SERVER_CPU)"
RUST_LOG=warn taskset -c "$SERVER_CPU" "$BIN" --data-dir "$TMP/data" serve --demo \
    --addr "127.0.0.1:$PORT1" >"$TMP/sahifa.log" 2>&1 &
SAHIFA_PID=$!
wait_http "http://127.0.0.1:$PORT1/" || { cat "$TMP/sahifa.log" >&2; die "Sahifa did not start"; }
# Threads by name (tokio-runtime-w = Tokio workers and blocking pool, sqlx-sqlite-* = SQLite).
SAHIFA_THREADS="$(cat /proc/"$SAHIFA_PID"/task/*/comm | sort | uniq -c \
    | awk '{n=$1; $1=""; sub(/^ /,""); printf "%s%s x%d", sep, $0, n; sep=", "}')"

curl -sf "http://127.0.0.1:$PORT1/api/v1/articles?per_page=100" -o "$TMP/articles.json" \
    || die "cannot list articles"
ARTICLE_URL="$(python3 - "$TMP/articles.json" <<'PY'
import json, sys
items = json.load(open(sys.argv[1], encoding="utf-8"))["items"]
hits = [i for i in items if "لافروف" in (i.get("title") or "")]
if not hits:
    sys.exit("no demo article whose title contains «لافروف»")
print(hits[0]["url"])
PY
)"
HOME_URL="http://127.0.0.1:$PORT1/"
ARTICLE_PATH="/${ARTICLE_URL#*://*/}"
log "article: $ARTICLE_URL"

# The article as a reader without compression gets it (wrk sends no Accept-Encoding either).
status="$(curl -s -D "$TMP/article.headers" -o "$TMP/article.html" -w '%{http_code}' "$ARTICLE_URL")"
[ "$status" = 200 ] || die "article answered $status, not 200"
status="$(curl -s -o /dev/null -w '%{http_code}' "$HOME_URL")"
[ "$status" = 200 ] || die "home page answered $status, not 200"
ARTICLE_BYTES="$(stat -c %s "$TMP/article.html")"
HOME_BYTES="$(curl -s "$HOME_URL" | wc -c)"

# --- nginx serving the same bytes ------------------------------------------------------------
PORT2="$(free_port)"
NGX="$TMP/nginx"
mkdir -p "$NGX/www" "$NGX/logs"
cp "$TMP/article.html" "$NGX/www/article.html"
chmod 755 "$TMP" "$NGX" "$NGX/www"
chmod 644 "$NGX/www/article.html"
# Send the same security/cache headers Sahifa sends, so both answers weigh about the same.
EXTRA_HEADERS="$(python3 - "$TMP/article.headers" <<'PY'
import sys
keep = {"content-security-policy", "x-content-type-options", "referrer-policy",
        "x-frame-options", "permissions-policy", "cache-control", "vary"}
for line in open(sys.argv[1], encoding="latin-1"):
    name, sep, value = line.partition(":")
    value = value.strip()
    if sep and name.strip().lower() in keep and '"' not in value:
        print(f'        add_header {name.strip()} "{value}" always;')
PY
)"
cat >"$NGX/nginx.conf" <<EOF
worker_processes 1;
daemon off;
pid $NGX/nginx.pid;
error_log $NGX/logs/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $NGX/client_body;
    proxy_temp_path $NGX/proxy;
    fastcgi_temp_path $NGX/fastcgi;
    uwsgi_temp_path $NGX/uwsgi;
    scgi_temp_path $NGX/scgi;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    keepalive_timeout 65;
    open_file_cache max=16;
    types { }
    server {
        listen 127.0.0.1:$PORT2;
        root $NGX/www;
        location / {
            default_type "text/html; charset=utf-8";
            try_files /article.html =404;
$EXTRA_HEADERS
        }
    }
}
EOF
log "starting nginx on 127.0.0.1:$PORT2 (pinned to CPU $SERVER_CPU)"
taskset -c "$SERVER_CPU" "$NGINX" -p "$NGX" -c "$NGX/nginx.conf" -e "$NGX/logs/error.log" \
    >"$NGX/logs/stdout.log" 2>&1 &
NGINX_PID=$!
NGINX_URL="http://127.0.0.1:$PORT2$ARTICLE_PATH"
wait_http "$NGINX_URL" || { cat "$NGX/logs/"* >&2; die "nginx did not start"; }
status="$(curl -s -o "$TMP/nginx.html" -w '%{http_code}' "$NGINX_URL")"
[ "$status" = 200 ] || die "nginx answered $status, not 200"
NGINX_BYTES="$(stat -c %s "$TMP/nginx.html")"
[ "$NGINX_BYTES" = "$ARTICLE_BYTES" ] || die "nginx serves $NGINX_BYTES bytes, Sahifa $ARTICLE_BYTES"
cmp -s "$TMP/nginx.html" "$TMP/article.html" || die "nginx copy differs from Sahifa's page"

# Headers each server actually sends (for the report).
curl -s -o /dev/null -D - "$ARTICLE_URL" | tr -d '\r' >"$TMP/sahifa.head"
curl -s -o /dev/null -D - "$NGINX_URL" | tr -d '\r' >"$TMP/nginx.head"
SAHIFA_HEAD_BYTES="$(wc -c <"$TMP/sahifa.head")"
NGINX_HEAD_BYTES="$(wc -c <"$TMP/nginx.head")"

cpu_ticks() { # user+system clock ticks of a process, all its threads
    awk '{print $14 + $15}' "/proc/$1/stat"
}
NGINX_WORKER="$(pgrep -P "$NGINX_PID" | head -1)"
[ -n "$NGINX_WORKER" ] || die "no nginx worker process"

# --- measurements ---------------------------------------------------------------------------
WRK=(taskset -c "$WRK_CPU" wrk -t"$WRK_THREADS" -c"$CONNECTIONS" --latency)
declare -A TARGET_URL=([article]="$ARTICLE_URL" [home]="$HOME_URL" [nginx]="$NGINX_URL")
TARGETS=(article home nginx)
mkdir -p "$TMP/results"
wait_quiet() { # up to QUIET_WAIT seconds for other compilers to finish
    local waited=0
    while [ "$(busy_procs)" != 0 ] && [ "$waited" -lt "$QUIET_WAIT" ]; do
        [ "$waited" = 0 ] && log "other compilers running; waiting up to ${QUIET_WAIT}s"
        sleep 2; waited=$((waited + 2))
    done
}
measure() { # TARGET RUN: one warm-up and one measurement; returns 1 if disturbed
    local t="$1" run="$2" url="${TARGET_URL[$1]}" spid cpu0 cpu1 t0 t1
    spid="$SAHIFA_PID"; [ "$t" = nginx ] && spid="$NGINX_WORKER"
    "${WRK[@]}" -d"${WARMUP}s" "$url" >/dev/null
    log "run $run/$RUNS $t: ${WRK[*]} -d${DURATION}s $url"
    # Sample for other compilers twice a second while wrk runs.
    (while :; do busy_procs; sleep 0.5; done) >"$TMP/busy.samples" 2>/dev/null &
    SAMPLER_PID=$!
    cpu0="$(cpu_ticks "$spid")"; t0="$(date +%s.%N)"
    "${WRK[@]}" -d"${DURATION}s" "$url" >"$TMP/results/$t.$run.txt"
    cpu1="$(cpu_ticks "$spid")"; t1="$(date +%s.%N)"
    kill "$SAMPLER_PID" 2>/dev/null; wait "$SAMPLER_PID" 2>/dev/null || true; SAMPLER_PID=""
    # Share of one core the server used: near 100 % means the server, not wrk, is the limit.
    python3 -c "print(round(($cpu1-$cpu0)/$(getconf CLK_TCK)/($t1-$t0)*100))" \
        >"$TMP/results/$t.$run.cpu"
    grep -E 'Requests/sec|^ +(50|99)%' "$TMP/results/$t.$run.txt" | tr -s ' ' \
        | sed 's/^/[bench]    /' >&2
    ! grep -qv '^0$' "$TMP/busy.samples"
}
# Interleaved (article, home, nginx, article, ...) so slow drift in machine load hits all
# three targets alike. A measurement that overlapped another compiler is retried (up to
# RETRIES times, after waiting up to QUIET_WAIT s for quiet); if it still overlaps, it is
# kept and flagged in the report.
RETRIES_DONE=0
for run in $(seq "$RUNS"); do
    for t in "${TARGETS[@]}"; do
        tries=0
        while :; do
            wait_quiet
            if measure "$t" "$run"; then break; fi
            if [ "$tries" -ge "$RETRIES" ]; then
                log "  $t.$run overlapped other compilers; kept and flagged"
                echo "$t.$run" >>"$TMP/results/disturbed"
                break
            fi
            tries=$((tries + 1)); RETRIES_DONE=$((RETRIES_DONE + 1))
            log "  $t.$run overlapped other compilers; retrying"
        done
    done
done
LOAD_AFTER="$(cut -d' ' -f1-3 /proc/loadavg)"
BUSY_AFTER="$(busy_procs)"

# --- report -----------------------------------------------------------------------------------
GIT_COMMIT="$(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo unknown)"
if [ -n "$(cd "$ROOT" && git status --porcelain --untracked-files=no -- crates themes locales Cargo.toml Cargo.lock 2>/dev/null)" ]; then
    GIT_COMMIT="$GIT_COMMIT (with uncommitted changes in the source tree)"
fi
export RUNS DURATION WARMUP CONNECTIONS WRK_THREADS SERVER_CPU WRK_CPU BUILD_CMD \
    ARTICLE_URL ARTICLE_PATH HOME_URL NGINX_URL ARTICLE_BYTES HOME_BYTES NGINX_BYTES \
    SAHIFA_THREADS SAHIFA_HEAD_BYTES NGINX_HEAD_BYTES LOAD_BEFORE LOAD_AFTER BUSY_BEFORE \
    BUSY_AFTER GIT_COMMIT DOC TMP RETRIES_DONE BUILD_NOTE
export NGINX_VERSION="$("$NGINX" -v 2>&1 | sed 's/^nginx version: //')"
export WRK_VERSION="$(wrk --version 2>&1 | head -1 | awk '{print $2}' || true)"
export CPU_MODEL="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//' || echo unknown)"
export NPROC="$(nproc)"
export MEMORY="$(free -h | awk '/^Mem:/ {print $2}')"
export KERNEL="$(uname -sr)"
export RUST_VERSION="$(rustc --version 2>/dev/null || echo unknown)"
python3 "$BENCH_DIR/report.py"
