//! Exports of a finished summary: plain text for a terminal, one printable HTML file, and FHIR
//! R4 JSON for other systems.
//!
//! Every format is a pure function of a [`Summary`] — the summary is self-contained (questions
//! and answers as the patient saw them, flags with the answers that raised them) — so the
//! command line and the clinician window give the same output for the same file. Text and HTML
//! also take the [`Checks`] the caller made when reading the file — who signed it ([`Trust`])
//! and whether it agrees with its own answers ([`Consistency`]), judged by the inbox's `Known`
//! (the clinic's kiosks and questionnaires): an altered or inconsistent summary may still be
//! shown to a clinician, but never without saying so.
//!
//! Text and HTML share one reading order (see `view`): header, urgent alerts, attention flags,
//! scores, then every section. Nothing here states a treatment decision; flags are "for
//! clinician review". This module does no IO and knows nothing of the GUI toolkit.

pub mod bundle;
pub mod fhir;
pub mod html;
pub mod text;
pub(crate) mod view;

use std::sync::Arc;

use crate::engine::Questionnaire;
use crate::engine::recheck::{self, Library};
use crate::engine::summary::Summary;

/// Who wrote a record, as far as its seal and digest tell. Never "verified": a digest anyone
/// can recompute proves nothing about who wrote the record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Trust {
    /// Intact and signed by a kiosk the review configuration lists, by its name.
    Signed { kiosk: String },
    /// The digest matches, but no kiosk the clinic lists signed it: `key` is the key it is
    /// signed with, if any (a key the configuration does not list).
    Unsigned { key: Option<String> },
    /// Changed after it was written: the digest or the signature does not match.
    Altered { reason: String },
}

impl Trust {
    pub fn is_altered(&self) -> bool {
        matches!(self, Trust::Altered { .. })
    }

    /// The integrity line every view shows.
    pub fn describe(&self) -> String {
        match self {
            Trust::Signed { kiosk } => format!("signed by kiosk “{kiosk}” and intact"),
            Trust::Unsigned { key: None } => {
                "intact but not signed by a known kiosk (the record carries no signature)"
                    .to_owned()
            }
            Trust::Unsigned { key: Some(key) } => format!(
                "intact but not signed by a known kiosk (signed with {key}, which the review configuration does not list)"
            ),
            Trust::Altered { reason } => {
                format!("ALTERED — {reason}. Do not rely on it; compare with the original record.")
            }
        }
    }
}

/// Whether a summary says what its own answers give, recomputed with its questionnaire.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Consistency {
    /// Visibility, scores, flags and alerts recomputed from the answers match the record.
    Consistent,
    /// The record says something its answers do not give: each difference in words.
    Inconsistent(Vec<String>),
    /// The questionnaire (by its SHA-256) is not one this installation knows, so nothing
    /// could be recomputed.
    UnknownQuestionnaire,
}

impl Consistency {
    /// Recomputes `summary` with its questionnaire from `library`, if it is there.
    pub fn check(summary: &Summary, library: &Library) -> Consistency {
        match library.find(&summary.questionnaire.sha256) {
            Some(q) => Consistency::against(summary, q),
            None => Consistency::UnknownQuestionnaire,
        }
    }

    /// Recomputes `summary` with `q`, which the caller knows to be its questionnaire.
    pub fn against(summary: &Summary, q: &Arc<Questionnaire>) -> Consistency {
        let differences = recheck::differences(q, summary);
        if differences.is_empty() {
            Consistency::Consistent
        } else {
            Consistency::Inconsistent(differences)
        }
    }

    /// The consistency line every view shows.
    pub fn describe(&self) -> String {
        match self {
            Consistency::Consistent => {
                "consistent: scores, flags, alerts and what was asked were recomputed from the answers and match".to_owned()
            }
            Consistency::Inconsistent(d) => format!(
                "INCONSISTENT — the record says {} thing{} its own answers do not give (listed below). Do not rely on it.",
                d.len(),
                if d.len() == 1 { "" } else { "s" }
            ),
            Consistency::UnknownQuestionnaire => {
                "not recomputed: the questionnaire is not one this installation knows, so scores and flags are as the record states them".to_owned()
            }
        }
    }
}

/// What reading a summary established: who wrote it, and whether it agrees with itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checks {
    pub trust: Trust,
    pub consistency: Consistency,
}

impl Checks {
    /// Signed by a known kiosk, intact, and consistent with its questionnaire.
    pub fn is_trusted(&self) -> bool {
        matches!(self.trust, Trust::Signed { .. }) && self.consistency == Consistency::Consistent
    }

    /// Why the record must not be exported as data (FHIR): altered or inconsistent. Text
    /// and HTML can carry a warning; a FHIR resource cannot.
    pub fn refusal(&self) -> Option<String> {
        if let Trust::Altered { reason } = &self.trust {
            return Some(reason.clone());
        }
        match &self.consistency {
            Consistency::Inconsistent(d) => Some(format!(
                "the record is inconsistent with its own answers: {}",
                d.join("; ")
            )),
            _ => None,
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
