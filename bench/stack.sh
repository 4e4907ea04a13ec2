#!/usr/bin/env bash
# Stack benchmark: requests/s on the model article page (demo content, release build) on
# PostgreSQL, four ways:
#   direct    one node, asked directly
#   varnish   through Varnish (deploy/varnish/sahifa.vcl) in front of HAProxy: cache hits
#   haproxy1  through HAProxy (deploy/haproxy/haproxy.cfg) with one node in service
#   haproxy3  through HAProxy with three nodes in service
# Median of RUNS runs each, interleaved (direct, varnish, haproxy1, haproxy3, direct, ...),
# printed as a table. The shipped configuration files are used as they are, with only the
# addresses on their `# edge-test:` lines rewritten (as the stack test does).
#
# Usage: bench/stack.sh                      (RUNS=5 DURATION=10 by default)
#        RUNS=1 DURATION=3 bench/stack.sh    (quick check)
#
# Environment:
#   RUNS         measurements per target, the median is reported          (default 5)
#   DURATION     seconds per measurement                                  (default 10)
#   WARMUP       seconds of warm-up load before each measurement          (default 2)
#   CONNECTIONS  wrk connections                                          (default 64)
#   SERVER_CPUS  cores the servers (nodes, HAProxy, Varnish) are pinned to (default 0)
#   WRK_CPU      core wrk is pinned to                                    (default 1)
#   ENCODING     the Accept-Encoding wrk sends      (default "gzip, deflate, br", a browser's)
#   PG_URL       PostgreSQL server, without a database name
#                                                (default postgres://postgres@127.0.0.1:5432)
#   QUIET_WAIT   seconds to wait for other compilers (rustc, cc, ld) before each run (60)
#   NO_BUILD=1   skip `cargo build --release -p sahifa`
#
# Needs: cargo, wrk, varnishd (+ varnish-modules), haproxy, psql, curl, taskset, python3.
set -euo pipefail

RUNS="${RUNS:-5}"
DURATION="${DURATION:-10}"
WARMUP="${WARMUP:-2}"
CONNECTIONS="${CONNECTIONS:-64}"
SERVER_CPUS="${SERVER_CPUS:-0}"
WRK_CPU="${WRK_CPU:-1}"
ENCODING="${ENCODING:-gzip, deflate, br}"
PG_URL="${PG_URL:-postgres://postgres@127.0.0.1:5432}"
QUIET_WAIT="${QUIET_WAIT:-60}"

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="${CARGO_TARGET_DIR:-$ROOT/target}/release/sahifa"

log() { printf '[stack] %s\n' "$*" >&2; }
die() { printf '[stack] error: %s\n' "$*" >&2; exit 1; }

for tool in wrk curl taskset python3 psql; do
    command -v "$tool" >/dev/null || die "$tool is not installed"
done
VARNISHD="$(command -v varnishd || echo /usr/sbin/varnishd)"
HAPROXY="$(command -v haproxy || echo /usr/sbin/haproxy)"
[ -x "$VARNISHD" ] || die "varnishd not found (apt-get install varnish varnish-modules)"
[ -x "$HAPROXY" ] || die "haproxy not found (apt-get install haproxy)"

TMP="$(mktemp -d -t sahifa-stack.XXXXXX)"
chmod 755 "$TMP"
DB="sahifa_bench_$$"
PIDS=()
cleanup() {
    local rc=$?
    set +e
    for pid in "${PIDS[@]}"; do
        kill -TERM "$pid" 2>/dev/null
    done
    for pid in "${PIDS[@]}"; do
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$pid" 2>/dev/null
    done
    psql "$PG_URL/postgres" -q -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1
    rm -rf "$TMP"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
wait_status() { # URL STATUS: wait up to 60 s for that status
    for _ in $(seq 600); do
        [ "$(curl -s -o /dev/null -w '%{http_code}' "$1")" = "$2" ] && return 0
        sleep 0.1
    done
    return 1
}
# rewrite FILE MARKER FROM TO: replace FROM by TO on the lines ending in `# edge-test: MARKER`
rewrite() {
    python3 - "$@" <<'PY'
import re, sys
path, marker, old, new = sys.argv[1:5]
text = open(path, encoding="utf-8").read().split("\n")
hits = 0
for i, line in enumerate(text):
    if re.search(r"# edge-test: " + re.escape(marker) + r"\s*$", line):
        head, sep, tail = line.partition("# edge-test:")
        if old not in head:
            sys.exit(f"{path}: the line marked {marker} no longer holds {old!r}")
        text[i] = head.replace(old, new, 1) + sep + tail
        hits += 1
if not hits:
    sys.exit(f"{path}: no line marked `# edge-test: {marker}`")
open(path, "w", encoding="utf-8").write("\n".join(text))
PY
}
busy_procs() { # other compilers that would disturb the figures
    ps -eo comm= | grep -E -c '^(rustc|cc|gcc|cc1|cc1plus|ld|ld.lld|rust-lld|clang)$' || true
}
wait_quiet() {
    local waited=0
    while [ "$(busy_procs)" != 0 ] && [ "$waited" -lt "$QUIET_WAIT" ]; do
        [ "$waited" = 0 ] && log "other compilers running; waiting up to ${QUIET_WAIT}s"
        sleep 2; waited=$((waited + 2))
    done
}

# --- build -------------------------------------------------------------------------------
BUILD_CMD="cargo build --release -p sahifa"
if [ "${NO_BUILD:-0}" != 1 ]; then
    log "building: $BUILD_CMD"
    (cd "$ROOT" && $BUILD_CMD) >&2
fi
[ -x "$BIN" ] || die "$BIN missing (build failed?)"

# --- addresses -----------------------------------------------------------------------------
NODE_PORTS=("$(free_port)" "$(free_port)" "$(free_port)")
EDGE_PORT="$(free_port)"; NEWSROOM_PORT="$(free_port)"; STATS_PORT="$(free_port)"
VARNISH_PORT="$(free_port)"
VARNISH="127.0.0.1:$VARNISH_PORT"

# --- PostgreSQL and the nodes ----------------------------------------------------------------
psql "$PG_URL/postgres" -q -c "CREATE DATABASE $DB" >/dev/null || die "cannot create $DB at $PG_URL"
start_node() { # N [extra args]: node N (1..3) on its port, pinned to the server cores
    local n="$1"; shift
    mkdir -p "$TMP/node$n"
    RUST_LOG=warn taskset -c "$SERVER_CPUS" "$BIN" --data-dir "$TMP/node$n" \
        --database-url "$PG_URL/$DB" serve --addr "127.0.0.1:${NODE_PORTS[$((n - 1))]}" \
        --media-store postgres --trusted-proxies 127.0.0.1/32 \
        --purge-urls "http://$VARNISH/" --base-url "http://$VARNISH" "$@" \
        >"$TMP/node$n.log" 2>&1 &
    PIDS+=($!)
    wait_status "http://127.0.0.1:${NODE_PORTS[$((n - 1))]}/healthz" 200 \
        || { tail -20 "$TMP/node$n.log" >&2; die "node $n did not start"; }
}
log "starting three nodes on PostgreSQL database $DB (demo content seeded by node 1)"
start_node 1 --demo
start_node 2
start_node 3

# --- HAProxy and Varnish, from the shipped files -----------------------------------------
cp "$ROOT/deploy/haproxy/haproxy.cfg" "$TMP/haproxy.cfg"
rewrite "$TMP/haproxy.cfg" stats-socket /run/haproxy/admin.sock "$TMP/haproxy.sock"
rewrite "$TMP/haproxy.cfg" edge-bind 127.0.0.1:8090 "127.0.0.1:$EDGE_PORT"
rewrite "$TMP/haproxy.cfg" newsroom-bind 127.0.0.1:8091 "127.0.0.1:$NEWSROOM_PORT"
rewrite "$TMP/haproxy.cfg" stats-bind 127.0.0.1:8404 "127.0.0.1:$STATS_PORT"
for n in 1 2 3; do
    rewrite "$TMP/haproxy.cfg" "node$n" "127.0.0.1:808$n" "127.0.0.1:${NODE_PORTS[$((n - 1))]}"
done
if [ "$(id -u)" != 0 ]; then
    for word in chroot user group; do rewrite "$TMP/haproxy.cfg" "$word" "$word" "# $word"; done
fi
"$HAPROXY" -c -q -f "$TMP/haproxy.cfg" || die "haproxy.cfg does not check"
taskset -c "$SERVER_CPUS" "$HAPROXY" -db -f "$TMP/haproxy.cfg" >"$TMP/haproxy.log" 2>&1 &
PIDS+=($!)
wait_status "http://127.0.0.1:$EDGE_PORT/haproxy-health" 200 \
    || { tail -20 "$TMP/haproxy.log" >&2; die "HAProxy did not start"; }

cp "$ROOT/deploy/varnish/sahifa.vcl" "$TMP/sahifa.vcl"
rewrite "$TMP/sahifa.vcl" backend-port '"8090"' "\"$EDGE_PORT\""
mkdir -p "$TMP/varnish"
taskset -c "$SERVER_CPUS" "$VARNISHD" -F -n "$TMP/varnish" -a "$VARNISH" -f "$TMP/sahifa.vcl" \
    -T none -j none -s malloc,256m >"$TMP/varnish.log" 2>&1 &
PIDS+=($!)
wait_status "http://$VARNISH/" 200 || { tail -20 "$TMP/varnish.log" >&2; die "Varnish did not start"; }

# --- the model article ------------------------------------------------------------------------
ARTICLE_PATH="$(curl -sf "http://127.0.0.1:${NODE_PORTS[0]}/api/v1/articles?per_page=100" | python3 -c '
import json, sys
items = json.load(sys.stdin)["items"]
hits = [i for i in items if "لافروف" in (i.get("title") or "")]
if not hits:
    sys.exit("no demo article whose title contains «لافروف»")
url = hits[0]["url"]
print("/" + url.split("://", 1)[1].split("/", 1)[1])
')" || die "cannot find the model article"
log "article: $ARTICLE_PATH"

declare -A URL=(
    [direct]="http://127.0.0.1:${NODE_PORTS[0]}$ARTICLE_PATH"
    [varnish]="http://$VARNISH$ARTICLE_PATH"
    [haproxy1]="http://127.0.0.1:$EDGE_PORT$ARTICLE_PATH"
    [haproxy3]="http://127.0.0.1:$EDGE_PORT$ARTICLE_PATH"
)
TARGETS=(direct varnish haproxy1 haproxy3)
for t in direct varnish haproxy3; do
    status="$(curl -s -o "$TMP/$t.body" -w '%{http_code}' -H "Accept-Encoding: $ENCODING" "${URL[$t]}")"
    [ "$status" = 200 ] || die "$t answered $status"
done
BYTES="$(stat -c %s "$TMP/direct.body")"
curl -s -o /dev/null -D "$TMP/varnish.head" -H "Accept-Encoding: $ENCODING" "${URL[varnish]}"
grep -qiE '^X-Varnish: [0-9]+ [0-9]+' "$TMP/varnish.head" || die "the article is not a Varnish hit"

# The HAProxy runtime API takes nodes in and out of service (haproxy1 vs haproxy3).
haproxy_cmd() {
    python3 - "$TMP/haproxy.sock" "$1" <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.sendall((sys.argv[2] + "\n").encode())
answer = b""
while chunk := s.recv(65536):
    answer += chunk
print(answer.decode().strip())
PY
}
nodes_in_service() { # 1 or 3
    local state=ready
    [ "$1" = 1 ] && state=maint
    for n in 2 3; do haproxy_cmd "set server be_nodes/node$n state $state" >/dev/null; done
    # A server put back in service waits for a passing health check.
    for _ in $(seq 100); do
        [ "$(haproxy_cmd "show stat" | awk -F, -v want="$1" '
            $1 == "be_nodes" && $2 ~ /^node/ && $18 == "UP" { up++ }
            END { print (up == want) ? "ok" : "wait" }')" = ok ] && return 0
        sleep 0.1
    done
    die "HAProxy did not reach $1 node(s) in service"
}

# --- measurements -------------------------------------------------------------------------------
WRK=(taskset -c "$WRK_CPU" wrk -t1 -c"$CONNECTIONS" --latency -H "Accept-Encoding: $ENCODING")
mkdir -p "$TMP/results"
for run in $(seq "$RUNS"); do
    for t in "${TARGETS[@]}"; do
        case "$t" in haproxy1) nodes_in_service 1 ;; haproxy3) nodes_in_service 3 ;; esac
        wait_quiet
        "${WRK[@]}" -d"${WARMUP}s" "${URL[$t]}" >/dev/null
        log "run $run/$RUNS $t: ${WRK[*]} -d${DURATION}s ${URL[$t]}"
        "${WRK[@]}" -d"${DURATION}s" "${URL[$t]}" >"$TMP/results/$t.$run.txt"
        grep -E 'Requests/sec|^ +(50|99)%|Non-2xx|Socket errors' "$TMP/results/$t.$run.txt" \
            | tr -s ' ' | sed 's/^/[stack]    /' >&2
    done
done
nodes_in_service 3

# --- report ----------------------------------------------------------------------------------
export TMP RUNS DURATION CONNECTIONS ENCODING SERVER_CPUS WRK_CPU BYTES ARTICLE_PATH
export CPU_MODEL="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//' || echo unknown)"
export NPROC="$(nproc)"
export VERSIONS="$("$VARNISHD" -V 2>&1 | head -1 | sed 's/^varnishd (\(varnish-[^ ]*\).*/\1/'), $("$HAPROXY" -v | head -1 | awk '{print "HAProxy " $3}'), $(wrk --version 2>&1 | head -1 | awk '{print "wrk " $2}')"
python3 - <<'PY'
import os, re, statistics
tmp, runs = os.environ["TMP"], int(os.environ["RUNS"])
names = {
    "direct": "one node, direct",
    "varnish": "through Varnish (hits)",
    "haproxy1": "HAProxy, one node in service",
    "haproxy3": "HAProxy, three nodes in service",
}
def ms(text):
    value, unit = re.match(r"([\d.]+)(us|ms|s)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
rows = {}
for target in names:
    rps, p50, p99, errors = [], [], [], 0
    for run in range(1, runs + 1):
        out = open(f"{tmp}/results/{target}.{run}.txt").read()
        rps.append(float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)))
        p50.append(ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1)))
        p99.append(ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1)))
        m = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
        errors += int(m.group(1)) if m else 0
    rows[target] = (statistics.median(rps), statistics.median(p50), statistics.median(p99), errors, rps)
print()
print(f"Machine: {os.environ['NPROC']} cores, {os.environ['CPU_MODEL']}; {os.environ['VERSIONS']}")
print(f"Article {os.environ['ARTICLE_PATH'][:40]}... ({os.environ['BYTES']} bytes with "
      f"Accept-Encoding: {os.environ['ENCODING']}); {os.environ['CONNECTIONS']} connections, "
      f"{os.environ['DURATION']} s per run, median of {runs} runs; servers on CPU "
      f"{os.environ['SERVER_CPUS']}, wrk on CPU {os.environ['WRK_CPU']}")
print()
print("| target | req/s (median) | p50 ms | p99 ms | non-2xx | runs (req/s) |")
print("| --- | ---: | ---: | ---: | ---: | --- |")
for target, label in names.items():
    r, a, b, e, all_runs = rows[target]
    print(f"| {label} | {r:,.0f} | {a:.2f} | {b:.2f} | {e} | {', '.join(f'{x:,.0f}' for x in all_runs)} |")
base = rows["direct"][0]
print()
print(f"Varnish / direct: {rows['varnish'][0] / base:.2f}; "
      f"HAProxy three nodes / one node: {rows['haproxy3'][0] / rows['haproxy1'][0]:.2f}; "
      f"HAProxy one node / direct: {rows['haproxy1'][0] / base:.2f}")
PY
