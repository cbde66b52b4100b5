//! The outbox: the folder summaries are written into, and how they are written.
//!
//! Writes are atomic: the summary goes to a temporary file in the same folder, is flushed to
//! disk (`fsync`), then renamed into place. A reader — a clinician's review window, a sync job,
//! another kiosk on the same share — sees either no file or a complete one, never half of one.
//! Files are created readable only by their owner (0600 on Unix; `tempfile` creates them so).
//!
//! Names carry no personal data: `<UTC timestamp>-<random>.summary.ron`.
//!
//! When the site configuration names recipients, exports are encrypted to them first (see
//! [`crate::crypto`]) and named `….summary.ron.age` / `….alert.ron.age`; the plain text is
//! never written.

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

/// Extension of summary files.
pub const SUMMARY_SUFFIX: &str = ".summary.ron";

/// Extension of urgent-alert records, written the moment a safety rule fires.
pub const ALERT_SUFFIX: &str = ".alert.ron";

/// Added to the name of an export encrypted with age.
pub const ENCRYPTED_SUFFIX: &str = ".age";

/// Extension of encrypted summaries: [`SUMMARY_SUFFIX`] + [`ENCRYPTED_SUFFIX`].
pub const SUMMARY_AGE_SUFFIX: &str = ".summary.ron.age";

/// Extension of encrypted urgent-alert records: [`ALERT_SUFFIX`] + [`ENCRYPTED_SUFFIX`].
pub const ALERT_AGE_SUFFIX: &str = ".alert.ron.age";

/// Whether `path` names an urgent-alert record, encrypted or not.
pub fn is_alert(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.ends_with(ALERT_SUFFIX) || n.ends_with(ALERT_AGE_SUFFIX))
}

/// Whether `path` names an export (summary or alert, encrypted or not), not a hidden file.
pub fn is_export(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    !name.starts_with('.')
        && [
            SUMMARY_SUFFIX,
            ALERT_SUFFIX,
            SUMMARY_AGE_SUFFIX,
            ALERT_AGE_SUFFIX,
        ]
        .iter()
        .any(|s| name.ends_with(s))
}

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
    #[error("{0}")]
    Encrypt(#[source] crate::crypto::CryptoError),
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

/// Temporary files of writes in progress: hidden, so readers of the outbox never list them.
pub const TEMP_PREFIX: &str = ".prescreen-";
pub const TEMP_SUFFIX: &str = ".tmp";

/// A temporary file younger than this is left alone even when unlocked: its writer may have
/// created it and not yet taken the lock.
const TEMP_GRACE: std::time::Duration = std::time::Duration::from_secs(60);

/// Removes temporary files that writers abandoned (killed, or the power went) in `dir`.
/// Finished files are never touched, nor a temporary file whose writer still holds its lock,
/// nor one younger than a minute. Returns how many were removed.
pub fn clean_abandoned(dir: &Path) -> std::io::Result<usize> {
    let mut removed = 0;
    for entry in std::fs::read_dir(dir)?.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        if !(name.starts_with(TEMP_PREFIX) && name.ends_with(TEMP_SUFFIX)) {
            continue;
        }
        let path = entry.path();
        let old_enough = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age >= TEMP_GRACE);
        if !old_enough {
            continue;
        }
        let Ok(file) = std::fs::File::open(&path) else {
            continue;
        };
        // A writer still holds it: not abandoned.
        if file.try_lock().is_err() {
            continue;
        }
        if std::fs::remove_file(&path).is_ok() {
            removed += 1;
        }
    }
    Ok(removed)
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
        .prefix(TEMP_PREFIX)
        .suffix(TEMP_SUFFIX)
        .tempfile_in(dir)
        .map_err(io)?;
    // Held until the file is renamed and closed (or the process dies): how the next start
    // tells a write in progress, perhaps by another kiosk on a shared outbox, from one a
    // power cut or a kill abandoned. A filesystem without locks only loses that distinction.
    let _ = tmp.as_file().lock();
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

/// Writes an export made at `at` (`suffix`: [`SUMMARY_SUFFIX`] or [`ALERT_SUFFIX`]) under a
/// fresh name. With recipients it is encrypted to them in memory and written as
/// `<name><suffix>.age`; with none, as plain text. Returns the final path.
pub fn write_export(
    dir: &Path,
    at: DateTime<Utc>,
    suffix: &str,
    text: &[u8],
    recipients: &crate::crypto::Recipients,
) -> Result<PathBuf, WriteError> {
    if recipients.is_empty() {
        return write_atomic(dir, &file_name(at, suffix), text);
    }
    let sealed = recipients.encrypt(text).map_err(WriteError::Encrypt)?;
    let name = file_name(at, &format!("{suffix}{ENCRYPTED_SUFFIX}"));
    write_atomic(dir, &name, &sealed)
}

/// Writes `contents` to `path` atomically, replacing any file there (for small records the
/// program owns, such as review marks; never for exports, which are never replaced).
pub fn replace_atomic(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut tmp = tempfile::Builder::new()
        .prefix(TEMP_PREFIX)
        .suffix(TEMP_SUFFIX)
        .tempfile_in(dir)?;
    tmp.write_all(contents)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}
