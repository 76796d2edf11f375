//! The graph store and how RDF files get into it.
//!
//! `serve` builds an in-memory store from `ontology/` and `data/` at start-up;
//! with the `rocksdb` feature, `load` bulk-loads files of any size into a
//! persistent store that `serve --store` then serves. Either way each file goes
//! into the named graph `BASE/graph/{file name}`, relative IRIs are resolved
//! against the base IRI, and a file that fails to parse loads nothing.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant, SystemTime};

use indicatif::{ProgressBar, ProgressStyle};
use oxigraph::io::{JsonLdProfileSet, RdfFormat, RdfParseError, RdfParser};
use std::collections::HashMap;

use oxigraph::model::{
    BlankNode, GraphName, GraphNameRef, NamedNode, NamedNodeRef, NamedOrBlankNode,
    NamedOrBlankNodeRef, Term, TermRef,
};
use oxigraph::store::{LoaderError, Store};
use sha2::{Digest, Sha256};

use crate::backend::remote::Remote;
use crate::backend::{Backend, Embedded, Quads};
use crate::config::{BaseIri, Sources};
use crate::error::{Error, Result};

/// Which state of the data is being served: a tag that changes whenever the
/// data does (it makes the ETags and names the dump cache), and when it did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DataVersion {
    /// Shared, so handing the version to a request allocates nothing.
    pub tag: Arc<str>,
    pub modified: SystemTime,
}

impl DataVersion {
    fn from_hasher(hasher: Sha256) -> Self {
        let digest = format!("{:x}", hasher.finalize());
        Self {
            tag: digest[..16].into(),
            modified: SystemTime::now(),
        }
    }
}

/// The data served: a backend (the embedded store, or a remote SPARQL
/// endpoint) together with the base IRI of its entities and the version of
/// the data. Cloning is cheap: the backend is shared.
#[derive(Clone)]
pub struct Dataset {
    backend: Arc<dyn Backend>,
    base: BaseIri,
    version: Arc<RwLock<DataVersion>>,
    /// For data that can change behind the server's back (a remote
    /// endpoint): how long one version is served before the next one starts,
    /// so caches and dumps follow the data within this bound.
    refresh: Option<std::time::Duration>,
    /// Which period of `refresh` the current version belongs to.
    period: Arc<std::sync::atomic::AtomicU64>,
}

impl Dataset {
    /// Builds a fresh in-memory store from the source files. Either every file
    /// loads, or an error names the file (and line and column) that did not.
    pub fn from_sources(sources: &Sources, base: &BaseIri) -> Result<Self> {
        let store = Store::new()?;
        let mut hasher = Sha256::new();
        hasher.update(base.as_str());
        for path in sources.files()? {
            let bytes = std::fs::read(&path).map_err(|source| Error::ReadFile {
                path: path.clone(),
                source,
            })?;
            hasher.update(path.file_name().unwrap_or_default().as_encoded_bytes());
            hasher.update(&bytes);
            load_deterministically(&store, base, &path, &bytes)?;
        }
        // The example queries, as data in a graph of their own.
        let examples = crate::example_queries::load_examples(&sources.queries_dir)?;
        let graph = base.graph("queries");
        for example in &examples {
            hasher.update(example.name.as_bytes());
            hasher.update(example.query.as_bytes());
        }
        for triple in crate::example_queries::example_triples(&examples, base) {
            store.insert(&triple.in_graph(graph.clone()))?;
        }
        Ok(Self::new(
            store,
            base.clone(),
            DataVersion::from_hasher(hasher),
        ))
    }

    fn new(store: Store, base: BaseIri, version: DataVersion) -> Self {
        Self {
            backend: Arc::new(Embedded::new(store)),
            base,
            version: Arc::new(RwLock::new(version)),
            refresh: None,
            period: Arc::default(),
        }
    }

    /// A store the caller filled (a page's working set fetched from a
    /// remote endpoint), to be read with the same code as the real one.
    pub fn in_memory(store: Store, base: &BaseIri) -> Self {
        Self::new(
            store,
            base.clone(),
            DataVersion {
                tag: "in-memory".into(),
                modified: SystemTime::now(),
            },
        )
    }

    /// Serves the data of a remote SPARQL endpoint. Its data can change
    /// without this server knowing, so a new version starts every `refresh`
    /// (counted from the Unix epoch, so that replicas in front of the same
    /// engine agree on versions, and so on ETags, for a cache in between).
    pub fn remote(endpoint: Remote, base: &BaseIri, refresh: std::time::Duration) -> Self {
        let dataset = Self {
            backend: Arc::new(endpoint),
            base: base.clone(),
            version: Arc::new(RwLock::new(DataVersion {
                tag: "".into(),
                modified: SystemTime::UNIX_EPOCH,
            })),
            refresh: Some(refresh),
            period: Arc::new(u64::MAX.into()),
        };
        dataset.version();
        dataset
    }

    /// The version of period `period` of `refresh`: the same on every
    /// replica with the same base IRI and engine.
    fn period_version(&self, period: u64, refresh: std::time::Duration) -> DataVersion {
        let mut hasher = Sha256::new();
        hasher.update(self.base.as_str());
        hasher.update(self.backend.name());
        hasher.update(period.to_le_bytes());
        let millis = u64::try_from(refresh.as_millis())
            .unwrap_or(u64::MAX)
            .max(1);
        DataVersion {
            modified: SystemTime::UNIX_EPOCH
                + std::time::Duration::from_millis(period.saturating_mul(millis)),
            ..DataVersion::from_hasher(hasher)
        }
    }

    /// The version of the data now served.
    pub fn version(&self) -> DataVersion {
        use std::sync::atomic::Ordering;
        if let Some(refresh) = self.refresh {
            let millis = u64::try_from(refresh.as_millis())
                .unwrap_or(u64::MAX)
                .max(1);
            let now = SystemTime::now()
                .duration_since(SystemTime::UNIX_EPOCH)
                .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX));
            let period = now / millis;
            if self.period.swap(period, Ordering::Relaxed) != period {
                let next = self.period_version(period, refresh);
                *self.version.write().unwrap_or_else(|e| e.into_inner()) = next;
            }
        }
        self.version
            .read()
            .map_or_else(|e| e.into_inner().clone(), |v| v.clone())
    }

    /// Marks the data as changed (after an update), so caches and ETags move on.
    pub fn touch(&self) {
        let mut version = self.version.write().unwrap_or_else(|e| e.into_inner());
        let mut hasher = Sha256::new();
        hasher.update(version.tag.as_bytes());
        hasher.update(format!("{:?}", SystemTime::now()));
        *version = DataVersion::from_hasher(hasher);
    }

    /// Opens an existing persistent store (see `dialogue-graph load`).
    pub fn open(path: &Path, base: &BaseIri) -> Result<Self> {
        if !path.join("CURRENT").is_file() {
            return Err(Error::StoreNotFound {
                path: path.to_owned(),
            });
        }
        let store = open_persistent_store(path)?;
        // A persistent store gets a new version each time it is opened. A
        // digest of its content would keep ETags across restarts, but reading
        // every quad made start-up take seconds per million triples; a
        // restart only costs clients one revalidation.
        let mut hasher = Sha256::new();
        hasher.update(base.as_str());
        hasher.update(path.display().to_string());
        hasher.update(format!("{:?} {}", SystemTime::now(), std::process::id()));
        Ok(Self::new(
            store,
            base.clone(),
            DataVersion::from_hasher(hasher),
        ))
    }

    /// Where the triples are.
    pub fn backend(&self) -> &dyn Backend {
        self.backend.as_ref()
    }

    /// Whether the data is a remote SPARQL engine's (not a store here).
    pub fn is_remote(&self) -> bool {
        self.backend.as_store().is_none()
    }

    /// The embedded store, if the data is in one (not a remote endpoint).
    pub fn store(&self) -> Option<&Store> {
        self.backend.as_store()
    }

    /// The quads matching a pattern (see [`Backend::quads_for_pattern`]).
    pub fn quads_for_pattern(
        &self,
        subject: Option<NamedOrBlankNodeRef<'_>>,
        predicate: Option<NamedNodeRef<'_>>,
        object: Option<TermRef<'_>>,
        graph: Option<GraphNameRef<'_>>,
    ) -> Quads<'_> {
        self.backend
            .quads_for_pattern(subject, predicate, object, graph)
    }

    /// Every quad.
    pub fn iter(&self) -> Quads<'_> {
        self.backend.quads_for_pattern(None, None, None, None)
    }

    /// How many quads there are.
    pub fn len(&self) -> Result<usize> {
        self.backend.len()
    }

    /// Whether there is no quad at all.
    pub fn is_empty(&self) -> Result<bool> {
        self.backend.is_empty()
    }

    pub fn base(&self) -> &BaseIri {
        &self.base
    }
}

/// Loads one file in one transaction, naming its blank nodes after the file and
/// their order of appearance (`facts-1`, `facts-2`...) rather than at random,
/// so that the same files always give the same store and the same dump bytes.
fn load_deterministically(store: &Store, base: &BaseIri, path: &Path, bytes: &[u8]) -> Result<()> {
    let stem: String = path
        .file_name()
        .map(|n| {
            n.to_string_lossy()
                .split('.')
                .next()
                .unwrap_or_default()
                .to_owned()
        })
        .unwrap_or_default()
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect();
    let mut names: HashMap<BlankNode, BlankNode> = HashMap::new();
    let mut rename = |node: BlankNode| -> BlankNode {
        let next = names.len() + 1;
        names
            .entry(node)
            .or_insert_with(|| BlankNode::new_unchecked(format!("{stem}{next}")))
            .clone()
    };
    let mut transaction = store.start_transaction()?;
    for quad in parser_for(path, base)?.for_reader(decompress_if_needed(path, bytes)) {
        let mut quad = quad.map_err(|e| loader_error(path, LoaderError::Parsing(e)))?;
        if let NamedOrBlankNode::BlankNode(b) = quad.subject {
            quad.subject = rename(b).into();
        }
        if let Term::BlankNode(b) = quad.object {
            quad.object = rename(b).into();
        }
        if let GraphName::BlankNode(b) = quad.graph_name {
            quad.graph_name = rename(b).into();
        }
        transaction.insert(quad.as_ref());
    }
    transaction.commit()?;
    Ok(())
}

/// The file in a store directory that records the base IRI its data was
/// loaded under, so that serving or querying it later mints the same IRIs.
const BASE_FILE: &str = "dialogue-graph-base-iri";

/// The base IRI recorded in a store directory, if any.
pub fn recorded_base(store: &Path) -> Result<Option<BaseIri>> {
    match std::fs::read_to_string(store.join(BASE_FILE)) {
        Ok(text) => Ok(Some(BaseIri::parse(text.trim())?)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(Error::ReadFile {
            path: store.join(BASE_FILE),
            source,
        }),
    }
}

/// Records the base IRI of a store's data (after a successful load).
pub fn record_base(store: &Path, base: &BaseIri) -> Result<()> {
    std::fs::write(store.join(BASE_FILE), format!("{base}\n")).map_err(Error::Io)
}

/// The base IRI to use with a store: the one given, which must match the one
/// recorded in the store if there is one; else the recorded one; else `fallback`.
pub fn base_for_store(
    given: Option<&str>,
    store: Option<&Path>,
    fallback: impl FnOnce() -> Result<BaseIri>,
) -> Result<BaseIri> {
    let recorded = match store {
        Some(dir) => recorded_base(dir)?,
        None => None,
    };
    match (given.map(BaseIri::parse).transpose()?, recorded) {
        (Some(given), Some(recorded)) if given != recorded => Err(Error::BaseMismatch {
            store: store.map(Path::to_path_buf).unwrap_or_default(),
            recorded: recorded.to_string(),
            given: given.to_string(),
        }),
        (Some(given), _) => Ok(given),
        (None, Some(recorded)) => Ok(recorded),
        (None, None) => fallback(),
    }
}

/// Opens (creating it if needed) the RocksDB store in `path`.
#[cfg(feature = "rocksdb")]
pub fn open_persistent_store(path: &Path) -> Result<Store> {
    Ok(Store::open(path)?)
}

#[cfg(not(feature = "rocksdb"))]
pub fn open_persistent_store(_path: &Path) -> Result<Store> {
    Err(Error::PersistentStoreUnavailable)
}

/// What a bulk load did.
#[derive(Debug, Clone, Copy)]
pub struct LoadStats {
    pub quads: u64,
    pub elapsed: Duration,
}

impl LoadStats {
    pub fn quads_per_second(&self) -> f64 {
        self.quads as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
}

/// Bulk-loads `files` into `store` in one atomic step: the files are parsed
/// and loaded, and only when all of them succeed is the result committed, so a
/// broken file anywhere leaves the store exactly as it was.
pub fn bulk_load(
    store: &Store,
    base: &BaseIri,
    files: &[PathBuf],
    into: Target,
    show_progress: bool,
) -> Result<LoadStats> {
    let total_bytes = files
        .iter()
        .map(|f| {
            std::fs::metadata(f)
                .map(|m| m.len())
                .map_err(|source| Error::ReadFile {
                    path: f.clone(),
                    source,
                })
        })
        .sum::<Result<u64>>()?;
    let progress = if show_progress {
        ProgressBar::new(total_bytes)
    } else {
        ProgressBar::hidden()
    };
    progress.set_style(
        ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {wide_bar} {bytes}/{total_bytes} read, {msg}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let started = Instant::now();
    let progress_for_loader = progress.clone();
    let mut loader = store.bulk_loader().on_progress(move |quads| {
        let rate = quads as f64 / started.elapsed().as_secs_f64().max(1e-9);
        progress_for_loader.set_message(format!("{quads} triples ({rate:.0} triples/s)"));
    });
    let mut quads = 0_u64;
    for path in files {
        let parser = match into {
            Target::GraphPerFile => parser_for(path, base)?,
            Target::DefaultGraph => {
                parser_for(path, base)?.with_default_graph(GraphName::DefaultGraph)
            }
        };
        let reader = progress.wrap_read(open_raw(path)?);
        let reader = decompress_if_needed(path, reader);
        // What `BulkLoader::load_from_reader` does, plus a count of the quads.
        let parsed = parser
            .rename_blank_nodes()
            .for_reader(reader)
            .inspect(|quad| quads += u64::from(quad.is_ok()));
        if let Err(e) = loader.load_ok_quads::<RdfParseError, LoaderError>(parsed) {
            progress.abandon_with_message("failed: nothing was loaded");
            return Err(loader_error(path, e));
        }
    }
    loader.commit()?;
    let stats = LoadStats {
        quads,
        elapsed: started.elapsed(),
    };
    progress.finish_and_clear();
    Ok(stats)
}

/// Where `bulk_load` puts the triples of each file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// The named graph `BASE/graph/{stem}` of each file (the file stays
    /// traceable, and can be replaced on its own).
    GraphPerFile,
    /// The default graph: one index set fewer to write, so a big single
    /// file loads faster; the file's name is not kept.
    DefaultGraph,
}

/// The named graph a file is loaded into: `BASE/graph/{stem}` where the stem
/// is the file name without its format (and `.gz`) extensions.
pub fn graph_for_file(base: &BaseIri, path: &Path) -> NamedNode {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let stem = name.split('.').next().unwrap_or("default");
    base.graph(stem)
}

/// The RDF format of a file, from its extension (ignoring a final `.gz`).
pub fn format_for(path: &Path) -> Result<RdfFormat> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let name = name.strip_suffix(".gz").unwrap_or(&name);
    let extension = name.rsplit('.').next().unwrap_or_default();
    Ok(match extension {
        "ttl" => RdfFormat::Turtle,
        "nt" => RdfFormat::NTriples,
        "nq" => RdfFormat::NQuads,
        "trig" => RdfFormat::TriG,
        "rdf" | "owl" => RdfFormat::RdfXml,
        "jsonld" => RdfFormat::JsonLd {
            profile: JsonLdProfileSet::empty(),
        },
        _ => {
            return Err(Error::UnknownFileFormat {
                path: path.to_owned(),
            });
        }
    })
}

/// A parser for `path`: its format, the base IRI, and its named graph (for
/// formats without graphs; N-Quads and TriG keep the graphs they name).
fn parser_for(path: &Path, base: &BaseIri) -> Result<RdfParser> {
    let parser = RdfParser::from_format(format_for(path)?)
        .with_base_iri(base.as_str())
        .map_err(|e| Error::InvalidBaseIri {
            iri: base.to_string(),
            reason: e.to_string(),
        })?
        .with_default_graph(graph_for_file(base, path));
    Ok(parser)
}

fn open_raw(path: &Path) -> Result<File> {
    File::open(path).map_err(|source| Error::ReadFile {
        path: path.to_owned(),
        source,
    })
}

fn decompress_if_needed<'a, R: Read + 'a>(path: &Path, reader: R) -> Box<dyn Read + 'a> {
    if path.extension().is_some_and(|e| e == "gz") {
        Box::new(flate2::read::MultiGzDecoder::new(BufReader::new(reader)))
    } else {
        Box::new(BufReader::new(reader))
    }
}

/// Turns a loader error into one that names the file, and for syntax errors
/// the 1-based line and column, as compilers do: `data/facts.ttl:12:5: ...`.
fn loader_error(path: &Path, error: LoaderError) -> Error {
    match error {
        LoaderError::Parsing(RdfParseError::Syntax(e)) => {
            let (line, column) = e
                .location()
                .map_or((0, 0), |l| (l.start.line + 1, l.start.column + 1));
            let text = e.to_string();
            // The parser's own text repeats the position; keep only the message.
            let message = match text.split_once(": ") {
                Some((head, rest)) if head.starts_with("Parser error") => rest.to_owned(),
                _ => text,
            };
            Error::Syntax {
                path: path.to_owned(),
                line,
                column,
                message,
            }
        }
        LoaderError::Parsing(RdfParseError::Io(source)) => Error::ReadFile {
            path: path.to_owned(),
            source,
        },
        LoaderError::Storage(e) => Error::Storage(e),
        LoaderError::InvalidBaseIri { iri, error } => Error::InvalidBaseIri {
            iri,
            reason: error.to_string(),
        },
    }
}
