//! Delivery: every summary and alert in an outbox sent to a clinic's FHIR server, exactly once.
//!
//! The outbox is the queue. Each pass lists the folder, and each record not yet delivered or
//! refused, whose retry time has come, is read exactly as the review window reads it
//! (decrypted in memory; seal judged against the clinic's kiosks; recomputed with its
//! questionnaire), turned into one transaction Bundle ([`crate::export::bundle`]) and sent.
//! Resource ids come from the record's digest and every entry is a `PUT`, so a retry, a
//! restarted sender or a second one never duplicates a record on the server.
//!
//! What came back decides the record's state ([`state`]), kept beside it:
//!
//! - 2xx: delivered;
//! - 408, 429, any 5xx, a timeout or no connection: waiting, retried after 5 s, 10 s, 20 s, …
//!   up to 30 minutes;
//! - any other 4xx: refused, not retried — the server said the record is wrong, and sending it
//!   again would say the same. A person reads the reason and fixes the cause.
//!
//! A record that is altered, inconsistent with its answers, or not signed by a known kiosk
//! (unless the configuration allows unsigned records) is refused locally, never sent. Records
//! are never changed or deleted. Nothing a patient typed reaches the log: events name files
//! (whose names hold no personal data), HTTP statuses and OperationOutcome issue codes only.

pub mod state;

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::engine::summary::{Summary, UrgentAlert};
use crate::export::bundle::{self, Origin};
use crate::export::{Consistency, Trust};
use crate::inbox::Known;
use crate::storage::crypto::{self, Identities};
use crate::storage::names;
use state::{Delivery, Stage};

/// The longest wait between two attempts at one record.
const MAX_BACKOFF: Duration = Duration::from_secs(30 * 60);
/// The wait after the first failed attempt; it doubles with each one after.
const FIRST_BACKOFF: Duration = Duration::from_secs(5);
/// Server answers larger than this are not read (a transaction response is a few KiB).
const MAX_RESPONSE_BYTES: u64 = 1024 * 1024;

/// The FHIR server records go to.
#[derive(Clone, Debug)]
pub struct Server {
    /// The base URL, e.g. `https://fhir.example.org/r4` (no trailing slash needed).
    pub base: String,
    /// A bearer token, sent as `Authorization: Bearer …`.
    pub token: Option<String>,
    /// How long one request may take, connection included.
    pub timeout: Duration,
}

/// What a pass did with one record.
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    /// The record's file name (no personal data).
    pub file: String,
    pub delivery: Delivery,
}

impl std::fmt::Display for Event {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let d = &self.delivery;
        match d.stage {
            Stage::Delivered => write!(f, "{}: delivered ({})", self.file, d.detail),
            Stage::Waiting => write!(
                f,
                "{}: not delivered, attempt {}: {}; retrying at {}",
                self.file,
                d.attempts,
                d.detail,
                d.next_at.map(|t| t.to_rfc3339()).unwrap_or_default()
            ),
            Stage::Refused => write!(f, "{}: refused, not retried: {}", self.file, d.detail),
        }
    }
}

/// Sends an outbox's records to one FHIR server.
pub struct Sender {
    pub outbox: PathBuf,
    pub known: Known,
    pub identities: Identities,
    pub server: Server,
    /// Send records not signed by a known kiosk too (they are refused otherwise).
    pub allow_unsigned: bool,
    agent: ureq::Agent,
}

/// The outcome of one HTTP attempt.
enum Answer {
    Accepted(String),
    Later(String),
    Refused(String),
}

impl Sender {
    pub fn new(
        outbox: PathBuf,
        known: Known,
        identities: Identities,
        server: Server,
        allow_unsigned: bool,
    ) -> Sender {
        let agent = ureq::Agent::config_builder()
            .timeout_global(Some(server.timeout))
            .http_status_as_error(false)
            .tls_config(
                ureq::tls::TlsConfig::builder()
                    .root_certs(ureq::tls::RootCerts::PlatformVerifier)
                    .build(),
            )
            .build()
            .into();
        Sender {
            outbox,
            known,
            identities,
            server,
            allow_unsigned,
            agent,
        }
    }

    /// The records of the outbox, oldest first (names start with their UTC time).
    fn records(&self) -> std::io::Result<Vec<PathBuf>> {
        let mut out: Vec<PathBuf> = std::fs::read_dir(&self.outbox)?
            .flatten()
            .map(|e| e.path())
            .filter(|p| names::is_export(p))
            .collect();
        out.sort();
        Ok(out)
    }

    /// One pass over the outbox at `now`: every record that is due is sent once. Returns what
    /// happened to each record it touched, and when the next waiting record is due.
    pub fn pass(&self, now: DateTime<Utc>) -> std::io::Result<(Vec<Event>, Option<DateTime<Utc>>)> {
        let mut events = Vec::new();
        let mut next: Option<DateTime<Utc>> = None;
        for path in self.records()? {
            let previous = state::of(&path);
            match &previous {
                Some(d) if d.stage != Stage::Waiting => continue,
                Some(d) if d.next_at.is_some_and(|t| t > now) => {
                    next = min(next, d.next_at);
                    continue;
                }
                _ => {}
            }
            let attempts = previous.as_ref().map_or(0, |d| d.attempts);
            let delivery = self.deliver(&path, attempts, now);
            if delivery.stage == Stage::Waiting {
                next = min(next, delivery.next_at);
            }
            state::save(&path, &delivery)?;
            events.push(Event {
                file: path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                delivery,
            });
        }
        Ok((events, next))
    }

    /// Reads, checks and sends one record; `attempts` were made before.
    fn deliver(&self, path: &Path, attempts: u32, now: DateTime<Utc>) -> Delivery {
        let server = self.server.base.clone();
        let refused = |detail: String| Delivery {
            stage: Stage::Refused,
            attempts,
            at: now,
            next_at: None,
            detail,
            server: server.clone(),
        };
        let body = match self.bundle(path) {
            Ok(b) => b,
            Err(reason) => return refused(format!("not sent: {reason}")),
        };
        let attempts = attempts + 1;
        match self.send(&body) {
            Answer::Accepted(detail) => Delivery {
                stage: Stage::Delivered,
                attempts,
                at: now,
                next_at: None,
                detail,
                server,
            },
            Answer::Refused(detail) => Delivery {
                attempts,
                ..refused(detail)
            },
            Answer::Later(detail) => {
                let wait = FIRST_BACKOFF
                    .saturating_mul(1u32 << (attempts - 1).min(20))
                    .min(MAX_BACKOFF);
                Delivery {
                    stage: Stage::Waiting,
                    attempts,
                    at: now,
                    next_at: chrono::Duration::from_std(wait).ok().map(|w| now + w),
                    detail,
                    server,
                }
            }
        }
    }

    /// The record at `path` as a transaction Bundle (JSON), or why it must not be sent.
    pub fn bundle(&self, path: &Path) -> Result<Vec<u8>, String> {
        let bytes = crypto::read_record(path, &self.identities).map_err(|e| e.to_string())?;
        let bundle = if names::is_alert(path) {
            let (alert, integrity) = UrgentAlert::read(&bytes).map_err(|e| e.to_string())?;
            let trust = self.known.judge(&integrity);
            self.admit(&trust, &Consistency::Consistent)?;
            bundle::alert(&alert, &Origin::of(&trust, alert.seal.as_ref()))
        } else {
            let (summary, integrity) = Summary::read(&bytes).map_err(|e| e.to_string())?;
            let checks = self.known.check(&summary, &integrity);
            self.admit(&checks.trust, &checks.consistency)?;
            bundle::summary(&summary, &Origin::of(&checks.trust, summary.seal.as_ref()))
        };
        serde_json::to_vec(&bundle).map_err(|e| e.to_string())
    }

    /// Whether a record with this trust and consistency may go to the server.
    fn admit(&self, trust: &Trust, consistency: &Consistency) -> Result<(), String> {
        match trust {
            Trust::Altered { reason } => return Err(reason.clone()),
            Trust::Unsigned { .. } if !self.allow_unsigned => {
                return Err(format!(
                    "{} (set `allow_unsigned: true` under `fhir` to send such records)",
                    trust.describe()
                ));
            }
            _ => {}
        }
        match consistency {
            Consistency::Inconsistent(d) => Err(format!(
                "inconsistent with its own answers ({} difference{})",
                d.len(),
                if d.len() == 1 { "" } else { "s" }
            )),
            _ => Ok(()),
        }
    }

    fn send(&self, body: &[u8]) -> Answer {
        let url = self.server.base.trim_end_matches('/').to_owned();
        let mut request = self
            .agent
            .post(&url)
            .header("Content-Type", "application/fhir+json")
            .header("Accept", "application/fhir+json");
        if let Some(token) = &self.server.token {
            request = request.header("Authorization", &format!("Bearer {token}"));
        }
        let mut response = match request.send(body) {
            Ok(r) => r,
            Err(e) => return Answer::Later(network_words(&e)),
        };
        let status = response.status().as_u16();
        let text = response
            .body_mut()
            .with_config()
            .limit(MAX_RESPONSE_BYTES)
            .read_to_string()
            .unwrap_or_default();
        let detail = format!("HTTP {status}{}", issue_codes(&text));
        match status {
            200..=299 => Answer::Accepted(detail),
            408 | 429 | 500..=599 => Answer::Later(detail),
            _ => Answer::Refused(detail),
        }
    }
}

fn min(a: Option<DateTime<Utc>>, b: Option<DateTime<Utc>>) -> Option<DateTime<Utc>> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// A network failure in words, without the request (which holds no patient data anyway).
fn network_words(e: &ureq::Error) -> String {
    match e {
        ureq::Error::Timeout(_) => "the server did not answer in time".to_owned(),
        ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::ConnectionRefused => {
            "the server refused the connection (is it running?)".to_owned()
        }
        ureq::Error::ConnectionFailed => {
            "the server refused the connection (is it running?)".to_owned()
        }
        ureq::Error::HostNotFound => "the server's host name is not known".to_owned(),
        other => format!("cannot reach the server: {other}"),
    }
}

/// `: issue codes processing, required` from an OperationOutcome, if the answer is one. Only
/// the codes: a server's diagnostics may quote the resource, and so the patient.
fn issue_codes(text: &str) -> String {
    let Ok(value) = serde_json::from_str::<serde_json::Value>(text) else {
        return String::new();
    };
    let codes: Vec<&str> = value["issue"]
        .as_array()
        .map(|issues| issues.iter().filter_map(|i| i["code"].as_str()).collect())
        .unwrap_or_default();
    if codes.is_empty() {
        String::new()
    } else {
        format!(": OperationOutcome issue codes {}", codes.join(", "))
    }
}
