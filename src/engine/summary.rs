//! The summary: a finished session as data, for the clinician.
//!
//! A summary is truthful about what the patient saw: every visible item with the question and
//! the answer **as shown**, in the session's language (with the default-language text beside
//! it); items that were not asked, with the reason; declined items marked as such; scores with
//! completeness (never imputed); flags with the answers that raised them; urgent alerts.
//! Answers of hidden items are not in it.
//!
//! On disk it is RON with a schema version, a SHA-256 digest of its own text and, from a kiosk
//! with a signing key, the kiosk's Ed25519 signature of that same text. The digest is the first
//! field and the seal (public key and signature) the second; both are computed over the file
//! with the digest set to 64 zeros and the signature to 128 zeros. The digest catches damage;
//! only the signature says who wrote the record, since anyone can recompute a digest.
//!
//! This file is longer than the others (about 860 lines) on purpose: it is the on-disk schema of
//! both records (summary and urgent alert), and their building and checked reading sit beside
//! the types, so a field cannot be added to one without the others in view.

use crate::storage::sha256_hex;
use crate::storage::sign::{PublicKey, SigningKey};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::answer::{self, Answer};
use super::eval::Eval;
use super::model::{
    Band, Coding, Condition, Expr, Item, ItemIdx, Kind, Level, Questionnaire, Value,
};
use super::screen::{self, Span};
use super::session::Session;

/// The record format version written. Version 2 added the kiosk's seal, and the digest of
/// alert records. Readers also read version 1 (unsigned) and refuse others with a clear
/// message.
pub const SCHEMA: u32 = 2;

/// The oldest record format version readers still read.
pub const OLDEST_SCHEMA: u32 = 1;

/// Summaries larger than this are refused unread (a real one is a few tens of KiB).
pub const MAX_SUMMARY_BYTES: u64 = crate::storage::MAX_RECORD_BYTES;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// SHA-256 (hex) of this file's text with this field set to 64 zeros (and the seal's
    /// signature to 128).
    pub digest: String,
    /// The signature of the kiosk that wrote it; absent: not signed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seal: Option<Seal>,
    pub schema: u32,
    pub questionnaire: QuestionnaireInfo,
    /// The language the patient used.
    pub language: String,
    /// The questionnaire's default language (the `*_default` texts are in it).
    pub default_language: String,
    pub started_at: DateTime<Utc>,
    pub submitted_at: DateTime<Utc>,
    pub identity: Vec<Field>,
    pub alerts: Vec<AlertRecord>,
    pub flags: Vec<RaisedFlag>,
    pub scores: Vec<ScoreResult>,
    pub sections: Vec<SectionSummary>,
    pub attribution: Vec<String>,
}

/// A kiosk's signature of a record: its public key (`ed25519:…`) and the Ed25519 signature
/// (hex) of the record's text with the digest and this signature zeroed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Seal {
    pub kiosk: String,
    pub signature: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QuestionnaireInfo {
    pub id: String,
    pub version: String,
    pub sha256: String,
    pub title: String,
}

impl QuestionnaireInfo {
    pub fn of(q: &Questionnaire) -> Self {
        QuestionnaireInfo {
            id: q.id.clone(),
            version: q.version.clone(),
            sha256: q.sha256.clone(),
            title: q.title.default_text().to_owned(),
        }
    }
}

/// A question and its answer, as shown.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Field {
    pub item: String,
    pub question: String,
    pub answer: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AlertRecord {
    pub rule: String,
    pub alert: String,
    pub at: DateTime<Utc>,
    /// Whole seconds the crisis resources were on screen before the patient went on; absent
    /// when not yet acknowledged (in the alert record, written the moment the rule fired).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shown_seconds: Option<u32>,
    /// `Review`: a calm safety message was shown (a declined or skipped self-harm question);
    /// staff review it, it is not an urgent alert. Absent in older files: urgent.
    #[serde(default, skip_serializing_if = "Level::is_urgent")]
    pub level: Level,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RaisedFlag {
    pub id: String,
    pub level: Level,
    pub text: String,
    pub source: String,
    /// The answers the flag's condition read (an unanswered one reads "not answered").
    pub because: Vec<Field>,
    /// Raised only because an incomplete score *could* reach a band: the flag's band is the
    /// highest the score can still reach, not one it is known to be in. For review.
    #[serde(default, skip_serializing_if = "is_false")]
    pub possible: bool,
    /// The incomplete scores the flag read, each as "PHQ-9: 8 of 9 answered".
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub incomplete: Vec<String>,
}

fn is_false(b: &bool) -> bool {
    !*b
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ScoreResult {
    pub id: String,
    pub title: String,
    /// The total when complete; the partial sum of answered items otherwise.
    pub sum: u32,
    pub answered: usize,
    /// Items not asked under the instrument's own skip rule and counted 0 (AUDIT-C items 2
    /// and 3 after "Never"); absent from records of scores without such a rule.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub skipped: usize,
    pub of: usize,
    pub complete: bool,
    /// The band of the total: when complete, or when every total still possible lies in it.
    pub band: Option<Band>,
    pub code: Option<Coding>,
    /// When incomplete: the highest total still possible (the partial sum plus the largest
    /// value of each missing item).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<u32>,
    /// When incomplete: the bands of the lowest and the highest total still possible.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lowest_band: Option<Band>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub highest_band: Option<Band>,
}

impl ScoreResult {
    /// "17 — moderately severe"; when incomplete, the answered count, what the bands say and
    /// the range the total can still take: "incomplete: 8 of 9 answered — severe whatever the
    /// missing answers (partial sum 21; the total can be 21–24)".
    pub fn describe(&self) -> String {
        if self.complete {
            let total = match &self.band {
                Some(b) => format!("{} — {}", self.sum, b.label),
                None => self.sum.to_string(),
            };
            return match self.skipped {
                0 => total,
                n => format!(
                    "{total} ({n} of {} items not asked, counted 0 as the instrument directs)",
                    self.of
                ),
            };
        }
        let counted = format!("incomplete: {} of {} answered", self.answered, self.of);
        let range = match self.max {
            Some(max) if max != self.sum => format!(
                "partial sum {}; the total can be {}–{max}",
                self.sum, self.sum
            ),
            _ => format!("partial sum {}", self.sum),
        };
        match (&self.band, &self.lowest_band, &self.highest_band) {
            (Some(b), _, _) => {
                format!(
                    "{counted} — {} whatever the missing answers ({range})",
                    b.label
                )
            }
            (None, Some(lo), Some(hi)) => {
                format!("{counted} — {} to {} ({range})", lo.label, hi.label)
            }
            _ => format!("{counted} ({range})"),
        }
    }

    /// "PHQ-9: 8 of 9 answered", for the flags that read an incomplete score.
    pub fn answered_of(&self) -> String {
        format!("{}: {} of {} answered", self.title, self.answered, self.of)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SectionSummary {
    pub id: String,
    pub title: String,
    pub title_default: Option<String>,
    pub items: Vec<ItemSummary>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ItemSummary {
    pub id: String,
    /// Empty on disk for the items of a group entry (see `entry_questions`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub question: String,
    /// The question in the default language, when the patient used another.
    pub question_default: Option<String>,
    pub code: Option<Coding>,
    pub status: Status,
    /// Where a free-text screen's phrases matched in the answer as shown (characters), so
    /// every view can highlight the words.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub marks: Vec<Span>,
    /// Of a repeating group: the question of each of its items, once. On disk the items of
    /// every entry then leave their question out (an entry references it by id), so a summary
    /// grows with the answers, not with answers × question text; [`Summary::read`] puts the
    /// questions back.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub entry_questions: Vec<EntryQuestion>,
}

/// The question of one item of a repeating group, as the patient saw it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EntryQuestion {
    pub item: String,
    pub question: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub question_default: Option<String>,
}

/// What kept an item from being asked.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum NotAskedCause {
    /// The item's own condition (or its group's) was false.
    #[default]
    Item,
    /// Its section's condition was false: no item of the section was asked.
    Section,
}

impl NotAskedCause {
    fn is_item(&self) -> bool {
        *self == NotAskedCause::Item
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Status {
    Answered {
        answer: Answer,
        /// As shown to the patient.
        shown: String,
        /// In the default language, when the patient used another.
        shown_default: Option<String>,
        /// In the base unit, for a measure given in another unit.
        converted: Option<String>,
    },
    /// "Prefer not to say".
    Declined,
    /// Shown, not answered.
    NotAnswered,
    /// Not shown to the patient: why, in words, and whether the whole section was not shown.
    NotAsked {
        reason: String,
        #[serde(default, skip_serializing_if = "NotAskedCause::is_item")]
        cause: NotAskedCause,
    },
    /// A repeating group: its entries, each a list of items.
    Entries(Vec<Vec<ItemSummary>>),
}

/// An urgent alert, written to the outbox the moment a safety rule fires, so staff watching
/// the outbox learn of it even if the patient walks away before submitting.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UrgentAlert {
    /// As in [`Summary::digest`]; empty in version 1 records, which had none.
    #[serde(default)]
    pub digest: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seal: Option<Seal>,
    pub schema: u32,
    pub questionnaire: QuestionnaireInfo,
    pub rule: String,
    pub alert: String,
    pub at: DateTime<Utc>,
    /// As in [`AlertRecord::level`]: `Review` records are notices, not urgent alerts.
    #[serde(default, skip_serializing_if = "Level::is_urgent")]
    pub level: Level,
    pub started_at: DateTime<Utc>,
    /// Identity answers given so far (name, date of birth), so staff know whom to find.
    pub identity: Vec<Field>,
}

impl UrgentAlert {
    pub fn build(session: &Session, alert: &super::session::Alert) -> UrgentAlert {
        let q = session.questionnaire();
        let rule = q.safety_rule(alert.rule);
        let lang = session.language();
        let visible = session.visibility();
        let ev = Eval::new(q, session.answers(), session.today(), &visible);
        UrgentAlert {
            digest: String::new(),
            seal: None,
            schema: SCHEMA,
            questionnaire: QuestionnaireInfo::of(q),
            rule: rule.map_or_else(String::new, |r| r.id.clone()),
            alert: rule.map_or_else(String::new, |r| r.alert.clone()),
            at: alert.at,
            level: rule.map_or(Level::Urgent, |r| r.level),
            started_at: session.started_at(),
            identity: identity_fields(q, &ev, lang),
        }
    }

    /// The file text, unsigned, with the digest filled in.
    pub fn to_ron(&self) -> String {
        self.sealed(None)
    }

    /// The file text, signed by `key` when given, with the digest filled in. `self.digest`
    /// and `self.seal` are ignored.
    pub fn sealed(&self, key: Option<&SigningKey>) -> String {
        let mut copy = self.clone();
        copy.digest = ZERO_DIGEST.to_owned();
        copy.seal = key.map(blank_seal);
        seal_text(&copy, key)
    }

    /// Reads an alert record, checking its size, text, schema version, digest and signature.
    pub fn read(bytes: &[u8]) -> Result<(UrgentAlert, Integrity), SummaryError> {
        read_checked(bytes, "UrgentAlert", |a: &UrgentAlert| {
            (a.digest.as_str(), a.seal.as_ref(), a.schema)
        })
    }

    /// Reads an alert record whose content parses, whatever its integrity (an urgent alert is
    /// shown to staff even when damaged, marked as such).
    pub fn from_ron(bytes: &[u8]) -> Result<UrgentAlert, SummaryError> {
        UrgentAlert::read(bytes).map(|(a, _)| a)
    }
}

/// The items a condition that holds read, keeping only the branches of an `Any` that hold (so a
/// reason never cites an answer that did not raise the flag).
fn held_items(q: &Questionnaire, ev: &Eval<'_>, c: &Condition, out: &mut Vec<ItemIdx>) {
    match c {
        Condition::Any(cs) => {
            let held: Vec<&Condition> = cs.iter().filter(|c| ev.holds(c)).collect();
            if held.is_empty() {
                cs.iter().for_each(|c| held_items(q, ev, c, out));
            } else {
                held.into_iter().for_each(|c| held_items(q, ev, c, out));
            }
        }
        Condition::All(cs) => cs.iter().for_each(|c| held_items(q, ev, c, out)),
        other => {
            for i in other.items(q) {
                if !out.contains(&i) {
                    out.push(i);
                }
            }
        }
    }
}

/// The identity items the patient answered (name, date of birth), as shown to them.
fn identity_fields(q: &Questionnaire, ev: &Eval<'_>, lang: &str) -> Vec<Field> {
    q.identity
        .iter()
        .filter_map(|&i| {
            let item = q.item(i);
            ev.effective(i).map(|a| Field {
                item: item.id.clone(),
                question: item.text.default_text().to_owned(),
                answer: answer::display(q, item, a, lang),
            })
        })
        .collect()
}

/// What can be wrong with a summary file.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum SummaryError {
    #[error("file is {size} bytes; summaries larger than {limit} bytes are refused")]
    TooLarge { size: u64, limit: u64 },
    #[error("not a text file (invalid UTF-8 at byte {0})")]
    NotText(usize),
    #[error("not a readable summary: {0}")]
    Syntax(String),
    #[error(
        "record schema version {found} is not supported (this prescreen reads versions {OLDEST_SCHEMA} to {expected})"
    )]
    Schema { found: u32, expected: u32 },
    #[error("digest mismatch: the file was changed or damaged after it was written")]
    Digest,
    #[error("signature mismatch: the file was changed after the kiosk signed it")]
    Signature,
}

impl Summary {
    /// Builds the summary of a session submitted at `submitted_at`.
    pub fn build(session: &Session, submitted_at: DateTime<Utc>) -> Summary {
        let q = session.questionnaire();
        let lang = session.language();
        let default = q.default_language();
        let visible = session.visibility();
        let ev = Eval::new(q, session.answers(), session.today(), &visible);
        let other_lang = lang != default;
        let shown = |item: &Item, a: &Answer| answer::display(q, item, a, lang);

        let identity = identity_fields(q, &ev, lang);

        let alerts = session
            .alerts()
            .iter()
            .filter_map(|a| {
                let rule = q.safety_rule(a.rule)?;
                Some(AlertRecord {
                    rule: rule.id.clone(),
                    alert: rule.alert.clone(),
                    at: a.at,
                    shown_seconds: a.shown_seconds,
                    level: rule.level,
                })
            })
            .collect();

        let scores: Vec<ScoreResult> = q
            .scores
            .iter()
            .enumerate()
            .map(|(n, s)| {
                let t = ev.score(super::model::ScoreIdx(n));
                let band =
                    |b: Option<super::model::BandIdx>| b.and_then(|b| s.bands.get(b.0).cloned());
                let incomplete = !t.complete;
                ScoreResult {
                    id: s.id.clone(),
                    title: s.title.clone(),
                    sum: t.sum,
                    answered: t.answered,
                    skipped: t.skipped,
                    of: t.of,
                    complete: t.complete,
                    band: band(t.band),
                    code: s.code.clone(),
                    max: incomplete.then_some(t.max),
                    lowest_band: band(t.lowest).filter(|_| incomplete),
                    highest_band: band(t.highest).filter(|_| incomplete),
                }
            })
            .collect();

        // A flag holds, or holds only if each incomplete score it reads were in the highest
        // band it can still reach ("possible"). Either way it names the incomplete scores.
        let possibly = ev.possibly();
        let flags: Vec<RaisedFlag> = q
            .flags
            .iter()
            .filter_map(|f| {
                let possible = if ev.holds(&f.when) {
                    false
                } else if possibly.holds(&f.when) {
                    true
                } else {
                    return None;
                };
                Some((f, possible))
            })
            .map(|(f, possible)| RaisedFlag {
                id: f.id.clone(),
                level: f.level,
                text: f.text.clone(),
                source: f.source.clone(),
                because: {
                    // The items of the parts that held (an `Any` lists only its true
                    // branches), then the flag's context items.
                    let mut items = Vec::new();
                    let ev = if possible { &possibly } else { &ev };
                    held_items(q, ev, &f.when, &mut items);
                    for &c in &f.context {
                        if !items.contains(&c) {
                            items.push(c);
                        }
                    }
                    items
                        .into_iter()
                        .map(|i| {
                            let item = q.item(i);
                            let missing = if visible.get(i.0).copied().unwrap_or(false) {
                                "not answered"
                            } else {
                                "not asked"
                            };
                            Field {
                                item: item.id.clone(),
                                question: item.text.default_text().to_owned(),
                                answer: ev.effective(i).map_or_else(
                                    || missing.to_owned(),
                                    |a| answer::display(q, item, a, default),
                                ),
                            }
                        })
                        .collect()
                },
                possible,
                incomplete: f
                    .when
                    .scores()
                    .into_iter()
                    .filter_map(|s| scores.get(s.0))
                    .filter(|r| !r.complete)
                    .map(ScoreResult::answered_of)
                    .collect(),
            })
            .collect();

        // Free-text screens: a flag per screen and item where a phrase matched, and the spans.
        let mut marks: std::collections::BTreeMap<ItemIdx, Vec<Span>> = Default::default();
        let mut flags = flags;
        for ts in &q.text_screens {
            for &i in &ts.items {
                let Some(a @ Answer::Text(_)) = ev.effective(i) else {
                    continue;
                };
                let item = q.item(i);
                let text = shown(item, a);
                let spans = screen::find(&text, ts.phrases.iter().map(String::as_str));
                if spans.is_empty() {
                    continue;
                }
                let words: Vec<String> = screen::segments(&text, &spans)
                    .into_iter()
                    .filter(|(_, hit)| *hit)
                    .map(|(w, _)| format!("“{w}”"))
                    .collect();
                flags.push(RaisedFlag {
                    id: ts.id.clone(),
                    level: ts.level,
                    text: format!(
                        "{} — in the answer to “{}”",
                        ts.text,
                        item.text.default_text()
                    ),
                    source: ts.source.clone(),
                    because: vec![Field {
                        item: item.id.clone(),
                        question: item.text.default_text().to_owned(),
                        answer: format!("the patient wrote {}", words.join(", ")),
                    }],
                    possible: false,
                    incomplete: Vec::new(),
                });
                let m = marks.entry(i).or_default();
                m.extend(spans);
                m.sort();
                m.dedup();
            }
        }

        let item_summary =
            |i: ItemIdx, ev: &Eval<'_>, hidden: Option<(String, NotAskedCause)>| -> ItemSummary {
                let item = q.item(i);
                let status = match hidden {
                    Some((reason, cause)) => Status::NotAsked { reason, cause },
                    None => match ev.effective(i) {
                        None => Status::NotAnswered,
                        Some(Answer::Declined) => Status::Declined,
                        Some(a) => Status::Answered {
                            answer: a.clone(),
                            shown: shown(item, a),
                            shown_default: other_lang.then(|| answer::display(q, item, a, default)),
                            converted: answer::converted(item, a, lang),
                        },
                    },
                };
                ItemSummary {
                    id: item.id.clone(),
                    question: item.text.get(lang).to_owned(),
                    question_default: other_lang.then(|| item.text.default_text().to_owned()),
                    code: item.code.clone(),
                    status,
                    marks: marks.get(&i).cloned().unwrap_or_default(),
                    entry_questions: Vec::new(),
                }
            };

        let mut sections = Vec::new();
        for section in &q.sections {
            let section_hidden = section.show_if.as_ref().filter(|c| !ev.holds(c)).map(|c| {
                let reason = format!("asked only when {}", describe(q, c));
                (reason, NotAskedCause::Section)
            });
            let mut items = Vec::new();
            for &i in &section.items {
                let item = q.item(i);
                if !item.kind.is_question() {
                    continue;
                }
                let reason = section_hidden.clone().or_else(|| {
                    (!visible[i.0]).then(|| {
                        let c = item.show_if.as_ref();
                        let reason = c.map_or_else(
                            || "not shown".to_owned(),
                            |c| format!("asked only when {}", describe(q, c)),
                        );
                        (reason, NotAskedCause::Item)
                    })
                });
                let mut summary = item_summary(i, &ev, reason);
                if let (
                    Kind::Group {
                        items: children, ..
                    },
                    Status::Answered {
                        answer: Answer::Group(entries),
                        ..
                    },
                ) = (&item.kind, &summary.status)
                {
                    let entries = entries
                        .iter()
                        .map(|entry| {
                            let ev = ev.in_entry(entry);
                            children
                                .iter()
                                .filter(|c| q.item(**c).kind.is_question())
                                .map(|&c| {
                                    let reason = (!ev.visible_in_entry(c)).then(|| {
                                        let reason = q.item(c).show_if.as_ref().map_or_else(
                                            || "not shown".to_owned(),
                                            |s| format!("asked only when {}", describe(q, s)),
                                        );
                                        (reason, NotAskedCause::Item)
                                    });
                                    item_summary(c, &ev, reason)
                                })
                                .collect()
                        })
                        .collect();
                    summary.status = Status::Entries(entries);
                    summary.entry_questions = children
                        .iter()
                        .map(|&c| q.item(c))
                        .filter(|c| c.kind.is_question())
                        .map(|c| EntryQuestion {
                            item: c.id.clone(),
                            question: c.text.get(lang).to_owned(),
                            question_default: other_lang.then(|| c.text.default_text().to_owned()),
                        })
                        .collect();
                }
                items.push(summary);
            }
            sections.push(SectionSummary {
                id: section.id.clone(),
                title: section.title.get(lang).to_owned(),
                title_default: other_lang.then(|| section.title.default_text().to_owned()),
                items,
            });
        }

        Summary {
            digest: String::new(),
            seal: None,
            schema: SCHEMA,
            questionnaire: QuestionnaireInfo::of(q),
            language: lang.to_owned(),
            default_language: default.to_owned(),
            started_at: session.started_at(),
            submitted_at,
            identity,
            alerts,
            flags,
            scores,
            sections,
            attribution: q.attribution.clone(),
        }
    }

    /// The file text, unsigned, with the digest filled in.
    pub fn to_ron(&self) -> String {
        self.sealed(None)
    }

    /// The file text, signed by `key` when given, with the digest filled in. `self.digest`
    /// and `self.seal` are ignored.
    pub fn sealed(&self, key: Option<&SigningKey>) -> String {
        let mut copy = self.clone();
        copy.digest = ZERO_DIGEST.to_owned();
        copy.seal = key.map(blank_seal);
        copy.each_entry_item(|child, _| {
            child.question.clear();
            child.question_default = None;
        });
        seal_text(&copy, key)
    }

    /// Calls `f` on every item of every group entry, with its group's entry questions.
    fn each_entry_item(&mut self, mut f: impl FnMut(&mut ItemSummary, &[EntryQuestion])) {
        for item in self.sections.iter_mut().flat_map(|s| s.items.iter_mut()) {
            if let Status::Entries(entries) = &mut item.status
                && !item.entry_questions.is_empty()
            {
                for child in entries.iter_mut().flatten() {
                    f(child, &item.entry_questions);
                }
            }
        }
    }

    /// Puts each entry item's question back from its group's entry questions (a version 1
    /// record has none and keeps the questions it carries).
    fn with_entry_questions(mut self) -> Summary {
        self.each_entry_item(|child, questions| {
            if let Some(q) = questions.iter().find(|q| q.item == child.id) {
                child.question.clone_from(&q.question);
                child.question_default.clone_from(&q.question_default);
            }
        });
        self
    }

    /// Reads a summary, refusing one whose digest or signature does not match.
    pub fn from_ron(bytes: &[u8]) -> Result<Summary, SummaryError> {
        match Summary::read(bytes)? {
            (summary, Integrity::Intact { .. }) => Ok(summary),
            (_, Integrity::Mismatch) => Err(SummaryError::Digest),
            (_, Integrity::BadSignature) => Err(SummaryError::Signature),
        }
    }

    /// Reads a summary whose content parses, whatever its integrity: the clinician window
    /// shows a changed or damaged file with its integrity marked as failed rather than hiding
    /// it. Everything else (size, text, syntax, schema version) is checked as in
    /// [`Summary::from_ron`].
    pub fn read(bytes: &[u8]) -> Result<(Summary, Integrity), SummaryError> {
        read_checked(bytes, "Summary", |s: &Summary| {
            (s.digest.as_str(), s.seal.as_ref(), s.schema)
        })
        .map(|(s, integrity)| (s.with_entry_questions(), integrity))
    }
}

/// What a list of summaries shows, read without building every section: the inbox reads
/// hundreds of these, and a full summary's sections are most of its text.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename = "Summary")]
pub struct SummaryHead {
    pub digest: String,
    #[serde(default)]
    pub seal: Option<Seal>,
    pub schema: u32,
    pub questionnaire: QuestionnaireInfo,
    pub language: String,
    pub started_at: DateTime<Utc>,
    pub submitted_at: DateTime<Utc>,
    pub identity: Vec<Field>,
    pub alerts: Vec<AlertRecord>,
    #[serde(deserialize_with = "count_flags")]
    pub flags: FlagCount,
}

/// How many flags a summary raised, and how many of them are urgent.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FlagCount {
    pub all: usize,
    pub urgent: usize,
}

impl SummaryHead {
    /// Reads the head of a summary with the same checks as [`Summary::read`], digest included.
    pub fn read(bytes: &[u8]) -> Result<(SummaryHead, Integrity), SummaryError> {
        read_checked(bytes, "Summary", |s: &SummaryHead| {
            (s.digest.as_str(), s.seal.as_ref(), s.schema)
        })
    }
}

/// The length of a list, without keeping its elements.
fn count_flags<'de, D: serde::Deserializer<'de>>(d: D) -> Result<FlagCount, D::Error> {
    /// Only the level of a flag; its other fields are skipped.
    #[derive(Deserialize)]
    #[serde(rename = "RaisedFlag")]
    struct Head {
        level: Level,
    }
    let flags = Vec::<Head>::deserialize(d)?;
    Ok(FlagCount {
        all: flags.len(),
        urgent: flags.iter().filter(|f| f.level.is_urgent()).count(),
    })
}

/// Size, text, syntax and schema checks, then the digest and the signature. The happy path
/// parses once; only a file that does not parse is probed again for its schema version, so
/// that a newer format is reported as such rather than as a syntax error. `fields` gives the
/// digest, seal and schema version of a parsed record; `name` is its RON struct name.
fn read_checked<T: serde::de::DeserializeOwned>(
    bytes: &[u8],
    name: &'static str,
    fields: impl Fn(&T) -> (&str, Option<&Seal>, u32),
) -> Result<(T, Integrity), SummaryError> {
    let size = bytes.len() as u64;
    if size > MAX_SUMMARY_BYTES {
        return Err(SummaryError::TooLarge {
            size,
            limit: MAX_SUMMARY_BYTES,
        });
    }
    let text = std::str::from_utf8(bytes).map_err(|e| SummaryError::NotText(e.valid_up_to()))?;

    #[derive(Deserialize)]
    struct Probe {
        schema: u32,
    }
    let supported = |v: u32| (OLDEST_SCHEMA..=SCHEMA).contains(&v);
    let schema_error = |found: u32| SummaryError::Schema {
        found,
        expected: SCHEMA,
    };
    let value: T = match ron::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            // The probe ignores the struct name, so an alert read as a summary is a syntax
            // error, not a schema error.
            let probe = ron::from_str::<Probe>(text.trim_start().strip_prefix(name).unwrap_or(""));
            return Err(match probe {
                Ok(p) if !supported(p.schema) => schema_error(p.schema),
                _ => syntax(text, e),
            });
        }
    };
    let (claimed, seal, schema) = fields(&value);
    if !supported(schema) {
        return Err(schema_error(schema));
    }
    let mut zeroed = text.replacen(&digest_field(claimed), &digest_field(ZERO_DIGEST), 1);
    let digest_found = zeroed != text;
    if let Some(seal) = seal {
        zeroed = zeroed.replacen(
            &signature_field(&seal.signature),
            &signature_field(ZERO_SIGNATURE),
            1,
        );
    }
    let integrity = if !digest_found || sha256_hex(zeroed.as_bytes()) != claimed {
        Integrity::Mismatch
    } else {
        match seal {
            None => Integrity::Intact { signed_by: None },
            Some(seal) => match PublicKey::parse(&seal.kiosk) {
                Some(key) if key.verifies(zeroed.as_bytes(), &seal.signature) => {
                    Integrity::Intact {
                        signed_by: Some(key),
                    }
                }
                _ => Integrity::BadSignature,
            },
        }
    };
    Ok((value, integrity))
}

/// Whether a record's text is what was written, and who signed it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Integrity {
    /// The digest matches; `signed_by`: the key whose valid signature the record carries
    /// (whether that key is one of the clinic's kiosks is for the reader to judge).
    Intact { signed_by: Option<PublicKey> },
    /// The digest does not match: changed by hand or damaged after it was written.
    Mismatch,
    /// The digest matches but the signature does not: the text was changed and the digest
    /// recomputed, or the seal was copied from another record.
    BadSignature,
}

impl Integrity {
    pub fn is_intact(&self) -> bool {
        matches!(self, Integrity::Intact { .. })
    }
}

/// Zero digest and zero signature in `record`'s text, then both filled in over that text.
fn seal_text<T: Serialize>(record: &T, key: Option<&SigningKey>) -> String {
    let config = ron::ser::PrettyConfig::new()
        .struct_names(true)
        .new_line("\n".to_owned())
        .indentor("  ".to_owned());
    // Serializing plain data structs to a String cannot fail; an empty string would be caught
    // by every reader as unreadable rather than pass as a record.
    let text = ron::ser::to_string_pretty(record, config).unwrap_or_default();
    let digest = sha256_hex(text.as_bytes());
    let signature = key.map(|k| k.sign(text.as_bytes()));
    let text = text.replacen(&digest_field(ZERO_DIGEST), &digest_field(&digest), 1);
    match signature {
        Some(sig) => text.replacen(&signature_field(ZERO_SIGNATURE), &signature_field(&sig), 1),
        None => text,
    }
}

fn blank_seal(key: &SigningKey) -> Seal {
    Seal {
        kiosk: key.public().to_string(),
        signature: ZERO_SIGNATURE.to_owned(),
    }
}

/// RON's message, with the common case of a cut-off file said plainly: every record this
/// program writes ends with the closing parenthesis of its outer struct.
fn syntax(text: &str, e: ron::error::SpannedError) -> SummaryError {
    if e.code == ron::Error::Eof || !text.trim_end().ends_with(')') {
        SummaryError::Syntax(format!(
            "{e} (the file ends early: it was cut off, or copied before it was complete)"
        ))
    } else {
        SummaryError::Syntax(e.to_string())
    }
}

const ZERO_DIGEST: &str = "0000000000000000000000000000000000000000000000000000000000000000";

const ZERO_SIGNATURE: &str = "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000";

fn digest_field(digest: &str) -> String {
    format!("digest: \"{digest}\"")
}

fn signature_field(signature: &str) -> String {
    format!("signature: \"{signature}\"")
}

/// A condition in words, for "not asked" reasons: `shown only when “Have you …?” is Yes`.
pub fn describe(q: &Questionnaire, c: &Condition) -> String {
    let question = |i: ItemIdx| {
        let t = q.item(i).text.default_text();
        let short: String = t.chars().take(60).collect();
        if short.len() < t.len() {
            format!("“{short}…”")
        } else {
            format!("“{short}”")
        }
    };
    let value = |i: ItemIdx, v: &Value| match v {
        Value::Yes => "Yes".to_owned(),
        Value::No => "No".to_owned(),
        Value::NotSure => "Not sure".to_owned(),
        Value::Declined => "Prefer not to say".to_owned(),
        Value::Choice(c) => option_text(q.item(i), c),
        Value::Number(n) => answer::trim_number(*n),
    };
    let expr = |e: &Expr| match e {
        Expr::Value(i) => question(*i),
        Expr::Number(n) => answer::trim_number(*n),
        Expr::Date(d) => d.to_string(),
        Expr::Today => "today".to_owned(),
        Expr::YearsAgo(n) => format!("{n} year{} ago", if *n == 1 { "" } else { "s" }),
        Expr::Age(i) => format!("age from {}", question(*i)),
        Expr::Count(i) => format!("number of entries in {}", question(*i)),
        Expr::Score(s) => format!("{} total", q.scores[s.0].title),
    };
    match c {
        Condition::Answered(i) => format!("{} answered", question(*i)),
        Condition::Equals(i, v) => format!("{} is {}", question(*i), value(*i, v)),
        Condition::AnyOf(i, vs) => format!(
            "{} is one of: {}",
            question(*i),
            vs.iter()
                .map(|v| option_text(q.item(*i), v))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Condition::Compare(a, cmp, b) => {
            let op = match cmp {
                super::model::Cmp::Lt => "<",
                super::model::Cmp::Le => "≤",
                super::model::Cmp::Gt => ">",
                super::model::Cmp::Ge => "≥",
            };
            format!("{} {op} {}", expr(a), expr(b))
        }
        Condition::InBand(s, b) => {
            let score = &q.scores[s.0];
            format!(
                "{} is {}",
                score.title,
                score.bands.get(b.0).map_or("", |b| b.label.as_str())
            )
        }
        Condition::All(cs) => cs
            .iter()
            .map(|c| describe(q, c))
            .collect::<Vec<_>>()
            .join(" and "),
        Condition::Any(cs) => cs
            .iter()
            .map(|c| describe(q, c))
            .collect::<Vec<_>>()
            .join(" or "),
        Condition::Not(c) => format!("not ({})", describe(q, c)),
    }
}

fn option_text(item: &Item, value: &str) -> String {
    item.kind
        .options()
        .iter()
        .find(|o| o.value == value)
        .map_or_else(|| value.to_owned(), |o| o.text.default_text().to_owned())
}
