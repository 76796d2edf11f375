//! SPARQL text straight into the nesting guard and Oxigraph's parser.
//!
//! The input (UTF-8; others are skipped) is parsed both as a query
//! (`sparql::prepare`) and as an update (`sparql::prepare_update`), each on a
//! thread with the server's 2 MiB stack. Invariants (see `common`): no panic,
//! no stack overflow (the reason `check_nesting` exists), `QueryTooDeep` exactly
//! when `check_nesting` refuses, otherwise only syntax errors.
#![no_main]

mod common;

use dialogue_graph::sparql::QueryOptions;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let options = QueryOptions::default();
    common::check_query(text, &options);
    common::check_update(text, &options);
});
