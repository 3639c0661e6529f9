//! The backup file: a gzipped tar holding `tables/<n>-<table>.jsonl` (the first line is
//! the column names, then one JSON array per row, in the order a restore inserts them),
//! `media/<name>` (each uploaded file as stored) and, last, `manifest.json`, which names
//! every other entry with its size and SHA-256. Written to `FILE.partial` and renamed
//! when complete, so a backup that fails half-way never looks like one that worked.

use anyhow::Context as _;
use flate2::{read::GzDecoder, write::GzEncoder, Compression};
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};
use std::collections::HashMap;
use std::fs::File;
use std::io::{BufWriter, Read as _};
use std::path::{Path, PathBuf};

/// What the first field of every manifest says; a restore refuses anything else.
pub const FORMAT: &str = "oxcart-backup/1";
const MANIFEST: &str = "manifest.json";

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    /// The Oxcart release that wrote it.
    pub oxcart_version: String,
    /// `sqlite` or `postgres`: where the rows came from (they restore into either).
    pub engine: String,
    /// The newest migration applied to the database backed up.
    pub schema_version: i64,
    /// Unix milliseconds at the start of the database snapshot.
    pub created_at: i64,
    /// In restore order: a table comes after every table it refers to.
    pub tables: Vec<TableEntry>,
    pub media: Vec<FileEntry>,
    /// Derived data not in the archive, rebuilt by a restore (the search index).
    pub left_out: Vec<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct TableEntry {
    pub name: String,
    pub columns: Vec<String>,
    pub rows: u64,
    pub sha256: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct FileEntry {
    pub name: String,
    pub bytes: u64,
    pub sha256: String,
}

impl Manifest {
    pub fn rows(&self) -> u64 {
        self.tables.iter().map(|t| t.rows).sum()
    }

    pub fn media_bytes(&self) -> u64 {
        self.media.iter().map(|f| f.bytes).sum()
    }
}

/// Where table `index` (its place in restore order) is stored in the archive.
pub fn table_path(index: usize, name: &str) -> String {
    format!("tables/{index:03}-{name}.jsonl")
}

pub fn media_path(name: &str) -> String {
    format!("media/{name}")
}

pub fn sha256(bytes: &[u8]) -> String {
    data_encoding::HEXLOWER.encode(&Sha256::digest(bytes))
}

/// An archive being written.
pub struct Writer {
    tar: tar::Builder<GzEncoder<BufWriter<File>>>,
    partial: PathBuf,
    target: PathBuf,
}

impl Writer {
    /// Refuses to overwrite an existing file.
    pub fn create(target: &Path) -> anyhow::Result<Self> {
        anyhow::ensure!(
            !target.exists(),
            "{} exists already: choose a new name (a backup never overwrites one)",
            target.display()
        );
        let mut partial = target.as_os_str().to_owned();
        partial.push(".partial");
        let partial = PathBuf::from(partial);
        let file = File::create(&partial)
            .with_context(|| format!("cannot write {}", partial.display()))?;
        let gz = GzEncoder::new(BufWriter::new(file), Compression::default());
        Ok(Self {
            tar: tar::Builder::new(gz),
            partial,
            target: target.to_owned(),
        })
    }

    /// Adds one entry; returns its SHA-256.
    pub fn add(&mut self, path: &str, bytes: &[u8]) -> anyhow::Result<String> {
        let mut header = tar::Header::new_gnu();
        header.set_size(bytes.len() as u64);
        header.set_mode(0o600);
        header.set_cksum();
        self.tar
            .append_data(&mut header, path, bytes)
            .with_context(|| format!("writing {path} into {}", self.partial.display()))?;
        Ok(sha256(bytes))
    }

    /// Writes the manifest, flushes to disk and gives the archive its name.
    pub fn finish(mut self, manifest: &Manifest) -> anyhow::Result<u64> {
        let json = serde_json::to_vec_pretty(manifest)?;
        self.add(MANIFEST, &json)?;
        let gz = self.tar.into_inner().context("finishing the archive")?;
        let file = gz
            .finish()
            .context("finishing the archive")?
            .into_inner()
            .map_err(|e| e.into_error())
            .context("finishing the archive")?;
        file.sync_all().context("flushing the archive to disk")?;
        let size = file.metadata()?.len();
        std::fs::rename(&self.partial, &self.target)
            .with_context(|| format!("renaming to {}", self.target.display()))?;
        Ok(size)
    }

    /// Removes what was written (the backup failed).
    pub fn abandon(self) {
        let partial = self.partial.clone();
        drop(self);
        let _ = std::fs::remove_file(partial);
    }
}

/// Opens an archive for reading, entry by entry.
fn open(path: &Path) -> anyhow::Result<tar::Archive<GzDecoder<File>>> {
    let file = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    Ok(tar::Archive::new(GzDecoder::new(file)))
}

/// Calls `each` with every entry's path and bytes, in the order they were written.
pub fn read_each(
    path: &Path,
    mut each: impl FnMut(String, Vec<u8>) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let damaged = || format!("{} is damaged or not an Oxcart backup", path.display());
    let mut archive = open(path)?;
    for entry in archive.entries().with_context(damaged)? {
        let mut entry = entry.with_context(damaged)?;
        let name = entry.path().with_context(damaged)?.display().to_string();
        let mut bytes = Vec::with_capacity(usize::try_from(entry.size()).unwrap_or(0));
        entry.read_to_end(&mut bytes).with_context(damaged)?;
        each(name, bytes)?;
    }
    Ok(())
}

/// Reads the whole archive once and checks it against its manifest: every table and
/// file present, with the size and SHA-256 it was written with. Returns the manifest.
pub fn verify(path: &Path) -> anyhow::Result<Manifest> {
    let mut sums: HashMap<String, (u64, String)> = HashMap::new();
    let mut manifest = None;
    read_each(path, |name, bytes| {
        if name == MANIFEST {
            manifest = Some(
                serde_json::from_slice::<Manifest>(&bytes)
                    .with_context(|| format!("{}: the manifest cannot be read", path.display()))?,
            );
        } else {
            sums.insert(name, (bytes.len() as u64, sha256(&bytes)));
        }
        Ok(())
    })?;
    let manifest = manifest.with_context(|| {
        format!(
            "{} has no manifest: it is not an Oxcart backup, or it was cut short",
            path.display()
        )
    })?;
    anyhow::ensure!(
        manifest.format == FORMAT,
        "{}: unknown backup format \"{}\" (this Oxcart reads {FORMAT})",
        path.display(),
        manifest.format
    );
    let expected = manifest
        .tables
        .iter()
        .enumerate()
        .map(|(i, t)| (table_path(i, &t.name), None, &t.sha256))
        .chain(
            manifest
                .media
                .iter()
                .map(|f| (media_path(&f.name), Some(f.bytes), &f.sha256)),
        );
    for (entry, bytes, sha) in expected {
        match sums.get(&entry) {
            None => anyhow::bail!("{} is damaged: {entry} is missing", path.display()),
            Some((size, sum)) if sum != sha || bytes.is_some_and(|b| b != *size) => {
                anyhow::bail!(
                    "{} is damaged: {entry} does not match its checksum",
                    path.display()
                )
            }
            Some(_) => {}
        }
    }
    Ok(manifest)
}
