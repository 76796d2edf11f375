//! The vocabularies the crate writes and reads, in one place: each namespace
//! once, and the few terms used on their own. Terms Oxigraph already names
//! (`rdf:type`, `rdfs:label`, `xsd:integer`...) come from
//! `oxigraph::model::vocab` where code needs them as terms.

pub const RDF: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
pub const RDF_TYPE: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";
pub const RDFS_LABEL: &str = "http://www.w3.org/2000/01/rdf-schema#label";
pub const XSD_DATE: &str = "http://www.w3.org/2001/XMLSchema#date";
pub const XSD_INTEGER: &str = "http://www.w3.org/2001/XMLSchema#integer";
pub const SCHEMA: &str = "http://schema.org/";
pub const SKOS: &str = "http://www.w3.org/2004/02/skos/core#";
pub const SKOS_ALT_LABEL: &str = "http://www.w3.org/2004/02/skos/core#altLabel";
pub const ORG: &str = "http://www.w3.org/ns/org#";
pub const OA: &str = "http://www.w3.org/ns/oa#";
pub const DCT: &str = "http://purl.org/dc/terms/";
pub const DCT_TITLE: &str = "http://purl.org/dc/terms/title";
/// PROV: its links (derivations, sources) annotate statements.
pub const PROV: &str = "http://www.w3.org/ns/prov#";
pub const FOAF: &str = "http://xmlns.com/foaf/0.1/";
pub const FOAF_PRIMARY_TOPIC: &str = "http://xmlns.com/foaf/0.1/primaryTopic";
pub const FOAF_DOCUMENT: &str = "http://xmlns.com/foaf/0.1/Document";
pub const VOID: &str = "http://rdfs.org/ns/void#";
pub const VOID_TRIPLES: &str = "http://rdfs.org/ns/void#triples";
pub const VOID_IN_DATASET: &str = "http://rdfs.org/ns/void#inDataset";
pub const DCAT: &str = "http://www.w3.org/ns/dcat#";
pub const SD: &str = "http://www.w3.org/ns/sparql-service-description#";
pub const HYDRA: &str = "http://www.w3.org/ns/hydra/core#";
pub const SH: &str = "http://www.w3.org/ns/shacl#";
/// W3C's IRIs for serialisation formats (`formats:Turtle`...).
pub const FORMATS: &str = "http://www.w3.org/ns/formats/";
/// The SPARQL 1.1 Graph Store HTTP Protocol, for `dct:conformsTo`.
pub const GRAPH_STORE_PROTOCOL: &str = "http://www.w3.org/TR/sparql11-http-rdf-update/";
/// The licence of the dataset (the modelling; quoted text remains China.org.cn's).
pub const LICENSE: &str = "https://creativecommons.org/licenses/by/4.0/";

/// The prefixes every serialisation of this graph declares.
pub const PREFIXES: &[(&str, &str)] = &[
    ("rdf", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"),
    ("rdfs", "http://www.w3.org/2000/01/rdf-schema#"),
    ("owl", "http://www.w3.org/2002/07/owl#"),
    ("xsd", "http://www.w3.org/2001/XMLSchema#"),
    ("schema", "http://schema.org/"),
    ("org", "http://www.w3.org/ns/org#"),
    ("skos", "http://www.w3.org/2004/02/skos/core#"),
    ("dct", "http://purl.org/dc/terms/"),
    ("dctype", "http://purl.org/dc/dcmitype/"),
    ("prov", "http://www.w3.org/ns/prov#"),
    ("oa", "http://www.w3.org/ns/oa#"),
    ("sh", "http://www.w3.org/ns/shacl#"),
    ("vann", "http://purl.org/vocab/vann/"),
    ("wd", "http://www.wikidata.org/entity/"),
    ("dbr", "http://dbpedia.org/resource/"),
];
