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
command -v wrk >/dev/null || { echo "needs wrk (apt-get install wrk)" >&2; exit 1; }
venv="${DIALOGUE_GRAPH_BENCH_VENV:-$HOME/.cache/dialogue-graph/bench-venv}"
if [ ! -x "$venv/bin/oxigraph" ]; then
    python3 -m venv "$venv" && "$venv/bin/pip" install -q oxigraph
fi
OXIGRAPH="$venv/bin/oxigraph"
# The persistent store (RocksDB) is what big graphs are served from, and
# what Oxigraph's server uses: build it in (a long build the first time).
cargo build --release --quiet --features rocksdb --bin dialogue-graph --example static_ceiling
RICKVIEW="$(command -v rickview || true)"
DG="$CARGO_TARGET_DIR/release/dialogue-graph"
STATIC="$CARGO_TARGET_DIR/release/examples/static_ceiling"
BASE="http://127.0.0.1:8080/"

# Everything below runs in a network namespace of its own with only a
# loopback interface, so no server started here (RickView binds 0.0.0.0)
# can be reached from outside. Needs root or user namespaces.
if [ -z "${DIALOGUE_GRAPH_BENCH_NETNS:-}" ] && [ -n "$RICKVIEW" ]; then
    if unshare --net true 2>/dev/null; then
        export DIALOGUE_GRAPH_BENCH_NETNS=1
        exec unshare --net bash -c 'ip link set lo up && exec "$0" "$@"' "$PWD/benches/compare.sh" "$@"
    fi
    echo "# cannot make a network namespace: RickView (which binds 0.0.0.0) is skipped" >&2
    RICKVIEW=""
fi

work="$(mktemp -d /tmp/dialogue-graph-bench.XXXXXX)"
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

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
ratio() { echo "$1 / $2" | bc -l; }
# A peer's cell: "value" or a dash when the peer was not run.
cell() { if [ -n "$1" ]; then echo "$1"; else echo "—"; fi; }
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
# Two medians (ms): of 5 first runs (the query made new each time by a
# comment, so no result cache can answer it), and of 19 runs of one query
# repeated (same data version).
bench_query() { # endpoint-url query
    local fresh=() repeated=()
    time_query() {
        curl -s -o /dev/null -w '%{time_total}' --max-time 60 \
            -H 'Accept: application/sparql-results+json' --data-urlencode "query=$2" "$1"
    }
    median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
    for run in $(seq 5); do fresh+=("$(time_query "$1" "$2
# first run $run")")
    done
    for _ in $(seq 19); do repeated+=("$(time_query "$1" "$2")"); done
    echo "$(echo "$(printf '%s\n' "${fresh[@]}" | median) * 1000" | bc) $(echo "$(printf '%s\n' "${repeated[@]}" | median) * 1000" | bc)"
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
if [ -n "$RICKVIEW" ]; then echo "# RickView $(cargo install --list | awk '/^rickview / {print $2}' | tr -d 'v:')"; else echo "# RickView: not installed, not measured"; fi

for events in "${@:-1000 10000}"; do
for events in $events; do
    data="$work/data-$events"
    mkdir -p "$data"
    nt="$work/synthetic-$events.nt"
    "$DG" generate --events "$events" --output "$nt" 2>"$work/gen.log"
    triples=$(wc -l <"$nt")
    entity="event/dialogue-$((events / 2))"
    seq 0 $((events < 10000 ? events - 1 : 9999)) | sed 's|^|/page/event/dialogue-|' >"$work/pages.txt"
    sed 's|/page/|/data/|; s|$|.ttl|' "$work/pages.txt" >"$work/docs.txt"
    sed 's|^/page/|/|' "$work/pages.txt" >"$work/rickview.txt"
    while read -r p; do
        iri="${BASE}id/${p#/page/}"
        printf '/query?query=%s\n' "$(python3 -c 'import sys,urllib.parse;print(urllib.parse.quote(sys.argv[1]))' "DESCRIBE <$iri>")"
    done < <(head -n 2000 "$work/pages.txt") >"$work/describes.txt"

    echo
    echo "## $events events, $triples triples"
    echo
    echo "dialogue-graph serves its RocksDB store (\`load\`, then \`serve --store\`), as Oxigraph does."
    echo
    echo "| measure | dialogue-graph | Oxigraph server | RickView | vs Oxigraph | vs RickView |"
    echo "|---|---|---|---|---|---|"

    # --- Bulk load into each persistent store, alternating.
    # Into the default graph, as `oxigraph load` does (served below), and
    # into a named graph per file, dialogue-graph's default (six indexes
    # instead of three).
    t0=$(now)
    timeout 600 "$DG" load --quiet --default-graph --store "$work/dg-$events" --base-iri "$BASE" "$nt" 2>"$work/dg-load.log"
    dg_load=$(elapsed "$t0")
    t0=$(now)
    timeout 600 "$OXIGRAPH" load --location "$work/ox-$events" --file "$nt" >/dev/null 2>&1
    ox_load=$(elapsed "$t0")
    t0=$(now)
    timeout 600 "$DG" load --quiet --store "$work/dg-named-$events" --base-iri "$BASE" "$nt" 2>>"$work/dg-load.log"
    dg_load_named=$(elapsed "$t0")
    rm -rf "$work/dg-named-$events"
    printf '| bulk load into the default graph (s) | %.1f | %.1f | — (loads at start) | %.2fx time |  |\n' "$dg_load" "$ox_load" "$(ratio "$dg_load" "$ox_load")"
    printf '| bulk load, one named graph per file (s) | %.1f | — | — | %.2fx time |  |\n' "$dg_load_named" "$(ratio "$dg_load_named" "$ox_load")"

    # --- Start each server; start-up = until it answers.
    t0=$(now)
    "$DG" serve --store "$work/dg-$events" --bind 127.0.0.1:8391 --max-rows 0 --query-timeout 120 2>"$work/dg.log" &
    pids+=($!); dg=$!
    wait_ready http://127.0.0.1:8391/readyz 300
    dg_start=$(elapsed "$t0")
    t0=$(now)
    "$OXIGRAPH" serve-read-only --location "$work/ox-$events" --bind 127.0.0.1:8392 2>/dev/null &
    pids+=($!); ox=$!
    wait_ready "http://127.0.0.1:8392/query?query=ASK%7B%7D" 120
    ox_start=$(elapsed "$t0")
    rv_start=""; rv=""
    if [ -n "$RICKVIEW" ]; then
        t0=$(now)
        (cd "$work" && RICKVIEW_KB_FILE="$nt" RICKVIEW_NAMESPACE="${BASE}id/" RICKVIEW_PORT=8394 \
            RICKVIEW_LOG_LEVEL=error RICKVIEW_TITLE="bench" exec "$RICKVIEW") >"$work/rv.log" 2>&1 &
        pids+=($!); rv=$!
        wait_ready "http://127.0.0.1:8394/$entity" 600
        rv_start=$(printf '%.1f' "$(elapsed "$t0")")
    fi
    printf '| start-up (s) | %.1f | %.1f | %s (parses the file) |  |  |\n' "$dg_start" "$ox_start" "$(cell "$rv_start")"

    # Entity dereference, one entity repeated.
    describe=$(python3 -c 'import sys,urllib.parse;print(urllib.parse.quote(sys.argv[1]))' "DESCRIBE <${BASE}id/$entity>")
    read -r dg_html dg_html50 dg_html99 dg_err1 < <(bench_wrk "http://127.0.0.1:8391/page/$entity" "text/html")
    read -r ox_ttl ox_ttl50 ox_ttl99 ox_err < <(bench_wrk "http://127.0.0.1:8392/query?query=$describe" "text/turtle")
    read -r dg_ttl dg_ttl50 dg_ttl99 dg_err2 < <(bench_wrk "http://127.0.0.1:8391/data/$entity.ttl" "text/turtle")
    rv_html=""; rv_ttl=""; rv_cyc=""; rv_cych=""; rv_err=0
    if [ -n "$rv" ]; then
        read -r rv_html rv_html50 rv_html99 e1 < <(bench_wrk "http://127.0.0.1:8394/$entity" "text/html")
        read -r rv_ttl rv_ttl50 rv_ttl99 e2 < <(bench_wrk "http://127.0.0.1:8394/$entity" "text/turtle")
        rv_err=$((e1 + e2))
    fi
    printf '| one entity, HTML page (req/s, p50/p99 ms) | %s (%s / %s) | — | %s |  | %s |\n' "$dg_html" "$dg_html50" "$dg_html99" \
        "$([ -n "$rv_html" ] && echo "$rv_html ($rv_html50 / $rv_html99)" || echo —)" \
        "$([ -n "$rv_html" ] && printf '%.1fx' "$(ratio "$dg_html" "$rv_html")")"
    printf '| one entity, Turtle (req/s, p50/p99 ms) | %s (%s / %s) | %s (%s / %s) DESCRIBE | %s | %.1fx | %s |\n' \
        "$dg_ttl" "$dg_ttl50" "$dg_ttl99" "$ox_ttl" "$ox_ttl50" "$ox_ttl99" \
        "$([ -n "$rv_ttl" ] && echo "$rv_ttl ($rv_ttl50 / $rv_ttl99)" || echo —)" \
        "$(ratio "$dg_ttl" "$ox_ttl")" "$([ -n "$rv_ttl" ] && printf '%.1fx' "$(ratio "$dg_ttl" "$rv_ttl")")"
    # Cycling through up to 10,000 different entities.
    read -r dg_cych dg_cych50 dg_cych99 dg_err4 < <(bench_wrk "http://127.0.0.1:8391" "text/html" "$work/pages.txt")
    read -r ox_cyc ox_cyc50 ox_cyc99 ox_err2 < <(bench_wrk "http://127.0.0.1:8392" "text/turtle" "$work/describes.txt")
    read -r dg_cyc dg_cyc50 dg_cyc99 dg_err3 < <(bench_wrk "http://127.0.0.1:8391" "text/turtle" "$work/docs.txt")
    if [ -n "$rv" ]; then
        read -r rv_cych rv_cych50 rv_cych99 e3 < <(bench_wrk "http://127.0.0.1:8394" "text/html" "$work/rickview.txt")
        read -r rv_cyc rv_cyc50 rv_cyc99 e4 < <(bench_wrk "http://127.0.0.1:8394" "text/turtle" "$work/rickview.txt")
        rv_err=$((rv_err + e3 + e4))
    fi
    printf '| cycling entities, HTML (req/s, p50/p99 ms) | %s (%s / %s) | — | %s |  | %s |\n' "$dg_cych" "$dg_cych50" "$dg_cych99" \
        "$([ -n "$rv_cych" ] && echo "$rv_cych ($rv_cych50 / $rv_cych99)" || echo —)" \
        "$([ -n "$rv_cych" ] && printf '%.1fx' "$(ratio "$dg_cych" "$rv_cych")")"
    printf '| cycling entities, Turtle (req/s, p50/p99 ms) | %s (%s / %s) | %s (%s / %s) DESCRIBE | %s | %.1fx | %s |\n' \
        "$dg_cyc" "$dg_cyc50" "$dg_cyc99" "$ox_cyc" "$ox_cyc50" "$ox_cyc99" \
        "$([ -n "$rv_cyc" ] && echo "$rv_cyc ($rv_cyc50 / $rv_cyc99)" || echo —)" \
        "$(ratio "$dg_cyc" "$ox_cyc")" "$([ -n "$rv_cyc" ] && printf '%.1fx' "$(ratio "$dg_cyc" "$rv_cyc")")"

    # SPARQL: first runs (never cached) and a repeated query (RickView has no endpoint).
    read -r dg_q1 dg_qm < <(bench_query http://127.0.0.1:8391/sparql "$QUERY")
    read -r ox_q1 ox_qm < <(bench_query http://127.0.0.1:8392/query "$QUERY")
    printf '| SPARQL GROUP BY, first run, median of 5 (ms) | %.1f | %.1f | — | %.2fx time |  |\n' "$dg_q1" "$ox_q1" "$(ratio "$dg_q1" "$ox_q1")"
    printf '| SPARQL GROUP BY, repeated, median (ms) | %.1f | %.1f | — | %.1fx faster |  |\n' "$dg_qm" "$ox_qm" "$(ratio "$ox_qm" "$dg_qm")"

    # Dumps: ours are written to files on the first request, then streamed.
    dg_nt1=$(bench_dump http://127.0.0.1:8391/dumps/dialogue-graph.nt "*/*")
    dg_nt2=$(bench_dump http://127.0.0.1:8391/dumps/dialogue-graph.nt "*/*")
    dg_ttl2=$(bench_dump http://127.0.0.1:8391/dumps/dialogue-graph.ttl "*/*")
    ox_nt=$(bench_dump "http://127.0.0.1:8392/store?default" "application/n-triples")
    ox_ttld=$(bench_dump "http://127.0.0.1:8392/store?default" "text/turtle")
    printf '| dump N-Triples (s) | %.2f first (writes all 8 files), %.3f after | %.2f | — | %.0fx faster after |  |\n' "$dg_nt1" "$dg_nt2" "$ox_nt" "$(ratio "$ox_nt" "$dg_nt2")"
    printf '| dump Turtle (s) | %.3f | %.2f | — | %.0fx faster |  |\n' "$dg_ttl2" "$ox_ttld" "$(ratio "$ox_ttld" "$dg_ttl2")"
    dg_rss=$(peak_rss_mb $dg); ox_rss=$(peak_rss_mb $ox); rv_rss=""
    [ -n "$rv" ] && rv_rss=$(peak_rss_mb $rv)
    printf '| peak RSS (MB) | %s | %s | %s | %.2fx | %s |\n' "$dg_rss" "$ox_rss" "$(cell "$rv_rss")" "$(ratio "$dg_rss" "$ox_rss")" \
        "$([ -n "$rv_rss" ] && printf '%.2fx' "$(ratio "$dg_rss" "$rv_rss")")"
    printf '| wrk errors | %s | %s | %s |  |  |\n' "$((dg_err1 + dg_err2 + dg_err3 + dg_err4))" "$((ox_err + ox_err2))" "$([ -n "$rv" ] && echo "$rv_err" || echo —)"
    kill "$dg" "$ox" $rv; wait "$dg" "$ox" $rv 2>/dev/null || true
    rm -rf "$work/dg-$events" "$work/ox-$events"
done
done

# The ceiling: a static page from axum.
"$STATIC" 127.0.0.1:8393 2>/dev/null &
pids+=($!)
wait_ready http://127.0.0.1:8393/ 30
read -r st st50 st99 _ < <(bench_wrk http://127.0.0.1:8393/ "text/html")
echo
echo "Ceiling: static 5 KB axum response: $st req/s (p50 $st50 ms, p99 $st99 ms)"
