# dialogue-graph in a container: a build stage with the Rust toolchain and
# libclang (RocksDB's bindings need it), and a small runtime stage that runs
# the binary as an unprivileged user.
#
#   docker build -t dialogue-graph .
#   docker run -p 8080:8080 -e DIALOGUE_GRAPH_BASE_IRI=https://data.example.org/ dialogue-graph
#
# Every serve option can be given as a DIALOGUE_GRAPH_* variable (see README);
# orchestrators can probe GET /healthz and /readyz.

FROM rust:1-bookworm AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends libclang-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Cargo.toml Cargo.lock askama.toml ./
COPY src ./src
RUN cargo build --release --locked --features rocksdb

FROM debian:bookworm-slim
RUN useradd --system --home-dir /srv/dialogue-graph --shell /usr/sbin/nologin dialogue-graph \
 && mkdir -p /srv/dialogue-graph/store \
 && chown dialogue-graph /srv/dialogue-graph/store
COPY --from=build /src/target/release/dialogue-graph /usr/local/bin/dialogue-graph
COPY ontology /srv/dialogue-graph/ontology
COPY data /srv/dialogue-graph/data
COPY queries /srv/dialogue-graph/queries
WORKDIR /srv/dialogue-graph
USER dialogue-graph
# Listen on all interfaces inside the container; publish the port explicitly.
ENV DIALOGUE_GRAPH_BIND=0.0.0.0:8080
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/dialogue-graph"]
CMD ["serve"]
