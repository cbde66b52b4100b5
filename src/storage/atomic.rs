//! Atomic, owner-only writes.
//!
//! A file is written to a temporary file in the same folder, flushed to disk (`fsync`), then
//! renamed into place. A reader — a clinician's review window, a sync job, another kiosk on the
//! same share — sees either no file or a complete one, never half of one. Files are created
//! readable only by their owner (0600 on Unix; `tempfile` creates them so).

use std::io::Write;
use std::path::{Path, PathBuf};

use super::names::{TEMP_PREFIX, TEMP_SUFFIX};

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
    Encrypt(#[source] super::crypto::CryptoError),
    #[error(
        "the record is {size} bytes, more than the {limit} bytes every reader accepts; it was not written (staff: the answers are kept on screen; shorten the longest typed answers or report the questionnaire that produced it)"
    )]
    TooLarge { size: u64, limit: u64 },
    #[error("the record disagrees with its own answers, so it was not written: {0}")]
    Inconsistent(String),
}

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

/// Writes `contents` into `dir` atomically under `name`, never replacing a file already
/// there; returns the final path.
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

/// Writes `contents` to `path` atomically, replacing any file there (for small files the
/// program owns, or a file a person chose in a Save dialog; never for exports, which are
/// never replaced).
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

/// Writes `contents` to a new file at `path`, readable only by its owner, never over an
/// existing one (`AlreadyExists`): for secret keys. A file that could not be written whole is
/// removed, since a half-written key would be taken for a key.
pub fn write_new_private(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    use std::io::Write as _;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    if let Err(e) = file.write_all(contents).and_then(|()| file.sync_all()) {
        drop(file);
        let _ = std::fs::remove_file(path);
        return Err(e);
    }
    Ok(())
}
