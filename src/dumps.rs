//! The downloadable dumps: the whole dataset as Turtle, JSON-LD, N-Triples
//! and N-Quads, each plain and gzip-compressed, with a SHA-256 of each file.
//! Built once per data version (not per request) and served from memory.

use std::io::Write;

use bytes::Bytes;
use flate2::Compression;
use flate2::write::GzEncoder;
use sha2::{Digest, Sha256};

use crate::dump::{DumpFormat, write_dump};
use crate::error::Result;
use crate::store::{DataVersion, Dataset};

/// The file names start with this.
pub const STEM: &str = "dialogue-graph";

/// One downloadable file.
#[derive(Clone, Debug)]
pub struct DumpFile {
    pub name: String,
    pub media_type: &'static str,
    pub format: &'static str,
    pub compressed: bool,
    pub bytes: Bytes,
    pub sha256: String,
}

impl DumpFile {
    fn new(
        name: String,
        media_type: &'static str,
        format: &'static str,
        compressed: bool,
        bytes: Vec<u8>,
    ) -> Self {
        let sha256 = format!("{:x}", Sha256::digest(&bytes));
        Self {
            name,
            media_type,
            format,
            compressed,
            bytes: Bytes::from(bytes),
            sha256,
        }
    }

    /// The `.sha256` file's content, as `sha256sum` writes it.
    pub fn checksum_line(&self) -> String {
        format!("{}  {}\n", self.sha256, self.name)
    }
}

/// All dump files of one data version.
#[derive(Debug)]
pub struct Dumps {
    pub version: DataVersion,
    pub files: Vec<DumpFile>,
}

impl Dumps {
    pub fn get(&self, name: &str) -> Option<&DumpFile> {
        self.files.iter().find(|f| f.name == name)
    }
}

const FORMATS: [(DumpFormat, &str, &str); 4] = [
    (DumpFormat::Turtle, "text/turtle", "Turtle"),
    (DumpFormat::Jsonld, "application/ld+json", "JSON-LD"),
    (DumpFormat::Ntriples, "application/n-triples", "N-Triples"),
    (
        DumpFormat::Nquads,
        "application/n-quads",
        "N-Quads (keeps the named graphs)",
    ),
];

/// Serialises every format once and compresses each once.
pub fn build(dataset: &Dataset) -> Result<Dumps> {
    let version = dataset.version();
    let mut files = Vec::new();
    for (format, media_type, label) in FORMATS {
        let bytes = write_dump(dataset, format, Vec::new())?;
        let name = format!("{STEM}.{}", format.extension());
        let mut gz = GzEncoder::new(Vec::with_capacity(bytes.len() / 5), Compression::best());
        gz.write_all(&bytes)?;
        let compressed = gz.finish()?;
        files.push(DumpFile::new(name.clone(), media_type, label, false, bytes));
        files.push(DumpFile::new(
            format!("{name}.gz"),
            "application/gzip",
            label,
            true,
            compressed,
        ));
    }
    Ok(Dumps { version, files })
}
