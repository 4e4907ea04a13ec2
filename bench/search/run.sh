#!/bin/sh
# Search benchmark: Sahifa's index vs SQLite FTS5 on the same generated Arabic corpus and
# queries, in one run; writes the results into docs/BENCHMARKS.md between
# <!-- bench:search:start --> and <!-- bench:search:end -->.
#
#   bench/search/run.sh                 # 100 000 articles, 10 query rounds
#   ARTICLES=20000 ROUNDS=3 bench/search/run.sh
#
# The corpus database is kept in target/search-bench and reused when it already holds the
# same corpus (same ARTICLES and SEED). Mind the machine's load: figures from a busy
# machine are worth little, so the load average is recorded next to them.
set -eu
cd "$(dirname "$0")/../.."
ARTICLES="${ARTICLES:-100000}"
ROUNDS="${ROUNDS:-10}"
SEED="${SEED:-20261201}"
DIR="${DIR:-target/search-bench}"
cargo build --release -p sahifa-search --example search_bench
mkdir -p "$DIR"
# Quality on the evaluation set (the same test CI runs, which fails below the floors).
cargo test -p sahifa-search --test eval -- --nocapture 2>/dev/null \
  | grep -E '^(\||evaluation set|queries Sahifa misses)' > "$DIR/quality.md"
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
"${CARGO_TARGET_DIR:-target}"/release/examples/search_bench --articles "$ARTICLES" --rounds "$ROUNDS" --seed "$SEED" --dir "$DIR"
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"
python3 bench/search/update_doc.py "$DIR/report.md" "$DIR/quality.md" docs/BENCHMARKS.md \
  "ARTICLES=$ARTICLES ROUNDS=$ROUNDS SEED=$SEED bench/search/run.sh" "$load_before" "$load_after"
