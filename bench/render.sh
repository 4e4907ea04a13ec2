#!/usr/bin/env bash
# Cache-miss render benchmark (issue 13): how long the model article («روحاني…») and the
# home page take to render when nothing they show is cached, against the cached answer.
# Wraps the example crates/sahifa/examples/render_miss.rs (in process, requests sent to the
# router, no sockets; every cached page retired before each timed miss), runs it RUNS
# times and prints a markdown table of the medians of each percentile, then every run.
# Nothing is written to docs/: paste the table there.
#
# Usage: bench/render.sh                         (RUNS=5, 2000 iterations per row)
#        RUNS=1 ITERATIONS=200 WARMUP=20 QUIET_WAIT=0 bench/render.sh   (quick check)
#
# Environment:
#   RUNS         runs of the example; the median of each figure is reported    (default 5)
#   ITERATIONS   timed requests per page and kind in each run                    (default 2000)
#   WARMUP       untimed requests before them                                    (default 200)
#   SEARCH       none | index | both: measure without the search index (the
#                related block from the database), with it (as `sahifa serve`),
#                or both                                                          (default both)
#   CPU          core the example is pinned to (taskset); "none" to not pin      (default 0)
#   QUIET_WAIT   seconds, in all, to wait before runs for the machine to be quiet:
#                no rustc, cargo, chromium, varnishd or wrk process but ours, and
#                a 1-minute load average under QUIET_LOAD; polled every
#                QUIET_POLL s; past it the runs go ahead and the report says so  (default 2700)
#   QUIET_LOAD   (default 0.7)      QUIET_POLL  (default 30)
#   NO_BUILD=1   skip `cargo build --release -p sahifa --example render_miss`
#
# Needs: cargo (unless NO_BUILD=1), taskset, lscpu, python3 (stdlib).
set -euo pipefail

RUNS="${RUNS:-5}"
ITERATIONS="${ITERATIONS:-2000}"
WARMUP="${WARMUP:-200}"
SEARCH="${SEARCH:-both}"
CPU="${CPU:-0}"
QUIET_WAIT="${QUIET_WAIT:-2700}"
QUIET_LOAD="${QUIET_LOAD:-0.7}"
QUIET_POLL="${QUIET_POLL:-30}"

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
EXAMPLE="$TARGET_DIR/release/examples/render_miss"

log() { printf '[render] %s\n' "$*" >&2; }
die() { printf '[render] error: %s\n' "$*" >&2; exit 1; }

for tool in taskset lscpu python3; do
    command -v "$tool" >/dev/null || die "$tool is not installed"
done
case "$SEARCH" in none | index | both) ;; *) die "SEARCH must be none, index or both" ;; esac
[[ "$RUNS" =~ ^[1-9][0-9]*$ ]] || die "RUNS must be a positive number"

TMP="$(mktemp -d -t sahifa-render.XXXXXX)"
CHILD_PID=""
cleanup() {
    local rc=$?
    set +e
    if [ -n "$CHILD_PID" ] && kill -0 "$CHILD_PID" 2>/dev/null; then
        kill -TERM "$CHILD_PID" 2>/dev/null
        wait "$CHILD_PID" 2>/dev/null
    fi
    rm -rf "$TMP"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- a quiet machine (bench/quiet.sh) ---------------------------------------------------
# shellcheck source=bench/quiet.sh
. "$ROOT/bench/quiet.sh"

# --- build ---------------------------------------------------------------------------------
BUILD_CMD="cargo build --release -p sahifa --example render_miss"
if [ "${NO_BUILD:-0}" != 1 ]; then
    command -v cargo >/dev/null || die "cargo is not installed"
    log "building: $BUILD_CMD"
    (cd "$ROOT" && $BUILD_CMD) >&2
fi
[ -x "$EXAMPLE" ] || die "$EXAMPLE missing (build failed?)"

PIN=()
[ "$CPU" != none ] && PIN=(taskset -c "$CPU")
RUN_CMD="${PIN[*]:+${PIN[*]} }$EXAMPLE --iterations $ITERATIONS --warmup $WARMUP --search $SEARCH --tsv"

# --- runs ----------------------------------------------------------------------------------
: >"$TMP/loads"
for run in $(seq "$RUNS"); do
    wait_quiet "run $run"
    before="$(cut -d' ' -f1-3 /proc/loadavg)"
    log "run $run/$RUNS (load before: $before): $RUN_CMD"
    "${PIN[@]}" "$EXAMPLE" --iterations "$ITERATIONS" --warmup "$WARMUP" --search "$SEARCH" \
        --tsv >"$TMP/run.$run.out" 2>"$TMP/run.$run.err" &
    CHILD_PID=$!
    if ! wait "$CHILD_PID"; then
        CHILD_PID=""
        cat "$TMP/run.$run.err" >&2
        die "run $run failed"
    fi
    CHILD_PID=""
    after="$(cut -d' ' -f1-3 /proc/loadavg)"
    log "run $run/$RUNS done (load after: $after)"
    grep '^result' "$TMP/run.$run.out" | sed "s/^result/$run/" >>"$TMP/results.tsv"
    printf '%s\t%s\t%s\n' "$run" "$before" "$after" >>"$TMP/loads"
done

# --- report --------------------------------------------------------------------------------
COMMIT="$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
if [ -n "$(git -C "$ROOT" status --porcelain --untracked-files=no -- crates themes locales Cargo.toml Cargo.lock 2>/dev/null)" ]; then
    COMMIT="$COMMIT (with uncommitted changes in the source tree)"
fi
BIN_DATE="$(date -u -r "$EXAMPLE" '+%Y-%m-%d %H:%M UTC')"
export RUNS ITERATIONS WARMUP SEARCH COMMIT NOT_QUIET RUN_CMD BIN_DATE
export CPU_MODEL="$(lscpu | sed -n 's/^Model name: *//p' | head -1)"
export NPROC="$(nproc)"
export MEMORY="$(free -h | awk '/^Mem:/ {print $2}')"
export KERNEL="$(uname -sr)"
export RUST_VERSION="$(rustc --version 2>/dev/null || echo unknown)"
python3 - "$TMP/results.tsv" "$TMP/loads" <<'PY'
import os, statistics, sys
from collections import defaultdict

rows = defaultdict(dict)   # (search, page, kind) -> run -> (p50, p90, p99, max)
for line in open(sys.argv[1], encoding="utf-8"):
    run, search, page, kind, *figures = line.rstrip("\n").split("\t")
    rows[(search, page, kind)][int(run)] = [float(f) for f in figures]
loads = [line.rstrip("\n").split("\t") for line in open(sys.argv[2], encoding="utf-8")]
e = os.environ
def fmt(us):
    return f"{us / 1000:.2f}" if us >= 1000 else f"{us / 1000:.3f}"

print("### Cache-miss renders (bench/render.sh)\n")
print(f"Machine: {e['NPROC']} cores, {e['CPU_MODEL']}, {e['MEMORY']} RAM, {e['KERNEL']}; "
      f"{e['RUST_VERSION']}. Commit: {e['COMMIT']}; example built {e['BIN_DATE']}.")
print(f"Command: `RUNS={e['RUNS']} ITERATIONS={e['ITERATIONS']} WARMUP={e['WARMUP']} "
      f"SEARCH={e['SEARCH']} bench/render.sh`, each run `{e['RUN_CMD']}`.")
print(f"In process (the router through tower's oneshot, SQLite, the demo site); before each "
      f"miss every cached page is retired. Medians over {e['RUNS']} runs of each percentile, "
      f"in ms; {e['ITERATIONS']} timed requests per row and run.\n")
print("| search index | page | kind | p50 ms | p90 ms | p99 ms | max ms |")
print("| --- | --- | --- | ---: | ---: | ---: | ---: |")
for (search, page, kind), runs in rows.items():
    med = [statistics.median(r[i] for r in runs.values()) for i in range(4)]
    print(f"| {search} | {page} | {kind} | " + " | ".join(fmt(m) for m in med) + " |")
print("\nEvery run (p50 / p99 ms):\n")
runs_seen = sorted({r for v in rows.values() for r in v})
print("| search index | page | kind | " + " | ".join(f"run {r}" for r in runs_seen) + " |")
print("| --- | --- | --- | " + " | ".join("---:" for _ in runs_seen) + " |")
for (search, page, kind), runs in rows.items():
    cells = [f"{fmt(runs[r][0])} / {fmt(runs[r][2])}" if r in runs else "-" for r in runs_seen]
    print(f"| {search} | {page} | {kind} | " + " | ".join(cells) + " |")
print("\nLoad average (1, 5, 15 min) before → after each run: " +
      "; ".join(f"run {r}: {b} → {a}" for r, b, a in loads) + ".")
if e.get("NOT_QUIET"):
    print(f"Not quiet when measured:{e['NOT_QUIET']}")
PY
