//! The downloadable dumps: the whole dataset as Turtle, JSON-LD, N-Triples
//! and N-Quads, each plain and gzip-compressed, with a SHA-256 of each file.
//!
//! Built once per data version (not per request) and written to files, not
//! kept in memory: at a million triples the eight files take hundreds of
//! megabytes, which the server would otherwise hold for as long as the data
//! version lives. Each format is serialised once and streamed at the same
//! time into its plain file, its gzip file and both checksums.

pub mod writing;

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use flate2::Compression;
use flate2::write::GzEncoder;
use sha2::{Digest, Sha256};

use crate::dump_files::writing::{DumpFormat, write_dump};
use crate::error::Result;
use crate::store::{DataVersion, Dataset};

/// The file names start with this.
pub const STEM: &str = "dialogue-graph";

/// The media type of a gzip file.
pub const GZIP: &str = "application/gzip";

/// One downloadable file.
#[derive(Clone, Debug)]
pub struct DumpFile {
    pub name: String,
    /// The media type of the RDF inside (also of a `.gz` file's content).
    pub media_type: &'static str,
    pub format: &'static str,
    pub compressed: bool,
    /// Where the file is on disk.
    pub path: PathBuf,
    /// Its size in bytes.
    pub len: u64,
    pub sha256: String,
}

impl DumpFile {
    /// The `.sha256` file's content, as `sha256sum` writes it.
    pub fn checksum_line(&self) -> String {
        format!("{}  {}\n", self.sha256, self.name)
    }

    /// What the file is sent as: its RDF media type, or `application/gzip`
    /// for a compressed file (so that a download saves the bytes as they are).
    pub fn content_type(&self) -> &'static str {
        if self.compressed {
            GZIP
        } else {
            self.media_type
        }
    }
}

/// All dump files of one data version, in a directory of their own that is
/// removed when the last user lets go of them. A download still streaming
/// from a removed file keeps its open handle, so it finishes unharmed.
#[derive(Debug)]
pub struct Dumps {
    pub version: DataVersion,
    pub files: Vec<DumpFile>,
    dir: PathBuf,
}

impl Dumps {
    pub fn get(&self, name: &str) -> Option<&DumpFile> {
        self.files.iter().find(|f| f.name == name)
    }
}

impl Drop for Dumps {
    fn drop(&mut self) {
        if let Err(e) = std::fs::remove_dir_all(&self.dir) {
            tracing::warn!(dir = %self.dir.display(), error = %e, "cannot remove old dump files");
        }
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

/// Serialises every format once into files under `root`, compressing and
/// hashing as it writes. A failed build leaves nothing behind.
pub fn build(dataset: &Dataset, root: &Path) -> Result<Dumps> {
    let version = dataset.version();
    std::fs::create_dir_all(root)?;
    let dir = tempfile::Builder::new()
        .prefix(&format!("{}-", version.tag))
        .tempdir_in(root)?
        .keep();
    // From here on, dropping `dumps` (on an error too) removes the directory.
    let mut dumps = Dumps {
        version,
        files: Vec::new(),
        dir,
    };
    // The four formats are written at the same time, one thread each: on a
    // million triples each takes seconds (reading the store, serialising,
    // compressing), and the cores would otherwise wait on one another.
    let dir = dumps.dir.clone();
    let built: Vec<Result<[DumpFile; 2]>> = std::thread::scope(|scope| {
        let workers: Vec<_> = FORMATS
            .into_iter()
            .map(|(format, media_type, label)| {
                let dir = &dir;
                scope.spawn(move || write_format(dataset, dir, format, media_type, label))
            })
            .collect();
        workers
            .into_iter()
            .map(|worker| {
                worker.join().unwrap_or_else(|_| {
                    Err(std::io::Error::other("a dump writer thread panicked").into())
                })
            })
            .collect()
    });
    for pair in built {
        dumps.files.extend(pair?);
    }
    Ok(dumps)
}

/// Writes one format's plain and gzip files into `dir`.
fn write_format(
    dataset: &Dataset,
    dir: &Path,
    format: DumpFormat,
    media_type: &'static str,
    label: &'static str,
) -> Result<[DumpFile; 2]> {
    let name = format!("{STEM}.{}", format.extension());
    let gz_name = format!("{name}.gz");
    let plain_path = dir.join(&name);
    let gz_path = dir.join(&gz_name);
    let both = Both {
        plain: Hashed::create(&plain_path)?,
        gz: GzEncoder::new(Hashed::create(&gz_path)?, Compression::default()),
    };
    let (plain, gz) = write_dump(dataset, format, both)?.finish()?;
    Ok([
        DumpFile {
            name,
            media_type,
            format: label,
            compressed: false,
            path: plain_path,
            len: plain.len,
            sha256: plain.sha256,
        },
        DumpFile {
            name: gz_name,
            media_type,
            format: label,
            compressed: true,
            path: gz_path,
            len: gz.len,
            sha256: gz.sha256,
        },
    ])
}

/// Size and checksum of a finished file.
struct Written {
    len: u64,
    sha256: String,
}

/// A file writer that counts and hashes what goes through it.
struct Hashed {
    file: BufWriter<File>,
    hasher: Sha256,
    len: u64,
}

impl Hashed {
    fn create(path: &Path) -> Result<Self> {
        Ok(Self {
            file: BufWriter::with_capacity(256 * 1024, File::create(path)?),
            hasher: Sha256::new(),
            len: 0,
        })
    }

    fn finish(mut self) -> Result<Written> {
        self.file.flush()?;
        self.file.get_ref().sync_all()?;
        Ok(Written {
            len: self.len,
            sha256: format!("{:x}", self.hasher.finalize()),
        })
    }
}

impl Write for Hashed {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.file.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.len += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.file.flush()
    }
}

/// Writes the same bytes to the plain file and through gzip to the
/// compressed one, so each format is serialised only once.
struct Both {
    plain: Hashed,
    gz: GzEncoder<Hashed>,
}

impl Both {
    fn finish(self) -> Result<(Written, Written)> {
        let plain = self.plain.finish()?;
        let gz = self.gz.finish()?.finish()?;
        Ok((plain, gz))
    }
}

impl Write for Both {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.plain.write_all(buf)?;
        self.gz.write_all(buf)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.plain.flush()?;
        self.gz.flush()
    }
}
