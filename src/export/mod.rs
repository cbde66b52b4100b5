//! Exports of a finished summary: plain text for a terminal, one printable HTML file, and FHIR
//! R4 JSON for other systems.
//!
//! Every format is a pure function of a [`Summary`] — the summary is self-contained (questions
//! and answers as the patient saw them, flags with the answers that raised them) — so the
//! command line and the clinician window give the same output for the same file. Text and HTML
//! also take the [`Integrity`] the caller established when reading the file: a summary whose
//! digest does not match may still be shown to a clinician, but never without saying so.
//!
//! Text and HTML share one reading order (see `view`): header, urgent alerts, attention flags,
//! scores, then every section. Nothing here states a treatment decision; flags are "for
//! clinician review". This module does no IO and knows nothing of the GUI toolkit.

pub mod fhir;
pub mod html;
pub mod text;
pub(crate) mod view;

use crate::engine::summary::{Summary, SummaryError};

/// Whether a summary's text matched its own digest when it was read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Integrity {
    /// The file's SHA-256 digest matches its content.
    Verified,
    /// The digest could not be confirmed; the reason is shown beside the content.
    NotVerified(String),
}

impl Integrity {
    pub fn is_verified(&self) -> bool {
        matches!(self, Integrity::Verified)
    }
}

/// Reads a summary file's bytes and says whether its digest matched.
///
/// A file whose only problem is a digest mismatch (edited or damaged after it was written, but
/// still a readable summary of this schema) is returned with [`Integrity::NotVerified`], so a
/// reader can decide to show it under a warning. Every other problem (too large, not text, not
/// a summary, another schema version) is an error.
pub fn read(bytes: &[u8]) -> Result<(Summary, Integrity), SummaryError> {
    let (summary, integrity) = Summary::read(bytes)?;
    Ok((summary, integrity.into()))
}

impl From<crate::engine::Integrity> for Integrity {
    fn from(i: crate::engine::Integrity) -> Self {
        match i {
            crate::engine::Integrity::Verified => Integrity::Verified,
            crate::engine::Integrity::Mismatch => {
                Integrity::NotVerified(SummaryError::Digest.to_string())
            }
        }
    }
}

/// A language code as a clinician reads it: "Spanish (es)".
pub(crate) fn language_name(code: &str) -> String {
    let name = match code {
        "en" => "English",
        "es" => "Spanish",
        _ => return code.to_owned(),
    };
    format!("{name} ({code})")
}
