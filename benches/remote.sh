#!/usr/bin/env bash
# What serving from a remote SPARQL engine (`serve --sparql-endpoint`) costs,
# against the embedded store, on one synthetic graph (`generate`, default
# 1,000 events, ~100k triples):
#   - embedded: `serve --store` (RocksDB), the default way for big graphs
#   - oxigraph: Oxigraph's own server (`pip install oxigraph`) behind it
#   - virtuoso: Virtuoso 7 (Debian `virtuoso-opensource`) behind it
#
# For each: entity pages with wrk (8 connections, 10 s) cycling through all
# events with the response cache off (every page is built: five queries to
# the engine), the same with the cache on (what users mostly get), one cold
# page's latency (median of 20), and a full N-Triples dump. The remote
# backends run with --sparql-refresh 3600, so no new data version starts
# (emptying the cache) in the middle of a run. Prints a Markdown table;
# BENCHMARKS.md keeps a run.
#
# Binds 127.0.0.1 only, bounds every step with `timeout`, and stops every
# process it started (trap on exit).
#
# Usage: benches/remote.sh [EVENTS]
set -euo pipefail
cd "$(dirname "$0")/.."

EVENTS="${1:-1000}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/dialogue-graph/target}"
command -v wrk >/dev/null || { echo "needs wrk (apt-get install wrk)" >&2; exit 1; }
command -v virtuoso-t >/dev/null || { echo "needs virtuoso-t (apt-get install virtuoso-opensource)" >&2; exit 1; }
venv="${DIALOGUE_GRAPH_BENCH_VENV:-$HOME/.cache/dialogue-graph/bench-venv}"
if [ ! -x "$venv/bin/oxigraph" ]; then
    python3 -m venv "$venv" && "$venv/bin/pip" install -q oxigraph
fi
OXIGRAPH="$venv/bin/oxigraph"
cargo build --release --quiet --features rocksdb --bin dialogue-graph
DG="$CARGO_TARGET_DIR/release/dialogue-graph"

work="$(mktemp -d)"
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    sleep 1
    for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

PORT=18700
BASE="http://127.0.0.1:$PORT/"
GRAPH="${BASE}graph/synthetic"
wait_for() { # URL
    for _ in $(seq 1 300); do
        curl -sf -o /dev/null "$1" && return 0
        sleep 0.2
    done
    echo "no answer from $1" >&2
    return 1
}

echo "generating $EVENTS events" >&2
"$DG" generate --events "$EVENTS" --base-iri "$BASE" -o "$work/data.nt"
triples=$(wc -l < "$work/data.nt")
# Every event's page path, for the cycling runs.
grep -o "<${BASE}id/event/[^>]*>" "$work/data.nt" | sort -u | sed "s|<${BASE}id/|/page/|; s|>$||" > "$work/paths"
cat > "$work/cycle.lua" <<EOF
local paths = {}
for line in io.lines("$work/paths") do paths[#paths + 1] = line end
local i = 0
request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i], { ["Accept"] = "text/html" })
end
EOF

# The embedded store.
timeout 300 "$DG" load --quiet --store "$work/store" --base-iri "$BASE" "$work/data.nt"

# Oxigraph's server, loaded into one named graph.
"$OXIGRAPH" serve --location "$work/oxigraph" --bind 127.0.0.1:18701 >/dev/null 2>&1 &
pids+=($!)
wait_for "http://127.0.0.1:18701/query?query=ASK%7B%7D"
timeout 300 curl -sf -X PUT -H "Content-Type: application/n-triples" --data-binary "@$work/data.nt" \
    "http://127.0.0.1:18701/store?graph=$GRAPH"

# Virtuoso, loaded with its own loader.
mkdir -p "$work/virtuoso"
cat > "$work/virtuoso/virtuoso.ini" <<EOF
[Database]
DatabaseFile = $work/virtuoso/v.db
ErrorLogFile = $work/virtuoso/v.log
LockFile = $work/virtuoso/v.lck
TransactionFile = $work/virtuoso/v.trx
xa_persistent_file = $work/virtuoso/v.pxa
[TempDatabase]
DatabaseFile = $work/virtuoso/v-temp.db
TransactionFile = $work/virtuoso/v-temp.trx
[Parameters]
ServerPort = 127.0.0.1:18711
DisableUnixSocket = 1
DirsAllowed = ., $work
NumberOfBuffers = 170000
MaxDirtyBuffers = 130000
[HTTPServer]
ServerPort = 127.0.0.1:18702
ServerRoot = /var/lib/virtuoso-opensource-7/vsp
ServerThreads = 10
[SPARQL]
ResultSetMaxRows = 10000
MaxQueryExecutionTime = 60
EOF
(cd "$work/virtuoso" && exec virtuoso-t +configfile virtuoso.ini +foreground >/dev/null 2>&1) &
pids+=($!)
wait_for "http://127.0.0.1:18702/sparql?query=ASK%7B%7D"
timeout 600 isql-vt 127.0.0.1:18711 dba dba \
    "exec=DB.DBA.TTLP_MT(file_to_string_output('$work/data.nt'), '', '$GRAPH', 0); checkpoint;" >/dev/null

serve() { # NAME EXTRA-ARGS...
    local name="$1"; shift
    "$DG" serve --bind "127.0.0.1:$PORT" --base-iri "$BASE" --dump-dir "$work/dumps-$name" "$@" \
        > "$work/serve-$name.log" 2>&1 &
    server=$!
    pids+=("$server")
    wait_for "http://127.0.0.1:$PORT/readyz"
}
stop() { kill "$server"; wait "$server" 2>/dev/null || true; }

rate() { # LUA-SCRIPT -> requests/s (and the failed ones, if any)
    timeout 30 wrk -t 2 -c 8 -d 10s -s "$1" "http://127.0.0.1:$PORT/" | awk '
        /Requests\/sec/ { rate = $2 }
        /Non-2xx/ { failed = $NF }
        END { printf "%.0f", rate; if (failed) printf " (%s failed)", failed }'
}

median_page_ms() { # PATH: 20 cold builds (cache off), median in ms
    for _ in $(seq 1 20); do
        curl -s -o /dev/null -w "%{time_total}\n" -H "Accept: text/html" "http://127.0.0.1:$PORT$1"
    done | sort -n | awk '{ a[NR] = $1 } END { printf "%.1f", a[int((NR + 1) / 2)] * 1000 }'
}

dump_s() {
    /usr/bin/time -f "%e" -o "$work/time" curl -sf -o /dev/null "http://127.0.0.1:$PORT/dumps/dialogue-graph.nt"
    cat "$work/time"
}

declare -A backends=(
    [embedded]="--store $work/store"
    [oxigraph]="--sparql-endpoint http://127.0.0.1:18701/query --sparql-graph $GRAPH --sparql-refresh 3600"
    [virtuoso]="--sparql-endpoint http://127.0.0.1:18702/sparql --sparql-graph $GRAPH --sparql-refresh 3600"
)
first_event="$(head -1 "$work/paths")"

echo "| backend ($triples triples) | pages/s, built (no cache) | cold page, median ms | pages/s, cached | N-Triples dump, s |"
echo "|---|---|---|---|---|"
for name in embedded oxigraph virtuoso; do
    # shellcheck disable=SC2086
    serve "$name" --response-cache-mb 0 ${backends[$name]}
    built=$(rate "$work/cycle.lua")
    cold=$(median_page_ms "$first_event")
    dump=$(dump_s)
    stop
    # shellcheck disable=SC2086
    serve "$name" ${backends[$name]}
    # Fill the cache with every page once.
    sed "s|^|http://127.0.0.1:$PORT|" "$work/paths" |
        timeout 300 xargs -P 4 -I{} curl -s -o /dev/null -H "Accept: text/html" {}
    cached=$(rate "$work/cycle.lua")
    stop
    echo "| $name | $built | $cold | $cached | $dump |"
done
