//! Descriptions of what is served: the SPARQL 1.1 Service Description of the
//! endpoint (what a client gets from GET `/sparql` with an RDF Accept header).

use oxigraph::model::vocab::{rdf, rdfs, xsd};
use oxigraph::model::{
    BlankNode, GraphNameRef, Literal, NamedNode, NamedOrBlankNode, Term, Triple,
};

use crate::error::Result;
use crate::store::Dataset;
use crate::vocab::{
    DCAT, DCT, DCT_TITLE, FORMATS, GRAPH_STORE_PROTOCOL, LICENSE, SD, VOID, VOID_TRIPLES,
};

fn sd(local: &str) -> NamedNode {
    NamedNode::new_unchecked(format!("{SD}{local}"))
}

/// What the endpoint offers, beyond the fixed facts.
#[derive(Clone, Copy, Debug)]
pub struct EndpointFeatures {
    pub update: bool,
    pub federation: bool,
}

/// The number of triples in each named graph (and in all of them), counted
/// once when the server starts.
#[derive(Clone, Debug, Default)]
pub struct GraphSizes {
    pub total: usize,
    pub graphs: Vec<(NamedNode, usize)>,
}

impl GraphSizes {
    pub fn count(dataset: &Dataset) -> Result<Self> {
        if !dataset.backend().cheap_lookups() {
            return crate::backend::queries::graph_sizes(dataset);
        }
        let mut graphs = Vec::new();
        for name in dataset.backend().named_graphs()? {
            let size = dataset
                .quads_for_pattern(
                    None,
                    None,
                    None,
                    Some(GraphNameRef::NamedNode(name.as_ref())),
                )
                .count();
            graphs.push((name, size));
        }
        graphs.sort();
        Ok(Self {
            total: dataset.len()?,
            graphs,
        })
    }
}

/// The SPARQL 1.1 Service Description of the endpoint at `endpoint`, with
/// the Graph Store Protocol at `graph_store`.
pub fn service_description(
    endpoint: &str,
    graph_store: &str,
    sizes: &GraphSizes,
    features: EndpointFeatures,
) -> Vec<Triple> {
    let service = NamedNode::new_unchecked(endpoint);
    let mut triples = Vec::new();
    let mut add = |s: NamedOrBlankNode, p: NamedNode, o: Term| triples.push(Triple::new(s, p, o));
    let me = NamedOrBlankNode::from(service.clone());
    add(me.clone(), rdf::TYPE.into(), sd("Service").into());
    add(me.clone(), sd("endpoint"), service.clone().into());
    add(
        me.clone(),
        NamedNode::new_unchecked(DCT_TITLE),
        Literal::new_language_tagged_literal_unchecked(
            "SPARQL endpoint of the 2017 High-Level Dialogue between the CPC and World Political Parties",
            "en",
        )
        .into(),
    );
    add(
        me.clone(),
        sd("supportedLanguage"),
        sd("SPARQL11Query").into(),
    );
    if features.update {
        add(
            me.clone(),
            sd("supportedLanguage"),
            sd("SPARQL11Update").into(),
        );
    }
    add(me.clone(), sd("feature"), sd("UnionDefaultGraph").into());
    if features.federation {
        add(me.clone(), sd("feature"), sd("BasicFederatedQuery").into());
    }
    for format in [
        "SPARQL_Results_JSON",
        "SPARQL_Results_XML",
        "SPARQL_Results_CSV",
        "SPARQL_Results_TSV",
        "Turtle",
        "JSON-LD",
        "N-Triples",
        "RDF_XML",
        "N-Quads",
        "TriG",
    ] {
        add(
            me.clone(),
            sd("resultFormat"),
            NamedNode::new_unchecked(format!("{FORMATS}{format}")).into(),
        );
    }
    // The Graph Store Protocol beside the endpoint (SD has no term for it):
    // a resource that conforms to the protocol, linked from the service.
    let store = NamedOrBlankNode::from(NamedNode::new_unchecked(graph_store));
    add(me.clone(), rdfs::SEE_ALSO.into(), store.clone().into());
    add(
        store.clone(),
        NamedNode::new_unchecked(format!("{DCT}conformsTo")),
        NamedNode::new_unchecked(GRAPH_STORE_PROTOCOL).into(),
    );
    add(
        store,
        rdfs::COMMENT.into(),
        Literal::new_language_tagged_literal_unchecked(
            if features.update {
                "SPARQL 1.1 Graph Store Protocol: GET ?graph=IRI or ?default (the union of all graphs); PUT, POST and DELETE with the update token."
            } else {
                "SPARQL 1.1 Graph Store Protocol, read-only: GET ?graph=IRI, or ?default for the union of all graphs."
            },
            "en",
        )
        .into(),
    );
    let dataset = BlankNode::default();
    add(me.clone(), sd("defaultDataset"), dataset.clone().into());
    let dataset = NamedOrBlankNode::from(dataset);
    add(dataset.clone(), rdf::TYPE.into(), sd("Dataset").into());
    let default_graph = BlankNode::default();
    add(
        dataset.clone(),
        sd("defaultGraph"),
        default_graph.clone().into(),
    );
    let default_graph = NamedOrBlankNode::from(default_graph);
    add(default_graph.clone(), rdf::TYPE.into(), sd("Graph").into());
    add(
        default_graph.clone(),
        rdfs::COMMENT.into(),
        Literal::new_language_tagged_literal_unchecked(
            "The default graph of a query is the union of all the named graphs below.",
            "en",
        )
        .into(),
    );
    add(
        default_graph,
        NamedNode::new_unchecked(VOID_TRIPLES),
        Literal::new_typed_literal(sizes.total.to_string(), xsd::INTEGER).into(),
    );
    for (name, size) in &sizes.graphs {
        let named = NamedOrBlankNode::from(BlankNode::default());
        let graph = BlankNode::default();
        add(dataset.clone(), sd("namedGraph"), named.clone().into());
        add(named.clone(), rdf::TYPE.into(), sd("NamedGraph").into());
        add(named.clone(), sd("name"), name.clone().into());
        add(named, sd("graph"), graph.clone().into());
        let graph = NamedOrBlankNode::from(graph);
        add(graph.clone(), rdf::TYPE.into(), sd("Graph").into());
        add(
            graph,
            NamedNode::new_unchecked(VOID_TRIPLES),
            Literal::new_typed_literal(size.to_string(), xsd::INTEGER).into(),
        );
    }
    triples
}

/// Counts that describe the dataset (VoID), computed from the store.
#[derive(Clone, Debug, Default)]
pub struct DatasetStats {
    pub triples: usize,
    /// Distinct entities this server mints (`BASE/id/...`, fragments excluded).
    pub entities: usize,
    pub classes: Vec<(NamedNode, usize)>,
    pub properties: Vec<(NamedNode, usize)>,
}

impl DatasetStats {
    pub fn compute(dataset: &Dataset) -> Result<Self> {
        let base = dataset.base();
        let select = |query: &str| -> Result<Vec<(NamedNode, usize)>> {
            let mut rows = Vec::new();
            if let oxigraph::sparql::QueryResults::Solutions(solutions) =
                crate::sparql::run(dataset, query)?
            {
                for solution in solutions {
                    let solution = solution.map_err(crate::sparql::evaluation_error)?;
                    if let (Some(Term::NamedNode(n)), Some(Term::Literal(c))) =
                        (solution.get("x"), solution.get("n"))
                    {
                        rows.push((n.clone(), c.value().parse().unwrap_or(0)));
                    }
                }
            }
            Ok(rows)
        };
        let classes = select(
            "SELECT ?x (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?x } GROUP BY ?x ORDER BY DESC(?n) ?x",
        )?;
        let properties = select(
            "SELECT ?x (COUNT(*) AS ?n) WHERE { ?s ?x ?o } GROUP BY ?x ORDER BY DESC(?n) ?x",
        )?;
        let entities = if dataset.backend().cheap_lookups() {
            let prefix = base.resolve("id/");
            let mut entities = std::collections::HashSet::new();
            for quad in dataset.iter() {
                if let NamedOrBlankNode::NamedNode(s) = quad?.subject {
                    if let Some(rest) = s.as_str().strip_prefix(&prefix) {
                        entities.insert(rest.split('#').next().unwrap_or(rest).to_owned());
                    }
                }
            }
            entities.len()
        } else {
            crate::backend::queries::entity_count(dataset)?
        };
        Ok(Self {
            triples: dataset.len()?,
            entities,
            classes,
            properties,
        })
    }
}

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
    let me = NamedOrBlankNode::from(iri(&crate::linked_data::dataset_iri(base)));
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
                iri(&iana_media_type(crate::dumps::GZIP)).into(),
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
