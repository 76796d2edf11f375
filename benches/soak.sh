#!/usr/bin/env bash
# The soak test of docs/RELIABILITY.md, kept out of CI: a million triples
# (`generate --events 10000`) in a RocksDB store, served on loopback for ten
# minutes to crawlers cycling entity pages, data documents, the example
# queries and dump downloads, with an authorised change of the data every two
# minutes (benches/soak.py). Binds 127.0.0.1 only and stops what it started.
#
# Usage: benches/soak.sh [EVENTS] [SECONDS]   (default: 10000 600)
# DG names the binary (default: the release build, with RocksDB).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/dialogue-graph/target}"
events="${1:-10000}"
seconds="${2:-600}"
if [ -z "${DG:-}" ]; then
  cargo build --release --quiet --features rocksdb --bin dialogue-graph
  DG="$CARGO_TARGET_DIR/release/dialogue-graph"
fi
python="${DIALOGUE_GRAPH_PYTHON:-$HOME/.cache/dialogue-graph/venv/bin/python}"
work="$(mktemp -d /tmp/dialogue-graph-soak.XXXXXX)"
server=""
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

token="soak-test-update-token"
port="$("$python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
echo "# $("$DG" --version), $events events, $seconds s, $(nproc) cores"
"$DG" generate --events "$events" --output "$work/graph.nt"
echo "# $(wc -l <"$work/graph.nt") triples"
timeout 1800 "$DG" load --quiet --store "$work/store" --base-iri http://127.0.0.1:8080/ "$work/graph.nt"
"$DG" serve --store "$work/store" --base-iri http://127.0.0.1:8080/ --bind "127.0.0.1:$port" \
  --update-token "$token" --dump-dir "$work/dumps" 2>"$work/server.log" &
server=$!
for _ in $(seq 600); do curl -sf -o /dev/null "http://127.0.0.1:$port/readyz" && break; sleep 0.5; done
timeout $((seconds + 900)) "$python" benches/soak.py "http://127.0.0.1:$port" "$server" "$token" "$seconds"
echo "# server log: $(grep -c . "$work/server.log") lines, $(grep -ci 'error\|panic' "$work/server.log" || true) with error or panic"
grep -i 'error\|panic' "$work/server.log" | head -5 || true
