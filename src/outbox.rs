//! The outbox: the folder summaries are written into, and how they are written.
//!
//! Writes are atomic: the summary goes to a temporary file in the same folder, is flushed to
//! disk (`fsync`), then renamed into place. A reader — a clinician's review window, a sync job,
//! another kiosk on the same share — sees either no file or a complete one, never half of one.
//! Files are created readable only by their owner (0600 on Unix; `tempfile` creates them so).
//!
//! Names carry no personal data: `<UTC timestamp>-<random>.summary.ron`.

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

/// Extension of summary files.
pub const SUMMARY_SUFFIX: &str = ".summary.ron";

/// Extension of urgent-alert records, written the moment a safety rule fires.
pub const ALERT_SUFFIX: &str = ".alert.ron";

/// The default outbox: `<platform data dir>/prescreen/outbox`.
pub fn default_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "prescreen").map(|d| d.data_dir().join("outbox"))
}

/// Why a write failed. The caller keeps the data; the message says what staff can do.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("outbox folder {0} does not exist")]
    Missing(PathBuf),
    #[error("{0} is not a folder")]
    NotAFolder(PathBuf),
    #[error("cannot write into {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// A file name for a record written at `at`: `20261121T083000Z-1f2e3d4c5b6a7988.summary.ron`.
pub fn file_name(at: DateTime<Utc>, suffix: &str) -> String {
    let mut random = [0u8; 8];
    // With no OS randomness the name still differs by time and process; `persist_noclobber`
    // below guarantees an existing file is never replaced either way.
    if getrandom::fill(&mut random).is_err() {
        random = (u64::from(std::process::id()) ^ at.timestamp_subsec_nanos() as u64).to_le_bytes();
    }
    let random: String = random.iter().map(|b| format!("{b:02x}")).collect();
    format!("{}-{random}{suffix}", at.format("%Y%m%dT%H%M%SZ"))
}

/// Writes `contents` into `dir` atomically under a fresh name; returns the final path.
pub fn write_atomic(dir: &Path, name: &str, contents: &[u8]) -> Result<PathBuf, WriteError> {
    match std::fs::metadata(dir) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(WriteError::Missing(dir.to_path_buf()));
        }
        Err(source) => {
            return Err(WriteError::Io {
                path: dir.to_path_buf(),
                source,
            });
        }
        Ok(m) if !m.is_dir() => return Err(WriteError::NotAFolder(dir.to_path_buf())),
        Ok(_) => {}
    }
    let io = |source| WriteError::Io {
        path: dir.to_path_buf(),
        source,
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".prescreen-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(io)?;
    tmp.write_all(contents).map_err(io)?;
    tmp.as_file().sync_all().map_err(io)?;
    let target = dir.join(name);
    tmp.persist_noclobber(&target).map_err(|e| io(e.error))?;
    // The rename is durable only once the folder entry is on disk too.
    #[cfg(unix)]
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(target)
}

/// Writes `contents` to `path` atomically, replacing any file there (for small records the
/// program owns, such as review marks; never for exports, which are never replaced).
pub fn replace_atomic(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut tmp = tempfile::Builder::new()
        .prefix(".prescreen-")
        .suffix(".tmp")
        .tempfile_in(dir)?;
    tmp.write_all(contents)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}
