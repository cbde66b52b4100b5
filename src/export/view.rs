//! What a clinician reads, in the order they read it, independent of the output format.
//!
//! Text and HTML both render a [`View`], so they cannot disagree about content or order:
//! header (patient, times, language, questionnaire, integrity), urgent alerts, attention flags
//! (urgent first), scores, then every section — questions with the answers as shown, declined
//! and unanswered items marked, items not asked listed last with their reason.
//!
//! Labels here are the clinician's (English); the patient's words are kept as given.

use chrono::{DateTime, Utc};

use super::{Checks, Consistency, language_name};
use crate::engine::Level;
use crate::engine::summary::{
    AlertRecord, ItemSummary, NotAskedCause, RaisedFlag, Status, Summary,
};

pub(crate) struct View<'a> {
    pub title: &'a str,
    pub patient: Vec<Pair<'a>>,
    pub submitted: String,
    pub started: String,
    /// The patient's language code (for `lang` attributes) and, below, its name.
    pub lang: &'a str,
    pub default_lang: &'a str,
    pub language: String,
    /// "English" when the patient used another language: the default-language wording shown
    /// beside the patient's.
    pub default_language: Option<String>,
    pub questionnaire: String,
    pub sha256: &'a str,
    /// Signed by a known kiosk, intact and consistent: the only state shown as good.
    pub trusted: bool,
    /// Who wrote it: "signed by kiosk “Front desk 1” and intact", "intact but not signed by a
    /// known kiosk", "ALTERED — …".
    pub integrity: String,
    /// Whether it agrees with its own answers; `consistent` false only when recomputed and
    /// found different (an unknown questionnaire is said plainly, not as a failure).
    pub consistency: String,
    pub consistent: bool,
    /// What the record says that its answers do not give.
    pub differences: Vec<String>,
    /// Urgent alerts: staff must act now.
    pub alerts: Vec<AlertView<'a>>,
    /// Calm safety messages shown to the patient (declined or skipped self-harm question):
    /// for review, not urgent.
    pub notices: Vec<AlertView<'a>>,
    pub flags: Vec<FlagView<'a>>,
    pub scores: Vec<ScoreView<'a>>,
    pub sections: Vec<SectionView<'a>>,
    pub attribution: &'a [String],
}

/// A question (default language) and its answer, as in identity fields and flag reasons.
pub(crate) struct Pair<'a> {
    pub question: &'a str,
    pub answer: &'a str,
}

pub(crate) struct AlertView<'a> {
    pub at: String,
    pub text: &'a str,
    /// "crisis resources on screen for 12 s", once the patient went on.
    pub shown: Option<String>,
}

pub(crate) struct FlagView<'a> {
    pub urgent: bool,
    /// Raised only because an incomplete score could reach the flag's band.
    pub possible: bool,
    pub level: &'static str,
    pub text: &'a str,
    pub because: Vec<Pair<'a>>,
    /// Set when the flag read an incomplete score: whether its band is certain or only the
    /// highest the total can still reach.
    pub note: Option<String>,
    pub source: &'a str,
}

pub(crate) struct ScoreView<'a> {
    pub title: &'a str,
    pub value: String,
    pub complete: bool,
}

pub(crate) struct SectionView<'a> {
    pub title: &'a str,
    pub title_default: Option<&'a str>,
    /// Set when the whole section was not shown: the condition it depends on.
    pub skipped: Option<&'a str>,
    pub rows: Vec<Row<'a>>,
    pub not_asked: Vec<NotAsked<'a>>,
}

pub(crate) struct Row<'a> {
    pub question: &'a str,
    pub question_default: Option<&'a str>,
    pub answer: AnswerView<'a>,
}

pub(crate) enum AnswerView<'a> {
    Given {
        shown: &'a str,
        shown_default: Option<&'a str>,
        converted: Option<&'a str>,
        /// `shown` cut where a free-text screen matched: (piece, matched). Empty when nothing
        /// matched; every view highlights the matched pieces.
        marked: Vec<(&'a str, bool)>,
    },
    Declined,
    NotAnswered,
    Entries(Vec<EntryView<'a>>),
}

pub(crate) struct EntryView<'a> {
    pub number: usize,
    pub rows: Vec<Row<'a>>,
    pub not_asked: Vec<NotAsked<'a>>,
}

pub(crate) struct NotAsked<'a> {
    pub question: &'a str,
    pub reason: &'a str,
}

/// The heading of calm safety notices, in every format.
pub(crate) const NOTICES: &str = "Safety message shown to the patient — for review";

/// Around matched words in plain text (HTML uses `<mark>`, the window a highlight).
pub(crate) const MARK_OPEN: &str = "»";
pub(crate) const MARK_CLOSE: &str = "«";

pub(crate) const DECLINED: &str = "declined (prefer not to say)";
pub(crate) const NOT_ANSWERED: &str = "not answered";

fn alert_view(a: &AlertRecord) -> AlertView<'_> {
    AlertView {
        at: time(a.at),
        text: &a.alert,
        shown: a
            .shown_seconds
            .map(|s| format!("crisis resources on screen for {s} s")),
    }
}

fn time(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}

impl<'a> View<'a> {
    pub fn of(s: &'a Summary, checks: &Checks) -> View<'a> {
        let other_language = s.language != s.default_language;
        // Urgent flags first; otherwise the questionnaire's order.
        let mut flags: Vec<FlagView<'a>> = s
            .flags
            .iter()
            .map(|f| FlagView {
                urgent: f.level == Level::Urgent,
                possible: f.possible,
                level: match (f.level, f.possible) {
                    (Level::Urgent, false) => "URGENT",
                    (Level::Urgent, true) => "URGENT (possible)",
                    (Level::Review, false) => "review",
                    (Level::Review, true) => "review (possible)",
                },
                text: &f.text,
                because: f
                    .because
                    .iter()
                    .map(|b| Pair {
                        question: &b.question,
                        answer: &b.answer,
                    })
                    .collect(),
                note: flag_note(f),
                source: &f.source,
            })
            .collect();
        flags.sort_by_key(|f| !f.urgent);
        View {
            title: &s.questionnaire.title,
            patient: s
                .identity
                .iter()
                .map(|f| Pair {
                    question: &f.question,
                    answer: &f.answer,
                })
                .collect(),
            submitted: time(s.submitted_at),
            started: time(s.started_at),
            lang: &s.language,
            default_lang: &s.default_language,
            language: language_name(&s.language),
            default_language: other_language.then(|| language_name(&s.default_language)),
            // The title, not the id: an id such as `ketamine_candidacy` can read as a verdict.
            questionnaire: format!(
                "{}, version {}",
                s.questionnaire.title, s.questionnaire.version
            ),
            sha256: &s.questionnaire.sha256,
            trusted: checks.is_trusted(),
            integrity: checks.trust.describe(),
            consistency: checks.consistency.describe(),
            consistent: !matches!(checks.consistency, Consistency::Inconsistent(_)),
            differences: match &checks.consistency {
                Consistency::Inconsistent(d) => d.clone(),
                _ => Vec::new(),
            },
            alerts: s
                .alerts
                .iter()
                .filter(|a| a.level.is_urgent())
                .map(alert_view)
                .collect(),
            notices: s
                .alerts
                .iter()
                .filter(|a| !a.level.is_urgent())
                .map(alert_view)
                .collect(),
            flags,
            scores: s
                .scores
                .iter()
                .map(|r| ScoreView {
                    title: &r.title,
                    value: r.describe(),
                    complete: r.complete,
                })
                .collect(),
            sections: s
                .sections
                .iter()
                .map(|sec| {
                    let (rows, not_asked) = item_rows(&sec.items);
                    // A section that was not shown at all reads as one line, not a list of
                    // every item with the same reason.
                    let skipped = match sec.items.first().map(|i| &i.status) {
                        Some(Status::NotAsked {
                            reason,
                            cause: NotAskedCause::Section,
                        }) if sec.items.iter().all(|i| {
                            matches!(&i.status, Status::NotAsked { reason: r, .. } if r == reason)
                        }) =>
                        {
                            Some(reason.as_str())
                        }
                        _ => None,
                    };
                    SectionView {
                        title: &sec.title,
                        title_default: sec.title_default.as_deref(),
                        skipped,
                        rows,
                        not_asked: if skipped.is_some() {
                            Vec::new()
                        } else {
                            not_asked
                        },
                    }
                })
                .collect(),
            attribution: &s.attribution,
        }
    }
}

/// What a flag that read an incomplete score can and cannot say.
fn flag_note(f: &RaisedFlag) -> Option<String> {
    if f.incomplete.is_empty() {
        return None;
    }
    let scores = f.incomplete.join("; ");
    Some(if f.possible {
        format!(
            "Possible, not certain: {scores}. This is the highest band the total can still \
             reach with the missing answers."
        )
    } else {
        format!("{scores}. The band is the same whatever the missing answers.")
    })
}

/// Asked items as rows (in order), and those not asked, apart.
fn item_rows(items: &[ItemSummary]) -> (Vec<Row<'_>>, Vec<NotAsked<'_>>) {
    let mut rows = Vec::new();
    let mut not_asked = Vec::new();
    for item in items {
        let answer = match &item.status {
            Status::NotAsked { reason, .. } => {
                not_asked.push(NotAsked {
                    question: &item.question,
                    reason,
                });
                continue;
            }
            Status::Answered {
                shown,
                shown_default,
                converted,
                ..
            } => AnswerView::Given {
                shown,
                shown_default: shown_default.as_deref(),
                converted: converted.as_deref(),
                marked: if item.marks.is_empty() {
                    Vec::new()
                } else {
                    crate::engine::screen::segments(shown, &item.marks)
                },
            },
            Status::Declined => AnswerView::Declined,
            Status::NotAnswered => AnswerView::NotAnswered,
            Status::Entries(entries) => AnswerView::Entries(
                entries
                    .iter()
                    .enumerate()
                    .map(|(n, entry)| {
                        let (rows, not_asked) = item_rows(entry);
                        EntryView {
                            number: n + 1,
                            rows,
                            not_asked,
                        }
                    })
                    .collect(),
            ),
        };
        rows.push(Row {
            question: &item.question,
            question_default: item.question_default.as_deref(),
            answer,
        });
    }
    (rows, not_asked)
}
