//! The clinician's inbox: every record in an outbox folder, read and checked, in the order a
//! clinician should see them — urgent first, then newest.
//!
//! A row is one file: a summary, an urgent-alert record, or a file that could not be read (with
//! the reason). Nothing here changes an exported file. "Reviewed" is a separate small record in
//! a `reviewed/` subfolder beside the exports, holding who (the operating-system account), when,
//! and the SHA-256 of the file as it was reviewed, so a file changed after review is noticed.
//! Every mark is its own file under a fresh name and none is ever replaced: the history of a
//! record's marks is kept, and two clinicians marking the same record at once both keep theirs.
//!
//! Encrypted exports (`*.summary.ron.age`, `*.alert.ron.age`) are decrypted in memory with the
//! identities the inbox was given and then read exactly as plain ones; without the right key
//! they are listed as unreadable, with the reason.
//!
//! Scanning keeps a cache keyed by path, size and modification time, so a rescan after one new
//! file reads one file. Rows keep only what the list shows; a summary is read again (and checked
//! again) when it is opened.

use std::collections::HashMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::deliver::state::{self as delivery, Delivery};
use crate::engine::recheck::Library;
use crate::engine::summary::{
    Field, Integrity, QuestionnaireInfo, Summary, SummaryError, SummaryHead, UrgentAlert,
};
use crate::export::{Checks, Consistency, Trust};
use crate::storage::crypto::{self, Identities, RecordError};
use crate::storage::sign::KnownKiosk;
use crate::storage::{MAX_RECORD_BYTES, ReadError, names, read_bounded, sha256_hex};

/// Name of the subfolder holding review records.
pub const REVIEWED_DIR: &str = "reviewed";

/// Suffix of a review record: `reviewed/<export file name>/<UTC time>-<random>.reviewed.ron`,
/// one file a mark. (Before marks kept their history, the one mark of an export was
/// `reviewed/<export file name>.reviewed.ron`; such a file is still read, as the oldest mark.)
pub const REVIEWED_SUFFIX: &str = ".reviewed.ron";

/// One file of the inbox.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub path: PathBuf,
    /// When the record was made: a summary's submission, an alert's moment; for an unreadable
    /// file, its modification time.
    pub received: DateTime<Utc>,
    pub record: Record,
    /// The latest mark, checked against the file as it is now.
    pub review: Option<Review>,
    /// Every mark of the file, oldest first (the last is the one `review` checks).
    pub marks: Vec<ReviewMark>,
    /// Where its delivery to the clinic's FHIR server stands, when `prescreen send` runs.
    pub delivery: Option<Delivery>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Record {
    Summary(SummaryRow),
    Alert(AlertRow),
    /// Could not be read as a summary or alert; the reason says why, in words for a clinician.
    Unreadable {
        reason: String,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub struct SummaryRow {
    /// Name, date of birth: the identity answers, as the patient gave them.
    pub patient: Vec<Field>,
    pub flags: usize,
    /// Urgent flags (a self-harm phrase in free text): the summary is urgent though no safety
    /// rule fired during the session.
    pub urgent_flags: usize,
    /// Urgent safety alerts raised during the session (calm notices are not counted).
    pub alerts: usize,
    /// Who wrote it, judged against the clinic's kiosks.
    pub trust: Trust,
    pub questionnaire: QuestionnaireInfo,
    /// Whether the questionnaire is one this installation knows (`None`: no list to check).
    pub known_questionnaire: Option<bool>,
    pub started_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct AlertRow {
    pub patient: Vec<Field>,
    /// What staff are told, e.g. "Patient reported thoughts of self-harm".
    pub alert: String,
    /// An urgent alert; `false` for a calm notice (crisis resources shown after a declined
    /// or skipped self-harm question), which is listed but does not demand attention.
    pub urgent: bool,
    pub trust: Trust,
    pub questionnaire: QuestionnaireInfo,
    pub started_at: DateTime<Utc>,
    /// The summary the same session submitted later, if it did.
    pub summary: Option<PathBuf>,
}

/// A clinician's record that a file was reviewed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename = "Reviewed")]
pub struct ReviewMark {
    /// The export's file name.
    pub file: String,
    /// SHA-256 of the file's bytes when it was reviewed.
    pub sha256: String,
    /// The operating-system account that marked it (`audit::os_user`).
    pub by: String,
    pub at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Review {
    Reviewed(ReviewMark),
    /// Marked reviewed, but the file's bytes are no longer those that were reviewed.
    ChangedSince(ReviewMark),
    /// An alert record never marked itself, whose session's summary was reviewed (the mark
    /// is the summary's): the clinician read the alert's answers in the summary.
    WithSummary(ReviewMark),
}

impl Row {
    pub fn file_name(&self) -> String {
        self.path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    }

    /// A summary with a safety alert or an urgent flag, or an alert record whose patient never
    /// submitted.
    pub fn is_urgent(&self) -> bool {
        match &self.record {
            Record::Summary(s) => s.alerts > 0 || s.urgent_flags > 0,
            Record::Alert(a) => a.urgent && a.summary.is_none(),
            Record::Unreadable { .. } => false,
        }
    }

    pub fn is_reviewed(&self) -> bool {
        matches!(
            self.review,
            Some(Review::Reviewed(_) | Review::WithSummary(_))
        )
    }

    /// The identity answers shown in the list.
    pub fn patient(&self) -> &[Field] {
        match &self.record {
            Record::Summary(s) => &s.patient,
            Record::Alert(a) => &a.patient,
            Record::Unreadable { .. } => &[],
        }
    }
}

/// What an installation trusts: its kiosks' public keys, by name, and the questionnaires it
/// knows, so records can be judged by who signed them and recomputed.
#[derive(Clone, Debug, Default)]
pub struct Known {
    pub kiosks: Vec<KnownKiosk>,
    pub library: Library,
}

impl Known {
    /// What a record's integrity means against the clinic's kiosks: a valid signature by a
    /// listed key names its kiosk; any signature that does not verify means altered.
    pub fn judge(&self, integrity: &Integrity) -> Trust {
        match integrity {
            Integrity::Intact { signed_by: None } => Trust::Unsigned { key: None },
            Integrity::Intact {
                signed_by: Some(key),
            } => match self.kiosks.iter().find(|k| k.key == *key) {
                Some(k) => Trust::Signed {
                    kiosk: k.name.clone(),
                },
                None => Trust::Unsigned {
                    key: Some(key.to_string()),
                },
            },
            Integrity::Mismatch => Trust::Altered {
                reason: SummaryError::Digest.to_string(),
            },
            Integrity::BadSignature => Trust::Altered {
                reason: SummaryError::Signature.to_string(),
            },
        }
    }

    /// Reads a summary's bytes and checks it: its seal against the clinic's kiosks, and its
    /// content against its questionnaire when the library has it.
    ///
    /// A summary whose only problems are its integrity or consistency is returned with them,
    /// so a reader can show it under a warning. Every other problem (too large, not text, not
    /// a summary, another schema version) is an error.
    pub fn read(&self, bytes: &[u8]) -> Result<(Summary, Checks), SummaryError> {
        let (summary, integrity) = Summary::read(bytes)?;
        let checks = self.check(&summary, &integrity);
        Ok((summary, checks))
    }

    /// [`Known::judge`] and the recomputation of a summary read with `integrity`.
    pub fn check(&self, summary: &Summary, integrity: &Integrity) -> Checks {
        Checks {
            trust: self.judge(integrity),
            consistency: Consistency::check(summary, &self.library),
        }
    }
}

/// What the list needs of a file, cached between scans.
#[derive(Clone, Debug)]
struct Cached {
    len: u64,
    modified: Option<SystemTime>,
    received: DateTime<Utc>,
    record: Record,
    /// What the review records looked like when `marks` were read.
    review_stamp: Option<MarkStamp>,
    review: Option<Review>,
    marks: Vec<ReviewMark>,
    /// The delivery state file's size and time when `delivery` was read.
    delivery_stamp: Option<(u64, Option<SystemTime>)>,
    delivery: Option<Delivery>,
}

/// What tells that a file's marks changed: marks are never replaced, only added, so the names
/// in its folder (and the old single record's size and time) are enough.
#[derive(Clone, Debug, PartialEq)]
struct MarkStamp {
    legacy: Option<(u64, Option<SystemTime>)>,
    names: Vec<OsString>,
}

/// The rows of a folder (and of files opened one by one), kept up to date by [`Inbox::scan`].
#[derive(Debug, Default)]
pub struct Inbox {
    /// The folder watched, if any.
    pub dir: Option<PathBuf>,
    /// Files opened individually (file dialog, drag and drop, the command line).
    pub files: Vec<PathBuf>,
    /// The clinic's kiosks and the questionnaires this installation knows (none: don't check
    /// questionnaires).
    pub known: Known,
    /// Keys that open encrypted exports; empty: those are listed as unreadable. Set before the
    /// first scan (rows already read are kept while their files are unchanged).
    pub identities: Identities,
    cache: HashMap<PathBuf, Cached>,
    rows: Vec<Row>,
    /// Why the folder itself could not be listed, if it could not.
    pub problem: Option<String>,
}

impl Inbox {
    pub fn new(dir: Option<PathBuf>) -> Inbox {
        Inbox {
            dir,
            ..Inbox::default()
        }
    }

    /// The rows, urgent and not yet reviewed first, then newest first.
    pub fn rows(&self) -> &[Row] {
        &self.rows
    }

    /// Adds a file opened individually; a file already listed is not added twice.
    pub fn add_file(&mut self, path: PathBuf) {
        let listed = self.rows.iter().any(|r| r.path == path) || self.files.contains(&path);
        if !listed {
            self.files.push(path);
        }
    }

    /// Reads the folder again. Files unchanged since the last scan (same size and time) are not
    /// read again. Returns the paths of urgent rows that are new since the previous scan.
    pub fn scan(&mut self) -> Vec<PathBuf> {
        let mut paths = Vec::new();
        self.problem = None;
        if let Some(dir) = &self.dir {
            match std::fs::read_dir(dir) {
                Ok(entries) => {
                    for entry in entries.flatten() {
                        let path = entry.path();
                        if names::is_export(&path) && path.is_file() {
                            paths.push(path);
                        }
                    }
                }
                Err(e) => self.problem = Some(format!("cannot read {}: {e}", dir.display())),
            }
        }
        for f in &self.files {
            if !paths.contains(f) {
                paths.push(f.clone());
            }
        }

        let mut cache = HashMap::with_capacity(paths.len());
        for path in paths {
            let meta = std::fs::metadata(&path).ok();
            let len = meta.as_ref().map_or(0, |m| m.len());
            let modified = meta.as_ref().and_then(|m| m.modified().ok());
            let fresh = self
                .cache
                .remove(&path)
                .filter(|c| c.len == len && c.modified == modified && modified.is_some());
            let changed = fresh.is_none();
            let mut cached = fresh.unwrap_or_else(|| {
                read_record(&path, len, modified, &self.known, &self.identities)
            });
            // Review marks are read again only when they, or the file, changed.
            let stamp = mark_stamp(&path);
            let untimed = stamp
                .as_ref()
                .and_then(|s| s.legacy)
                .is_some_and(|(_, t)| t.is_none());
            if changed || stamp != cached.review_stamp || untimed {
                cached.marks = stamp.as_ref().map_or_else(Vec::new, |s| marks_in(&path, s));
                cached.review = review_of(&path, cached.marks.last());
                cached.review_stamp = stamp;
            }
            // Likewise the delivery state, which the sender replaces as it goes.
            let delivery_stamp = delivery::path_of(&path).and_then(|p| {
                let m = std::fs::metadata(p).ok()?;
                Some((m.len(), m.modified().ok()))
            });
            if changed || delivery_stamp != cached.delivery_stamp {
                cached.delivery = delivery_stamp.and_then(|_| delivery::of(&path));
                cached.delivery_stamp = delivery_stamp;
            }
            cache.insert(path, cached);
        }
        self.cache = cache;

        let before: Vec<PathBuf> = self
            .rows
            .iter()
            .filter(|r| r.is_urgent())
            .map(|r| r.path.clone())
            .collect();
        let first_scan = self.rows.is_empty();
        self.rows = self.build_rows();
        if first_scan {
            return Vec::new();
        }
        self.rows
            .iter()
            .filter(|r| r.is_urgent() && !before.contains(&r.path))
            .map(|r| r.path.clone())
            .collect()
    }

    fn build_rows(&self) -> Vec<Row> {
        let mut rows: Vec<Row> = self
            .cache
            .iter()
            .map(|(path, c)| Row {
                path: path.clone(),
                received: c.received,
                record: c.record.clone(),
                review: c.review.clone(),
                marks: c.marks.clone(),
                delivery: c.delivery.clone(),
            })
            .collect();

        // An alert is followed by a summary when the same session (same start, same
        // questionnaire) submitted one.
        let sessions: Vec<(DateTime<Utc>, String, PathBuf)> = rows
            .iter()
            .filter_map(|r| match &r.record {
                Record::Summary(s) => {
                    Some((s.started_at, s.questionnaire.sha256.clone(), r.path.clone()))
                }
                _ => None,
            })
            .collect();
        for row in &mut rows {
            if let Record::Alert(a) = &mut row.record {
                a.summary = sessions
                    .iter()
                    .find(|(at, sha, _)| *at == a.started_at && *sha == a.questionnaire.sha256)
                    .map(|(_, _, p)| p.clone());
            }
        }
        // An alert not marked itself is reviewed once its summary is.
        let reviewed: HashMap<PathBuf, ReviewMark> = rows
            .iter()
            .filter_map(|r| match &r.review {
                Some(Review::Reviewed(m)) => Some((r.path.clone(), m.clone())),
                _ => None,
            })
            .collect();
        for row in &mut rows {
            if let (Record::Alert(a), None) = (&row.record, &row.review)
                && let Some(m) = a.summary.as_ref().and_then(|p| reviewed.get(p))
            {
                row.review = Some(Review::WithSummary(m.clone()));
            }
        }

        rows.sort_by(|a, b| {
            let key = |r: &Row| r.is_urgent() && !r.is_reviewed();
            key(b)
                .cmp(&key(a))
                .then(b.received.cmp(&a.received))
                .then(a.path.cmp(&b.path))
        });
        rows
    }
}

/// What an export file holds, read and checked: the one reading that the list (with
/// [`SummaryHead`]) and the clinician's view (with the full `Summary`) share.
pub enum Contents<S> {
    Alert(Box<UrgentAlert>, Integrity),
    Summary(S, Integrity),
}

/// Why an export could not be read; the message is the reason, in words for a clinician.
#[derive(Debug, thiserror::Error)]
pub enum ContentsError {
    /// The file's bytes could not be had (unreadable, too large, locked, wrong key).
    #[error("{0}")]
    Record(#[from] RecordError),
    #[error("urgent alert record: {0}")]
    Alert(#[source] SummaryError),
    #[error("{0}")]
    Summary(#[source] SummaryError),
}

/// Reads the export at `path` — decrypted in memory when encrypted — as an alert record or,
/// with `read`, a summary.
pub fn read_contents<S>(
    path: &Path,
    identities: &Identities,
    read: impl FnOnce(&[u8]) -> Result<(S, Integrity), SummaryError>,
) -> Result<Contents<S>, ContentsError> {
    let bytes = crypto::read_record(path, identities)?;
    if names::is_alert(path) {
        return UrgentAlert::read(&bytes)
            .map(|(a, integrity)| Contents::Alert(Box::new(a), integrity))
            .map_err(ContentsError::Alert);
    }
    read(&bytes)
        .map(|(s, integrity)| Contents::Summary(s, integrity))
        .map_err(ContentsError::Summary)
}

fn read_record(
    path: &Path,
    len: u64,
    modified: Option<SystemTime>,
    known: &Known,
    identities: &Identities,
) -> Cached {
    let (received, record) = match read_contents(path, identities, SummaryHead::read) {
        Ok(Contents::Alert(a, integrity)) => (
            a.at,
            Record::Alert(AlertRow {
                patient: a.identity,
                alert: a.alert,
                urgent: a.level.is_urgent(),
                trust: known.judge(&integrity),
                questionnaire: a.questionnaire,
                started_at: a.started_at,
                summary: None,
            }),
        ),
        Ok(Contents::Summary(s, integrity)) => (
            s.submitted_at,
            Record::Summary(SummaryRow {
                known_questionnaire: (!known.library.is_empty())
                    .then(|| known.library.find(&s.questionnaire.sha256).is_some()),
                patient: s.identity,
                flags: s.flags.all,
                urgent_flags: s.flags.urgent,
                alerts: s.alerts.iter().filter(|a| a.level.is_urgent()).count(),
                trust: known.judge(&integrity),
                questionnaire: s.questionnaire,
                started_at: s.started_at,
            }),
        ),
        Err(reason) => (
            modified.map_or_else(Utc::now, DateTime::<Utc>::from),
            Record::Unreadable {
                reason: reason.to_string(),
            },
        ),
    };
    Cached {
        len,
        modified,
        received,
        record,
        review_stamp: None,
        review: None,
        marks: Vec::new(),
        delivery_stamp: None,
        delivery: None,
    }
}

/// The folder of the review marks of `path`: `reviewed/<file name>/` beside it.
pub fn marks_dir(path: &Path) -> Option<PathBuf> {
    let name = path.file_name()?;
    Some(path.parent()?.join(REVIEWED_DIR).join(name))
}

/// Where the one mark of `path` was kept before marks kept their history.
fn legacy_mark_path(path: &Path) -> Option<PathBuf> {
    let name = path.file_name()?.to_str()?;
    Some(
        path.parent()?
            .join(REVIEWED_DIR)
            .join(format!("{name}{REVIEWED_SUFFIX}")),
    )
}

/// The names of the mark files of `path`, sorted; `None` when it has none.
fn mark_stamp(path: &Path) -> Option<MarkStamp> {
    let legacy = legacy_mark_path(path)
        .and_then(|r| std::fs::metadata(r).ok())
        .map(|m| (m.len(), m.modified().ok()));
    let mut names: Vec<OsString> = marks_dir(path)
        .and_then(|d| std::fs::read_dir(d).ok())
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.file_name())
        .filter(|n| {
            n.to_str()
                .is_some_and(|n| n.ends_with(REVIEWED_SUFFIX) && !n.starts_with('.'))
        })
        .collect();
    names.sort();
    (legacy.is_some() || !names.is_empty()).then_some(MarkStamp { legacy, names })
}

/// Every readable review mark of `path`, oldest first. A mark file that cannot be read as one
/// is left out.
pub fn marks_of(path: &Path) -> Vec<ReviewMark> {
    mark_stamp(path).map_or_else(Vec::new, |s| marks_in(path, &s))
}

/// The marks of `path` that `stamp` lists.
fn marks_in(path: &Path, stamp: &MarkStamp) -> Vec<ReviewMark> {
    let read = |record: &Path| -> Option<ReviewMark> {
        let bytes = read_bounded(record, 64 * 1024).ok()?;
        ron::from_str(std::str::from_utf8(&bytes).ok()?).ok()
    };
    let mut marks: Vec<(ReviewMark, OsString)> = Vec::new();
    if stamp.legacy.is_some()
        && let Some(m) = legacy_mark_path(path).as_deref().and_then(read)
    {
        marks.push((m, OsString::new()));
    }
    if let Some(dir) = marks_dir(path) {
        for name in &stamp.names {
            if let Some(m) = read(&dir.join(name)) {
                marks.push((m, name.clone()));
            }
        }
    }
    marks.sort_by(|(a, an), (b, bn)| a.at.cmp(&b.at).then(an.cmp(bn)));
    marks.into_iter().map(|(m, _)| m).collect()
}

/// The latest mark, checked against the file's bytes as they are now.
fn review_of(path: &Path, latest: Option<&ReviewMark>) -> Option<Review> {
    let mark = latest?.clone();
    let now = file_sha256(path).ok()?;
    Some(if now == mark.sha256 {
        Review::Reviewed(mark)
    } else {
        Review::ChangedSince(mark)
    })
}

fn file_sha256(path: &Path) -> Result<String, ReadError> {
    read_bounded(path, MAX_RECORD_BYTES).map(|bytes| sha256_hex(&bytes))
}

/// Why marking a file reviewed failed.
#[derive(Debug, thiserror::Error)]
pub enum MarkError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: ReadError,
    },
    #[error("cannot write the review record into {path}: {source}")]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot write the review record: {0}")]
    Store(#[source] crate::storage::WriteError),
    #[error("{0} is not a file name")]
    Name(PathBuf),
}

/// Records that `path` was reviewed by `by` (the operating-system account) at `at`, without
/// touching the file itself: a new record in `reviewed/<name>/` beside it, under a fresh name,
/// written atomically, owner-only, never replacing an earlier mark. Returns the mark and the
/// path of its record.
pub fn mark_reviewed(
    path: &Path,
    by: &str,
    at: DateTime<Utc>,
) -> Result<(ReviewMark, PathBuf), MarkError> {
    let dir = marks_dir(path).ok_or_else(|| MarkError::Name(path.to_path_buf()))?;
    let sha256 = file_sha256(path).map_err(|source| MarkError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let mark = ReviewMark {
        file: path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        sha256,
        by: by.to_owned(),
        at,
    };
    let config = ron::ser::PrettyConfig::new()
        .struct_names(true)
        .new_line("\n".to_owned());
    let text = ron::ser::to_string_pretty(&mark, config).unwrap_or_default();
    let write = |source| MarkError::Write {
        path: dir.clone(),
        source,
    };
    std::fs::create_dir_all(&dir).map_err(write)?;
    let record = crate::storage::write_atomic(
        &dir,
        &names::file_name(at, REVIEWED_SUFFIX),
        text.as_bytes(),
    )
    .map_err(MarkError::Store)?;
    Ok((mark, record))
}
