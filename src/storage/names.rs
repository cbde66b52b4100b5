//! How exports are named: `<UTC timestamp>-<random>.summary.ron`, `….alert.ron`, and the same
//! with `.age` when encrypted. Names carry no personal data; the random part keeps two kiosks
//! on one shared outbox from ever choosing the same name.

use std::path::Path;

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

/// Temporary files of writes in progress: hidden, so readers of the outbox never list them.
pub const TEMP_PREFIX: &str = ".prescreen-";
pub const TEMP_SUFFIX: &str = ".tmp";

fn name(path: &Path) -> Option<&str> {
    path.file_name().and_then(|n| n.to_str())
}

/// Whether `path` names an urgent-alert record, encrypted or not.
pub fn is_alert(path: &Path) -> bool {
    name(path).is_some_and(|n| n.ends_with(ALERT_SUFFIX) || n.ends_with(ALERT_AGE_SUFFIX))
}

/// Whether `path` names an encrypted export (`….age`).
pub fn is_encrypted(path: &Path) -> bool {
    name(path).is_some_and(|n| n.ends_with(ENCRYPTED_SUFFIX))
}

/// Whether `path` names an export (summary or alert, encrypted or not), not a hidden file.
pub fn is_export(path: &Path) -> bool {
    let Some(name) = name(path) else {
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

/// The name of an export without its extensions, for files made from it (`….html`).
pub fn stem(path: &Path) -> Option<&str> {
    name(path).map(|n| {
        n.trim_end_matches(ENCRYPTED_SUFFIX)
            .trim_end_matches(".ron")
    })
}

/// A file name for a record written at `at`: `20261121T083000Z-1f2e3d4c5b6a7988.summary.ron`.
pub fn file_name(at: DateTime<Utc>, suffix: &str) -> String {
    let mut random = [0u8; 8];
    // With no OS randomness the name still differs by time and process; writes never replace
    // an existing file either way (see `atomic::write_atomic`).
    if getrandom::fill(&mut random).is_err() {
        random = (u64::from(std::process::id()) ^ at.timestamp_subsec_nanos() as u64).to_le_bytes();
    }
    format!(
        "{}-{}{suffix}",
        at.format("%Y%m%dT%H%M%SZ"),
        super::hex(&random)
    )
}
