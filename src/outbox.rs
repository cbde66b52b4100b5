//! The outbox: the folder a kiosk writes its summaries and alert records into.
//!
//! Each export is written atomically and owner-only under a name without personal data (see
//! [`crate::storage`]). When the site configuration names recipients, the export is encrypted
//! to them first and named `….summary.ron.age` / `….alert.ron.age`; the plain text is never
//! written.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use crate::storage::crypto::Recipients;
use crate::storage::names::{ENCRYPTED_SUFFIX, file_name};
use crate::storage::{MAX_RECORD_BYTES, WriteError, write_atomic};

/// The default outbox: `<platform data dir>/prescreen/outbox`.
pub fn default_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "prescreen").map(|d| d.data_dir().join("outbox"))
}

/// Writes an export made at `at` (`suffix`: `SUMMARY_SUFFIX` or `ALERT_SUFFIX` of
/// [`crate::storage::names`]) under a fresh name. With recipients it is encrypted to them in
/// memory and written as `<name><suffix>.age`; with none, as plain text. Returns the final
/// path.
///
/// A record larger than every reader accepts ([`MAX_RECORD_BYTES`]) is refused before
/// anything is written: a summary that cannot be read is worse than one that says it could
/// not be saved while the patient is still there.
pub fn write_export(
    dir: &Path,
    at: DateTime<Utc>,
    suffix: &str,
    text: &[u8],
    recipients: &Recipients,
) -> Result<PathBuf, WriteError> {
    let size = text.len() as u64;
    if size > MAX_RECORD_BYTES {
        return Err(WriteError::TooLarge {
            size,
            limit: MAX_RECORD_BYTES,
        });
    }
    if recipients.is_empty() {
        return write_atomic(dir, &file_name(at, suffix), text);
    }
    let sealed = recipients.encrypt(text).map_err(WriteError::Encrypt)?;
    let name = file_name(at, &format!("{suffix}{ENCRYPTED_SUFFIX}"));
    write_atomic(dir, &name, &sealed)
}
