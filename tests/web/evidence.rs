//! The evidence behind every fact: each quoted sentence is recomputed from the
//! source file by its code-point offsets, and every content triple of the facts
//! graph must be the body of an annotation that quotes the page.

use crate::common;

use crate::common::{BASE, dataset, select, source_text};

#[test]
fn the_kept_source_is_the_shared_source() {
    let shared = common::repo().join("../shared/source/cpc-world-parties-dialogue-2017.txt");
    if let Ok(original) = std::fs::read_to_string(&shared) {
        assert_eq!(
            source_text(),
            original,
            "data/source/ differs from {}",
            shared.display()
        );
    }
}

#[test]
fn the_source_text_in_the_data_is_the_file_byte_for_byte() {
    let rows = select(
        &dataset(),
        "SELECT ?text ?length WHERE { ?t a dg:SourceText ; rdf:value ?text ; dg:codePointLength ?length }",
    );
    assert_eq!(rows.len(), 1);
    let text = source_text();
    assert_eq!(rows[0]["text"], text);
    assert_eq!(rows[0]["length"], text.chars().count().to_string());
}

#[test]
fn every_quote_is_at_its_offsets_in_the_source() {
    let chars: Vec<char> = source_text().chars().collect();
    let slice = |a: usize, b: usize| chars[a..b].iter().collect::<String>();
    let rows = select(
        &dataset(),
        "SELECT ?annotation ?exact ?prefix ?suffix ?start ?end WHERE {
            ?annotation a oa:Annotation ; oa:hasTarget ?target .
            ?target oa:hasSource ?text ; oa:hasSelector ?q, ?p .
            ?text a dg:SourceText .
            ?q a oa:TextQuoteSelector ; oa:exact ?exact ; oa:prefix ?prefix ; oa:suffix ?suffix .
            ?p a oa:TextPositionSelector ; oa:start ?start ; oa:end ?end .
        }",
    );
    assert_eq!(rows.len(), 18, "one row per quoted sentence");
    for row in rows {
        let start: usize = row["start"].parse().unwrap();
        let end: usize = row["end"].parse().unwrap();
        let who = &row["annotation"];
        assert!(start < end && end <= chars.len(), "{who}: bad offsets");
        assert_eq!(
            slice(start, end),
            row["exact"],
            "{who}: exact text is not at its offsets"
        );
        let before = row["prefix"].chars().count();
        let after = row["suffix"].chars().count();
        assert_eq!(slice(start - before, start), row["prefix"], "{who}: prefix");
        assert_eq!(slice(end, end + after), row["suffix"], "{who}: suffix");
    }
}

#[test]
fn offsets_count_code_points_not_bytes() {
    // The Chinese paragraph is where bytes and code points part ways.
    let rows = select(
        &dataset(),
        "SELECT ?start ?exact WHERE { ?a oa:hasTarget ?t . ?t dct:language \"zh-Hans\" ; oa:hasSelector ?p, ?q .
            ?p oa:start ?start . ?q oa:exact ?exact } ORDER BY ?start LIMIT 1",
    );
    let text = source_text();
    let byte_offset = text.find(&rows[0]["exact"]).unwrap();
    let code_point_offset = text[..byte_offset].chars().count();
    assert_eq!(rows[0]["start"], code_point_offset.to_string());
    assert_ne!(byte_offset, code_point_offset);
}

#[test]
fn every_content_triple_has_quoted_evidence() {
    let rows = select(
        &dataset(),
        &format!(
            "SELECT ?s ?p ?o WHERE {{
                GRAPH <{BASE}graph/facts> {{ ?s ?p ?o }}
                FILTER(?p != rdf:type)
                FILTER NOT EXISTS {{
                    ?st rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o .
                    ?annotation a oa:Annotation ; oa:hasBody ?st .
                }}
            }}"
        ),
    );
    assert!(rows.is_empty(), "triples without evidence: {rows:#?}");
}

#[test]
fn no_evidence_for_triples_that_are_not_there() {
    let rows = select(
        &dataset(),
        &format!(
            "SELECT ?s ?p ?o WHERE {{
                ?annotation a oa:Annotation ; oa:hasBody ?st .
                ?st rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o .
                FILTER NOT EXISTS {{ GRAPH <{BASE}graph/facts> {{ ?s ?p ?o }} }}
            }}"
        ),
    );
    assert!(rows.is_empty(), "evidence for missing triples: {rows:#?}");
}

#[test]
fn facts_stated_in_both_texts_cite_both() {
    // Dates, place and organiser are in the English and the Chinese paragraph.
    let rows = select(
        &dataset(),
        "SELECT ?p (COUNT(DISTINCT ?lang) AS ?languages) WHERE {
            ?st rdf:subject ?meeting ; rdf:predicate ?p .
            ?meeting schema:organizer ?o .
            FILTER(?p IN (schema:startDate, schema:endDate, schema:location, schema:organizer))
            ?a oa:hasBody ?st ; oa:hasTarget/dct:language ?lang .
        } GROUP BY ?p",
    );
    assert_eq!(rows.len(), 4);
    assert!(rows.iter().all(|r| r["languages"] == "2"), "{rows:#?}");
}

#[test]
fn background_and_links_name_their_basis() {
    for graph in ["background", "links"] {
        let rows = select(
            &dataset(),
            &format!(
                "SELECT ?s ?p ?o WHERE {{
                    GRAPH <{BASE}graph/{graph}> {{ ?s ?p ?o }}
                    FILTER(?p NOT IN (rdf:type, rdf:subject, rdf:predicate, rdf:object, dg:basis, dct:source, prov:wasDerivedFrom, rdfs:comment))
                    FILTER NOT EXISTS {{ ?st rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; dg:basis ?basis }}
                }}"
            ),
        );
        assert!(
            rows.is_empty(),
            "{graph}: triples without a basis: {rows:#?}"
        );
    }
}
