//! Linked data over a real HTTP server: 303s by content negotiation, documents
//! in every format (suffix, `?format=` and Accept agreeing), HTML pages in two
//! languages, dumps with checksums, the dataset description, caching headers.

use crate::common;

use std::collections::BTreeSet;
use std::io::Read;

use crate::common::Server;
use reqwest::StatusCode;
use reqwest::blocking::{Client, Response};

const XI: &str = "person/xi-jinping";

fn no_redirects() -> Client {
    Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

fn get(server: &Server, path: &str, accept: Option<&str>) -> Response {
    let mut request = no_redirects().get(format!("{}{path}", server.url));
    if let Some(accept) = accept {
        request = request.header("Accept", accept);
    }
    request.send().unwrap()
}

fn header(response: &Response, name: &str) -> String {
    response
        .headers()
        .get(name)
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default()
}

#[test]
fn entity_iris_redirect_by_accept() {
    let server = common::shared();
    for (accept, location) in [
        (None, format!("/page/{XI}")),
        (Some("*/*"), format!("/page/{XI}")),
        (
            Some("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"),
            format!("/page/{XI}"),
        ),
        (Some("text/turtle"), format!("/data/{XI}.ttl")),
        (Some("application/ld+json"), format!("/data/{XI}.jsonld")),
        (Some("application/n-triples"), format!("/data/{XI}.nt")),
        (Some("application/rdf+xml"), format!("/data/{XI}.rdf")),
        (
            Some("text/turtle;q=0.5, application/rdf+xml"),
            format!("/data/{XI}.rdf"),
        ),
        (
            Some("text/html;q=0.1, text/turtle;q=0.9"),
            format!("/data/{XI}.ttl"),
        ),
        (Some("text/*"), format!("/page/{XI}")),
    ] {
        let r = get(server, &format!("/id/{XI}"), accept);
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{accept:?}");
        assert_eq!(header(&r, "location"), location, "{accept:?}");
        assert!(header(&r, "vary").contains("Accept"));
        assert!(header(&r, "link").contains("rel=\"describes\""));
    }
    let r = get(
        server,
        &format!("/id/{XI}?format=jsonld"),
        Some("text/html"),
    );
    assert_eq!(header(&r, "location"), format!("/data/{XI}.jsonld"));
    let r = get(server, &format!("/id/{XI}"), Some("image/png"));
    assert_eq!(r.status(), StatusCode::NOT_ACCEPTABLE);
}

#[test]
fn unknown_iris_are_404_for_people_and_machines() {
    let server = common::shared();
    let page = get(server, "/id/person/nobody", Some("text/html"));
    assert_eq!(page.status(), StatusCode::NOT_FOUND);
    assert!(header(&page, "content-type").starts_with("text/html"));
    assert!(
        page.text()
            .unwrap()
            .contains("not an entity of this dataset")
    );
    let text = get(server, "/id/person/nobody", Some("text/turtle"));
    assert_eq!(text.status(), StatusCode::NOT_FOUND);
    assert!(header(&text, "content-type").starts_with("text/plain"));
    for path in [
        "/data/person/nobody.ttl",
        "/page/person/nobody",
        "/page/../../etc/passwd",
        "/data/%2e%2e/%2e%2e/etc/passwd.ttl",
        "/id/a%20b",
    ] {
        assert_eq!(
            get(server, path, None).status(),
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
}

#[test]
fn suffix_format_parameter_and_accept_agree() {
    let server = common::shared();
    for (ext, name, media_type) in [
        ("ttl", "turtle", "text/turtle"),
        ("jsonld", "jsonld", "application/ld+json"),
        ("nt", "ntriples", "application/n-triples"),
        ("rdf", "rdfxml", "application/rdf+xml"),
    ] {
        let by_suffix = get(server, &format!("/data/{XI}.{ext}"), None);
        assert_eq!(by_suffix.status(), 200);
        assert!(header(&by_suffix, "content-type").starts_with(media_type));
        let link = header(&by_suffix, "link");
        assert!(
            link.contains(&format!("<{}/id/{XI}>; rel=\"describes\"", server.url)),
            "{link}"
        );
        // One alternate only (PyLD fails on more): the JSON-LD document
        // points at the page, every other document at the JSON-LD.
        assert_eq!(link.matches("rel=\"alternate\"").count(), 1, "{link}");
        let alternate = if ext == "jsonld" {
            format!("</page/{XI}>; rel=\"alternate\"; type=\"text/html\"")
        } else {
            format!("</data/{XI}.jsonld>; rel=\"alternate\"; type=\"application/ld+json\"")
        };
        assert!(link.contains(&alternate), "{link}");
        let suffix_bytes = by_suffix.bytes().unwrap();
        let by_param = get(server, &format!("/data/{XI}?format={name}"), None)
            .bytes()
            .unwrap();
        let by_accept = get(server, &format!("/data/{XI}"), Some(media_type));
        assert_eq!(
            header(&by_accept, "content-location"),
            format!("/data/{XI}.{ext}")
        );
        assert_eq!(suffix_bytes, by_param, "{ext}");
        assert_eq!(suffix_bytes, by_accept.bytes().unwrap(), "{ext}");
    }
    let conflict = get(server, &format!("/data/{XI}.ttl?format=jsonld"), None);
    assert_eq!(conflict.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        get(server, &format!("/data/{XI}"), Some("image/png")).status(),
        StatusCode::NOT_ACCEPTABLE
    );
}

#[test]
fn a_document_describes_its_entity_fully() {
    let server = common::shared();
    let ttl = get(
        server,
        "/data/event/cpc-world-political-parties-dialogue-2017.nt",
        None,
    )
    .text()
    .unwrap();
    let base = &server.url;
    // Its own facts, the labels of what it links to, incoming links, evidence, metadata.
    for expected in [
        format!(
            "<{base}/id/event/cpc-world-political-parties-dialogue-2017> <http://schema.org/startDate> \"2017-11-30\""
        ),
        format!(
            "<{base}/id/place/beijing> <http://www.w3.org/2000/01/rdf-schema#label> \"北京\"@zh-hans"
        ),
        format!(
            "<{base}/id/webpage/cpc-world-political-parties-dialogue-2017> <http://schema.org/about> <{base}/id/event/cpc-world-political-parties-dialogue-2017>"
        ),
        format!(
            "<{base}/id/evidence/en-1#quote> <http://www.w3.org/ns/oa#exact> \"The meeting was hosted by"
        ),
        format!(
            "<{base}/data/event/cpc-world-political-parties-dialogue-2017.nt> <http://xmlns.com/foaf/0.1/primaryTopic> <{base}/id/event/cpc-world-political-parties-dialogue-2017>"
        ),
        "<http://purl.org/dc/terms/license> <https://creativecommons.org/licenses/by/4.0/>"
            .to_owned(),
    ] {
        assert!(ttl.contains(&expected), "missing: {expected}");
    }
}

#[test]
fn pages_come_in_english_and_chinese() {
    let server = common::shared();
    let en = get(server, &format!("/page/{XI}"), Some("text/html"));
    assert_eq!(header(&en, "content-language"), "en");
    assert!(header(&en, "vary").contains("Accept-Language"));
    let en = en.text().unwrap();
    assert!(en.contains("<html lang=\"en\">"));
    assert!(en.contains("<h1 lang=\"en\">Xi Jinping</h1>"));
    assert!(en.contains("lang=\"zh-Hans\">习近平"));

    let zh = no_redirects()
        .get(format!("{}/page/{XI}", server.url))
        .header("Accept-Language", "zh-CN,zh;q=0.9")
        .send()
        .unwrap();
    assert_eq!(header(&zh, "content-language"), "zh-Hans");
    let zh = zh.text().unwrap();
    assert!(
        zh.contains("<html lang=\"zh-Hans\">") && zh.contains("<h1 lang=\"zh-Hans\">习近平</h1>")
    );
    assert!(zh.contains(">浏览</a>"), "the site menu is not in Chinese");

    // The switch persists in the URL and wins over Accept-Language.
    let chosen = no_redirects()
        .get(format!("{}/page/{XI}?lang=en", server.url))
        .header("Accept-Language", "zh")
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert!(chosen.contains("<h1 lang=\"en\">Xi Jinping</h1>"));
    assert!(chosen.contains(
        "href=\"/page/event/cpc-world-political-parties-dialogue-2017-opening-session?lang=en\""
    ));
}

#[test]
fn a_page_shows_facts_quotes_links_and_alternates() {
    let server = common::shared();
    let page = get(
        server,
        "/page/event/cpc-world-political-parties-dialogue-2017",
        Some("text/html"),
    )
    .text()
    .unwrap();
    for expected in [
        "2017-11-30",
        "2017-12-03",
        "The meeting was hosted by the International Department of the Central Committee of the CPC from November 30 to December 3, 2017 in Beijing.",
        "href=\"/page/place/beijing\"",
        "href=\"/page/document/beijing-initiative\"",
        "<link rel=\"alternate\" type=\"text/turtle\" href=\"/data/event/cpc-world-political-parties-dialogue-2017.ttl\"",
        "<link rel=\"alternate\" type=\"application/ld+json\"",
        "start date",
        "Referenced by",
    ] {
        assert!(page.contains(expected), "missing: {expected}");
    }
    // Embedded schema.org JSON-LD for search engines.
    let start = page.find("<script type=\"application/ld+json\">").unwrap()
        + "<script type=\"application/ld+json\">".len();
    let end = start + page[start..].find("</script>").unwrap();
    let jsonld: serde_json::Value = serde_json::from_str(&page[start..end]).unwrap();
    assert_eq!(jsonld["@context"], "https://schema.org");
    assert_eq!(jsonld["@type"][0], "Event");
    assert_eq!(jsonld["startDate"], "2017-11-30");
    assert_eq!(jsonld["location"]["name"], "Beijing");
}

#[test]
fn caching_headers_and_304() {
    let server = common::shared();
    for path in [
        format!("/page/{XI}"),
        format!("/data/{XI}.ttl"),
        "/".to_owned(),
        "/dumps/dialogue-graph.nt".to_owned(),
        "/.well-known/void".to_owned(),
    ] {
        let first = get(server, &path, None);
        assert_eq!(first.status(), 200, "{path}");
        let etag = header(&first, "etag");
        let modified = header(&first, "last-modified");
        assert!(
            etag.starts_with('"') && !etag.starts_with("W/"),
            "{path}: weak or missing ETag {etag}"
        );
        assert!(
            header(&first, "cache-control").contains("max-age"),
            "{path}"
        );
        let again = no_redirects()
            .get(format!("{}{path}", server.url))
            .header("If-None-Match", &etag)
            .send()
            .unwrap();
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED, "{path}");
        let since = no_redirects()
            .get(format!("{}{path}", server.url))
            .header("If-Modified-Since", &modified)
            .send()
            .unwrap();
        assert_eq!(since.status(), StatusCode::NOT_MODIFIED, "{path}");
        let other = no_redirects()
            .get(format!("{}{path}", server.url))
            .header("If-None-Match", "\"something-else\"")
            .send()
            .unwrap();
        assert_eq!(other.status(), 200, "{path}");
    }
}

#[test]
fn responses_are_compressed_when_asked() {
    let server = common::shared();
    let r = Client::builder()
        .build()
        .unwrap()
        .get(format!("{}/page/{XI}", server.url))
        .header("Accept-Encoding", "gzip")
        .send()
        .unwrap();
    assert_eq!(header(&r, "content-encoding"), "gzip");
    assert!(header(&r, "etag").ends_with("-gzip\""));
    let mut html = String::new();
    flate2::read::GzDecoder::new(r.bytes().unwrap().as_ref())
        .read_to_string(&mut html)
        .unwrap();
    assert!(html.contains("Xi Jinping"));
}

#[test]
fn head_works_on_every_kind_of_route() {
    let server = common::shared();
    for path in [
        "/",
        &format!("/id/{XI}"),
        &format!("/page/{XI}"),
        &format!("/data/{XI}.ttl"),
        "/dumps/",
        "/dumps/dialogue-graph.ttl",
        "/.well-known/void",
        "/sparql",
        "/classes",
        "/ontology",
        "/sitemap.xml",
    ] {
        let r = no_redirects()
            .head(format!("{}{path}", server.url))
            .send()
            .unwrap();
        assert!(
            r.status().is_success() || r.status() == StatusCode::SEE_OTHER,
            "{path}: {}",
            r.status()
        );
        assert!(r.bytes().unwrap().is_empty(), "{path}");
    }
}

/// The subdirectories of `dir` (one per data version with built dumps).
fn version_dirs(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    std::fs::read_dir(dir)
        .map(|entries| entries.map(|e| e.unwrap().path()).collect())
        .unwrap_or_default()
}

#[test]
fn dumps_are_files_that_resume_with_ranges_and_go_when_the_data_changes() {
    if common::engines::embedded_only(
        "the data changes by SPARQL Update into the server's own store",
    ) {
        return;
    }
    let dumps = tempfile::tempdir().unwrap();
    let token = "dump-test-update-token";
    let server = Server::start(&[
        "--dump-dir",
        dumps.path().to_str().unwrap(),
        "--update-token",
        token,
    ]);
    let url = "/dumps/dialogue-graph.nt";
    let whole = get(&server, url, None).bytes().unwrap();
    // The files are on disk, one directory for the data version.
    let dirs = version_dirs(dumps.path());
    assert_eq!(dirs.len(), 1, "{dirs:?}");
    let on_disk = std::fs::read(dirs[0].join("dialogue-graph.nt")).unwrap();
    assert_eq!(on_disk, whole.to_vec());

    // A resumed download: the rest of the file from byte 1000, never
    // compressed on the way (the offsets count the file's own bytes).
    let rest = no_redirects()
        .get(format!("{}{url}", server.url))
        .header("Range", "bytes=1000-")
        .header("Accept-Encoding", "gzip")
        .send()
        .unwrap();
    assert_eq!(rest.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(
        header(&rest, "content-range"),
        format!("bytes 1000-{}/{}", whole.len() - 1, whole.len())
    );
    assert_eq!(header(&rest, "content-encoding"), "");
    assert_eq!(header(&rest, "content-type"), "application/n-triples");
    assert_eq!(rest.bytes().unwrap(), whole.slice(1000..));
    let beyond = no_redirects()
        .get(format!("{}{url}", server.url))
        .header("Range", format!("bytes={}-", whole.len() + 10))
        .send()
        .unwrap();
    assert_eq!(beyond.status(), StatusCode::RANGE_NOT_SATISFIABLE);

    // New data: the next request builds new files and the old ones go.
    let update = no_redirects()
        .post(format!("{}/sparql", server.url))
        .bearer_auth(token)
        .header("Content-Type", "application/sparql-update")
        .body("INSERT DATA { <http://example.org/dump-test> <http://www.w3.org/2000/01/rdf-schema#label> \"dump test\" }")
        .send()
        .unwrap();
    assert!(update.status().is_success(), "{}", update.status());
    let after = get(&server, url, None).text().unwrap();
    assert!(after.contains("dump test"));
    let dirs_after = version_dirs(dumps.path());
    assert_eq!(dirs_after.len(), 1, "{dirs_after:?}");
    assert_ne!(dirs_after, dirs, "a new data version has a new directory");
}

#[test]
fn dumps_are_listed_with_sizes_and_checksums_and_match_the_cli() {
    let server = common::shared();
    let index = get(server, "/dumps/", None).text().unwrap();
    let names = ["ttl", "jsonld", "nt", "nq"].map(|e| format!("dialogue-graph.{e}"));
    for name in &names {
        assert!(index.contains(&format!("href=\"/dumps/{name}\"")), "{name}");
        assert!(
            index.contains(&format!("href=\"/dumps/{name}.gz\"")),
            "{name}.gz"
        );
        let plain = get(server, &format!("/dumps/{name}"), None);
        assert_eq!(plain.status(), 200);
        let length: usize = header(&plain, "content-length").parse().unwrap();
        let bytes = plain.bytes().unwrap();
        assert_eq!(length, bytes.len());
        let sha = get(server, &format!("/dumps/{name}.sha256"), None)
            .text()
            .unwrap();
        let digest = format!("{:x}", <sha2::Sha256 as sha2::Digest>::digest(&bytes));
        assert_eq!(sha, format!("{digest}  {name}\n"));
        assert!(index.contains(&digest));
        let gz = get(server, &format!("/dumps/{name}.gz"), None)
            .bytes()
            .unwrap();
        let mut unzipped = Vec::new();
        flate2::read::GzDecoder::new(gz.as_ref())
            .read_to_end(&mut unzipped)
            .unwrap();
        assert_eq!(unzipped, bytes.to_vec(), "{name}.gz");
        // `dialogue-graph dump` writes the same bytes.
        let format = match name.rsplit('.').next().unwrap() {
            "ttl" => "turtle",
            "jsonld" => "jsonld",
            "nt" => "ntriples",
            _ => "nquads",
        };
        let cli = std::process::Command::new(env!("CARGO_BIN_EXE_dialogue-graph"))
            .current_dir(common::repo())
            .args([
                "dump",
                "--format",
                format,
                "--base-iri",
                &format!("{}/", server.url),
            ])
            .output()
            .unwrap();
        if common::engines::engine().is_none() {
            assert_eq!(cli.stdout, bytes.to_vec(), "{name}: CLI and server differ");
        } else if format == "jsonld" {
            // Its context is a URL (this server's): the same nodes, then. An
            // engine's rows come in its own order, so one node may be written
            // in several objects (JSON-LD merges them): count distinct ids.
            let nodes = |b: &[u8]| {
                serde_json::from_slice::<serde_json::Value>(b).unwrap()["@graph"]
                    .as_array()
                    .map_or(0, |nodes| {
                        nodes
                            .iter()
                            .map(|n| n["@id"].to_string())
                            .collect::<BTreeSet<_>>()
                            .len()
                    })
            };
            assert_eq!(
                nodes(&cli.stdout),
                nodes(&bytes),
                "{name}: CLI and server differ"
            );
        } else {
            // From a remote engine the blank nodes have the engine's labels:
            // the same statements, in other words.
            assert_eq!(
                blank_nodes_unnamed(&cli.stdout, format),
                blank_nodes_unnamed(&bytes, format),
                "{name}: CLI and server differ"
            );
        }
    }
    let context: serde_json::Value = get(server, "/context.jsonld", None).json().unwrap();
    assert_eq!(context["@context"]["schema"], "http://schema.org/");
}

/// The quads of a dump, sorted, with every blank node written `_:b`.
fn blank_nodes_unnamed(bytes: &[u8], format: &str) -> Vec<String> {
    use oxigraph::io::{JsonLdProfileSet, RdfFormat, RdfParser};
    let format = match format {
        "turtle" => RdfFormat::Turtle,
        "jsonld" => RdfFormat::JsonLd {
            profile: JsonLdProfileSet::empty(),
        },
        "ntriples" => RdfFormat::NTriples,
        _ => RdfFormat::NQuads,
    };
    let blank = regex::Regex::new(r"_:[A-Za-z0-9_-]+").unwrap();
    let mut quads: Vec<String> = RdfParser::from_format(format)
        .for_slice(bytes)
        .map(|q| {
            blank
                .replace_all(&q.unwrap().to_string(), "_:b")
                // Virtuoso keeps booleans as 1 and 0: the same values.
                .replace("\"1\"^^<http://www.w3.org/2001/XMLSchema#boolean>", "true")
                .replace(
                    "\"true\"^^<http://www.w3.org/2001/XMLSchema#boolean>",
                    "true",
                )
                .replace("\"0\"^^<http://www.w3.org/2001/XMLSchema#boolean>", "false")
                .replace(
                    "\"false\"^^<http://www.w3.org/2001/XMLSchema#boolean>",
                    "false",
                )
        })
        .collect();
    quads.sort();
    quads
}

#[test]
fn dataset_description_says_what_is_here() {
    let server = common::shared();
    let void = get(server, "/.well-known/void", Some("text/turtle"));
    assert!(header(&void, "content-type").starts_with("text/turtle"));
    let text = void.text().unwrap();
    let triples: Vec<_> = oxigraph::io::RdfParser::from_format(oxigraph::io::RdfFormat::Turtle)
        .for_slice(text.as_bytes())
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(triples.len() > 50);
    for expected in [
        "void:triples",
        "void:entities",
        "void:classPartition",
        "void:propertyPartition",
        "void:sparqlEndpoint",
        "void:dataDump",
        "dcat:distribution",
        "dct:license",
        "void:vocabulary",
        "dct:source",
    ] {
        assert!(text.contains(expected), "missing {expected}");
    }
    assert!(text.contains(&format!("{}/dumps/dialogue-graph.nq.gz", server.url)));
    // DCAT: each file says the RDF inside (an IANA IRI) and a .gz its
    // compression, so a client knows what a download holds.
    let said = |file: &str, property: &str| -> Vec<String> {
        let subject = format!("<{}/dumps/{file}>", server.url);
        let property = format!("http://www.w3.org/ns/dcat#{property}");
        triples
            .iter()
            .filter(|t| t.subject.to_string() == subject && t.predicate.as_str() == property)
            .map(|t| t.object.to_string())
            .collect()
    };
    let iana = |t: &str| format!("<https://www.iana.org/assignments/media-types/{t}>");
    for file in ["dialogue-graph.ttl", "dialogue-graph.ttl.gz"] {
        assert_eq!(said(file, "mediaType"), [iana("text/turtle")], "{file}");
    }
    assert_eq!(
        said("dialogue-graph.nq.gz", "mediaType"),
        [iana("application/n-quads")]
    );
    assert_eq!(
        said("dialogue-graph.nq.gz", "compressFormat"),
        [iana("application/gzip")]
    );
    assert!(said("dialogue-graph.nq", "compressFormat").is_empty());
    let html = get(server, "/.well-known/void", Some("text/html,*/*;q=0.8"))
        .text()
        .unwrap();
    assert!(html.contains("Dataset description") && html.contains("/class/schema:Event"));
}

#[test]
fn every_page_in_the_sitemap_answers() {
    let server = common::shared();
    let sitemap = get(server, "/sitemap.xml", None).text().unwrap();
    let urls: Vec<&str> = sitemap
        .split("<loc>")
        .skip(1)
        .map(|s| s.split("</loc>").next().unwrap())
        .collect();
    assert!(urls.len() > 60, "{}", urls.len());
    assert!(urls.iter().any(|u| u.ends_with(&format!("/page/{XI}"))));
    let mut failing = BTreeSet::new();
    for url in &urls {
        let r = no_redirects()
            .get(*url)
            .header("Accept", "text/html")
            .send()
            .unwrap();
        if r.status() != 200 {
            failing.insert(format!("{url}: {}", r.status()));
        }
    }
    assert!(failing.is_empty(), "{failing:#?}");
}

#[test]
fn class_pages_list_their_members() {
    let server = common::shared();
    let classes = get(server, "/classes", None).text().unwrap();
    assert!(classes.contains("href=\"/class/schema:Event\""));
    let events = get(server, "/class/schema:Event", None).text().unwrap();
    assert!(
        events.contains("19th CPC National Congress")
            && events.contains("href=\"/page/event/19th-cpc-national-congress\"")
    );
    let zh = get(server, "/class/schema:Event?lang=zh", None)
        .text()
        .unwrap();
    assert!(zh.contains("党的十九大"));
    assert_eq!(
        get(server, "/class/schema:Nothing", None).status(),
        StatusCode::NOT_FOUND
    );
}

#[test]
fn the_vocabulary_dereferences() {
    let server = common::shared();
    let ns = get(server, "/ns", Some("text/turtle"));
    assert_eq!(ns.status(), StatusCode::SEE_OTHER);
    assert_eq!(header(&ns, "location"), "/ontology.ttl");
    assert_eq!(
        header(&get(server, "/ns", Some("text/html")), "location"),
        "/ontology"
    );
    let html = get(server, "/ontology", Some("text/html")).text().unwrap();
    assert!(
        html.contains("id=\"organisationCountExclusiveMinimum\"") && html.contains("Not a count")
    );
    let ttl = get(server, "/ontology", Some("text/turtle"))
        .text()
        .unwrap();
    assert!(ttl.contains("owl:Ontology"));
    // A dg: term on a page links to its definition.
    let page = get(
        server,
        "/page/group/cpc-world-political-parties-dialogue-2017-participants",
        None,
    )
    .text()
    .unwrap();
    assert!(page.contains("href=\"/ontology#organisationCountExclusiveMinimum\""));
}

#[test]
fn home_page_points_everywhere() {
    let server = common::shared();
    let home = get(server, "/", Some("text/html")).text().unwrap();
    for link in [
        "/sparql",
        "/dumps/",
        "/.well-known/void",
        "/page/event/cpc-world-political-parties-dialogue-2017",
        "/page/person/xi-jinping",
        "/classes",
    ] {
        assert!(home.contains(&format!("href=\"{link}")), "{link}");
    }
}

#[test]
fn an_evidence_page_shows_its_sentence_and_the_facts_it_supports() {
    let server = common::shared();
    let page = get(server, "/page/evidence/en-8", Some("text/html"))
        .text()
        .unwrap();
    assert!(page.contains(
        "Xi Jinping addressed the opening session with a keynote speech entitled &#34;Joining Hands to Build a Better World.&#34;"
    ), "the quoted sentence is missing");
    assert!(page.contains("href=\"/page/text/cpc-world-political-parties-dialogue-2017\""));
    assert!(page.contains("Opening session — addressed by — Xi Jinping"));
}

#[test]
fn pages_draw_the_neighbourhood_and_events_the_timeline() {
    let server = common::shared();
    let page = get(
        server,
        "/page/event/cpc-world-political-parties-dialogue-2017",
        None,
    )
    .text()
    .unwrap();
    let diagram = &page[page.find("<figure class=\"diagram\">").expect("no diagram")..];
    let diagram = &diagram[..diagram.find("</figure>").unwrap()];
    // Each node links to its page: the organiser on the right, the source page on the left.
    for href in [
        "/page/organization/cpc-international-department",
        "/page/document/beijing-initiative",
        "/page/webpage/cpc-world-political-parties-dialogue-2017",
    ] {
        assert!(
            diagram.contains(&format!("<a href=\"{href}\"")),
            "{href} missing from the diagram"
        );
    }
    assert!(
        diagram.contains("more links are not drawn"),
        "a hub must say what it left out"
    );
    let timeline = &page[page
        .find("<figure class=\"timeline\">")
        .expect("no timeline on an event page")..];
    assert!(timeline.contains("19th CPC National Congress · 2017-10 (year inferred)"));
    assert!(timeline.contains("2017-11-30 – 2017-12-03"));
    let home = get(server, "/?lang=zh", None).text().unwrap();
    assert!(
        home.contains("<figure class=\"timeline\">")
            && home.contains("党的十九大 · 2017-10 (年份为推断)")
    );
    assert!(home.contains("href=\"/page/event/19th-cpc-national-congress?lang=zh\""));
    // A person is not an event: no timeline, but a diagram.
    let xi = get(server, "/page/person/xi-jinping", None).text().unwrap();
    assert!(
        xi.contains("<figure class=\"diagram\">") && !xi.contains("<figure class=\"timeline\">")
    );
}

#[test]
fn the_summary_is_a_sentence_of_the_page_in_the_readers_language() {
    let server = common::shared();
    let en = get(
        server,
        "/page/event/cpc-world-political-parties-dialogue-2017",
        None,
    )
    .text()
    .unwrap();
    let summary = &en[en.find("<blockquote class=\"summary\"").unwrap()..];
    assert!(
        summary.starts_with("<blockquote class=\"summary\" lang=\"en\">The meeting was hosted by"),
        "{}",
        &summary[..120]
    );
    let zh = get(
        server,
        "/page/event/cpc-world-political-parties-dialogue-2017?lang=zh",
        None,
    )
    .text()
    .unwrap();
    let summary = &zh[zh.find("<blockquote class=\"summary\"").unwrap()..];
    assert!(summary.starts_with(
        "<blockquote class=\"summary\" lang=\"zh-Hans\">中国共产党与世界政党高层对话会由"
    ));
}

/// A hub with 1,200 incoming links: pages of 500, linked by rel=next/prev in
/// the Link header, in the HTML and (as Hydra terms) in the RDF.
#[test]
fn hubs_are_paged_with_next_and_previous_links() {
    let more = common::MoreData::new(
        "hub.ttl",
        (0..1_200).map(|i| {
            format!("<id/thing/spoke-{i}> <http://schema.org/location> <id/place/beijing> .")
        }),
    );
    let server = Server::start(&more.args(&[]));
    // Distinct spokes linked from a page (the diagram links some twice).
    let spokes = |body: &str| {
        body.split("/page/thing/spoke-")
            .skip(1)
            .map(|rest| {
                rest.split(|c: char| !c.is_ascii_digit())
                    .next()
                    .unwrap_or_default()
                    .to_owned()
            })
            .collect::<BTreeSet<_>>()
            .len()
    };

    let first = get(&server, "/page/place/beijing", Some("text/html"));
    let link = header(&first, "link");
    assert!(
        link.contains("</page/place/beijing?page=2>; rel=\"next\""),
        "{link}"
    );
    assert!(!link.contains("rel=\"prev\""));
    let body = first.text().unwrap();
    // 500 links a page; the real data's few links to Beijing come first or
    // last, as the engine orders them.
    assert!((490..=500).contains(&spokes(&body)), "{}", spokes(&body));
    assert!(body.contains("rel=\"next\" href=\"/page/place/beijing?page=2\""));

    let third = get(
        &server,
        "/page/place/beijing?page=3&lang=zh",
        Some("text/html"),
    );
    let link = header(&third, "link");
    assert!(
        link.contains("</page/place/beijing?lang=zh&page=2>; rel=\"prev\""),
        "{link}"
    );
    assert!(!link.contains("rel=\"next\""));
    // 1,200 spokes plus the real data's own links to Beijing.
    let body = third.text().unwrap();
    assert!((200..=210).contains(&spokes(&body)), "{}", spokes(&body));
    assert!(body.contains("下一页") || body.contains("上一页"));

    assert_eq!(
        get(&server, "/page/place/beijing?page=4", Some("text/html")).status(),
        StatusCode::NOT_FOUND
    );
    let turtle = get(&server, "/data/place/beijing.ttl?page=2", None)
        .text()
        .unwrap();
    assert_eq!(turtle.matches("spoke-").count(), 500);
    assert!(turtle.contains("hydra/core#next"));
    assert!(turtle.contains("hydra/core#previous"));
    // Every page together holds every spoke exactly once.
    let mut seen = BTreeSet::new();
    for page in 1..=3 {
        let nt = get(
            &server,
            &format!("/data/place/beijing.nt?page={page}"),
            None,
        )
        .text()
        .unwrap();
        for line in nt.lines().filter(|l| l.contains("spoke-")) {
            assert!(seen.insert(line.to_owned()), "{line} twice");
        }
    }
    assert_eq!(seen.len(), 1_200);
}

/// A rendered page is kept per data version: the second request is a cache
/// hit with the same bytes, and /metrics counts it.
#[test]
fn rendered_pages_are_cached_per_data_version() {
    // A server of its own: the counts below are exact.
    let server = &Server::start(&[]);
    let first = get(server, "/page/place/beijing", Some("text/html"));
    let etag = header(&first, "etag");
    let first = first.text().unwrap();
    let second = get(server, "/page/place/beijing", Some("text/html"));
    assert_eq!(header(&second, "etag"), etag);
    assert_eq!(second.text().unwrap(), first);
    let metrics = get(server, "/metrics", None).text().unwrap();
    assert!(
        metrics
            .contains("dialogue_graph_cache_lookups_total{cache=\"responses\",result=\"hit\"} 1"),
        "{metrics}"
    );
    assert!(
        metrics
            .contains("dialogue_graph_cache_lookups_total{cache=\"responses\",result=\"miss\"} 1")
    );
}

/// The SHACL shapes lay pages out: moving a property group and renaming it
/// in `ontology/shapes.ttl` moves and renames it on every page, no code.
#[test]
fn the_shapes_decide_the_order_and_names_of_property_groups() {
    let heads = |server: &Server, path: &str| -> Vec<String> {
        let body = get(server, path, Some("text/html")).text().unwrap();
        body.split("<h2>")
            .skip(1)
            .map(|h| h.split("</h2>").next().unwrap().to_owned())
            .collect()
    };
    let server = common::shared();
    let before = heads(server, &format!("/page/{XI}"));
    assert_eq!(before[0], "Names", "{before:?}");
    assert!(before.contains(&"Elsewhere".to_owned()), "{before:?}");

    let dir = common::copy_of_sources();
    let shapes = dir.path().join("ontology/shapes.ttl");
    let text = std::fs::read_to_string(&shapes).unwrap();
    let moved = text.replace(
        "rdfs:label \"Elsewhere\"@en, \"外部链接\"@zh-Hans ;\n    sh:order 6 .",
        "rdfs:label \"Outside links\"@en, \"站外链接\"@zh-Hans ;\n    sh:order 0 .",
    );
    assert_ne!(moved, text, "the Elsewhere group is in ontology/shapes.ttl");
    std::fs::write(&shapes, moved).unwrap();
    let edited = Server::start(&[
        "--data-dir",
        dir.path().join("data").to_str().unwrap(),
        "--ontology-dir",
        dir.path().join("ontology").to_str().unwrap(),
    ]);
    let after = heads(&edited, &format!("/page/{XI}"));
    assert_eq!(after[0], "Outside links", "{after:?}");
    assert_eq!(after[1], "Names", "{after:?}");
    assert!(!after.contains(&"Elsewhere".to_owned()));
    let zh = heads(&edited, &format!("/page/{XI}?lang=zh"));
    assert_eq!(zh[0], "站外链接", "{zh:?}");
}
