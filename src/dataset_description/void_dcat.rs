//! The VoID and DCAT description of the dataset (`/.well-known/void`):
//! counts, classes and properties, vocabularies, dumps, the endpoint, the
//! licence and the source.

use oxigraph::model::vocab::{rdf, xsd};
use oxigraph::model::{BlankNode, Literal, NamedNode, NamedOrBlankNode, Term, Triple};

use crate::store::Dataset;
use crate::vocab::{DCAT, DCT, LICENSE, VOID};

use super::DatasetStats;

/// A downloadable file of the dataset, for its description.
#[derive(Clone, Debug)]
pub struct Distribution {
    pub url: String,
    /// The media type of the RDF inside, also for a compressed file.
    pub media_type: String,
    /// Whether the file is gzip-compressed.
    pub compressed: bool,
    pub bytes: u64,
    pub sha256: String,
}

/// The IANA registry's IRI of a media type, as DCAT's `dcat:mediaType` and
/// `dcat:compressFormat` take it.
pub fn iana_media_type(media_type: &str) -> String {
    format!("https://www.iana.org/assignments/media-types/{media_type}")
}

/// VoID and DCAT description of the dataset: counts, classes and properties
/// with their counts, vocabularies, dumps, endpoint, licence and source.
pub fn void_description(
    dataset: &Dataset,
    stats: &DatasetStats,
    distributions: &[Distribution],
) -> Vec<Triple> {
    let base = dataset.base();
    let iri = |s: &str| NamedNode::new_unchecked(s);
    let void = |l: &str| NamedNode::new_unchecked(format!("{VOID}{l}"));
    let dcat = |l: &str| NamedNode::new_unchecked(format!("{DCAT}{l}"));
    let dct = |l: &str| NamedNode::new_unchecked(format!("{DCT}{l}"));
    let int = |n: usize| Term::from(Literal::new_typed_literal(n.to_string(), xsd::INTEGER));
    let en = |s: &str| Term::from(Literal::new_language_tagged_literal_unchecked(s, "en"));
    let zh = |s: &str| Term::from(Literal::new_language_tagged_literal_unchecked(s, "zh-Hans"));
    let me = NamedOrBlankNode::from(iri(&crate::entity::dataset_iri(base)));
    let mut t: Vec<Triple> = Vec::new();
    let mut add =
        |s: &NamedOrBlankNode, p: NamedNode, o: Term| t.push(Triple::new(s.clone(), p, o));
    add(&me, rdf::TYPE.into(), void("Dataset").into());
    add(&me, rdf::TYPE.into(), dcat("Dataset").into());
    add(
        &me,
        dct("title"),
        en(
            "The 2017 High-Level Dialogue between the CPC and World Political Parties: a knowledge graph",
        ),
    );
    add(
        &me,
        dct("title"),
        zh("2017年中国共产党与世界政党高层对话会知识图谱"),
    );
    add(
        &me,
        dct("description"),
        en(
            "Every statement of one China.org.cn page (English and Chinese) about the meeting held in Beijing from 30 November to 3 December 2017, as RDF with English and Chinese labels; each fact is traceable to the quoted sentence that states it.",
        ),
    );
    add(
        &me,
        dct("description"),
        zh(
            "将中国网一篇关于2017年11月30日至12月3日在北京举行的对话会的网页(中英文)所述内容全部转为RDF,附中英文标签;每条事实都可追溯到陈述它的原句。",
        ),
    );
    add(&me, dct("license"), iri(LICENSE).into());
    add(
        &me,
        dct("rights"),
        en(
            "The modelling is published under CC BY 4.0; the quoted text of the source page belongs to China.org.cn.",
        ),
    );
    add(
        &me,
        dct("source"),
        iri(&base.resolve("id/webpage/cpc-world-political-parties-dialogue-2017")).into(),
    );
    add(
        &me,
        NamedNode::new_unchecked("http://www.w3.org/ns/prov#wasDerivedFrom"),
        iri(&base.resolve("id/text/cpc-world-political-parties-dialogue-2017")).into(),
    );
    add(
        &me,
        dct("language"),
        Literal::new_simple_literal("en").into(),
    );
    add(
        &me,
        dct("language"),
        Literal::new_simple_literal("zh-Hans").into(),
    );
    add(
        &me,
        dct("modified"),
        Literal::new_typed_literal(
            httpdate::fmt_http_date(dataset.version().modified),
            xsd::STRING,
        )
        .into(),
    );
    add(&me, dcat("landingPage"), iri(base.as_str()).into());
    add(
        &me,
        void("sparqlEndpoint"),
        iri(&base.resolve("sparql")).into(),
    );
    add(
        &me,
        void("uriSpace"),
        Literal::new_simple_literal(base.resolve("id/")).into(),
    );
    add(
        &me,
        void("rootResource"),
        iri(&base.resolve("id/event/cpc-world-political-parties-dialogue-2017")).into(),
    );
    add(
        &me,
        void("exampleResource"),
        iri(&base.resolve("id/person/xi-jinping")).into(),
    );
    add(&me, void("triples"), int(stats.triples));
    add(&me, void("entities"), int(stats.entities));
    add(&me, void("classes"), int(stats.classes.len()));
    add(&me, void("properties"), int(stats.properties.len()));
    let mut vocabularies: Vec<String> = stats
        .properties
        .iter()
        .chain(&stats.classes)
        .filter_map(|(p, _)| {
            let s = p.as_str();
            let end = s.rfind(['#', '/'])? + 1;
            Some(s[..end].to_owned())
        })
        .collect();
    vocabularies.sort();
    vocabularies.dedup();
    for v in vocabularies {
        add(&me, void("vocabulary"), iri(&v).into());
    }
    for (class, count) in &stats.classes {
        let part = NamedOrBlankNode::from(BlankNode::default());
        add(&me, void("classPartition"), part.clone().into());
        add(&part, void("class"), class.clone().into());
        add(&part, void("entities"), int(*count));
    }
    for (property, count) in &stats.properties {
        let part = NamedOrBlankNode::from(BlankNode::default());
        add(&me, void("propertyPartition"), part.clone().into());
        add(&part, void("property"), property.clone().into());
        add(&part, void("triples"), int(*count));
    }
    for d in distributions {
        add(&me, void("dataDump"), iri(&d.url).into());
        let dist = NamedOrBlankNode::from(iri(&d.url));
        add(&me, dcat("distribution"), dist.clone().into());
        add(&dist, rdf::TYPE.into(), dcat("Distribution").into());
        add(&dist, dcat("downloadURL"), iri(&d.url).into());
        // DCAT: the media type of what is inside (an IANA IRI), and the
        // compression apart, so a client knows a .gz holds Turtle.
        add(
            &dist,
            dcat("mediaType"),
            iri(&iana_media_type(&d.media_type)).into(),
        );
        if d.compressed {
            add(
                &dist,
                dcat("compressFormat"),
                iri(&iana_media_type(crate::dump_files::GZIP)).into(),
            );
        }
        add(
            &dist,
            dcat("byteSize"),
            Term::from(Literal::new_typed_literal(
                d.bytes.to_string(),
                xsd::INTEGER,
            )),
        );
        add(
            &dist,
            NamedNode::new_unchecked("http://spdx.org/rdf/terms#checksum"),
            Literal::new_simple_literal(format!("sha256:{}", d.sha256)).into(),
        );
        add(&dist, dct("license"), iri(LICENSE).into());
    }
    let endpoint = NamedOrBlankNode::from(iri(&base.resolve("sparql")));
    add(&me, dcat("distribution"), endpoint.clone().into());
    add(&endpoint, rdf::TYPE.into(), dcat("DataService").into());
    add(
        &endpoint,
        dcat("endpointURL"),
        iri(&base.resolve("sparql")).into(),
    );
    add(&endpoint, dcat("servesDataset"), me.clone().into());
    t
}
