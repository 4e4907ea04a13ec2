#!/usr/bin/env bash
# Memory of a release server holding 100 000 articles (issue 13): the Arabic corpus of
# bench/search (crates/sahifa-search/examples/search_bench, `--jsonl`) imported with
# `sahifa import-jsonl` into a fresh SQLite data dir, `sahifa serve` started (it builds its
# search index before it listens), ARTICLE_PAGES distinct article pages requested one after
# another, and /proc/PID/smaps_rollup and /proc/PID/smaps read after start and after the
# pages: RSS, anonymous against file-backed, the file-backed part split into the mapped
# search index, the database's maps, the binary and libraries; and, with util-linux's
# fincore, how much of the index and database files sits in the page cache (counted in no
# process's RSS when read with read(), as SQLite does). The demo site (no import) is
# measured the same way for comparison. Nothing is written to docs/.
#
# RUNS server starts over the same data dir: the first builds the index from the database,
# the later ones open it (as a restarted node does).
#
# Usage: bench/rss.sh                          (ARTICLES=100000 RUNS=3)
#        ARTICLES=2000 ARTICLE_PAGES=200 RUNS=1 QUIET_WAIT=0 bench/rss.sh   (quick check)
#
# Environment:
#   ARTICLES       articles generated and imported                           (default 100000)
#   SEED           corpus seed (bench/search's default)                      (default 20261201)
#   ARTICLE_PAGES  distinct article pages requested after start              (default 2000)
#   RUNS           server starts per site                                    (default 3)
#   CORPUS_DIR     where the generated JSON Lines file is kept and reused
#                  (default target/rss-bench)
#   SERVER_CPU     core the server is pinned to                              (default 0)
#   CLIENT_CPU     core the importer's and the page requests' client run on  (default 1)
#   BIN            the sahifa binary; set, only the generator is built
#                  (default: target/release/sahifa, built with `cargo build --release -p sahifa`)
#   START_TIMEOUT  seconds to wait for /healthz after a start (index build)  (default 1800)
#   QUIET_WAIT     seconds, in all, to wait before runs for the machine to be quiet (no
#                  rustc, cargo, chromium, varnishd or wrk but ours, 1-minute load under
#                  QUIET_LOAD, polled every QUIET_POLL s); then runs go ahead, flagged (default 2700)
#   QUIET_LOAD     (default 0.7)      QUIET_POLL  (default 30)
#   KEEP=1         keep the temporary folder (data dirs, logs, smaps copies)
#
# Needs: cargo, curl, taskset, fincore (util-linux), lscpu, python3 (stdlib).
set -euo pipefail

ARTICLES="${ARTICLES:-100000}"
SEED="${SEED:-20261201}"
ARTICLE_PAGES="${ARTICLE_PAGES:-2000}"
RUNS="${RUNS:-3}"
SERVER_CPU="${SERVER_CPU:-0}"
CLIENT_CPU="${CLIENT_CPU:-1}"
START_TIMEOUT="${START_TIMEOUT:-1800}"
QUIET_WAIT="${QUIET_WAIT:-2700}"
QUIET_LOAD="${QUIET_LOAD:-0.7}"
QUIET_POLL="${QUIET_POLL:-30}"

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
CORPUS_DIR="${CORPUS_DIR:-$TARGET_DIR/rss-bench}"
GENERATOR="$TARGET_DIR/release/examples/search_bench"

log() { printf '[rss] %s\n' "$*" >&2; }
die() { printf '[rss] error: %s\n' "$*" >&2; exit 1; }

for tool in cargo curl taskset fincore lscpu python3; do
    command -v "$tool" >/dev/null || die "$tool is not installed"
done
for n in ARTICLES ARTICLE_PAGES RUNS START_TIMEOUT; do
    [[ "${!n}" =~ ^[1-9][0-9]*$ ]] || die "$n must be a positive whole number"
done

TMP="$(mktemp -d -t sahifa-rss.XXXXXX)"
SERVER_PID=""
stop_server() {
    local pid="$SERVER_PID"
    SERVER_PID=""
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}
cleanup() {
    local rc=$?
    set +e
    stop_server
    if [ "${KEEP:-0}" = 1 ]; then log "kept $TMP"; else rm -rf "$TMP"; fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- a quiet machine (bench/quiet.sh) ---------------------------------------------------
# shellcheck source=bench/quiet.sh
. "$ROOT/bench/quiet.sh"

# --- builds and the corpus -----------------------------------------------------------------
if [ -n "${BIN:-}" ]; then
    [ -x "$BIN" ] || die "BIN=$BIN is not an executable"
else
    BIN="$TARGET_DIR/release/sahifa"
    log "building: cargo build --release -p sahifa"
    (cd "$ROOT" && cargo build --release -p sahifa) >&2
fi
log "building: cargo build --release -p sahifa-search --example search_bench"
(cd "$ROOT" && cargo build --release -p sahifa-search --example search_bench) >&2
[ -x "$BIN" ] || die "$BIN missing (build failed?)"
[ -x "$GENERATOR" ] || die "$GENERATOR missing (build failed?)"

mkdir -p "$CORPUS_DIR"
CORPUS="$CORPUS_DIR/articles-$ARTICLES-$SEED.jsonl"
if [ -s "$CORPUS" ] && [ "$(wc -l <"$CORPUS")" = "$ARTICLES" ]; then
    log "reusing $CORPUS"
else
    log "generating $ARTICLES articles into $CORPUS"
    "$GENERATOR" --jsonl "$CORPUS.part" --articles "$ARTICLES" --seed "$SEED"
    mv "$CORPUS.part" "$CORPUS"
fi
CORPUS_MIB="$(du -m "$CORPUS" | cut -f1)"

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# --- the measuring client (python3 stdlib) ---------------------------------------------------
cat >"$TMP/measure.py" <<'PY'
"""rss.py pages BASE N OUT: N distinct article URLs from the sitemaps, spread evenly.
rss.py get BASE URLS OUT: GETs every URL on one keep-alive connection, times each.
rss.py memory PID DATA BIN OUT: smaps_rollup and smaps by mapping kind, and fincore."""
import http.client, json, os, re, subprocess, sys, time, urllib.parse, urllib.request

def pages(base, n, out):
    def get(path):
        with urllib.request.urlopen(base + path, timeout=60) as r:
            return r.read().decode("utf-8")
    locs = lambda xml: [m.strip() for m in re.findall(r"<loc>([^<]+)</loc>", xml)]
    urls = []
    for f in locs(get("/sitemap.xml")):
        path = urllib.parse.urlsplit(f).path
        if "/articles-" in path:
            urls += [u for u in locs(get(path)) if "/article/" in u]
    if not urls:
        sys.exit("no article URLs in the sitemaps")
    step = max(1, len(urls) // n)
    chosen = urls[::step][:n]
    with open(out, "w", encoding="utf-8") as f:
        for u in chosen:
            p = urllib.parse.urlsplit(u).path
            f.write(urllib.parse.quote(urllib.parse.unquote(p), safe="/") + "\n")
    print(len(chosen))

def fetch(base, urls_file, out):
    host = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(host.hostname, host.port, timeout=60)
    times, bad = [], 0
    for path in open(urls_file, encoding="utf-8").read().split():
        t0 = time.perf_counter()
        conn.request("GET", path, headers={"Accept-Encoding": "gzip, br"})
        r = conn.getresponse()
        r.read()
        times.append((time.perf_counter() - t0) * 1000)
        bad += r.status != 200
    times.sort()
    pct = lambda p: times[max(1, -(-len(times) * p // 100)) - 1]
    json.dump({"n": len(times), "bad": bad, "p50": pct(50), "p99": pct(99),
               "total_s": sum(times) / 1000}, open(out, "w"))
    if bad:
        sys.exit(f"{bad} of {len(times)} pages did not answer 200")

def memory(pid, data, binary, out):
    data = os.path.realpath(data)
    binary = os.path.realpath(binary)
    rollup = {}
    for line in open(f"/proc/{pid}/smaps_rollup"):
        m = re.match(r"(\w+):\s+(\d+) kB", line)
        if m:
            rollup[m.group(1)] = int(m.group(2))
    kinds = {}
    kind = None
    for line in open(f"/proc/{pid}/smaps"):
        head = re.match(r"^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \d+\s*(.*)$", line)
        if head:
            path = head.group(1).strip()
            if path.startswith(os.path.join(data, "search-index")):
                kind = "index"
            elif path.startswith(os.path.join(data, "sahifa.db")):
                kind = "database"
            elif path.split(" (deleted)")[0] == binary:
                kind = "binary"
            elif path.startswith("/"):
                kind = "libraries"
            else:
                kind = "anonymous"
            continue
        m = re.match(r"(Rss|Anonymous):\s+(\d+) kB", line)
        if m and kind:
            kinds.setdefault(kind, {"Rss": 0, "Anonymous": 0})[m.group(1)] += int(m.group(2))
    def cached(paths):
        if not paths:
            return 0, 0
        res = subprocess.run(["fincore", "--bytes", "--noheadings", "--raw", "-o", "RES,SIZE"] + paths,
                             capture_output=True, text=True, check=True).stdout.split("\n")
        pairs = [l.split() for l in res if l.strip()]
        return sum(int(p[0]) for p in pairs), sum(int(p[1]) for p in pairs)
    index_files = [os.path.join(d, f) for d, _, fs in os.walk(os.path.join(data, "search-index")) for f in fs]
    db_files = [os.path.join(data, f) for f in os.listdir(data) if f.startswith("sahifa.db")]
    threads = len(os.listdir(f"/proc/{pid}/task"))
    json.dump({"rollup": rollup, "kinds": kinds, "threads": threads,
               "index_cache": cached(index_files), "db_cache": cached(db_files)}, open(out, "w"))

if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "pages":
        pages(sys.argv[2], int(sys.argv[3]), sys.argv[4])
    elif cmd == "get":
        fetch(sys.argv[2], sys.argv[3], sys.argv[4])
    elif cmd == "memory":
        memory(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5])
PY

# --- one site ----------------------------------------------------------------------------------
start_server() { # DATA [--demo]: starts a server, waits for /healthz
    local data="$1"; shift
    PORT="$(free_port)"
    BASE="http://127.0.0.1:$PORT"
    RUST_LOG=info taskset -c "$SERVER_CPU" "$BIN" --data-dir "$data" serve "$@" --addr "127.0.0.1:$PORT" \
        >>"$TMP/server.log" 2>&1 &
    SERVER_PID=$!
    local t0 waited=0
    t0="$(date +%s)"
    until curl -sf -o /dev/null "$BASE/healthz"; do
        kill -0 "$SERVER_PID" 2>/dev/null || { tail -20 "$TMP/server.log" >&2; die "the server exited"; }
        waited=$(( $(date +%s) - t0 ))
        [ "$waited" -lt "$START_TIMEOUT" ] || die "no /healthz after ${START_TIMEOUT}s"
        sleep 0.2
    done
    START_SECONDS=$(( $(date +%s) - t0 ))
}
measure_site() { # NAME DATA [serve flags]: RUNS starts, memory after start and after the pages
    local name="$1" data="$2"; shift 2
    local run
    for run in $(seq "$RUNS"); do
        wait_quiet "$name run $run"
        local before after
        before="$(cut -d' ' -f1-3 /proc/loadavg)"
        log "$name run $run/$RUNS (load before: $before): starting the server"
        start_server "$data" "$@"
        log "  up after ${START_SECONDS}s"
        sleep 2
        python3 "$TMP/measure.py" memory "$SERVER_PID" "$data" "$BIN" "$TMP/$name.$run.start.json"
        if [ "$run" = 1 ]; then
            local n
            n="$(python3 "$TMP/measure.py" pages "$BASE" "$ARTICLE_PAGES" "$TMP/$name.urls")"
            log "  $n distinct article pages"
        fi
        taskset -c "$CLIENT_CPU" python3 "$TMP/measure.py" get "$BASE" "$TMP/$name.urls" "$TMP/$name.$run.get.json"
        sleep 2
        python3 "$TMP/measure.py" memory "$SERVER_PID" "$data" "$BIN" "$TMP/$name.$run.pages.json"
        stop_server
        after="$(cut -d' ' -f1-3 /proc/loadavg)"
        log "$name run $run/$RUNS done (load after: $after)"
        printf '%s\t%s\t%s\t%s\t%s\n' "$name" "$run" "$before" "$after" "$START_SECONDS" >>"$TMP/runs.tsv"
    done
}
: >"$TMP/runs.tsv"

# The demo site for comparison.
mkdir -p "$TMP/demo"
measure_site demo "$TMP/demo" --demo

# 100 000 articles, imported into a fresh data dir.
mkdir -p "$TMP/big"
wait_quiet "import"
log "importing $ARTICLES articles: sahifa import-jsonl"
t0="$(date +%s)"
RUST_LOG=warn taskset -c "$SERVER_CPU" "$BIN" --data-dir "$TMP/big" import-jsonl "$CORPUS" >"$TMP/import.log" 2>&1 \
    || { tail -20 "$TMP/import.log" >&2; die "the import failed"; }
IMPORT_SECONDS=$(( $(date +%s) - t0 ))
log "  imported in ${IMPORT_SECONDS}s"
measure_site big "$TMP/big"

# --- report ------------------------------------------------------------------------------------
COMMIT="$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
if [ -n "$(git -C "$ROOT" status --porcelain --untracked-files=no -- crates themes locales Cargo.toml Cargo.lock 2>/dev/null)" ]; then
    COMMIT="$COMMIT (with uncommitted changes in the source tree)"
fi
export ARTICLES SEED ARTICLE_PAGES RUNS COMMIT IMPORT_SECONDS CORPUS_MIB NOT_QUIET BIN
export DB_MIB="$(du -cm "$TMP/big"/sahifa.db* | tail -1 | cut -f1)"
export INDEX_MIB="$(du -sm "$TMP/big/search-index" 2>/dev/null | cut -f1 || echo '?')"
export DEMO_DB_MIB="$(du -cm "$TMP/demo"/sahifa.db* | tail -1 | cut -f1)"
export DEMO_INDEX_MIB="$(du -sm "$TMP/demo/search-index" 2>/dev/null | cut -f1 || echo '?')"
export CPU_MODEL="$(lscpu | sed -n 's/^Model name: *//p' | head -1)"
export NPROC="$(nproc)"
export MEMORY="$(free -h | awk '/^Mem:/ {print $2}')"
export KERNEL="$(uname -sr)"
python3 - "$TMP" <<'PY'
import json, os, statistics, sys

tmp = sys.argv[1]
e = os.environ
runs = int(e["RUNS"])
rows = [l.rstrip("\n").split("\t") for l in open(f"{tmp}/runs.tsv")]
mib = lambda kb: kb / 1024
def load(name, run, when):
    return json.load(open(f"{tmp}/{name}.{run}.{when}.json"))
def figures(m):
    r, k = m["rollup"], m["kinds"]
    kind = lambda name, field="Rss": k.get(name, {}).get(field, 0)
    return {"rss": mib(r["Rss"]), "anon": mib(r.get("Anonymous", 0)),
            "file": mib(r["Rss"] - r.get("Anonymous", 0)),
            "index": mib(kind("index")), "db": mib(kind("database")),
            "binary": mib(kind("binary") - kind("binary", "Anonymous")),
            "libs": mib(kind("libraries") - kind("libraries", "Anonymous")),
            "index_cache": m["index_cache"][0] / 2**20, "db_cache": m["db_cache"][0] / 2**20,
            "threads": m["threads"]}
cols = ["rss", "anon", "file", "index", "db", "binary", "libs", "index_cache", "db_cache"]
heads = ["RSS", "anonymous", "file-backed", "↳ index maps", "↳ database maps", "↳ binary",
         "↳ libraries", "index files in page cache", "database files in page cache"]
site_name = {"demo": "demo site", "big": f"{int(e['ARTICLES']):,} articles".replace(",", " ")}

print("### Server memory (bench/rss.sh)\n")
print(f"Machine: {e['NPROC']} cores, {e['CPU_MODEL']}, {e['MEMORY']} RAM, {e['KERNEL']}. "
      f"Commit: {e['COMMIT']}. Binary: {e['BIN']}.")
print(f"Command: `ARTICLES={e['ARTICLES']} SEED={e['SEED']} ARTICLE_PAGES={e['ARTICLE_PAGES']} "
      f"RUNS={e['RUNS']} bench/rss.sh`. Corpus: bench/search's generator, {e['CORPUS_MIB']} MiB "
      f"of JSON Lines, imported in {e['IMPORT_SECONDS']} s; database {e['DB_MIB']} MiB, search index "
      f"{e['INDEX_MIB']} MiB on disk (demo: {e['DEMO_DB_MIB']} MiB, {e['DEMO_INDEX_MIB']} MiB).")
print("From /proc/PID/smaps_rollup (RSS, anonymous) and /proc/PID/smaps by mapping; page cache "
      "by fincore (pages of those files in memory, mapped or not). MiB; run 1 builds the search "
      "index at start, later runs open it; figures are medians over the later runs when there are any.\n")
print("| site | when | " + " | ".join(heads) + " | threads |")
print("| --- | --- | " + " | ".join("---:" for _ in heads) + " | ---: |")
for name in ("demo", "big"):
    later = list(range(2, runs + 1)) or [1]
    for when, label in (("start", "after start"), ("pages", f"after {e['ARTICLE_PAGES']} article pages")):
        f = [figures(load(name, r, when)) for r in later]
        cells = [f"{statistics.median(x[c] for x in f):.1f}" for c in cols]
        t = statistics.median(x["threads"] for x in f)
        print(f"| {site_name[name]} | {label} | " + " | ".join(cells) + f" | {t:.0f} |")
print("\nEvery run (RSS / anonymous / index maps, MiB; start-up seconds; article pages p50 / p99 ms):\n")
print("| site | run | start s | after start | after pages | pages p50 / p99 ms | load before → after |")
print("| --- | ---: | ---: | --- | --- | ---: | --- |")
for name, run, before, after, start in rows:
    s, p = figures(load(name, run, "start")), figures(load(name, run, "pages"))
    g = json.load(open(f"{tmp}/{name}.{run}.get.json"))
    fmt = lambda x: f"{x['rss']:.1f} / {x['anon']:.1f} / {x['index']:.1f}"
    print(f"| {site_name[name]} | {run}{' (index built)' if run == '1' else ''} | {start} | {fmt(s)} | {fmt(p)} | "
          f"{g['p50']:.2f} / {g['p99']:.2f} ({g['n']} pages) | {before} → {after} |")
if e.get("NOT_QUIET"):
    print(f"\nNot quiet when measured:{e['NOT_QUIET']}")
PY
