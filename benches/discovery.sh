#!/usr/bin/env bash
# What search and Triple Pattern Fragments cost on a synthetic graph
# (`generate`, default 10,000 events, about a million triples), served from
# a RocksDB store (`load`, then `serve --store`):
#
#   - how long the search index takes to build (the first search waits for
#     the build that starts when the data is served), and how many entities
#     it holds;
#   - searches per second and their latency with wrk (4 connections, 10 s),
#     for a Latin prefix and for Chinese characters inside names;
#   - a fragment page: the first, uncached request of a big pattern (matches
#     counted up to the limit of 10,000), a deep page of it (which still skips
#     every match before it), and pages per second once cached.
#
# Binds 127.0.0.1 only, bounds every step with `timeout`, and stops the
# server it started. Prints a Markdown table; BENCHMARKS.md keeps a run.
#
# Usage: benches/discovery.sh [EVENTS]
set -euo pipefail
cd "$(dirname "$0")/.."

EVENTS="${1:-10000}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/dialogue-graph/target}"
command -v wrk >/dev/null || { echo "needs wrk (apt-get install wrk)" >&2; exit 1; }
cargo build --release --quiet --features rocksdb --bin dialogue-graph
DG="$CARGO_TARGET_DIR/release/dialogue-graph"

work="$(mktemp -d)"
server=""
cleanup() {
    [ -n "$server" ] && kill "$server" 2>/dev/null || true
    sleep 1
    rm -rf "$work"
}
trap cleanup EXIT

PORT=18720
BASE="http://127.0.0.1:$PORT/"
URL="http://127.0.0.1:$PORT"
echo "generating $EVENTS events" >&2
"$DG" generate --events "$EVENTS" --base-iri "$BASE" -o "$work/data.nt"
triples=$(wc -l < "$work/data.nt")
timeout 900 "$DG" load --quiet --store "$work/store" --base-iri "$BASE" "$work/data.nt" 2>"$work/load.log"

"$DG" serve --store "$work/store" --bind "127.0.0.1:$PORT" 2>"$work/serve.log" &
server=$!
for _ in $(seq 1 600); do
    grep -q " on http://" "$work/serve.log" && break
    sleep 0.1
done
grep -q " on http://" "$work/serve.log" || { cat "$work/serve.log" >&2; exit 1; }
served=$(date +%s.%N)
# The index build started when the data was served; this search waits for it.
timeout 600 curl -sf -o /dev/null -H 'Accept: application/json' "$URL/search?q=event"
built=$(date +%s.%N)
build_s=$(echo "$built - $served" | bc -l)

seconds() { # URL: the time of one request, in seconds
    timeout 600 curl -sf -o /dev/null -w '%{time_total}' -H 'Accept: application/n-quads' "$1"
}
wrk_line() { # LABEL URL ACCEPT
    local out
    out=$(timeout 60 wrk -t2 -c4 -d10s --latency -H "Accept: $3" "$2")
    local rps p50 p99
    rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
    p50=$(echo "$out" | awk '$1=="50%" {print $2}')
    p99=$(echo "$out" | awk '$1=="99%" {print $2}')
    echo "| $1 | $rps | $p50 | $p99 |"
}

all="$URL/fragments?graph=$(python3 -c 'import urllib.parse,sys; print(urllib.parse.quote(sys.argv[1], safe=""))' "${BASE}fragments#union")"
first_page=$(seconds "$all")
deep_page=$(seconds "$all&page=5000")
label="$URL/fragments?predicate=http%3A%2F%2Fwww.w3.org%2F2000%2F01%2Frdf-schema%23label"
label_first=$(seconds "$label")

echo
echo "Graph: $EVENTS events, $triples triples"
echo
echo "| measure | value |"
echo "|---|---|"
echo "| search index built (first search after serving) | $(printf '%.1f' "$build_s") s |"
echo "| first fragment page of every triple (counts to 10,000) | $(printf '%.3f' "$first_page") s |"
echo "| page 5,000 of every triple (skips 499,900) | $(printf '%.3f' "$deep_page") s |"
echo "| first page of \`?s rdfs:label ?o\` | $(printf '%.3f' "$label_first") s |"
echo
echo "| request (wrk, 4 connections, 10 s) | req/s | p50 | p99 |"
echo "|---|---|---|---|"
wrk_line "search \`dial\` (Latin prefix, thousands of matches)" "$URL/search?q=dial&limit=10" "application/json"
wrk_line "search \`对话会\` (Chinese inside names)" "$URL/search?q=%E5%AF%B9%E8%AF%9D%E4%BC%9A&limit=10" "application/json"
wrk_line "search \`dialogue 123\` (two words, one match)" "$URL/search?q=dialogue%20123&limit=10" "application/json"
wrk_line "fragment page, cached" "$label" "application/n-quads"
