//! Urgent alerts wait for a person.
//!
//! An urgent record (an alert whose patient has not submitted, or a summary with an urgent
//! alert) is **pending** until someone acknowledges it in the window. While any is pending the
//! window shows a banner that has no "dismiss"; when a new one arrives it asks the window system
//! for attention and rings the terminal bell when the window was started from a terminal (the
//! only sound available without an audio library; it never blocks). A pending alert older than
//! the configured minutes is marked **overdue**, and the window asks for attention again.
//!
//! The acknowledgement (the operating-system user, the time, the SHA-256 of the file) is written
//! to `acknowledged/<file>.ack.ron` beside the export, never into it: exports are never changed.
//! The audit log beside the export keeps a line for every acknowledgement. Marking a record reviewed also ends its wait, and an
//! alert's acknowledgement covers the summary the same session submitted later.

use std::collections::HashMap;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::inbox::{Record, Row};
use crate::storage::{MAX_RECORD_BYTES, read_bounded, sha256_hex};

/// The folder of acknowledgement records, beside the exports.
pub const ACK_DIR: &str = "acknowledged";
/// Suffix of an acknowledgement record: `<export file name>.ack.ron`.
pub const ACK_SUFFIX: &str = ".ack.ron";
/// Minutes after which an unacknowledged alert is overdue, unless the site sets another
/// (`prescreen review --overdue-minutes N`). An operational setting for the clinic to choose,
/// not a clinical threshold.
pub const DEFAULT_OVERDUE_MINUTES: u32 = 5;

/// Who acknowledged an urgent record, and when.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename = "Acknowledged")]
pub struct Acknowledgement {
    /// The export's file name.
    pub file: String,
    /// SHA-256 of the export's bytes when it was acknowledged.
    pub sha256: String,
    /// The operating-system account the window runs under.
    pub os_user: String,
    pub at: DateTime<Utc>,
}

/// How long an alert has waited, as a person at the desk reads it: minutes, then hours and
/// minutes, then days.
pub fn waited(span: Duration) -> String {
    let minutes = span.num_minutes().max(0);
    match minutes {
        0..60 => format!("{minutes} min"),
        60..1440 => format!("{} h {} min", minutes / 60, minutes % 60),
        _ => match minutes / 1440 {
            1 => "1 day".to_owned(),
            days => format!("{days} days"),
        },
    }
}

/// Where the acknowledgement of `export` lives.
pub fn ack_path(export: &Path) -> Option<PathBuf> {
    let name = export.file_name()?.to_str()?;
    Some(
        export
            .parent()?
            .join(ACK_DIR)
            .join(format!("{name}{ACK_SUFFIX}")),
    )
}

/// The acknowledgement of `export`, if one was recorded and can be read.
pub fn read_ack(export: &Path) -> Option<Acknowledgement> {
    let bytes = read_bounded(&ack_path(export)?, 64 * 1024).ok()?;
    ron::from_str(std::str::from_utf8(&bytes).ok()?).ok()
}

/// Records that a person acknowledged `export`, beside it (atomically, owner-only).
pub fn acknowledge(
    export: &Path,
    os_user: &str,
    at: DateTime<Utc>,
) -> Result<Acknowledgement, String> {
    let record = ack_path(export).ok_or_else(|| format!("{} is not a file", export.display()))?;
    let bytes = read_bounded(export, MAX_RECORD_BYTES)
        .map_err(|e| format!("cannot read {}: {e}", export.display()))?;
    let ack = Acknowledgement {
        file: export
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        sha256: sha256_hex(&bytes),
        os_user: os_user.to_owned(),
        at,
    };
    let config = ron::ser::PrettyConfig::new()
        .struct_names(true)
        .new_line("\n".to_owned());
    let text = ron::ser::to_string_pretty(&ack, config).map_err(|e| e.to_string())?;
    let dir = record.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)
        .map_err(|e| format!("cannot write into {}: {e}", dir.display()))?;
    crate::storage::replace_atomic(&record, text.as_bytes())
        .map_err(|e| format!("cannot write into {}: {e}", dir.display()))?;
    Ok(ack)
}

/// An urgent record waiting for a person.
#[derive(Clone, Debug, PartialEq)]
pub struct Pending {
    pub path: PathBuf,
    /// When the record was made (the alert's moment, the summary's submission).
    pub since: DateTime<Utc>,
    /// The patient's name as given, for the banner (shown only in the clinician window).
    pub patient: String,
}

impl Pending {
    pub fn is_overdue(&self, now: DateTime<Utc>, minutes: u32) -> bool {
        now - self.since >= Duration::minutes(i64::from(minutes))
    }

    /// When it becomes overdue.
    pub fn due(&self, minutes: u32) -> DateTime<Utc> {
        self.since + Duration::minutes(i64::from(minutes))
    }
}

/// The urgent rows nobody has acknowledged or reviewed, oldest first. `acks` holds what was
/// read from `acknowledged/` for these rows.
pub fn pending(rows: &[Row], acks: &HashMap<PathBuf, Acknowledgement>) -> Vec<Pending> {
    let acknowledged = |p: &Path| acks.contains_key(p);
    let mut out: Vec<Pending> = rows
        .iter()
        .filter(|r| r.is_urgent() && !r.is_reviewed() && !acknowledged(&r.path))
        // A summary whose session's alert was acknowledged was already seen by a person.
        .filter(|r| {
            !rows.iter().any(|a| match &a.record {
                Record::Alert(alert) => {
                    alert.summary.as_deref() == Some(r.path.as_path()) && acknowledged(&a.path)
                }
                _ => false,
            })
        })
        .map(|r| Pending {
            path: r.path.clone(),
            since: r.received,
            patient: r
                .patient()
                .first()
                .map_or_else(String::new, |f| f.answer.clone()),
        })
        .collect();
    out.sort_by_key(|p| p.since);
    out
}

/// The acknowledgements of the rows that could need one (urgent rows and alert records).
pub fn read_acks(rows: &[Row]) -> HashMap<PathBuf, Acknowledgement> {
    rows.iter()
        .filter(|r| r.is_urgent() || matches!(r.record, Record::Alert(_)))
        .filter_map(|r| read_ack(&r.path).map(|a| (r.path.clone(), a)))
        .collect()
}

/// A sound where the machine has one: the terminal bell, when the window was started from a
/// terminal. One byte to stderr; never blocks the window for long, never fails it.
pub fn ring_bell() {
    let mut err = std::io::stderr();
    if err.is_terminal() {
        let _ = err.write_all(b"\x07");
        let _ = err.flush();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wait_reads_in_minutes_then_hours_then_days() {
        let cases = [
            (-3, "0 min"),
            (0, "0 min"),
            (59, "59 min"),
            (60, "1 h 0 min"),
            (125, "2 h 5 min"),
            (1439, "23 h 59 min"),
            (1440, "1 day"),
            (2879, "1 day"),
            (16038, "11 days"),
        ];
        for (minutes, shown) in cases {
            assert_eq!(waited(Duration::minutes(minutes)), shown, "{minutes} min");
        }
    }
}
