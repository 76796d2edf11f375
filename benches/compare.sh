#!/usr/bin/env bash
# Side-by-side benchmark of dialogue-graph against the servers a user would
# run instead, on the same machine, in one run, alternating systems:
#   - Oxigraph's own server (`pip install oxigraph`, its `oxigraph serve`)
#   - RickView (`cargo install rickview`), if `rickview` is on PATH
#   - a static 5 KB axum response (examples/static_ceiling.rs), the ceiling
# for synthetic graphs of 1,000 and 10,000 events (~100k and ~1M triples)
# made by `dialogue-graph generate`.
#
# Measures: load/start-up time, entity dereference throughput and latency
# with wrk (16 connections, 10 s; one entity repeated, and cycling through
# 10,000 entities), a SPARQL GROUP BY/ORDER BY/LIMIT query (median of 20,
# first run and repeated), full dump time (N-Triples and Turtle), and peak
# RSS of each server. Prints a Markdown table; BENCHMARKS.md keeps a run.
#
# Binds 127.0.0.1 only, bounds every step with `timeout`, and stops every
# process it started (trap on exit).
#
# Usage: benches/compare.sh [EVENTS...]   (default: 1000 10000)
set -euo pipefail
cd "$(dirname "$0")/.."

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/dialogue-graph/target}"
work="$(mktemp -d /tmp/dialogue-graph-bench.XXXXXX)"
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

command -v wrk >/dev/null || { echo "needs wrk (apt-get install wrk)" >&2; exit 1; }
venv="${DIALOGUE_GRAPH_BENCH_VENV:-$HOME/.cache/dialogue-graph/bench-venv}"
if [ ! -x "$venv/bin/oxigraph" ]; then
    python3 -m venv "$venv" && "$venv/bin/pip" install -q oxigraph
fi
OXIGRAPH="$venv/bin/oxigraph"
cargo build --release --quiet --bin dialogue-graph --example static_ceiling
DG="$CARGO_TARGET_DIR/release/dialogue-graph"
STATIC="$CARGO_TARGET_DIR/release/examples/static_ceiling"
BASE="http://127.0.0.1:8080/"

now() { date +%s.%N; }
elapsed() { echo "$(now) - $1" | bc; }
wait_ready() { # url, seconds
    local deadline=$(( $(date +%s) + $2 ))
    until curl -sf -o /dev/null "$1"; do
        [ "$(date +%s)" -lt "$deadline" ] || { echo "not ready: $1" >&2; return 1; }
        sleep 0.05
    done
}
peak_rss_mb() { awk '/VmHWM/ {printf "%.0f", $2/1024}' "/proc/$1/status"; }
# wrk: "requests/s p50 p99" for a URL, or with a Lua script cycling paths.
bench_wrk() { # url accept [paths-file]
    local script="$work/bench.lua"
    cat >"$script" <<LUA
local paths = {}
local file = os.getenv("PATHS")
if file and file ~= "" then for line in io.lines(file) do paths[#paths + 1] = line end end
local i = math.random(1, 10000)
request = function()
  if #paths == 0 then return wrk.format("GET", nil, {["Accept"] = "$2"}) end
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1], {["Accept"] = "$2"})
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT %.0f %.2f %.2f %d\n", summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.timeout))
end
LUA
    PATHS="${3:-}" timeout 30 wrk -t2 -c16 -d10s --latency -s "$script" "$1" | awk '/^RESULT/ {print $2, $3, $4, $5}'
}
# Median wall time (ms) of 20 runs of a query, and the first run's.
bench_query() { # endpoint-url query
    local times=()
    for _ in $(seq 20); do
        times+=("$(curl -s -o /dev/null -w '%{time_total}' --max-time 60 \
            -H 'Accept: application/sparql-results+json' \
            --data-urlencode "query=$2" "$1")")
    done
    local first="${times[0]}"
    local median
    median=$(printf '%s\n' "${times[@]:1}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
    echo "$(echo "$first * 1000" | bc) $(echo "$median * 1000" | bc)"
}
bench_dump() { # url accept -> seconds
    curl -s -o /dev/null -w '%{time_total}' --max-time 300 -H "Accept: $2" "$1"
}

QUERY='PREFIX schema: <http://schema.org/>
SELECT ?place (COUNT(?event) AS ?events) WHERE {
  ?event a schema:Event ; schema:location ?place ; schema:organizer ?organiser .
} GROUP BY ?place ORDER BY DESC(?events) ?place LIMIT 10'

echo "# dialogue-graph benchmark, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GB", $2/1e6}' /proc/meminfo)"
echo "# $("$DG" --version), $("$OXIGRAPH" --version), wrk 2 threads 16 connections 10 s"
[ -x "$(command -v rickview || true)" ] && echo "# $(rickview --version 2>&1 | head -1)" || echo "# RickView: not installed, not measured"

for events in "${@:-1000 10000}"; do
for events in $events; do
    data="$work/data-$events"
    mkdir -p "$data"
    "$DG" generate --events "$events" --output "$data/synthetic.ttl" 2>"$work/gen.log"
    triples=$(wc -l <"$data/synthetic.ttl")
    ln -sf "$data/synthetic.ttl" "$work/synthetic-$events.nt"
    entity="event/dialogue-$((events / 2))"
    seq 0 $((events < 10000 ? events - 1 : 9999)) | sed 's|^|/page/event/dialogue-|' >"$work/pages.txt"
    sed 's|/page/|/data/|; s|$|.ttl|' "$work/pages.txt" >"$work/docs.txt"
    while read -r p; do
        iri="${BASE}id/${p#/page/}"
        printf '/query?query=%s\n' "$(python3 -c 'import sys,urllib.parse;print(urllib.parse.quote(sys.argv[1]))' "DESCRIBE <$iri>")"
    done < <(head -n 2000 "$work/pages.txt") >"$work/describes.txt"

    echo
    echo "## $events events, $triples triples"
    echo
    echo "| measure | dialogue-graph | Oxigraph server | ratio |"
    echo "|---|---|---|---|"

    # --- dialogue-graph: start-up = parse and load into memory, then ready.
    t0=$(now)
    "$DG" serve --bind 127.0.0.1:8391 --base-iri "$BASE" --data-dir "$data" --max-rows 0 --query-timeout 120 2>"$work/dg.log" &
    pids+=($!); dg=$!
    wait_ready http://127.0.0.1:8391/readyz 300
    dg_start=$(elapsed "$t0")
    # --- Oxigraph: load into its RocksDB store, then start.
    t0=$(now)
    timeout 600 "$OXIGRAPH" load --location "$work/ox-$events" --file "$work/synthetic-$events.nt" >/dev/null 2>&1
    ox_load=$(elapsed "$t0")
    t0=$(now)
    "$OXIGRAPH" serve-read-only --location "$work/ox-$events" --bind 127.0.0.1:8392 2>/dev/null &
    pids+=($!); ox=$!
    wait_ready "http://127.0.0.1:8392/query?query=ASK%7B%7D" 120
    ox_start=$(elapsed "$t0")
    printf '| load + start-up (s) | %.1f (in memory, from Turtle) | %.1f load + %.1f start |  |\n' "$dg_start" "$ox_load" "$ox_start"

    # Entity dereference, one entity repeated.
    read -r dg_html dg_html50 dg_html99 dg_err1 < <(bench_wrk "http://127.0.0.1:8391/page/$entity" "text/html")
    read -r dg_ttl dg_ttl50 dg_ttl99 dg_err2 < <(bench_wrk "http://127.0.0.1:8391/data/$entity.ttl" "text/turtle")
    describe=$(python3 -c 'import sys,urllib.parse;print(urllib.parse.quote(sys.argv[1]))' "DESCRIBE <${BASE}id/$entity>")
    read -r ox_ttl ox_ttl50 ox_ttl99 ox_err < <(bench_wrk "http://127.0.0.1:8392/query?query=$describe" "text/turtle")
    printf '| one entity, HTML page (req/s, p50/p99 ms) | %s (%s / %s) | — |  |\n' "$dg_html" "$dg_html50" "$dg_html99"
    printf '| one entity, Turtle (req/s, p50/p99 ms) | %s (%s / %s) | %s (%s / %s) DESCRIBE | %.1fx |\n' \
        "$dg_ttl" "$dg_ttl50" "$dg_ttl99" "$ox_ttl" "$ox_ttl50" "$ox_ttl99" "$(echo "$dg_ttl / $ox_ttl" | bc -l)"
    # Cycling through up to 10,000 different entities.
    read -r dg_cyc dg_cyc50 dg_cyc99 dg_err3 < <(bench_wrk "http://127.0.0.1:8391" "text/turtle" "$work/docs.txt")
    read -r dg_cych dg_cych50 dg_cych99 dg_err4 < <(bench_wrk "http://127.0.0.1:8391" "text/html" "$work/pages.txt")
    read -r ox_cyc ox_cyc50 ox_cyc99 ox_err2 < <(bench_wrk "http://127.0.0.1:8392" "text/turtle" "$work/describes.txt")
    printf '| cycling entities, HTML (req/s, p50/p99 ms) | %s (%s / %s) | — |  |\n' "$dg_cych" "$dg_cych50" "$dg_cych99"
    printf '| cycling entities, Turtle (req/s, p50/p99 ms) | %s (%s / %s) | %s (%s / %s) DESCRIBE | %.1fx |\n' \
        "$dg_cyc" "$dg_cyc50" "$dg_cyc99" "$ox_cyc" "$ox_cyc50" "$ox_cyc99" "$(echo "$dg_cyc / $ox_cyc" | bc -l)"

    # SPARQL: first run and median of the next 19.
    read -r dg_q1 dg_qm < <(bench_query http://127.0.0.1:8391/sparql "$QUERY")
    read -r ox_q1 ox_qm < <(bench_query http://127.0.0.1:8392/query "$QUERY")
    printf '| SPARQL GROUP BY, first run (ms) | %.1f | %.1f | %.2fx time |\n' "$dg_q1" "$ox_q1" "$(echo "$dg_q1 / $ox_q1" | bc -l)"
    printf '| SPARQL GROUP BY, repeated, median (ms) | %.1f | %.1f | %.1fx faster |\n' "$dg_qm" "$ox_qm" "$(echo "$ox_qm / $dg_qm" | bc -l)"

    # Dumps: ours are built on first request, then served from memory.
    dg_nt1=$(bench_dump http://127.0.0.1:8391/dumps/dialogue-graph.nt "*/*")
    dg_nt2=$(bench_dump http://127.0.0.1:8391/dumps/dialogue-graph.nt "*/*")
    dg_ttl2=$(bench_dump http://127.0.0.1:8391/dumps/dialogue-graph.ttl "*/*")
    ox_nt=$(bench_dump "http://127.0.0.1:8392/store?default" "application/n-triples")
    ox_ttld=$(bench_dump "http://127.0.0.1:8392/store?default" "text/turtle")
    printf '| dump N-Triples (s) | %.2f first (builds all 8 files), %.3f after | %.2f | %.0fx faster after |\n' "$dg_nt1" "$dg_nt2" "$ox_nt" "$(echo "$ox_nt / $dg_nt2" | bc -l)"
    printf '| dump Turtle (s) | %.3f | %.2f | %.0fx faster |\n' "$dg_ttl2" "$ox_ttld" "$(echo "$ox_ttld / $dg_ttl2" | bc -l)"
    printf '| peak RSS (MB) | %s | %s | %.2fx |\n' "$(peak_rss_mb $dg)" "$(peak_rss_mb $ox)" "$(echo "$(peak_rss_mb $dg) / $(peak_rss_mb $ox)" | bc -l)"
    printf '| wrk errors | %s | %s |  |\n' "$((dg_err1 + dg_err2 + dg_err3 + dg_err4))" "$((ox_err + ox_err2))"
    kill "$dg" "$ox"; wait "$dg" "$ox" 2>/dev/null || true
done
done

# The ceiling: a static page from axum.
"$STATIC" 127.0.0.1:8393 2>/dev/null &
pids+=($!)
wait_ready http://127.0.0.1:8393/ 30
read -r st st50 st99 _ < <(bench_wrk http://127.0.0.1:8393/ "text/html")
echo
echo "Ceiling: static 5 KB axum response: $st req/s (p50 $st50 ms, p99 $st99 ms)"
