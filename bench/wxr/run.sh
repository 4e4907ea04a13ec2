#!/usr/bin/env bash
# WordPress import benchmark (issue 12): a generated WXR of POSTS Arabic posts with
# COMMENTS comments (bench/wxr/generate.py) imported with `sahifa import-wxr` into a fresh
# empty store, RUNS times per backend (SQLite in a fresh data dir; PostgreSQL in a fresh
# database on the local server, dropped afterwards), each under `/usr/bin/time -v`: wall
# time, posts/s, peak RSS (the importer's process; PostgreSQL's own server processes are
# not counted). Then the same file once more into the last SQLite store, already holding
# it (the idempotent path: everything unchanged). Prints a Markdown summary and keeps it
# in OUT_DIR/results-POSTS-COMMENTS.md; nothing is written to docs/.
#
# Targets (issue 12): at least 1 000 posts/s on SQLite, peak RSS under 200 MB whatever
# the file's size.
#
# Usage: bench/wxr/run.sh                                   (POSTS=100000 COMMENTS=300000 RUNS=3)
#        POSTS=2000 COMMENTS=6000 RUNS=1 bench/wxr/run.sh   (quick check)
#        BACKENDS=sqlite bench/wxr/run.sh
#
# Environment:
#   POSTS       posts in the generated file                         (default 100000)
#   COMMENTS    comments in all                                     (default 3 × POSTS)
#   SEED        the generator's seed                                (default 12)
#   RUNS        imports per backend, each into a fresh empty store  (default 3)
#   BACKENDS    space-separated: sqlite postgres                    (default both)
#   REIMPORT    1: also time a re-import into the last SQLite store (default 1)
#   PG_URL      the PostgreSQL server, without a database name      (default postgres://postgres@127.0.0.1:5432)
#   OUT_DIR     where the file, logs and results go                 (default target/bench-wxr)
#   NO_BUILD=1  use target/release/sahifa as it is
#   NICE        niceness of the build and of the imports            (default 10)
#
# Needs: cargo, python3, GNU time (/usr/bin/time, Debian package `time`), and for
# PostgreSQL psql with trust authentication for PG_URL's user on loopback.
set -euo pipefail

POSTS="${POSTS:-100000}"
COMMENTS="${COMMENTS:-$((3 * POSTS))}"
SEED="${SEED:-12}"
RUNS="${RUNS:-3}"
BACKENDS="${BACKENDS:-sqlite postgres}"
REIMPORT="${REIMPORT:-1}"
PG_URL="${PG_URL:-postgres://postgres@127.0.0.1:5432}"
NICE="${NICE:-10}"

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
OUT_DIR="${OUT_DIR:-$TARGET_DIR/bench-wxr}"
BIN="$TARGET_DIR/release/sahifa"

log() { printf '[wxr] %s\n' "$*" >&2; }
die() { printf '[wxr] error: %s\n' "$*" >&2; exit 1; }

for n in POSTS RUNS; do
    [[ "${!n}" =~ ^[1-9][0-9]*$ ]] || die "$n must be a positive whole number"
done
[[ "$COMMENTS" =~ ^[0-9]+$ ]] || die "COMMENTS must be a whole number"
[ -x /usr/bin/time ] || die "GNU time is missing (apt-get install -y time)"
command -v python3 >/dev/null || die "python3 is not installed"
for b in $BACKENDS; do
    case "$b" in
        sqlite) ;;
        postgres) command -v psql >/dev/null || die "psql is not installed" ;;
        *) die "unknown backend $b (sqlite, postgres)" ;;
    esac
done

mkdir -p "$OUT_DIR"
if [ "${NO_BUILD:-0}" != 1 ]; then
    log "building: cargo build --release -p sahifa (nice $NICE)"
    nice -n "$NICE" cargo build --release -p sahifa >&2
fi
[ -x "$BIN" ] || die "$BIN is missing"

FILE="$OUT_DIR/site-$POSTS-$COMMENTS-s$SEED.xml"
if [ ! -s "$FILE" ]; then
    log "generating $FILE"
    gen_start=$(date +%s.%N)
    nice -n "$NICE" python3 bench/wxr/generate.py --posts "$POSTS" --comments "$COMMENTS" \
        --seed "$SEED" --out "$FILE.part"
    mv "$FILE.part" "$FILE"
    log "generated in $(python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" "$gen_start" "$(date +%s.%N)") s"
fi
FILE_BYTES=$(stat -c %s "$FILE")

RUN_DIR="$(mktemp -d "$OUT_DIR/run.XXXXXX")"
PG_DB=""
cleanup() {
    local rc=$?
    set +e
    if [ -n "$PG_DB" ]; then
        psql "$PG_URL/postgres" -qX -c "DROP DATABASE IF EXISTS \"$PG_DB\"" >/dev/null 2>&1
    fi
    rm -rf "$RUN_DIR/data"
    exit $rc
}
trap cleanup EXIT INT TERM

RESULTS="$RUN_DIR/results.tsv"
: > "$RESULTS"

# import LABEL BACKEND RUN DATA_DIR [DATABASE_URL]: one timed import; appends a line to
# RESULTS (label backend run wall_s user_s sys_s maxrss_kb store_bytes).
import_once() {
    local label="$1" backend="$2" run="$3" data="$4" url="${5:-}"
    local tag="$label-$backend-$run"
    local args=(--data-dir "$data")
    [ -n "$url" ] && args+=(--database-url "$url")
    log "$tag: sahifa ${args[*]} import-wxr $(basename "$FILE")"
    if ! /usr/bin/time -v -o "$RUN_DIR/$tag.time" nice -n "$NICE" \
        env RUST_LOG="${RUST_LOG:-warn}" "$BIN" "${args[@]}" import-wxr "$FILE" \
        > "$RUN_DIR/$tag.report" 2> "$RUN_DIR/$tag.stderr"; then
        cat "$RUN_DIR/$tag.stderr" >&2
        die "$tag failed (see $RUN_DIR)"
    fi
    local store=0
    if [ "$backend" = sqlite ]; then
        store=$(du -sb "$data" | cut -f1)
    else
        store=$(psql "$PG_URL/postgres" -qAtX -c "SELECT pg_database_size('$PG_DB')")
    fi
    python3 - "$RUN_DIR/$tag.time" "$label" "$backend" "$run" "$store" >> "$RESULTS" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
def field(name):
    m = re.search(r"^\s*" + re.escape(name) + r": (.+)$", text, re.M)
    if not m:
        sys.exit(f"no {name!r} in {sys.argv[1]}")
    return m.group(1).strip()
wall = 0.0
for part in field("Elapsed (wall clock) time (h:mm:ss or m:ss)").split(":"):
    wall = wall * 60 + float(part)
print("\t".join([sys.argv[2], sys.argv[3], sys.argv[4], f"{wall:.2f}",
                 field("User time (seconds)"), field("System time (seconds)"),
                 field("Maximum resident set size (kbytes)"), sys.argv[5]]))
PY
    tail -n 1 "$RESULTS" | awk -F'\t' -v posts="$POSTS" \
        '{ printf "[wxr] %s: %.1f s wall, %.0f posts/s, peak RSS %.1f MiB\n", $1 "-" $2 "-" $3, $4, posts / $4, $7 / 1024 }' >&2
}

load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
LAST_SQLITE=""
for backend in $BACKENDS; do
    for run in $(seq "$RUNS"); do
        data="$RUN_DIR/data/$backend-$run"
        rm -rf "$data"
        mkdir -p "$data"
        if [ "$backend" = sqlite ]; then
            [ -n "$LAST_SQLITE" ] && rm -rf "$LAST_SQLITE"
            import_once import sqlite "$run" "$data"
            LAST_SQLITE="$data"
        else
            PG_DB="sahifa_bench_wxr_$$_$run"
            psql "$PG_URL/postgres" -qX -v ON_ERROR_STOP=1 -c "CREATE DATABASE \"$PG_DB\"" >/dev/null
            import_once import postgres "$run" "$data" "$PG_URL/$PG_DB"
            psql "$PG_URL/postgres" -qX -v ON_ERROR_STOP=1 -c "DROP DATABASE \"$PG_DB\"" >/dev/null
            PG_DB=""
            rm -rf "$data"
        fi
    done
done
if [ "$REIMPORT" = 1 ] && [ -n "$LAST_SQLITE" ]; then
    import_once reimport sqlite 1 "$LAST_SQLITE"
fi
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"

SUMMARY="$OUT_DIR/results-$POSTS-$COMMENTS.md"
python3 - "$RESULTS" "$POSTS" "$COMMENTS" "$FILE" "$FILE_BYTES" "$load_before" "$load_after" \
    "$RUN_DIR" > "$SUMMARY" <<'PY'
import statistics, sys, os
results, posts, comments, path, size, before, after, run_dir = sys.argv[1:]
posts, comments, size = int(posts), int(comments), int(size)
rows = [line.rstrip("\n").split("\t") for line in open(results) if line.strip()]
mib = lambda kb: float(kb) / 1024
print(f"File: `{os.path.basename(path)}`, {size / 2**20:.0f} MiB ({size} bytes), "
      f"{posts} posts, {comments} comments. Load average {before} before, {after} after.")
print()
print("| Backend | Run | Wall | Posts/s | User CPU | System CPU | Peak RSS | Store size |")
print("|---|---:|---:|---:|---:|---:|---:|---:|")
for label, backend, run, wall, user, sys_, rss, store in rows:
    name = backend if label == "import" else f"{backend}, re-import (unchanged)"
    print(f"| {name} | {run} | {float(wall):.1f} s | {posts / float(wall):,.0f} | {float(user):.1f} s "
          f"| {float(sys_):.1f} s | {mib(rss):.1f} MiB | {int(store) / 2**20:.0f} MiB |")
print()
print("| Backend | Runs | Median wall | Median posts/s | Median peak RSS | Max peak RSS |")
print("|---|---:|---:|---:|---:|---:|")
for backend in dict.fromkeys(r[1] for r in rows if r[0] == "import"):
    mine = [r for r in rows if r[0] == "import" and r[1] == backend]
    wall = statistics.median(float(r[3]) for r in mine)
    rss = statistics.median(mib(r[6]) for r in mine)
    print(f"| {backend} | {len(mine)} | {wall:.1f} s | {posts / wall:,.0f} | {rss:.1f} MiB "
          f"| {max(mib(r[6]) for r in mine):.1f} MiB |")
for r in rows:
    if r[0] == "reimport":
        print()
        print(f"Re-import of the same file into the SQLite store already holding it: "
              f"{float(r[3]):.1f} s ({posts / float(r[3]):,.0f} posts/s), peak RSS {mib(r[6]):.1f} MiB.")
last = sorted(f for f in os.listdir(run_dir) if f.endswith(".report"))
if last:
    print()
    print(f"The importer's report of `{last[-1][:-len('.report')]}`:")
    print()
    print("```")
    print(open(os.path.join(run_dir, last[-1])).read().rstrip())
    print("```")
PY
cat "$SUMMARY"
log "summary in $SUMMARY, logs in $RUN_DIR"
