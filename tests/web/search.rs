//! Search and suggestions (`/search`, the box on every page), as a reader and
//! a script use them: English and Chinese names, prefixes while typing, a
//! typo, sensible ranking, the results page, the index following the data,
//! and a real browser typing into the box.

use crate::common;

use std::process::Command;

use crate::common::Server;
use serde_json::Value;

const TOKEN: &str = "a-token-of-sixteen-chars";

/// The JSON answer's results for `q` in `lang`.
fn results(server: &Server, q: &str, lang: &str) -> Vec<Value> {
    let response = server
        .get("/search")
        .query(&[("q", q), ("lang", lang)])
        .header("Accept", "application/json")
        .send()
        .unwrap();
    assert_eq!(response.status(), 200, "{q}");
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
    let answer: Value = response.json().unwrap();
    assert_eq!(answer["query"], q.trim());
    answer["results"].as_array().cloned().unwrap_or_default()
}

fn first_page(results: &[Value]) -> String {
    results
        .first()
        .and_then(|r| r["page"].as_str())
        .unwrap_or("(none)")
        .to_owned()
}

#[test]
fn english_and_chinese_names_are_found_from_what_was_typed_so_far() {
    let server = common::shared();
    let xi = "/page/person/xi-jinping";
    // Whole names, prefixes of the last word, any case, and Chinese prefixes
    // and infixes all find him or the dialogue.
    for (typed, lang, expected) in [
        ("Xi Jinping", "en", xi),
        ("xi jin", "en", xi),
        ("XI", "en", xi),
        ("习近平", "zh", xi),
        ("习近", "zh", xi),
        ("jinping xi", "en", xi),
    ] {
        let found = results(server, typed, lang);
        assert_eq!(first_page(&found), expected, "{typed}: {found:?}");
    }
    let found = results(server, "习近", "zh");
    assert_eq!(found[0]["label"], "习近平");
    assert_eq!(found[0]["other_label"], "Xi Jinping");
    assert_eq!(found[0]["lang"], "zh-hans");
    assert!(
        found[0]["iri"]
            .as_str()
            .unwrap()
            .ends_with("/id/person/xi-jinping")
    );
    let found = results(server, "Xi", "en");
    assert_eq!(found[0]["label"], "Xi Jinping");
    assert_eq!(found[0]["other_label"], "习近平");
}

#[test]
fn chinese_words_are_found_inside_longer_names() {
    let server = common::shared();
    // 对话 ("dialogue") sits in the middle of the event's Chinese name.
    let found = results(server, "对话", "zh");
    let event = "/page/event/cpc-world-political-parties-dialogue-2017";
    assert_eq!(first_page(&found), event, "{found:?}");
    assert!(found[0]["label"].as_str().unwrap().contains("对话"));
    // Two separate words must both be there.
    let found = results(server, "世界 对话", "zh");
    assert_eq!(first_page(&found), event, "{found:?}");
    assert!(results(server, "对话 火星", "zh").is_empty());
}

#[test]
fn ranking_puts_the_entity_before_what_merely_mentions_it() {
    let server = common::shared();
    // The dialogue itself comes first, then the page that reports it: the
    // evidence annotations point at both alike, and are not counted as
    // links; the event is linked from other statements, the page is not.
    let found = results(server, "dialogue", "en");
    let top: Vec<&str> = found
        .iter()
        .take(2)
        .map(|r| r["page"].as_str().unwrap())
        .collect();
    assert_eq!(
        top,
        [
            "/page/event/cpc-world-political-parties-dialogue-2017",
            "/page/webpage/cpc-world-political-parties-dialogue-2017"
        ],
        "{found:?}"
    );
    // A name typed in full beats names that only start with it.
    let found = results(server, "Beijing", "en");
    assert_eq!(first_page(&found), "/page/place/beijing", "{found:?}");
    assert!(found[0]["kind"].as_str().is_some(), "the kind is shown");
    // Case does not matter to the whole-name match either.
    let score = |found: &[Value], i: usize| found[i]["score"].as_f64().unwrap();
    let lower = results(server, "beijing", "en");
    assert_eq!(score(&found, 0), score(&lower, 0));
    assert!(score(&found, 0) > 2.0 * score(&found, 1), "{found:?}");
}

#[test]
fn classes_and_properties_are_found_and_lead_to_the_pages_that_serve_them() {
    let server = common::shared();
    // (typed, reader's language, first result's page, its kind, a piece of
    // what that page shows)
    for (typed, lang, page, kind, shows) in [
        // A class: the list of its members.
        (
            "person",
            "en",
            "/class/schema:Person",
            "class",
            "/page/person/xi-jinping",
        ),
        (
            "政党",
            "zh",
            "/class/schema:PoliticalParty",
            "类",
            "/page/organization/",
        ),
        // Another vocabulary's property: the statements that use it.
        (
            "organiser",
            "en",
            "/fragments?predicate=http%3A%2F%2Fschema.org%2Forganizer",
            "property",
            "/page/organization/cpc-international-department",
        ),
        // The site's own vocabulary: the term's definition.
        ("主题", "zh", "/ontology#theme", "属性", "id=\"theme\""),
    ] {
        let found = results(server, typed, lang);
        assert_eq!(first_page(&found), page, "{typed}: {found:?}");
        assert_eq!(found[0]["kind"], kind, "{typed}");
        // Its name as SPARQL writes it, for people writing queries.
        let term = found[0]["term"].as_str().unwrap_or_default();
        assert!(
            term.contains(':') && !term.starts_with('<'),
            "{typed}: {term}"
        );
        let html = server.html(page.split('#').next().unwrap());
        assert!(html.contains(shows), "{page} does not show {shows}");
    }
    // An entity's name still beats a class that merely shares a word.
    let found = results(server, "Xi Jinping", "en");
    assert_eq!(first_page(&found), "/page/person/xi-jinping");
    assert!(
        found[0]["term"].is_null(),
        "an entity is no vocabulary term"
    );
    // On the results page, the reader's language goes into the query of
    // each link, before a #fragment and after a query already there.
    let page = server.html("/search?q=theme&lang=zh");
    assert!(page.contains("href=\"/ontology?lang=zh#theme\""), "{page}");
    assert!(
        page.contains("<code class=\"term\">dg:theme</code>"),
        "{page}"
    );
    // (The template writes `&` as a character reference.)
    let page = server
        .html("/search?q=organiser&lang=zh")
        .replace("&#38;", "&")
        .replace("&amp;", "&");
    let link = "href=\"/fragments?predicate=http%3A%2F%2Fschema.org%2Forganizer&lang=zh\"";
    assert!(page.contains(link), "{page}");
}

#[test]
fn other_forms_of_an_english_word_are_found_by_its_stem() {
    let server = common::shared();
    let pages = |q: &str| -> Vec<String> {
        results(server, q, "en")
            .iter()
            .map(|r| r["page"].as_str().unwrap().to_owned())
            .collect()
    };
    // "developing" is neither a prefix of "Development" nor one typo away.
    let found = pages("developing");
    assert!(
        found.contains(&"/page/concept/development-of-china-new-era-new-vision".to_owned()),
        "{found:?}"
    );
    // The singular finds the plural, and both words must still match.
    let found = pages("building party");
    assert_eq!(
        found.first().map(String::as_str),
        Some("/page/concept/building-stronger-political-parties-challenges-and-prospects"),
        "{found:?}"
    );
    assert!(pages("developing marsupials").is_empty());
}

#[test]
fn one_typo_in_a_longer_word_is_forgiven_but_nonsense_finds_nothing() {
    let server = common::shared();
    assert_eq!(
        first_page(&results(server, "Beijnig", "en")),
        "/page/place/beijing"
    );
    assert!(results(server, "qwertyuiop", "en").is_empty());
    assert!(results(server, "   ", "en").is_empty());
    // Query syntax is not special: it is just text.
    assert!(results(server, "\"(*:[", "en").is_empty());
}

#[test]
fn limit_caps_the_answer() {
    let server = common::shared();
    let response: Value = server
        .get("/search?q=s&limit=3&format=json")
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(response["results"].as_array().unwrap().len(), 3);
    let response: Value = server
        .get("/search?q=s&limit=1000&format=json")
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert!(response["results"].as_array().unwrap().len() <= 50);
}

#[test]
fn browsers_get_a_results_page_and_every_page_has_the_search_box() {
    let server = common::shared();
    let html = |path: &str| server.html(path);
    let page = html("/search?q=beijing");
    assert!(page.contains("<ol class=\"results\">"));
    assert!(page.contains("href=\"/page/place/beijing\""));
    assert!(page.contains("北京"), "the other language's name is shown");
    let page = html("/search?q=%E5%8C%97%E4%BA%AC&lang=zh");
    assert!(page.contains("href=\"/page/place/beijing?lang=zh\""));
    assert!(page.contains("lang=\"zh-Hans\">北京</a>"));
    let page = html("/search?q=qwertyuiop");
    assert!(page.contains("No name matches"));
    for path in [
        "/",
        "/page/person/xi-jinping",
        "/classes",
        "/sparql",
        "/fragments",
        "/dumps/",
    ] {
        let page = html(path);
        assert!(
            page.contains("<form class=\"search\" action=\"/search\""),
            "no search box on {path}"
        );
        assert!(
            page.contains("/assets/search.js"),
            "no suggestions on {path}"
        );
    }
    let script = server.get("/assets/search.js").send().unwrap();
    assert_eq!(script.status(), 200);
}

#[test]
fn the_index_follows_the_data_after_an_update() {
    if common::engines::embedded_only("an update goes into the server's own store") {
        return;
    }
    let server = Server::start(&["--update-token", TOKEN]);
    assert!(results(&server, "Zhang Wei", "en").is_empty());
    let base = &server.url;
    let update = format!(
        "INSERT DATA {{ GRAPH <{base}/graph/facts> {{
           <{base}/id/person/zhang-wei> a <http://schema.org/Person> ;
             <http://www.w3.org/2000/01/rdf-schema#label> \"Zhang Wei\"@en, \"张伟\"@zh-hans . }} }}"
    );
    let response = server
        .post("/sparql")
        .header("Authorization", format!("Bearer {TOKEN}"))
        .header("Content-Type", "application/sparql-update")
        .body(update)
        .send()
        .unwrap();
    assert!(
        response.status().is_success(),
        "{}",
        response.text().unwrap()
    );
    let found = results(&server, "Zhang", "en");
    assert_eq!(first_page(&found), "/page/person/zhang-wei", "{found:?}");
    assert_eq!(
        first_page(&results(&server, "张", "zh")),
        "/page/person/zhang-wei"
    );
}

/// Headless Chromium, driven by Playwright (both installed by tests/run.sh).
fn browser() -> Option<(String, String)> {
    let node_dir = std::env::var("DIALOGUE_GRAPH_NODE_DIR").ok()?;
    let chromium = std::env::var("DIALOGUE_GRAPH_CHROMIUM").ok()?;
    std::path::Path::new(&node_dir)
        .join("node_modules/playwright-core")
        .exists()
        .then_some((node_dir, chromium))
}

#[test]
fn a_reader_types_into_the_box_picks_a_suggestion_and_lands_on_its_page() {
    // Missing tools fail the test: it never passes unrun.
    let Some((node_dir, chromium)) = browser() else {
        panic!(
            "no Playwright and Chromium: run tests/run.sh, or set DIALOGUE_GRAPH_NODE_DIR and DIALOGUE_GRAPH_CHROMIUM"
        );
    };
    let server = common::shared();
    // (page, typed, first suggestion, where choosing it lands, its heading)
    for (page, typed, first, lands, heading) in [
        (
            "/?lang=zh",
            "习近",
            "习近平",
            "/page/person/xi-jinping?lang=zh",
            "习近平",
        ),
        (
            "/classes",
            "beij",
            "Beijing",
            "/page/place/beijing?lang=en",
            "Beijing",
        ),
        // Vocabulary terms: the language goes into a query already there,
        // and before a #fragment.
        (
            "/?lang=zh",
            "主办方",
            "主办方",
            "/fragments?predicate=http%3A%2F%2Fschema.org%2Forganizer&lang=zh",
            "三元组模式片段",
        ),
        (
            "/?lang=zh",
            "主题",
            "主题",
            "/ontology?lang=zh#theme",
            "dialogue-graph 词汇表",
        ),
    ] {
        let out = Command::new("node")
            .arg(common::repo().join("tests/js/search_box.mjs"))
            .args([&chromium, &format!("{}{page}", server.url), typed])
            .env("DIALOGUE_GRAPH_NODE_DIR", &node_dir)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let seen: Value = serde_json::from_slice(&out.stdout).unwrap();
        let suggestions = seen["suggestions"].as_array().unwrap();
        assert!(
            suggestions[0].as_str().unwrap().starts_with(first),
            "{typed}: {suggestions:?}"
        );
        assert_eq!(seen["expanded"], "true");
        assert_eq!(
            seen["landed"].as_str().unwrap(),
            format!("{}{lands}", server.url)
        );
        assert!(
            seen["title"].as_str().unwrap().starts_with(heading),
            "{seen}"
        );
    }
}
