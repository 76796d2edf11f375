#!/usr/bin/env bash
# Runs every test of dialogue-graph, first installing what a bare machine
# (Rust toolchain only) lacks. This is the README's test command; .ci/run calls it.
#
#   tests/run.sh            # everything
#   tests/run.sh NAME       # only the tests whose name contains NAME
set -euo pipefail
cd "$(dirname "$0")/.."

# One target directory outside the clone, so CI reuses the RocksDB build
# (~15 minutes cold) from run to run.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/dialogue-graph/target}"

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# Debian packages: libclang for RocksDB's bindings; Chromium (and CJK fonts,
# so Chinese pages render in screenshots) for the browser test; Python for the
# real RDF and SPARQL clients (rdflib, PyLD, SPARQLWrapper); rapper
# (raptor2-utils) and curl, the command-line clients of tests/web/clients.rs and
# tests/web/graph_store.rs. Virtuoso, a SPARQL engine the HTTP tests run against
# as a remote backend.
packages=(libclang-dev chromium fonts-noto-cjk virtuoso-opensource raptor2-utils curl)
command -v python3 >/dev/null 2>&1 || packages+=(python3 python3-venv)
# Node.js and npm for Comunica, the TPF and SPARQL client of tests/web/fragments.rs.
command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "installing Debian packages: ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# A virtualenv (outside the clone, reused between runs) with the Python clients.
venv="${DIALOGUE_GRAPH_VENV:-$HOME/.cache/dialogue-graph/venv}"
if ! "$venv/bin/python" -c "import rdflib, SPARQLWrapper, pyld, requests" >/dev/null 2>&1 \
  || [ ! -x "$venv/bin/oxigraph" ]; then
  echo "creating the Python virtualenv $venv"
  python3 -m venv "$venv" || { as_root apt-get install -y -qq python3-venv >/dev/null && python3 -m venv "$venv"; }
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r tests/python/requirements.txt
fi
export DIALOGUE_GRAPH_PYTHON="$venv/bin/python"
# Oxigraph's own server (from PyPI), the second remote engine.
export DIALOGUE_GRAPH_OXIGRAPH="$venv/bin/oxigraph"
export DIALOGUE_GRAPH_CHROMIUM="$(command -v chromium)"

# Comunica (tests/js/package.json), installed outside the clone and again
# only when the package list changes.
node_dir="${DIALOGUE_GRAPH_NODE_DIR:-$HOME/.cache/dialogue-graph/node}"
if ! cmp -s tests/js/package.json "$node_dir/package.json" \
  || [ ! -d "$node_dir/node_modules/@comunica/query-sparql" ]; then
  echo "installing the JavaScript clients into $node_dir"
  mkdir -p "$node_dir"
  cp tests/js/package.json "$node_dir/package.json"
  (cd "$node_dir" && npm install --no-audit --no-fund --loglevel=error)
fi
export DIALOGUE_GRAPH_NODE_DIR="$node_dir"

# Each step says how long it took, so the run's time is watched as it grows.
step() {
  local name=$1 started=$SECONDS
  shift
  echo "== $name"
  "$@"
  echo "== $name: $((SECONDS - started)) s"
}

step "cargo fmt --check" cargo fmt --all -- --check
# Without the rocksdb feature: linting it would build RocksDB a second time
# (check builds do not share its C++ build with test builds).
step "cargo clippy" cargo clippy --all-targets -- -D warnings
# Two test binaries (tests/web, the HTTP suites; tests/ops, the operator's
# commands and faults) and the unit tests.
step "cargo test" cargo test --features rocksdb -- "$@"

# The HTTP suites (tests/web) once more, each server serving its data from a
# real SPARQL engine (`serve --sparql-endpoint`) that the tests start on
# loopback and load. Same features as above, so nothing is rebuilt.
for engine in oxigraph virtuoso; do
  DIALOGUE_GRAPH_TEST_BACKEND=$engine step "cargo test --test web against $engine" \
    cargo test --features rocksdb --test web -- "$@"
done
echo "== the whole run took $SECONDS s"
