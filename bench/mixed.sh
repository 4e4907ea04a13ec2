#!/usr/bin/env bash
# Mixed read load, read-only and while writes land (issue 13): a release `sahifa serve
# --demo` on SQLite pinned to one core, wrk pinned to the other rotating over article
# pages, the home page, category and tag archives, /feed.xml and Arabic searches (the list
# is read from the running site: /api/v1/articles, /api/v1/categories and the tag sitemap). Each run measures
#   A  the read load alone, then
#   B  the same load while a writer makes WRITE_RATE writes a second, alternating
#      "publish a new article" (the admin JSON API, a bearer token made with
#      `sahifa token create`) and "approve a held comment" (the admin moderation form,
#      signed in as the demo administrator, with its CSRF token);
# A and B alternate run by run, so drift in the machine's load hits both alike. Reported:
# reads' requests/s, p50 and p99 (wrk --latency) per phase, B against A, and the writes'
# count, p50 and p99 as the writer timed them; medians over RUNS, then every run. Nothing is
# written to docs/: paste the table there.
#
# Held comments to approve are made before the first run: the comment settings are saved
# through the admin form (CAPTCHA off, hold every comment, no rate limits) and readers'
# comments are posted through the public form, so the approvals are the only comment
# writes measured.
#
# Before and after: build another tree and point BIN at its binary, e.g.
#   git -C /work/main worktree add /work/bench-before a2e5a0e
#   (cd /work/bench-before && CARGO_TARGET_DIR=/work/bench-before/target cargo build --release -p sahifa)
#   BIN=/work/bench-before/target/release/sahifa LABEL="before (a2e5a0e)" bench/mixed.sh
#   bench/mixed.sh                                   # this tree, built by the script
#
# Usage: bench/mixed.sh                       (RUNS=3 DURATION=30)
#        RUNS=1 DURATION=5 WARMUP=2 QUIET_WAIT=0 bench/mixed.sh   (quick check)
#
# Environment:
#   RUNS         A/B pairs; the median of each figure is reported              (default 3)
#   DURATION     seconds of each measured phase                               (default 30)
#   WARMUP       seconds of read load before each phase (no writes, unmeasured) (default 5)
#   CONNECTIONS  wrk connections (one wrk thread)                             (default 64)
#   WRITE_RATE   writes a second in phase B (a write never starts before the
#                previous one answered, so a slow write lowers the count)     (default 2)
#   SERVER_CPU   core the server is pinned to                                 (default 0)
#   WRK_CPU      core wrk and the writer are pinned to                        (default 1)
#   BIN          the sahifa binary to measure; set, nothing is built
#                (default: target/release/sahifa, built with `cargo build --release -p sahifa`)
#   LABEL        what the binary is, for the report (default: the tree's commit)
#   COUNT=1      wrk also counts stale (X-Sahifa-Cache: stale) and non-200 answers
#                (costs wrk time per response: leave off for throughput figures)
#   QUIET_WAIT   seconds, in all, to wait before runs for the machine to be quiet:
#                no rustc, cargo, chromium, varnishd or wrk process but ours, and a
#                1-minute load average under QUIET_LOAD; polled every QUIET_POLL s;
#                past it the runs go ahead and the report says so            (default 2700)
#   QUIET_LOAD   (default 0.7)      QUIET_POLL  (default 30)
#   KEEP=1       keep the temporary folder (server log, wrk outputs, write timings)
#
# Needs: wrk, curl, taskset, lscpu, python3 (stdlib), cargo (unless BIN is set).
set -euo pipefail

RUNS="${RUNS:-3}"
DURATION="${DURATION:-30}"
WARMUP="${WARMUP:-5}"
CONNECTIONS="${CONNECTIONS:-64}"
WRITE_RATE="${WRITE_RATE:-2}"
SERVER_CPU="${SERVER_CPU:-0}"
WRK_CPU="${WRK_CPU:-1}"
QUIET_WAIT="${QUIET_WAIT:-2700}"
QUIET_LOAD="${QUIET_LOAD:-0.7}"
QUIET_POLL="${QUIET_POLL:-30}"
COUNT="${COUNT:-0}"

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BENCH_DIR="$ROOT/bench"

log() { printf '[mixed] %s\n' "$*" >&2; }
die() { printf '[mixed] error: %s\n' "$*" >&2; exit 1; }

for tool in wrk curl taskset lscpu python3; do
    command -v "$tool" >/dev/null || die "$tool is not installed (Debian: apt-get install $tool)"
done
for n in RUNS DURATION WARMUP CONNECTIONS WRITE_RATE; do
    [[ "${!n}" =~ ^[1-9][0-9]*$ ]] || die "$n must be a positive whole number"
done
[ "$(nproc)" -ge 2 ] || log "warning: fewer than 2 cores; server and wrk will share a core"

TMP="$(mktemp -d -t sahifa-mixed.XXXXXX)"
SERVER_PID=""
WRITER_PID=""
WRK_PID=""
stop_pid() { # PID: TERM, up to 5 s, then KILL
    local pid="$1"
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}
cleanup() {
    local rc=$?
    set +e
    stop_pid "$WRK_PID"
    stop_pid "$WRITER_PID"
    stop_pid "$SERVER_PID"
    if [ "${KEEP:-0}" = 1 ]; then log "kept $TMP"; else rm -rf "$TMP"; fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- a quiet machine (bench/quiet.sh) ---------------------------------------------------
# shellcheck source=bench/quiet.sh
. "$ROOT/bench/quiet.sh"

# --- the binary ----------------------------------------------------------------------------
if [ -n "${BIN:-}" ]; then
    [ -x "$BIN" ] || die "BIN=$BIN is not an executable"
    BIN_TREE="$(cd "$(dirname "$BIN")" && git rev-parse --show-toplevel 2>/dev/null || true)"
else
    command -v cargo >/dev/null || die "cargo is not installed"
    BIN="${CARGO_TARGET_DIR:-$ROOT/target}/release/sahifa"
    BIN_TREE="$ROOT"
    log "building: cargo build --release -p sahifa"
    (cd "$ROOT" && cargo build --release -p sahifa) >&2
    [ -x "$BIN" ] || die "$BIN missing (build failed?)"
fi
COMMIT="unknown"
if [ -n "$BIN_TREE" ]; then
    COMMIT="$(git -C "$BIN_TREE" rev-parse --short HEAD 2>/dev/null || echo unknown)"
    if [ -n "$(git -C "$BIN_TREE" status --porcelain --untracked-files=no -- crates themes locales Cargo.toml Cargo.lock 2>/dev/null)" ]; then
        COMMIT="$COMMIT (with uncommitted changes in the source tree)"
    fi
fi
LABEL="${LABEL:-$COMMIT}"
BIN_DATE="$(date -u -r "$BIN" '+%Y-%m-%d %H:%M UTC')"

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# --- the server ----------------------------------------------------------------------------
DATA="$TMP/data"
mkdir -p "$DATA"
PORT="$(free_port)"
BASE="http://127.0.0.1:$PORT"
log "starting $BIN on $BASE (pinned to CPU $SERVER_CPU)"
RUST_LOG=warn taskset -c "$SERVER_CPU" "$BIN" --data-dir "$DATA" serve --demo --addr "127.0.0.1:$PORT" \
    >"$TMP/server.log" 2>&1 &
SERVER_PID=$!
up=0
for _ in $(seq 600); do
    if curl -sf -o /dev/null "$BASE/healthz"; then up=1; break; fi
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.1
done
[ "$up" = 1 ] || { cat "$TMP/server.log" >&2; die "the server did not answer /healthz within 60 s"; }
ADMIN_LINE="$(grep -m1 '^Demo administrator: ' "$TMP/server.log" || true)"
[ -n "$ADMIN_LINE" ] || die "no 'Demo administrator:' line in the server's output"
ADMIN_EMAIL="$(sed -E 's/^Demo administrator: ([^ ]+) \/ .*/\1/' <<<"$ADMIN_LINE")"
ADMIN_PASSWORD="$(sed -E 's/^Demo administrator: [^ ]+ \/ ([^ ]+) .*/\1/' <<<"$ADMIN_LINE")"
TOKEN="$(RUST_LOG=off "$BIN" --data-dir "$DATA" token create --user "$ADMIN_EMAIL" --name bench-mixed)"
[ -n "$TOKEN" ] || die "sahifa token create printed no token"

# --- the read paths ------------------------------------------------------------------------
python3 - "$BASE" "$TMP/paths.txt" "$TMP/mix.txt" <<'PY'
import json, re, sys, urllib.parse, urllib.request
from collections import Counter

base, out, mix_out = sys.argv[1], sys.argv[2], sys.argv[3]
def get(path):
    with urllib.request.urlopen(base + path, timeout=30) as r:
        return r.read().decode("utf-8")
def local(url):
    parts = urllib.parse.urlsplit(url)
    path = urllib.parse.quote(urllib.parse.unquote(parts.path), safe="/")
    return path + ("?" + parts.query if parts.query else "")
def locs(xml):
    return [m.strip() for m in re.findall(r"<loc>([^<]+)</loc>", xml)]

items = json.loads(get("/api/v1/articles?per_page=100"))["items"]
articles = [local(i["url"]) for i in items]
categories = [local(c["url"]) for c in json.loads(get("/api/v1/categories?per_page=100"))["items"]]
tags = []
for f in [local(u) for u in locs(get("/sitemap.xml"))]:
    if "/tags" in f:
        tags += [local(u) for u in locs(get(f)) if "/tag/" in u]
# Arabic searches: a distinct longer word from each of the first titles (words the site
# has), and a few common news words.
words = []
for i in items:
    for w in re.findall(r"[\u0621-\u064A]{5,}", i.get("title") or ""):
        if w not in words:
            words.append(w)
            break
    if len(words) >= 8:
        break
words += [w for w in ["الحكومة", "الاقتصاد", "مجلس الأمن", "النفط"] if w not in words]
searches = ["/search?q=" + urllib.parse.quote(w) for w in words]
if not articles or not categories:
    sys.exit(f"the demo site lists {len(articles)} articles and {len(categories)} categories")

# The rotation: every article once, then the home page, archives, the feed and searches in
# proportion (about 55 % articles, 10 % home, 12 % categories, 12 % tags, 4 % feed, 7 % search).
# The articles are repeated (up to 10 times) when that is what it takes for every category
# and tag to be in the rotation.
import math
repeat = min(10, max(1, *(math.ceil(len(pool) * 0.55 / (0.12 * len(articles))) for pool in (categories, tags))))
articles = articles * repeat
n = len(articles)
def share(fraction, pool):
    k = max(1, round(n * fraction / 0.55))
    return [pool[i % len(pool)] for i in range(k)] if pool else []
mix = {"article": articles, "home": share(0.10, ["/"]), "category": share(0.12, categories),
       "tag": share(0.12, tags), "feed": share(0.04, ["/feed.xml"]), "search": share(0.07, searches)}
# Interleave the kinds so every stretch of the rotation has a bit of each.
rotation, queues = [], {k: list(v) for k, v in mix.items()}
while any(queues.values()):
    for k in mix:
        if queues[k]:
            rotation.append(queues[k].pop(0))
with open(out, "w", encoding="utf-8") as f:
    f.write("\n".join(rotation) + "\n")
counts = Counter({k: len(v) for k, v in mix.items()})
distinct = {k: len(set(v)) for k, v in mix.items()}
with open(mix_out, "w", encoding="utf-8") as f:
    f.write(", ".join(f"{k} {counts[k]} ({distinct[k]} distinct)" for k in mix) +
            f"; {len(rotation)} requests per rotation")
PY
log "read mix: $(cat "$TMP/mix.txt")"
# Every path answers 200 before anything is measured.
while read -r path; do
    code="$(curl -s -o /dev/null -w '%{http_code}' "$BASE$path")"
    [ "$code" = 200 ] || die "GET $path answered $code"
done < <(sort -u "$TMP/paths.txt")

# --- the writer (python3 stdlib) ------------------------------------------------------------
cat >"$TMP/writer.py" <<'PY'
"""Writes against a running Sahifa: `setup` signs in, opens comments to holding and posts
held comments; `write` publishes articles and approves held comments, alternately, at a
fixed rate, timing each write (request sent to answer read)."""
import http.cookies, json, re, sys, time, urllib.error, urllib.parse, urllib.request

class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None

OPENER = urllib.request.build_opener(NoRedirect)

def call(method, url, data=None, headers=None):
    """(status, headers, body) without following redirects."""
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with OPENER.open(request, timeout=60) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()

def cookie(headers, name):
    for value in headers.get_all("Set-Cookie") or []:
        jar = http.cookies.SimpleCookie()
        jar.load(value)
        if name in jar and jar[name].value:
            return jar[name].value
    return None

def csrf(html):
    m = re.search(r'name="_csrf" value="([^"]+)"', html)
    if not m:
        sys.exit("no _csrf field in the page")
    return m.group(1)

def form(fields):
    return urllib.parse.urlencode(fields).encode()

def login(base, email, password):
    status, headers, body = call("GET", base + "/admin/login")
    login_cookie = cookie(headers, "sahifa_login_csrf")
    token = csrf(body.decode())
    status, headers, body = call("POST", base + "/admin/login", form(
        {"email": email, "password": password, "_csrf": token, "next": "/admin"}),
        {"Cookie": f"sahifa_login_csrf={login_cookie}", "Origin": base,
         "Content-Type": "application/x-www-form-urlencoded"})
    session = cookie(headers, "sahifa_session")
    if status != 303 or not session:
        sys.exit(f"login as {email} answered {status}")
    session = f"sahifa_session={session}"
    status, _, body = call("GET", base + "/admin", headers={"Cookie": session})
    if status != 200:
        sys.exit(f"/admin after login answered {status}")
    return session, csrf(body.decode())

def admin_post(base, session, token, path, fields):
    fields = dict(fields, _csrf=token)
    return call("POST", base + path, form(fields), {
        "Cookie": session, "Origin": base, "Content-Type": "application/x-www-form-urlencoded"})

def pending_ids(base, session, wanted):
    ids, page = [], 1
    while len(ids) < wanted and page <= 100:
        status, _, body = call("GET", f"{base}/admin/comments?status=pending&page={page}",
                               headers={"Cookie": session})
        found = [int(i) for i in re.findall(r'name="c(\d+)"', body.decode())] if status == 200 else []
        if not found:
            break
        ids += [i for i in found if i not in ids]
        page += 1
    return ids

def setup(base, email, password, comments, state_file):
    session, token = login(base, email, password)
    status, headers, _ = admin_post(base, session, token, "/admin/comments/settings", {
        "enabled": "1", "hold_all": "1", "captcha": "off", "min_seconds": "0",
        "flood_seconds": "0", "rate_per_hour": "0", "close_after_days": "0"})
    if status != 303:
        sys.exit(f"saving the comment settings answered {status}")
    _, _, body = call("GET", base + "/api/v1/articles?per_page=100")
    slugs = [i["slug"] for i in json.loads(body)["items"]]
    for n in range(comments):
        slug = slugs[n % len(slugs)]
        status, headers, _ = call("POST", f"{base}/article/{urllib.parse.quote(slug)}/comments",
            form({"author": f"قارئ {n}", "email": f"reader{n}@example.com",
                  "comment": f"تعليق القارئ رقم {n} على هذا الخبر، ينتظر المراجعة."}),
            {"Content-Type": "application/x-www-form-urlencoded"})
        if status != 303 or "comment-held" not in (headers.get("Location") or ""):
            sys.exit(f"comment {n} on {slug}: {status} {headers.get('Location')}, not held")
    held = pending_ids(base, session, comments)
    if len(held) < comments:
        sys.exit(f"{len(held)} held comments listed, {comments} posted")
    _, _, body = call("GET", base + "/api/v1/categories?per_page=100")
    categories = [c["id"] for c in json.loads(body)["items"] if c.get("id")]
    with open(state_file, "w") as f:
        json.dump({"session": session, "csrf": token, "held": held,
                   "categories": sorted(set(categories))}, f)
    print(f"{len(held)} held comments")

def write(base, state_file, api_token, seconds, rate, run, out):
    state = json.load(open(state_file))
    held = state["held"]
    used_file = state_file + ".used"
    try:
        used = int(open(used_file).read())
    except OSError:
        used = 0
    categories = state["categories"] or [None]
    interval = 1.0 / rate
    rows, i = [], 0
    started = time.monotonic()
    deadline = started + seconds
    next_start = started
    while True:
        now = time.monotonic()
        if next_start > now:
            time.sleep(next_start - now)
        begin = time.monotonic()
        if begin >= deadline:
            break
        if i % 2 == 0:
            article = {"title": f"خبر عاجل من غرفة الأخبار {run}-{i}",
                       "lead": "مقدمة الخبر العاجل كما تنشرها غرفة الأخبار.",
                       "body": "نص الخبر العاجل.\n\nفقرة ثانية فيها تفاصيل أكثر عن الحدث.",
                       "tags": ["عاجل"], "status": "published"}
            category = categories[(i // 2) % len(categories)]
            if category:
                article["category_id"] = category
            t0 = time.perf_counter()
            status, _, _ = call("POST", base + "/api/v1/admin/articles",
                                json.dumps(article).encode(),
                                {"Authorization": f"Bearer {api_token}",
                                 "Content-Type": "application/json"})
            took = time.perf_counter() - t0
            kind, ok = "publish", status == 201
        else:
            if used >= len(held):
                sys.exit("no held comments left to approve: raise the number set up")
            comment = held[used]
            used += 1
            t0 = time.perf_counter()
            status, _, _ = admin_post(base, state["session"], state["csrf"], "/admin/comments/bulk",
                                      {"action": "approve", "id": str(comment), "status": "pending"})
            took = time.perf_counter() - t0
            kind, ok = "approve", status == 303
        rows.append((kind, status, ok, took * 1000, begin - started))
        i += 1
        next_start = begin + interval
    with open(used_file, "w") as f:
        f.write(str(used))
    with open(out, "w") as f:
        for kind, status, ok, ms, at in rows:
            f.write(f"{kind}\t{status}\t{int(ok)}\t{ms:.3f}\t{at:.3f}\n")
    bad = [r for r in rows if not r[2]]
    if bad:
        sys.exit(f"{len(bad)} writes failed, e.g. {bad[0][0]} answered {bad[0][1]}")

if __name__ == "__main__":
    if sys.argv[1] == "setup":
        setup(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]), sys.argv[6])
    elif sys.argv[1] == "write":
        write(sys.argv[2], sys.argv[3], sys.argv[4], float(sys.argv[5]), float(sys.argv[6]),
              sys.argv[7], sys.argv[8])
    else:
        sys.exit("usage: writer.py setup|write ...")
PY
# One approval every second write: enough held comments for every run, with a margin.
COMMENTS=$(( RUNS * (DURATION * WRITE_RATE / 2 + 2) + 5 ))
log "setting up: $COMMENTS held comments"
python3 "$TMP/writer.py" setup "$BASE" "$ADMIN_EMAIL" "$ADMIN_PASSWORD" "$COMMENTS" "$TMP/writer.json" >&2

# --- measurements ----------------------------------------------------------------------------
export MIXED_PATHS="$TMP/paths.txt"
export MIXED_COUNT="$COUNT"
WRK=(taskset -c "$WRK_CPU" wrk -t1 -c"$CONNECTIONS" --latency -s "$BENCH_DIR/mixed.lua")
mkdir -p "$TMP/results"
: >"$TMP/loads"
phase() { # A|B RUN
    local p="$1" run="$2"
    "${WRK[@]}" -d"${WARMUP}s" "$BASE" >/dev/null
    log "run $run/$RUNS phase $p: ${WRK[*]} -d${DURATION}s $BASE"
    if [ "$p" = B ]; then
        taskset -c "$WRK_CPU" python3 "$TMP/writer.py" write "$BASE" "$TMP/writer.json" "$TOKEN" \
            "$DURATION" "$WRITE_RATE" "$run" "$TMP/results/writes.$run.tsv" &
        WRITER_PID=$!
    fi
    "${WRK[@]}" -d"${DURATION}s" "$BASE" >"$TMP/results/$p.$run.txt" &
    WRK_PID=$!
    wait "$WRK_PID" || die "wrk failed: $(cat "$TMP/results/$p.$run.txt")"
    WRK_PID=""
    if [ "$p" = B ]; then
        wait "$WRITER_PID" || die "the writer failed (run $run)"
        WRITER_PID=""
    fi
    grep -E 'Requests/sec|^ +(50|99)%|Non-2xx|Socket errors|^mixed:' "$TMP/results/$p.$run.txt" \
        | tr -s ' ' | sed 's/^/[mixed]    /' >&2
    kill -0 "$SERVER_PID" 2>/dev/null || { tail -20 "$TMP/server.log" >&2; die "the server died"; }
}
for run in $(seq "$RUNS"); do
    wait_quiet "run $run"
    before="$(cut -d' ' -f1-3 /proc/loadavg)"
    log "run $run/$RUNS (load before: $before)"
    phase A "$run"
    phase B "$run"
    after="$(cut -d' ' -f1-3 /proc/loadavg)"
    log "run $run/$RUNS done (load after: $after)"
    printf '%s\t%s\t%s\n' "$run" "$before" "$after" >>"$TMP/loads"
done

# --- report ----------------------------------------------------------------------------------
ARTICLES_AFTER="$(curl -sf "$BASE/api/v1/articles?per_page=1" | python3 -c 'import json,sys; print(json.load(sys.stdin).get("total", "?"))' || echo '?')"
export RUNS DURATION WARMUP CONNECTIONS WRITE_RATE SERVER_CPU WRK_CPU LABEL COMMIT BIN BIN_DATE \
    NOT_QUIET ARTICLES_AFTER COUNT
export MIX="$(cat "$TMP/mix.txt")"
export CPU_MODEL="$(lscpu | sed -n 's/^Model name: *//p' | head -1)"
export NPROC="$(nproc)"
export MEMORY="$(free -h | awk '/^Mem:/ {print $2}')"
export KERNEL="$(uname -sr)"
export WRK_VERSION="$(wrk --version 2>&1 | head -1 | awk '{print $2}' || true)"
python3 - "$TMP/results" "$TMP/loads" <<'PY'
import os, re, statistics, sys

results, loads_file = sys.argv[1], sys.argv[2]
e = os.environ
runs = int(e["RUNS"])
UNIT = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}
def ms(text):
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    return float(m.group(1)) * UNIT[m.group(2)]
def wrk(path):
    text = open(path, encoding="utf-8").read()
    lat = dict(re.findall(r"^\s+(50|99)%\s+(\S+)", text, re.M))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    errors = re.search(r"Socket errors: (.*)", text)
    counted = re.search(r"^mixed: (.*)", text, re.M)
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1)),
            "p50": ms(lat["50"]), "p99": ms(lat["99"]),
            "non2xx": int(non2xx.group(1)) if non2xx else 0,
            "errors": errors.group(1).strip() if errors else "",
            "counted": counted.group(1) if counted else ""}
def pct(values, p):
    values = sorted(values)
    if not values:
        return float("nan")
    i = max(1, -(-len(values) * p // 100)) - 1
    return values[int(i)]
def writes(run):
    rows = [l.rstrip("\n").split("\t") for l in open(f"{results}/writes.{run}.tsv")]
    out = {}
    for kind in ("all", "publish", "approve"):
        ms_ = [float(r[3]) for r in rows if kind == "all" or r[0] == kind]
        out[kind] = {"n": len(ms_), "p50": pct(ms_, 50), "p99": pct(ms_, 99), "max": max(ms_, default=float("nan"))}
    return out
A = [wrk(f"{results}/A.{r}.txt") for r in range(1, runs + 1)]
B = [wrk(f"{results}/B.{r}.txt") for r in range(1, runs + 1)]
W = [writes(r) for r in range(1, runs + 1)]
med = statistics.median
def f(x, d=1):
    return f"{x:,.{d}f}".replace(",", " ")

print(f"### Mixed read load with and without writes (bench/mixed.sh): {e['LABEL']}\n")
print(f"Machine: {e['NPROC']} cores, {e['CPU_MODEL']}, {e['MEMORY']} RAM, {e['KERNEL']}. "
      f"Binary: {e['BIN']} (commit {e['COMMIT']}, built {e['BIN_DATE']}).")
print(f"Command: `RUNS={e['RUNS']} DURATION={e['DURATION']} WARMUP={e['WARMUP']} "
      f"CONNECTIONS={e['CONNECTIONS']} WRITE_RATE={e['WRITE_RATE']} bench/mixed.sh`; "
      f"server pinned to CPU {e['SERVER_CPU']}, wrk {e['WRK_VERSION']} (-t1 -c{e['CONNECTIONS']}) and the writer to CPU {e['WRK_CPU']}; "
      f"SQLite, demo site. Read mix: {e['MIX']}. Articles at the end: {e['ARTICLES_AFTER']}.")
print(f"Medians over {runs} runs (phase A then B in each run, {e['DURATION']} s each); "
      f"B's share of A is the median of B over the median of A (the median of the runs' own "
      f"ratios: {statistics.median(100 * b['rps'] / a['rps'] for a, b in zip(A, B)):.0f} %).\n")
ra, rb = med(x["rps"] for x in A), med(x["rps"] for x in B)
print("| phase | reads req/s | reads p50 ms | reads p99 ms | writes | write p50 ms | write p99 ms |")
print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
print(f"| A read-only | {f(ra, 0)} | {f(med(x['p50'] for x in A), 2)} | {f(med(x['p99'] for x in A), 2)} | – | – | – |")
for kind, label in (("all", "all writes"), ("publish", "publish"), ("approve", "approve")):
    head = (f"| B with writes | {f(rb, 0)} ({100 * rb / ra:.0f} % of A) | {f(med(x['p50'] for x in B), 2)} | "
            f"{f(med(x['p99'] for x in B), 2)} |") if kind == "all" else "| ↳ " + label + " | | | |"
    print(f"{head} {med(w[kind]['n'] for w in W):.0f} | {f(med(w[kind]['p50'] for w in W), 1)} | "
          f"{f(med(w[kind]['p99'] for w in W), 1)} |")
print("\nEvery run:\n")
print("| run | A req/s | A p50 | A p99 | B req/s | B/A | B p50 | B p99 | writes (publish+approve) | write p50 | write p99 | write max | publish p50 / p99 | approve p50 / p99 |")
print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
for r in range(runs):
    a, b, w = A[r], B[r], W[r]
    print(f"| {r + 1} | {f(a['rps'], 0)} | {f(a['p50'], 2)} | {f(a['p99'], 2)} | {f(b['rps'], 0)} | "
          f"{100 * b['rps'] / a['rps']:.0f} % | "
          f"{f(b['p50'], 2)} | {f(b['p99'], 2)} | {w['all']['n']} ({w['publish']['n']}+{w['approve']['n']}) | "
          f"{f(w['all']['p50'])} | {f(w['all']['p99'])} | {f(w['all']['max'])} | "
          f"{f(w['publish']['p50'])} / {f(w['publish']['p99'])} | {f(w['approve']['p50'])} / {f(w['approve']['p99'])} |")
problems = [f"run {r + 1} {p}: {x['non2xx']} non-2xx/3xx, socket errors {x['errors'] or 'none'}"
            for r in range(runs) for p, x in (("A", A[r]), ("B", B[r])) if x["non2xx"] or x["errors"]]
print("\nLatencies in ms. " + ("Errors: " + "; ".join(problems) + "." if problems else "No non-2xx answers or socket errors."))
counted = [f"run {r + 1} {p}: {x['counted']}" for r in range(runs) for p, x in (("A", A[r]), ("B", B[r])) if x["counted"]]
if counted:
    print("Counted by wrk (COUNT=1): " + "; ".join(counted) + ".")
loads = [l.rstrip("\n").split("\t") for l in open(loads_file)]
print("Load average (1, 5, 15 min) before → after each run: " +
      "; ".join(f"run {r}: {b} → {a}" for r, b, a in loads) + ".")
if e.get("NOT_QUIET"):
    print(f"Not quiet when measured:{e['NOT_QUIET']}")
PY
