//! Where each record's delivery stands, kept beside the record and never in it:
//! `delivery/<record file name>.ron` in the record's folder, replaced atomically, owner-only.
//!
//! The record itself is never changed or deleted by delivery, so its digest and signature stay
//! valid and the outbox stays the queue: a record without a state file, or with `Waiting`
//! whose time has come, is (re)sent.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::storage::{read_bounded, replace_atomic};

/// Name of the subfolder holding delivery states.
pub const DELIVERY_DIR: &str = "delivery";

/// State files are a few hundred bytes.
const MAX_STATE_BYTES: u64 = 64 * 1024;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Stage {
    /// The server accepted the transaction.
    Delivered,
    /// Not yet: the server was down, slow or busy; tried again at `next_at`.
    Waiting,
    /// The server refused it (4xx), or it was not sent because it is altered, inconsistent or
    /// not signed by a known kiosk. Not retried: a person must look (see `detail`).
    Refused,
}

/// A record's delivery, as the sender last left it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename = "Delivery")]
pub struct Delivery {
    pub stage: Stage,
    /// Attempts made so far (a local refusal makes none).
    pub attempts: u32,
    /// When this state was reached.
    pub at: DateTime<Utc>,
    /// When to try again (`Waiting` only).
    #[serde(default)]
    pub next_at: Option<DateTime<Utc>>,
    /// The server's answer or the reason, for staff: an HTTP status, an OperationOutcome's issue
    /// codes, a network error. Never the record's content.
    pub detail: String,
    /// The server the record went to.
    pub server: String,
}

/// Where the delivery state of `record` is kept.
pub fn path_of(record: &Path) -> Option<PathBuf> {
    let name = record.file_name()?.to_str()?;
    Some(
        record
            .parent()?
            .join(DELIVERY_DIR)
            .join(format!("{name}.ron")),
    )
}

/// The delivery state of `record`, if it has one that reads.
pub fn of(record: &Path) -> Option<Delivery> {
    let bytes = read_bounded(&path_of(record)?, MAX_STATE_BYTES).ok()?;
    ron::from_str(std::str::from_utf8(&bytes).ok()?).ok()
}

/// Records `delivery` for `record`, replacing the previous state.
pub fn save(record: &Path, delivery: &Delivery) -> std::io::Result<()> {
    let path = path_of(record).ok_or_else(|| std::io::Error::other("not a record path"))?;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let text = ron::ser::to_string_pretty(delivery, ron::ser::PrettyConfig::new())
        .map_err(std::io::Error::other)?;
    replace_atomic(&path, text.as_bytes())
}

impl Delivery {
    /// The state in a few words, for the review window's list.
    pub fn describe(&self) -> String {
        match self.stage {
            Stage::Delivered => format!("Delivered to the FHIR server ({})", self.detail),
            Stage::Waiting => format!(
                "FHIR delivery waiting ({} attempt{}): {}",
                self.attempts,
                if self.attempts == 1 { "" } else { "s" },
                self.detail
            ),
            Stage::Refused => format!("FHIR delivery refused: {}", self.detail),
        }
    }
}
