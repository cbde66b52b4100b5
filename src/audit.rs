//! The audit trail: every review action — opening a record, marking it reviewed,
//! acknowledging an alert, saving it as HTML — appends one line to `audit.log` beside the
//! record, and [`verify`] checks the lines still chain.
//!
//! A line is eight tab-separated fields:
//!
//! ```text
//! seq  at  user  action  file  sha256  prev  hash
//! 1    2026-11-21T12:00:00Z  okafor  open  20261121T093000Z-1f2e3d4c5b6a7988.summary.ron  <64 hex>  <64 hex>  <64 hex>
//! ```
//!
//! `seq` counts from 1; `at` is UTC (RFC 3339); `user` is the operating-system account the
//! window runs under ([`os_user`]), never a typed name; `file` is the record's file name (export
//! names carry no personal data, see `storage::names`) and `sha256` the SHA-256 of its bytes as
//! they were on disk (of the encrypted bytes for an `.age` export; `-` when it could not be
//! read). `prev` is the previous line's `hash` ([`GENESIS`] for the first line), and `hash` is
//! the SHA-256 of the line's bytes up to the tab before it — so each line's hash covers the one
//! before it, and an edited, removed or inserted line breaks the chain at that line.
//!
//! What a chain alone cannot show: the **last** lines removed (the chain that is left is
//! whole), or the whole file rewritten by someone who recomputes every hash (no key is
//! involved). Marks and acknowledgements are separate records with their own time, so
//! [`Report::missing`] lets the caller check that each has its line, which catches a cut-off
//! tail back to the latest of them; the printed head (last line and hash), kept elsewhere,
//! catches the rest.
//!
//! Nothing a patient typed is in a line: only file names, digests, the account and the time.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use chrono::{DateTime, SecondsFormat, Utc};
use sha2::{Digest as _, Sha256};

use crate::storage::append::{self, AppendError, Last};
use crate::storage::{MAX_RECORD_BYTES, read_bounded, sha256_hex};

/// The log's file name, in the folder of the records it is about.
pub const LOG_NAME: &str = "audit.log";

/// What the first line's `prev` holds: there is no line before it.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Lines are a few hundred bytes; one longer than this is not a line of this log.
const MAX_LINE: usize = 4096;

/// `sha256` of a record whose bytes could not be read.
pub const UNREAD: &str = "-";

/// A review action that leaves a line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// A record opened in the review window.
    Open,
    /// Marked reviewed (`reviewed/`).
    MarkReviewed,
    /// An urgent alert acknowledged (`acknowledged/`).
    Acknowledge,
    /// Saved as printable HTML: how a summary leaves the window to be printed.
    SaveHtml,
}

impl Action {
    /// The word in the log.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Open => "open",
            Action::MarkReviewed => "mark-reviewed",
            Action::Acknowledge => "acknowledge",
            Action::SaveHtml => "save-html",
        }
    }
}

/// One line of the log, as written or read back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub seq: u64,
    pub at: DateTime<Utc>,
    /// The operating-system account.
    pub user: String,
    /// [`Action::as_str`] (a reader keeps words it does not know: the hash still covers them).
    pub action: String,
    /// The record's file name.
    pub file: String,
    /// SHA-256 of the record's bytes, or [`UNREAD`].
    pub sha256: String,
    pub prev: String,
    pub hash: String,
}

/// Why a line could not be appended, or the log checked.
#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    #[error("cannot write the audit log {path}: {source}")]
    Append {
        path: PathBuf,
        #[source]
        source: AppendError,
    },
    #[error("cannot read the audit log {path}: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: AppendError,
    },
    #[error("{0} is not a file in a folder")]
    Name(PathBuf),
}

/// The log that records actions on `record`: `audit.log` in the record's folder.
pub fn log_of(record: &Path) -> Option<PathBuf> {
    Some(record.parent()?.join(LOG_NAME))
}

/// The operating-system account this program runs under: the name of the process's user as
/// the system knows it (not `$USER`, which whoever starts the program can set), or, when the
/// system will not say, the environment's `USER` / `USERNAME`.
pub fn os_user() -> String {
    whoami::fallible::username()
        .ok()
        .filter(|n| !n.trim().is_empty())
        .or_else(|| std::env::var("USER").ok())
        .or_else(|| std::env::var("USERNAME").ok())
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| "unknown".to_owned())
}

/// The SHA-256 of the record's bytes as they are now, or [`UNREAD`].
pub fn record_sha256(record: &Path) -> String {
    read_bounded(record, MAX_RECORD_BYTES).map_or_else(|_| UNREAD.to_owned(), |b| sha256_hex(&b))
}

/// Appends a line for `action` on `record` (whose bytes had `sha256`) by `user` at `at`, to
/// the log beside the record. Returns the line written.
pub fn record(
    record: &Path,
    action: Action,
    user: &str,
    sha256: &str,
    at: DateTime<Utc>,
) -> Result<Entry, AuditError> {
    let log = log_of(record).ok_or_else(|| AuditError::Name(record.to_path_buf()))?;
    let file = record
        .file_name()
        .ok_or_else(|| AuditError::Name(record.to_path_buf()))?
        .to_string_lossy();
    append(&log, action.as_str(), user, &file, sha256, at)
}

/// Appends one line to the log at `log`, chained from its last line.
pub fn append(
    log: &Path,
    action: &str,
    user: &str,
    file: &str,
    sha256: &str,
    at: DateTime<Utc>,
) -> Result<Entry, AuditError> {
    append::append_line(log, |last| {
        let (seq, prev) = match last {
            Last::Empty => (1, GENESIS.to_owned()),
            Last::Line(bytes) => {
                let before = parse(bytes).map_err(|e| {
                    format!("its last line cannot be read ({e}); check it with `prescreen audit`")
                })?;
                (before.seq + 1, before.hash)
            }
            Last::NotFound => {
                return Err(
                    "its last line cannot be found; check it with `prescreen audit`".to_owned(),
                );
            }
        };
        let content = format!(
            "{seq}\t{}\t{}\t{action}\t{}\t{sha256}\t{prev}",
            timestamp(at),
            escape(user),
            escape(file),
        );
        let hash = sha256_hex(content.as_bytes());
        let line = format!("{content}\t{hash}\n");
        let entry = Entry {
            seq,
            at,
            user: user.to_owned(),
            action: action.to_owned(),
            file: file.to_owned(),
            sha256: sha256.to_owned(),
            prev,
            hash,
        };
        Ok((line.into_bytes(), entry))
    })
    .map_err(|source| AuditError::Append {
        path: log.to_path_buf(),
        source,
    })
}

/// How the log's times are written: RFC 3339 in UTC, with as many fractional digits as the
/// time has.
pub fn timestamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

/// Backslash, tab, newline and other control characters escaped, so a field stays one field
/// on one line.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", u32::from(c))),
            c => out.push(c),
        }
    }
    out
}

fn unescape(field: &str) -> Result<String, String> {
    let mut out = String::with_capacity(field.len());
    let mut chars = field.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('\\') => out.push('\\'),
            Some('t') => out.push('\t'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('u') => {
                let rest: String = chars.by_ref().take_while(|&c| c != '}').collect();
                let code = rest
                    .strip_prefix('{')
                    .and_then(|h| u32::from_str_radix(h, 16).ok())
                    .and_then(char::from_u32)
                    .ok_or("a bad \\u escape")?;
                out.push(code);
            }
            _ => return Err("a bad escape".to_owned()),
        }
    }
    Ok(out)
}

fn is_sha256(text: &str) -> bool {
    text.len() == 64
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Reads one line back (without checking its hash).
pub fn parse(line: &[u8]) -> Result<Entry, String> {
    let text = std::str::from_utf8(line).map_err(|_| "not UTF-8 text".to_owned())?;
    let fields: Vec<&str> = text.split('\t').collect();
    let [seq, at, user, action, file, sha256, prev, hash] = fields[..] else {
        return Err(format!("{} fields where there should be 8", fields.len()));
    };
    let seq = seq
        .parse::<u64>()
        .map_err(|_| format!("sequence number {seq:?} is not a number"))?;
    let at = DateTime::parse_from_rfc3339(at)
        .map_err(|_| format!("time {at:?} is not an RFC 3339 time"))?
        .with_timezone(&Utc);
    if action.is_empty() || !action.bytes().all(|b| b.is_ascii_lowercase() || b == b'-') {
        return Err(format!("action {action:?} is not an action"));
    }
    if sha256 != UNREAD && !is_sha256(sha256) {
        return Err("the record's SHA-256 is not 64 hex digits".to_owned());
    }
    if !is_sha256(prev) || !is_sha256(hash) {
        return Err("a chain hash is not 64 hex digits".to_owned());
    }
    Ok(Entry {
        seq,
        at,
        user: unescape(user)?,
        action: action.to_owned(),
        file: unescape(file)?,
        sha256: sha256.to_owned(),
        prev: prev.to_owned(),
        hash: hash.to_owned(),
    })
}

/// Where and how the chain first breaks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Break {
    /// The line number in the file, from 1.
    pub line: u64,
    pub problem: Problem,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Problem {
    /// Not a line of this log (cut off, or not eight fields), with why.
    Unreadable(String),
    /// Its hash is not that of its content: the line was changed after it was written.
    Edited,
    /// The line is whole but does not follow the one before it: a line was removed or
    /// inserted just before it (the sequence numbers say which: `seq` found, `expected`).
    DoesNotFollow { seq: u64, expected: u64 },
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Problem::Unreadable(why) => write!(f, "cannot be read as an audit line: {why}"),
            Problem::Edited => f.write_str("was edited: its hash does not match its content"),
            Problem::DoesNotFollow { seq, expected } if *seq == expected + 1 => write!(
                f,
                "does not follow the line before it: the line numbered {expected} was removed"
            ),
            Problem::DoesNotFollow { seq, expected } if seq > expected => write!(
                f,
                "does not follow the line before it: the lines numbered {expected} to {} were \
                 removed",
                seq - 1
            ),
            Problem::DoesNotFollow { .. } => f.write_str(
                "does not follow the line before it: a line was inserted, or lines were \
                 reordered or removed",
            ),
        }
    }
}

/// What [`verify`] found.
#[derive(Debug, Default)]
pub struct Report {
    /// Whether the log exists.
    pub exists: bool,
    /// Lines read.
    pub lines: u64,
    /// The first break in the chain, if any.
    pub broken: Option<Break>,
    /// The last line's sequence number and hash (what to keep elsewhere to detect later
    /// truncation or rewriting).
    pub head: Option<(u64, String)>,
    /// When the first line was written.
    pub since: Option<DateTime<Utc>>,
    /// Every (action, file, sha256, user, time) the log holds, as digests.
    logged: HashSet<[u8; 32]>,
}

impl Report {
    pub fn is_intact(&self) -> bool {
        self.broken.is_none()
    }

    /// Whether the log holds no line for `action` on `file` (with `sha256`) by `user` at `at`
    /// although it was started before then: a record of that action exists, its line does not.
    pub fn missing(
        &self,
        action: Action,
        file: &str,
        sha256: &str,
        user: &str,
        at: DateTime<Utc>,
    ) -> bool {
        let since_started = self.since.is_none_or(|s| s <= at);
        since_started
            && !self
                .logged
                .contains(&key(action.as_str(), file, sha256, user, at))
    }
}

fn key(action: &str, file: &str, sha256: &str, user: &str, at: DateTime<Utc>) -> [u8; 32] {
    let mut h = Sha256::new();
    for part in [action, file, sha256, user, &timestamp(at)] {
        h.update(part.as_bytes());
        h.update([0]);
    }
    h.finalize().into()
}

/// Reads the log at `log` line by line and checks each follows the one before. A missing log
/// is an empty chain (`exists` false).
pub fn verify(log: &Path) -> Result<Report, AuditError> {
    let mut report = Report::default();
    let mut before: Option<Entry> = None;
    let exists = append::for_each_line(log, MAX_LINE, |number, bytes| {
        report.lines = number;
        let entry = parse(bytes);
        if let Ok(e) = &entry {
            report
                .logged
                .insert(key(&e.action, &e.file, &e.sha256, &e.user, e.at));
            report.since.get_or_insert(e.at);
            report.head = Some((e.seq, e.hash.clone()));
        }
        if report.broken.is_some() {
            return;
        }
        let problem = match &entry {
            Err(why) => Some(Problem::Unreadable(why.clone())),
            Ok(e) => check(bytes, e, before.as_ref()),
        };
        if let Some(problem) = problem {
            report.broken = Some(Break {
                line: number,
                problem,
            });
        }
        before = entry.ok();
    })
    .map_err(|source| AuditError::Read {
        path: log.to_path_buf(),
        source,
    })?;
    report.exists = exists;
    Ok(report)
}

/// What is wrong with `entry` (read from `bytes`) after `before`, if anything.
fn check(bytes: &[u8], entry: &Entry, before: Option<&Entry>) -> Option<Problem> {
    let content = bytes
        .iter()
        .rposition(|&b| b == b'\t')
        .map_or(bytes, |i| &bytes[..i]);
    if sha256_hex(content) != entry.hash {
        return Some(Problem::Edited);
    }
    let (expected, prev) = match before {
        None => (1, GENESIS),
        Some(b) => (b.seq + 1, b.hash.as_str()),
    };
    (entry.prev != prev || entry.seq != expected).then_some(Problem::DoesNotFollow {
        seq: entry.seq,
        expected,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_with_tabs_and_newlines_stay_one_field() {
        for text in [
            "plain",
            "a\tb",
            "two\nlines",
            "back\\slash",
            "bell\u{7}",
            "ñandú",
        ] {
            assert_eq!(unescape(&escape(text)).unwrap(), text);
            assert!(!escape(text).contains(['\t', '\n']));
        }
    }
}
