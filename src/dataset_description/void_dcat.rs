//! The VoID and DCAT description of the dataset (`/.well-known/void`):
//! counts, classes and properties, vocabularies, dumps, the endpoint, the
//! licence and the source.

use oxigraph::model::vocab::{rdf, xsd};
use oxigraph::model::{BlankNode, Literal, NamedNode, NamedOrBlankNode, Term, Triple};

use oxigraph::io::RdfFormat;

use crate::dump_files::Dumps;
use crate::error::{Error, Result};
use crate::sparql::rdf_serializer;
use crate::store::Dataset;
use crate::vocab::{DCAT, DCT, LICENSE, VOID};

use super::{DatasetStats, Statements};

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

fn void(local: &str) -> NamedNode {
    NamedNode::new_unchecked(format!("{VOID}{local}"))
}

fn dcat(local: &str) -> NamedNode {
    NamedNode::new_unchecked(format!("{DCAT}{local}"))
}

fn dct(local: &str) -> NamedNode {
    NamedNode::new_unchecked(format!("{DCT}{local}"))
}

fn iri(value: &str) -> NamedNode {
    NamedNode::new_unchecked(value)
}

fn integer(n: impl ToString) -> Literal {
    Literal::new_typed_literal(n.to_string(), xsd::INTEGER)
}

fn en(text: &str) -> Literal {
    Literal::new_language_tagged_literal_unchecked(text, "en")
}

fn zh(text: &str) -> Literal {
    Literal::new_language_tagged_literal_unchecked(text, "zh-Hans")
}

/// VoID and DCAT description of the dataset: counts, classes and properties
/// with their counts, vocabularies, dumps, endpoint, licence and source.
pub fn void_description(
    dataset: &Dataset,
    stats: &DatasetStats,
    distributions: &[Distribution],
) -> Vec<Triple> {
    let me = NamedOrBlankNode::from(iri(&crate::entity::dataset_iri(dataset.base())));
    let mut out = Statements::default();
    about(&mut out, &me, dataset);
    counts(&mut out, &me, stats);
    for d in distributions {
        distribution(&mut out, &me, d);
    }
    let base = dataset.base();
    let endpoint = iri(&base.resolve("sparql"));
    out.add(me.clone(), dcat("distribution"), endpoint.clone());
    out.add(endpoint.clone(), rdf::TYPE, dcat("DataService"));
    out.add(endpoint.clone(), dcat("endpointURL"), endpoint.clone());
    out.add(endpoint, dcat("servesDataset"), me);
    out.0
}

/// What the dataset is, in both languages; its licence, source, languages,
/// date, and where to start reading it.
fn about(out: &mut Statements, me: &NamedOrBlankNode, dataset: &Dataset) {
    let base = dataset.base();
    let mut add = |p: NamedNode, o: Term| out.add(me.clone(), p, o);
    add(rdf::TYPE.into(), void("Dataset").into());
    add(rdf::TYPE.into(), dcat("Dataset").into());
    add(
        dct("title"),
        en(
            "The 2017 High-Level Dialogue between the CPC and World Political Parties: a knowledge graph",
        )
        .into(),
    );
    add(
        dct("title"),
        zh("2017年中国共产党与世界政党高层对话会知识图谱").into(),
    );
    add(
        dct("description"),
        en(
            "Every statement of one China.org.cn page (English and Chinese) about the meeting held in Beijing from 30 November to 3 December 2017, as RDF with English and Chinese labels; each fact is traceable to the quoted sentence that states it.",
        )
        .into(),
    );
    add(
        dct("description"),
        zh(
            "将中国网一篇关于2017年11月30日至12月3日在北京举行的对话会的网页(中英文)所述内容全部转为RDF,附中英文标签;每条事实都可追溯到陈述它的原句。",
        )
        .into(),
    );
    add(dct("license"), iri(LICENSE).into());
    add(
        dct("rights"),
        en(
            "The modelling is published under CC BY 4.0; the quoted text of the source page belongs to China.org.cn.",
        )
        .into(),
    );
    let page = base.resolve("id/webpage/cpc-world-political-parties-dialogue-2017");
    add(dct("source"), iri(&page).into());
    let text = base.resolve("id/text/cpc-world-political-parties-dialogue-2017");
    add(
        iri("http://www.w3.org/ns/prov#wasDerivedFrom"),
        iri(&text).into(),
    );
    add(dct("language"), Literal::new_simple_literal("en").into());
    add(
        dct("language"),
        Literal::new_simple_literal("zh-Hans").into(),
    );
    let modified = httpdate::fmt_http_date(dataset.version().modified);
    add(
        dct("modified"),
        Literal::new_typed_literal(modified, xsd::STRING).into(),
    );
    add(dcat("landingPage"), iri(base.as_str()).into());
    add(void("sparqlEndpoint"), iri(&base.resolve("sparql")).into());
    add(
        void("uriSpace"),
        Literal::new_simple_literal(base.resolve("id/")).into(),
    );
    let root = base.resolve("id/event/cpc-world-political-parties-dialogue-2017");
    add(void("rootResource"), iri(&root).into());
    add(
        void("exampleResource"),
        iri(&base.resolve("id/person/xi-jinping")).into(),
    );
}

/// How many triples, entities, classes and properties; the vocabularies
/// used; and a partition per class and per property with its count.
fn counts(out: &mut Statements, me: &NamedOrBlankNode, stats: &DatasetStats) {
    out.add(me.clone(), void("triples"), integer(stats.triples));
    out.add(me.clone(), void("entities"), integer(stats.entities));
    out.add(me.clone(), void("classes"), integer(stats.classes.len()));
    out.add(
        me.clone(),
        void("properties"),
        integer(stats.properties.len()),
    );
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
        out.add(me.clone(), void("vocabulary"), iri(&v));
    }
    for (class, count) in &stats.classes {
        let part = BlankNode::default();
        out.add(me.clone(), void("classPartition"), part.clone());
        out.add(part.clone(), void("class"), class.clone());
        out.add(part, void("entities"), integer(*count));
    }
    for (property, count) in &stats.properties {
        let part = BlankNode::default();
        out.add(me.clone(), void("propertyPartition"), part.clone());
        out.add(part.clone(), void("property"), property.clone());
        out.add(part, void("triples"), integer(*count));
    }
}

/// One dump file: a VoID data dump and a DCAT distribution.
fn distribution(out: &mut Statements, me: &NamedOrBlankNode, d: &Distribution) {
    let file = iri(&d.url);
    out.add(me.clone(), void("dataDump"), file.clone());
    out.add(me.clone(), dcat("distribution"), file.clone());
    out.add(file.clone(), rdf::TYPE, dcat("Distribution"));
    out.add(file.clone(), dcat("downloadURL"), file.clone());
    // DCAT: the media type of what is inside (an IANA IRI), and the
    // compression apart, so a client knows a .gz holds Turtle.
    out.add(
        file.clone(),
        dcat("mediaType"),
        iri(&iana_media_type(&d.media_type)),
    );
    if d.compressed {
        let gzip = iri(&iana_media_type(crate::dump_files::GZIP));
        out.add(file.clone(), dcat("compressFormat"), gzip);
    }
    out.add(file.clone(), dcat("byteSize"), integer(d.bytes));
    out.add(
        file.clone(),
        iri("http://spdx.org/rdf/terms#checksum"),
        Literal::new_simple_literal(format!("sha256:{}", d.sha256)),
    );
    out.add(file, dct("license"), iri(LICENSE));
}

/// The dump files as DCAT distributions.
pub fn distributions(dataset: &Dataset, dumps: &Dumps) -> Vec<Distribution> {
    dumps
        .files
        .iter()
        .map(|f| Distribution {
            url: dataset.base().resolve(&format!("dumps/{}", f.name)),
            media_type: f.media_type.to_owned(),
            compressed: f.compressed,
            bytes: f.len,
            sha256: f.sha256.clone(),
        })
        .collect()
}

/// The description in an RDF format, with VoID's and DCAT's prefixes.
pub fn void_document(
    dataset: &Dataset,
    stats: &DatasetStats,
    distributions: &[Distribution],
    format: RdfFormat,
) -> Result<Vec<u8>> {
    let mut serializer = rdf_serializer(format, dataset.base())
        .with_prefix("void", "http://rdfs.org/ns/void#")
        .and_then(|s| s.with_prefix("dcat", "http://www.w3.org/ns/dcat#"))
        .map_err(|e| Error::Internal(format!("a prefix of the description: {e}")))?
        .for_writer(Vec::new());
    for triple in void_description(dataset, stats, distributions) {
        serializer.serialize_triple(&triple)?;
    }
    Ok(serializer.finish()?)
}
