//! Criterion benchmarks of the serving path, without the network: how long
//! one entity takes to describe (index lookups), and to answer over HTTP as
//! a page or a Turtle document, rendered fresh or from the response cache.
//!
//! The graph is `dialogue-graph generate --events 1000` (about 100k triples)
//! plus the repository's ontology, in memory. `cargo bench --bench serving`;
//! BENCHMARKS.md keeps a run.

use std::sync::Arc;

use axum::body::{Body, to_bytes};
use axum::http::Request;
use criterion::{Criterion, criterion_group, criterion_main};
use dialogue_graph::config::{BaseIri, Sources};
use dialogue_graph::entity::{describe_page, entity_iri};
use dialogue_graph::server::{AppState, Settings, router};
use dialogue_graph::store::Dataset;
use tower::ServiceExt as _;

const EVENTS: usize = 1000;

fn dataset(base: &BaseIri) -> (tempfile::TempDir, Dataset) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let data = dir.path().join("data");
    std::fs::create_dir(&data).expect("data directory");
    // N-Triples is Turtle; the data directory is read for `.ttl` files.
    let file = std::fs::File::create(data.join("synthetic.ttl")).expect("data file");
    dialogue_graph::synthetic_graph::write_graph(EVENTS, base, std::io::BufWriter::new(file))
        .expect("generated graph");
    let sources = Sources {
        ontology_dir: concat!(env!("CARGO_MANIFEST_DIR"), "/ontology").into(),
        data_dir: data,
        queries_dir: concat!(env!("CARGO_MANIFEST_DIR"), "/queries").into(),
    };
    let dataset = Dataset::from_sources(&sources, base).expect("the graph loads");
    (dir, dataset)
}

fn get(app: &axum::Router, runtime: &tokio::runtime::Runtime, path: &str) -> usize {
    runtime.block_on(async {
        let request = Request::get(path).body(Body::empty()).expect("request");
        let response = app.clone().oneshot(request).await.expect("response");
        assert!(
            response.status().is_success(),
            "{path}: {}",
            response.status()
        );
        to_bytes(response.into_body(), usize::MAX)
            .await
            .expect("body")
            .len()
    })
}

fn serving(c: &mut Criterion) {
    let base = BaseIri::parse("http://127.0.0.1:8080/").expect("base IRI");
    let (_dir, dataset) = dataset(&base);
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let event = format!("event/dialogue-{}", EVENTS / 2);
    // A city hosts many events: a hub whose incoming links are paged.
    let hub = "place/city-0";

    let mut group = c.benchmark_group("describe");
    for path in [event.as_str(), hub] {
        let iri = entity_iri(&base, path);
        group.bench_function(path, |b| {
            b.iter(|| describe_page(&dataset, &iri, 1).expect("described"))
        });
    }
    group.finish();

    // Fresh: the response cache is off, so every request renders.
    let uncached = {
        let settings = Settings {
            response_cache_bytes: 0,
            ..Settings::default()
        };
        let _guard = runtime.enter();
        router(Arc::new(AppState::new(
            dataset.clone(),
            settings,
            Vec::new(),
        )))
    };
    let cached = {
        let _guard = runtime.enter();
        router(Arc::new(AppState::new(
            dataset.clone(),
            Settings::default(),
            Vec::new(),
        )))
    };
    let mut group = c.benchmark_group("http");
    for (name, path) in [
        ("page, rendered", format!("/page/{event}")),
        ("turtle, rendered", format!("/data/{event}.ttl")),
        ("hub page, rendered", format!("/page/{hub}")),
    ] {
        group.bench_function(name, |b| b.iter(|| get(&uncached, &runtime, &path)));
    }
    for (name, path) in [
        ("page, cached", format!("/page/{event}")),
        ("turtle, cached", format!("/data/{event}.ttl")),
    ] {
        get(&cached, &runtime, &path);
        group.bench_function(name, |b| b.iter(|| get(&cached, &runtime, &path)));
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30).measurement_time(std::time::Duration::from_secs(3));
    targets = serving
}
criterion_main!(benches);
