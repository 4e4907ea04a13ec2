#!/usr/bin/env bash
# Lighthouse (mobile) over the public page types of the demo site: Sahifa's release build
# in a throwaway data dir, Lighthouse 12.2.3 (pinned, installed into target/lighthouse)
# driving Debian's Chromium headless with its default mobile emulation and simulated
# throttling. Prints the four category scores per page and exits 1 when any is below 100
# (except SEO lost only to robots.txt's deliberate `Disallow: /search`, reported apart).
# The section between <!-- bench:lighthouse:start --> and <!-- bench:lighthouse:end --> in
# docs/BENCHMARKS.md is rewritten with the scores (appended the first time).
#
# Usage: bench/lighthouse.sh
#
# Environment:
#   NO_BUILD=1    skip `cargo build --release -p sahifa`
#   NO_WRITE=1    print the section instead of writing docs/BENCHMARKS.md
#   EXTRA_PAGES   more pages, "name=/path name2=/path2" (e.g. "page=/page/about")
#   CHROME_PATH   the browser (default /usr/bin/chromium)
#
# Needs: cargo, node and npm (Debian: nodejs npm), chromium, curl, python3 (stdlib).
# Reports (JSON, one per page) are kept in bench/out/lighthouse/ (ignored by git).
set -euo pipefail

LH_VERSION=12.2.3
# The axe-core Lighthouse's accessibility audits run: the same release as the suite's gate
# (crates/sahifa/tests/suite/accessibility.rs), so both judge a page by the same rules.
AXE_VERSION=4.10.2
CATEGORIES=performance,accessibility,best-practices,seo

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
BIN="$TARGET/release/sahifa"
LH_DIR="$TARGET/lighthouse"
LH="$LH_DIR/node_modules/.bin/lighthouse"
OUT="$ROOT/bench/out/lighthouse"
DOC="$ROOT/docs/BENCHMARKS.md"
export CHROME_PATH="${CHROME_PATH:-/usr/bin/chromium}"

log() { printf '[lighthouse] %s\n' "$*" >&2; }
die() { printf '[lighthouse] error: %s\n' "$*" >&2; exit 2; }

for tool in node npm curl python3; do
    command -v "$tool" >/dev/null || die "$tool is not installed (Debian: apt-get install nodejs npm curl python3)"
done
[ -x "$CHROME_PATH" ] || die "$CHROME_PATH not found (Debian: apt-get install chromium)"

# --- Lighthouse, pinned -------------------------------------------------------------------
if [ "$("$LH" --version 2>/dev/null || true)" != "$LH_VERSION" ]; then
    log "installing lighthouse@$LH_VERSION axe-core@$AXE_VERSION into $LH_DIR"
    mkdir -p "$LH_DIR"
    npm install --silent --no-audit --no-fund --save-exact --prefix "$LH_DIR" \
        "lighthouse@$LH_VERSION" "axe-core@$AXE_VERSION" >&2
fi
[ "$("$LH" --version)" = "$LH_VERSION" ] || die "lighthouse $LH_VERSION did not install"

# --- build ----------------------------------------------------------------------------------
BUILD_CMD="cargo build --release -p sahifa"
if [ "${NO_BUILD:-0}" != 1 ]; then
    log "building: $BUILD_CMD"
    (cd "$ROOT" && $BUILD_CMD) >&2
fi
[ -x "$BIN" ] || die "$BIN missing (build failed?)"

TMP="$(mktemp -d -t sahifa-lighthouse.XXXXXX)"
SAHIFA_PID=""
cleanup() {
    local rc=$?
    set +e
    if [ -n "$SAHIFA_PID" ] && kill -0 "$SAHIFA_PID" 2>/dev/null; then
        kill -TERM "$SAHIFA_PID"
        for _ in $(seq 50); do kill -0 "$SAHIFA_PID" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$SAHIFA_PID" 2>/dev/null
    fi
    rm -rf "$TMP"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- the demo site --------------------------------------------------------------------------
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
BASE="http://127.0.0.1:$PORT"
mkdir -p "$TMP/data"
log "starting Sahifa on $BASE"
RUST_LOG=warn "$BIN" --data-dir "$TMP/data" serve --demo --addr "127.0.0.1:$PORT" \
    >"$TMP/sahifa.log" 2>&1 &
SAHIFA_PID=$!
for _ in $(seq 300); do curl -s -o /dev/null "$BASE/" && break; sleep 0.1; done
curl -s -o /dev/null "$BASE/" || { cat "$TMP/sahifa.log" >&2; die "Sahifa did not start"; }
# The search index is built in the background after a demo load: wait until it finds.
for _ in $(seq 300); do
    curl -s "$BASE/search?q=%D8%A5%D9%8A%D8%B1%D8%A7%D9%86" | grep -q 'class="card' && break
    sleep 0.2
done

# The page types of the suite's tours (crates/sahifa/tests/suite/common/pages.rs).
curl -sf "$BASE/api/v1/articles?per_page=100" -o "$TMP/articles.json" || die "cannot list articles"
PAGES="$(python3 - "$TMP/articles.json" "$BASE" <<'PY'
import json, re, sys, urllib.parse, urllib.request
items = json.load(open(sys.argv[1], encoding="utf-8"))["items"]
base = sys.argv[2]
hits = [i for i in items if "لافروف" in (i.get("title") or "")]
if not hits:
    sys.exit("no demo article whose title contains «لافروف»")
article = "/" + hits[0]["url"].split("://", 1)[1].split("/", 1)[1]
html = urllib.request.urlopen(base + urllib.parse.quote(article, safe="/%")).read().decode()
def first(prefix):
    m = re.search(r'href="(' + re.escape(prefix) + r'[^"]*)"', html)
    if not m:
        sys.exit(f"no {prefix} link on the model article")
    return m.group(1).replace("&amp;", "&")
q = lambda s: urllib.parse.quote(s, safe="")
pages = [
    ("home", "/"),
    ("article", urllib.parse.quote(article, safe="/%")),
    ("category", "/category/" + q("سياسة")),
    ("subcategory", "/category/" + q("الخليج")),
    ("tag", urllib.parse.quote(first("/tag/"), safe="/%")),
    ("author", urllib.parse.quote(first("/author/"), safe="/%")),
    ("search", "/search?q=" + q("إيران")),
    ("search-empty", "/search?q=" + q("زرافةمجهولة")),
    ("static-page", "/page/" + q("من-نحن")),
    # A demo article with an embedded Telegram post: its click-to-load card.
    ("article-embed", "/article/" + q("الذكاء-الاصطناعي-يساعد-تركيا-على-إدارة-الطاقة-المتجددة")),
]
# Not the 404 page: Lighthouse refuses to audit a document answered with 404 ("unable to
# reliably load the page"); the suite's axe gate checks that page's accessibility.
for name, path in pages:
    print(f"{name}={path}")
PY
)"
for extra in ${EXTRA_PAGES:-}; do PAGES="$PAGES"$'\n'"$extra"; done

# --- Lighthouse over each page ------------------------------------------------------------
rm -rf "$OUT"
mkdir -p "$OUT"
CHROME_FLAGS="--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run --disable-background-networking --disable-component-update --disable-sync"
STARTED="$(date +%s)"
while IFS='=' read -r name path; do
    [ -n "$name" ] || continue
    log "$name: $BASE$path"
    "$LH" "$BASE$path" --quiet --output=json --output-path="$OUT/$name.json" \
        --only-categories="$CATEGORIES" --chrome-flags="$CHROME_FLAGS" \
        --max-wait-for-load=30000 >&2 || die "lighthouse failed on $path"
    echo "$name=$path" >>"$OUT/pages.txt"
done <<<"$PAGES"
ELAPSED=$(( $(date +%s) - STARTED ))

# --- report -------------------------------------------------------------------------------
export OUT DOC ELAPSED LH_VERSION AXE_VERSION BUILD_CMD
export NO_WRITE="${NO_WRITE:-0}" NO_BUILD="${NO_BUILD:-0}"
export GIT_COMMIT="$(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo unknown)"
if [ -n "$(cd "$ROOT" && git status --porcelain --untracked-files=no -- crates themes locales 2>/dev/null)" ]; then
    GIT_COMMIT="$GIT_COMMIT (with uncommitted changes in the source tree)"
fi
export CHROMIUM_VERSION="$("$CHROME_PATH" --version 2>/dev/null | head -1)"
export NODE_VERSION="$(node --version)"
export MACHINE="$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(free -h | awk '/^Mem:/ {print $2}') RAM, $(uname -sr)"
export LOAD="$(cut -d' ' -f1-3 /proc/loadavg)"
python3 - <<'PY'
import json, os, re, sys, time, urllib.parse

out, doc = os.environ["OUT"], os.environ["DOC"]
order = ["performance", "accessibility", "best-practices", "seo"]
titles = {"performance": "Performance", "accessibility": "Accessibility",
          "best-practices": "Best practices", "seo": "SEO"}
rows, below, deliberate = [], [], []

def robots_blocked(report):
    """Whether is-crawlable fails only because robots.txt disallows the page: the site
    keeps its search results out of search engines on purpose (a Disallow: /search)."""
    a = report["audits"].get("is-crawlable", {})
    items = (a.get("details") or {}).get("items") or []
    return bool(items) and all(
        str((i.get("source") or {}).get("url", "")).endswith("/robots.txt") for i in items)

for line in open(os.path.join(out, "pages.txt"), encoding="utf-8"):
    name, path = line.rstrip("\n").split("=", 1)
    report = json.load(open(os.path.join(out, name + ".json"), encoding="utf-8"))
    if report.get("runtimeError"):
        sys.exit(f"{name}: {report['runtimeError']}")
    scores = {}
    for cat in order:
        c = report["categories"].get(cat)
        if c is None:
            continue
        score = None if c["score"] is None else round(c["score"] * 100)
        scores[cat] = score
        if score is None or score < 100:
            # What holds the category back: its weighted audits that did not pass.
            lost, ids = [], []
            for ref in c["auditRefs"]:
                a = report["audits"][ref["id"]]
                if ref.get("weight", 0) > 0 and a.get("score") is not None and a["score"] < 1:
                    ids.append(ref["id"])
                    lost.append(f"{ref['id']} ({a.get('displayValue') or round(a['score'] * 100)})")
            line = f"{name} {path}: {titles[cat]} {score}: " + (", ".join(lost) or "?")
            if cat == "seo" and ids == ["is-crawlable"] and robots_blocked(report):
                deliberate.append((name, line))
            else:
                below.append(line)
    rows.append((name, path, scores, report.get("runWarnings", [])))

print()
print(f"{'page':<14} " + " ".join(f"{titles[c]:>14}" for c in order))
for name, path, scores, _ in rows:
    print(f"{name:<14} " + " ".join(f"{('-' if c not in scores else scores[c]):>14}" for c in order))
print()
for b in below:
    print("below 100: " + b)
for _, d in deliberate:
    print("below 100 on purpose (robots.txt keeps search results out of search engines): " + d)
for name, _, _, warnings in rows:
    for w in warnings:
        print(f"warning on {name}: {w}")

on_purpose = {n for n, _ in deliberate}
cell = lambda s: "–" if s is None else ("**%d**" % s if s < 100 else str(s))
md = [
    "<!-- bench:lighthouse:start -->",
    "## Lighthouse (mobile) on the public pages",
    "",
    "_Generated by `bench/lighthouse.sh`; do not edit by hand, rerun the script._",
    "",
    f"- **Date:** {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
    f"- **Machine:** {os.environ['MACHINE']}; load average {os.environ['LOAD']} after the run",
    f"- **Commit:** `{os.environ['GIT_COMMIT']}`, "
    + ("binary not rebuilt by this run (NO_BUILD=1)" if os.environ["NO_BUILD"] == "1"
       else f"built with `{os.environ['BUILD_CMD']}`"),
    f"- **Command:** `bench/lighthouse.sh`: Lighthouse {os.environ['LH_VERSION']} (axe-core "
    f"{os.environ['AXE_VERSION']}) on node {os.environ['NODE_VERSION']}, {os.environ['CHROMIUM_VERSION']} "
    "headless, default mobile emulation (Moto G Power) and simulated throttling (slow 4G, 4× CPU), "
    "one run per page against the demo site (`sahifa --data-dir TMP serve --demo`, release build, 127.0.0.1)",
    f"- **Time:** {os.environ['ELAPSED']} s for {len(rows)} pages",
    "",
    "| Page | Path | Performance | Accessibility | Best practices | SEO |",
    "|---|---|---:|---:|---:|---:|",
]
for name, path, scores, _ in rows:
    md.append(f"| {name} | `{urllib.parse.unquote(path)}` | " + " | ".join(
        (cell(scores.get(c)) + ("†" if c == "seo" and name in on_purpose else ""))
        if c in scores else "n/a" for c in order) + " |")
md.append("")
md.append("_The 404 page is not in the table: Lighthouse refuses to audit a page answered with "
          "404. The suite's axe-core gate (`suite/accessibility.rs`) checks its accessibility._")
if deliberate:
    md.append("")
    md.append("_†: the only SEO audit lost is \"Page is blocked from indexing\": `robots.txt` says "
              "`Disallow: /search`, on purpose (search result pages are thin, endless duplicates "
              "that search engines ask sites to keep out). Not counted as a failure._")
if below:
    md.append("")
    md.append("Below 100 in this run:")
    md.append("")
    md.extend(f"- {b}" for b in below)
md.append("<!-- bench:lighthouse:end -->")
section = "\n".join(md)

if os.environ["NO_WRITE"] == "1":
    print(section)
else:
    text = open(doc, encoding="utf-8").read()
    pattern = re.compile(r"<!-- bench:lighthouse:start -->.*?<!-- bench:lighthouse:end -->", re.S)
    if pattern.search(text):
        text = pattern.sub(lambda _: section, text)
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    open(doc, "w", encoding="utf-8").write(text)
    print(f"wrote the scores to {doc}", file=sys.stderr)
sys.exit(1 if below else 0)
PY
