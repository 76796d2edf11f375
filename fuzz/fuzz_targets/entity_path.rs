//! Entity paths and IRIs on arbitrary text.
//!
//! The input is UTF-8 text (others are skipped). If it has a line break, the
//! first line is tried as a base IRI (`--base-iri`) and the rest is the path;
//! otherwise the base is the default one and the whole input is the path.
//!
//! Checks, for the path `p` after `/id/` (as the router hands it over):
//! - `BaseIri::parse`: an accepted base is `http(s)://`, ends with `/`, has no
//!   query or fragment, and is an IRI;
//! - `valid_entity_path(p)` implies: not empty, at most 512 bytes, no empty,
//!   `.` or `..` segment, only `[A-Za-z0-9._-]` and `/` (so no `%`, `?`, `#`,
//!   `\`, spaces or control characters);
//! - for a valid `p`, `entity_iri` is the base, `id/` and `p` verbatim, is an
//!   IRI, equal to what loading `<id/p>` resolves to (oxiri, as Oxigraph's
//!   parsers do), and that resolution stays under the base's `id/`: the path
//!   cannot climb out of it;
//! - `entity_path(base, entity_iri(base, p)) == Some(p)`, also with a
//!   `#fragment` appended, and the `/data/` and `/page/` URLs of `p` are valid
//!   header values whose suffix splits back into `p` and the format;
//! - `entity_path` on arbitrary text only returns valid paths, and only for
//!   text that is `entity_iri(base, path)` optionally followed by `#...`;
//! - `DocFormat::from_extension / from_name / from_media_type` return a
//!   format whose extension / media type is the input, names are
//!   case-insensitive, and every extension is also a name of its format.
//!
//! - `BaseIri::parse` refuses a base without a host (`http://`, found by this
//!   target and fixed), so the resolution above holds for every base.
#![no_main]

use std::sync::OnceLock;

use axum::http::HeaderValue;
use dialogue_graph::BaseIri;
use dialogue_graph::config::DEFAULT_BASE;
use dialogue_graph::entity::{DocFormat, entity_iri, entity_path, valid_entity_path};
use libfuzzer_sys::fuzz_target;
use oxiri::Iri;

fn default_base() -> &'static BaseIri {
    static BASE: OnceLock<BaseIri> = OnceLock::new();
    BASE.get_or_init(|| BaseIri::parse(DEFAULT_BASE).expect("the default base parses"))
}

fn check_base(text: &str, base: &BaseIri) {
    let iri = base.as_str();
    assert!(
        iri.starts_with("http://") || iri.starts_with("https://"),
        "{text:?} gave the base {iri:?}"
    );
    assert!(iri.ends_with('/'), "base {iri:?} does not end with /");
    assert!(
        !iri.contains(['?', '#']),
        "base {iri:?} has a query or fragment"
    );
    assert!(Iri::parse(iri).is_ok(), "base {iri:?} is not an IRI");
    assert_eq!(base.resolve("/x/y"), format!("{iri}x/y"));
}

fn check_doc_format(text: &str) {
    if let Some(f) = DocFormat::from_extension(text) {
        assert_eq!(f.extension(), text);
        assert_eq!(
            DocFormat::from_name(text),
            Some(f),
            "extension {text:?} is not a name"
        );
    }
    if let Some(f) = DocFormat::from_media_type(text) {
        assert_eq!(f.media_type(), text);
    }
    let named = DocFormat::from_name(text);
    assert_eq!(DocFormat::from_name(&text.to_ascii_uppercase()), named);
    assert_eq!(DocFormat::from_name(&text.to_ascii_lowercase()), named);
}

/// Whether an IRI has an empty host (`http:///`, `http://user@:80/`), which
/// RFC 9110 forbids in `http(s)` URIs.
fn hostless(iri: &Iri<&str>) -> bool {
    let authority = iri.authority().unwrap_or_default();
    let host_port = authority.rsplit('@').next().unwrap_or_default();
    host_port.is_empty() || host_port.starts_with(':')
}

fn check_valid_path(base: &BaseIri, path: &str) {
    assert!(!path.is_empty() && path.len() <= 512, "{path:?}");
    for segment in path.split('/') {
        assert!(
            !segment.is_empty() && segment != "." && segment != "..",
            "{path:?} has the segment {segment:?}"
        );
        assert!(
            segment
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.')),
            "{path:?} has a character outside [A-Za-z0-9._-]"
        );
    }

    let iri = entity_iri(base, path);
    let prefix = format!("{}id/", base.as_str());
    assert_eq!(iri.as_str(), format!("{prefix}{path}"));
    let parsed_base = Iri::parse(base.as_str()).expect("a BaseIri is an IRI");
    assert!(Iri::parse(iri.as_str()).is_ok(), "{iri} is not an IRI");
    let resolved = parsed_base
        .resolve(&format!("id/{path}"))
        .expect("a valid path resolves");
    let id_dir = parsed_base.resolve("id/").expect("id/ resolves");
    assert_eq!(
        resolved.as_str(),
        format!("{}{path}", id_dir.as_str()),
        "{path:?} resolves outside {id_dir}"
    );
    // The data's `<id/...>` are resolved by oxiri when the files are loaded:
    // the served IRIs must be the same strings.
    assert!(!hostless(&parsed_base), "{base} has no host");
    assert_eq!(
        resolved.as_str(),
        iri.as_str(),
        "entity_iri differs from the resolution of <id/{path}> against {base}"
    );

    assert_eq!(entity_path(base, iri.as_str()), Some(path));
    assert_eq!(
        entity_path(base, &format!("{}#quote-1", iri.as_str())),
        Some(path),
        "a #fragment of the entity"
    );

    // The URLs `/id/` redirects to, and the split `/data/` makes of them
    // (mirrors the inline code of `server::resource::data`).
    assert!(HeaderValue::from_str(&format!("/page/{path}")).is_ok());
    for f in DocFormat::ALL {
        let file = format!("{path}.{}", f.extension());
        assert!(HeaderValue::from_str(&format!("/data/{file}")).is_ok());
        let (p, ext) = file.rsplit_once('.').expect("has a dot");
        assert_eq!((p, DocFormat::from_extension(ext)), (path, Some(f)));
    }
}

fn check_iri_text(base: &BaseIri, text: &str) {
    if let Some(path) = entity_path(base, text) {
        assert!(
            valid_entity_path(path),
            "entity_path gave the invalid {path:?}"
        );
        let iri = entity_iri(base, path);
        let rest = text
            .strip_prefix(iri.as_str())
            .unwrap_or_else(|| panic!("{text:?} gave {path:?}, whose IRI is {iri}"));
        assert!(
            rest.is_empty() || rest.starts_with('#'),
            "{text:?} has {rest:?} after {iri}"
        );
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let parsed;
    let (base, path) = match text.split_once('\n') {
        Some((base_text, path)) => match BaseIri::parse(base_text) {
            Ok(base) => {
                check_base(base_text, &base);
                parsed = base;
                (&parsed, path)
            }
            Err(_) => (default_base(), path),
        },
        None => (default_base(), text),
    };

    if valid_entity_path(path) {
        check_valid_path(base, path);
    }
    // The path as a whole IRI, and as what follows the base's `id/`.
    check_iri_text(base, path);
    check_iri_text(base, &format!("{}id/{path}", base.as_str()));

    check_doc_format(path);
    if let Some((_, ext)) = path.rsplit_once('.') {
        check_doc_format(ext);
    }
});
