//! FHIR R4 (4.0.1) JSON: a summary as a `QuestionnaireResponse`, and a questionnaire as the
//! matching `Questionnaire`.
//!
//! Both are typed serde structs below, so a resource can only have the fields written here;
//! `docs/exports.md` explains the mapping. In short:
//!
//! - The questionnaire's canonical URL is [`canonical`]; a response points at it with
//!   `|version`.
//! - `linkId`s: an item's id; a section's group is `section:<id>` and a score is `score:<id>`.
//!   Sections, items and scores have separate id spaces in the questionnaire format (the
//!   ketamine questionnaire has a section and an item both called `prior_ketamine`, and a
//!   section and a score both called `phq9`), while a FHIR Questionnaire needs every `linkId`
//!   unique.
//! - Every yes/no item is a `choice` answered with a Coding from HL7's yes/no/don't-know codes
//!   (`Y`/`N` of v2-0136, `asked-unknown` of data-absent-reason for "Not sure"). A `boolean`
//!   item could not take "Not sure", and the summary does not record which yes/no items offered
//!   it, so one type for all keeps every answer's type equal to its item's type.
//! - Option answers are Codings in a code system per item, [`option_system`], whose codes are
//!   the questionnaire's option values.
//! - Nothing is imputed or invented: items declined, not answered or not asked carry no answer,
//!   so they are left out (a FHIR item needs an answer or nested items); scores appear only
//!   when complete. Conditions (`show_if`) are not exported as `enableWhen`; items that depend
//!   on one are not marked `required`.

use chrono::SecondsFormat;
use serde::Serialize;

use crate::engine::answer::Answer;
use crate::engine::model::{self, Item, ItemIdx, Kind, Questionnaire};
use crate::engine::summary::{ItemSummary, ScoreResult, Status, Summary};

/// The canonical URL of a questionnaire in FHIR: `urn:prescreen:questionnaire:<id>`.
pub fn canonical(id: &str) -> String {
    format!("urn:prescreen:questionnaire:{id}")
}

/// The code system of one item's options: `<canonical>/options/<item id>`. Option values are
/// unique within an item, not across items ("none" means something different in each list).
pub fn option_system(questionnaire: &str, item: &str) -> String {
    format!("{}/options/{item}", canonical(questionnaire))
}

/// The `linkId` of a section's group item.
pub fn section_link_id(section: &str) -> String {
    format!("section:{section}")
}

/// The `linkId` of a score's item.
pub fn score_link_id(score: &str) -> String {
    format!("score:{score}")
}

/// HL7 v2 table 0136 (Yes/no indicator), as in FHIR's `yesnodontknow` value set.
pub const YES_NO_SYSTEM: &str = "http://terminology.hl7.org/CodeSystem/v2-0136";
/// FHIR's data-absent-reason; `asked-unknown` is the "Don't know" of `yesnodontknow`.
pub const DATA_ABSENT_SYSTEM: &str = "http://terminology.hl7.org/CodeSystem/data-absent-reason";
/// UCUM, for the units of measures.
pub const UCUM: &str = "http://unitsofmeasure.org";

/// Identifies which summary file a response was made from: the summary's own SHA-256.
pub const SUMMARY_DIGEST_SYSTEM: &str = "urn:prescreen:summary-digest";

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Coding {
    pub system: String,
    pub code: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display: Option<String>,
}

impl From<&model::Coding> for Coding {
    fn from(c: &model::Coding) -> Self {
        Coding {
            system: c.system.clone(),
            code: c.code.clone(),
            display: c.display.clone(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Quantity {
    pub value: f64,
    pub unit: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub system: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<&'static str>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Identifier {
    pub system: &'static str,
    pub value: String,
}

/// `QuestionnaireResponse` (R4), the fields prescreen fills.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct QuestionnaireResponse {
    pub resource_type: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identifier: Option<Identifier>,
    /// `<canonical>|<version>`.
    pub questionnaire: String,
    pub status: &'static str,
    /// When the patient submitted, RFC 3339 in UTC.
    pub authored: String,
    pub language: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub item: Vec<ResponseItem>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ResponseItem {
    pub link_id: String,
    pub text: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub answer: Vec<ResponseAnswer>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub item: Vec<ResponseItem>,
}

/// One answer: serialized as `{"valueCoding": {…}}`, `{"valueInteger": 3}`, ….
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum ResponseAnswer {
    ValueCoding(Coding),
    ValueInteger(i64),
    ValueDecimal(f64),
    ValueQuantity(Quantity),
    /// `YYYY-MM-DD`.
    ValueDate(String),
    ValueString(String),
}

/// `Questionnaire` (R4), the fields prescreen fills.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FhirQuestionnaire {
    pub resource_type: &'static str,
    pub url: String,
    pub version: String,
    pub name: String,
    pub title: String,
    pub status: &'static str,
    pub language: String,
    pub subject_type: Vec<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub copyright: Option<String>,
    pub item: Vec<QuestionnaireItem>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct QuestionnaireItem {
    pub link_id: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub code: Vec<Coding>,
    pub text: String,
    /// boolean, decimal, integer, date, string, text, choice, quantity, group, display.
    #[serde(rename = "type")]
    pub kind: &'static str,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub required: bool,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub repeats: bool,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub read_only: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_length: Option<u32>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub answer_option: Vec<AnswerOption>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub item: Vec<QuestionnaireItem>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AnswerOption {
    pub value_coding: Coding,
}

/// Pretty JSON with a final newline, as written to files.
pub fn to_json<T: Serialize>(resource: &T) -> Result<String, serde_json::Error> {
    let mut s = serde_json::to_string_pretty(resource)?;
    s.push('\n');
    Ok(s)
}

/// The summary as a completed `QuestionnaireResponse`.
pub fn questionnaire_response(summary: &Summary) -> QuestionnaireResponse {
    let qid = summary.questionnaire.id.as_str();
    let mut item: Vec<ResponseItem> = summary
        .sections
        .iter()
        .filter_map(|s| {
            let children = response_items(qid, &s.items);
            (!children.is_empty()).then(|| ResponseItem {
                link_id: section_link_id(&s.id),
                text: s.title.clone(),
                answer: Vec::new(),
                item: children,
            })
        })
        .collect();
    item.extend(summary.scores.iter().filter_map(score_item));
    QuestionnaireResponse {
        resource_type: "QuestionnaireResponse",
        identifier: (!summary.digest.is_empty()).then(|| Identifier {
            system: SUMMARY_DIGEST_SYSTEM,
            value: summary.digest.clone(),
        }),
        questionnaire: format!("{}|{}", canonical(qid), summary.questionnaire.version),
        status: "completed",
        authored: summary
            .submitted_at
            .to_rfc3339_opts(SecondsFormat::Secs, true),
        language: summary.language.clone(),
        item,
    }
}

/// A score is reported only when every one of its items was answered; a partial sum is not a
/// score.
fn score_item(s: &ScoreResult) -> Option<ResponseItem> {
    s.complete.then(|| ResponseItem {
        link_id: score_link_id(&s.id),
        text: s.title.clone(),
        answer: vec![ResponseAnswer::ValueInteger(i64::from(s.sum))],
        item: Vec::new(),
    })
}

fn response_items(qid: &str, items: &[ItemSummary]) -> Vec<ResponseItem> {
    let mut out = Vec::new();
    for i in items {
        match &i.status {
            Status::Answered { answer, shown, .. } => {
                let answer = answers(qid, &i.id, answer, shown);
                if !answer.is_empty() {
                    out.push(ResponseItem {
                        link_id: i.id.clone(),
                        text: i.question.clone(),
                        answer,
                        item: Vec::new(),
                    });
                }
            }
            // One group item per entry, each with the entry's answers nested.
            Status::Entries(entries) => {
                for entry in entries {
                    let children = response_items(qid, entry);
                    if !children.is_empty() {
                        out.push(ResponseItem {
                            link_id: i.id.clone(),
                            text: i.question.clone(),
                            answer: Vec::new(),
                            item: children,
                        });
                    }
                }
            }
            Status::Declined | Status::NotAnswered | Status::NotAsked { .. } => {}
        }
    }
    out
}

fn answers(qid: &str, item: &str, answer: &Answer, shown: &str) -> Vec<ResponseAnswer> {
    let option = |code: &str, display: Option<&str>| {
        ResponseAnswer::ValueCoding(Coding {
            system: option_system(qid, item),
            code: code.to_owned(),
            display: display.map(str::to_owned),
        })
    };
    match answer {
        Answer::Yes | Answer::No | Answer::NotSure => yes_no_coding(answer, shown)
            .map(ResponseAnswer::ValueCoding)
            .into_iter()
            .collect(),
        Answer::Choice(c) => vec![option(c, Some(shown))],
        Answer::Choices(cs) => {
            // The summary shows several options joined by "; ". Split back only when the
            // count matches, so an option text containing "; " never mislabels another.
            let parts: Vec<&str> = shown.split("; ").collect();
            let displays = (parts.len() == cs.len()).then_some(parts);
            cs.iter()
                .enumerate()
                .map(|(n, c)| option(c, displays.as_ref().and_then(|d| d.get(n).copied())))
                .collect()
        }
        Answer::Integer(n) => vec![ResponseAnswer::ValueInteger(*n)],
        Answer::Decimal(n) => vec![ResponseAnswer::ValueDecimal(*n)],
        Answer::Quantity(n, unit) => vec![ResponseAnswer::ValueQuantity(quantity(*n, unit))],
        Answer::Date(d) => vec![ResponseAnswer::ValueDate(d.format("%Y-%m-%d").to_string())],
        Answer::Text(t) => vec![ResponseAnswer::ValueString(t.clone())],
        // Declined is a status, not an answer; a group's entries are nested items.
        Answer::Declined | Answer::Group(_) => Vec::new(),
    }
}

/// The Coding for a yes/no/not-sure answer, with `display` as given.
fn yes_no_coding(answer: &Answer, display: &str) -> Option<Coding> {
    let (system, code) = match answer {
        Answer::Yes => (YES_NO_SYSTEM, "Y"),
        Answer::No => (YES_NO_SYSTEM, "N"),
        Answer::NotSure => (DATA_ABSENT_SYSTEM, "asked-unknown"),
        _ => return None,
    };
    Some(Coding {
        system: system.to_owned(),
        code: code.to_owned(),
        display: Some(display.to_owned()),
    })
}

/// A measure as a Quantity. Only units whose UCUM code is certain get `system` and `code`;
/// the questionnaire format names units freely, so an unknown unit keeps its name only. A
/// split unit (`ft_in`) holds its minor unit, inches.
fn quantity(value: f64, unit: &str) -> Quantity {
    let ucum = match unit {
        "kg" => Some(("kg", "kg")),
        "g" => Some(("g", "g")),
        "lb" => Some(("[lb_av]", "lb")),
        "cm" => Some(("cm", "cm")),
        "m" => Some(("m", "m")),
        "in" | "ft_in" => Some(("[in_i]", "in")),
        _ => None,
    };
    match ucum {
        Some((code, shown)) => Quantity {
            value,
            unit: shown.to_owned(),
            system: Some(UCUM),
            code: Some(code),
        },
        None => Quantity {
            value,
            unit: unit.to_owned(),
            system: None,
            code: None,
        },
    }
}

/// The questionnaire as a FHIR `Questionnaire` whose `linkId`s match
/// [`questionnaire_response`]'s. Texts are in the default language.
pub fn questionnaire(q: &Questionnaire) -> FhirQuestionnaire {
    let mut item: Vec<QuestionnaireItem> = q
        .sections
        .iter()
        .map(|s| QuestionnaireItem {
            code: s.code.iter().map(Coding::from).collect(),
            item: s
                .items
                .iter()
                .map(|&i| definition_item(q, i, s.show_if.is_none()))
                .collect(),
            ..QuestionnaireItem::new(section_link_id(&s.id), s.title.default_text(), "group")
        })
        .collect();
    item.extend(q.scores.iter().map(|s| QuestionnaireItem {
        code: s.code.iter().map(Coding::from).collect(),
        read_only: true,
        ..QuestionnaireItem::new(score_link_id(&s.id), &s.title, "integer")
    }));
    FhirQuestionnaire {
        resource_type: "Questionnaire",
        url: canonical(&q.id),
        version: q.version.clone(),
        name: computable_name(&q.id),
        title: q.title.default_text().to_owned(),
        status: "active",
        language: q.default_language().to_owned(),
        subject_type: vec!["Patient"],
        copyright: (!q.attribution.is_empty()).then(|| q.attribution.join("\n\n")),
        item,
    }
}

impl QuestionnaireItem {
    fn new(link_id: String, text: &str, kind: &'static str) -> Self {
        QuestionnaireItem {
            link_id,
            code: Vec::new(),
            text: text.to_owned(),
            kind,
            required: false,
            repeats: false,
            read_only: false,
            max_length: None,
            answer_option: Vec::new(),
            item: Vec::new(),
        }
    }
}

/// One item of the definition. `always_shown`: whether everything above it (section, group)
/// is shown unconditionally; only then can `required` be stated without `enableWhen` (a
/// completed response legitimately lacks an item its condition hid).
fn definition_item(q: &Questionnaire, idx: ItemIdx, always_shown: bool) -> QuestionnaireItem {
    let item: &Item = q.item(idx);
    let always_shown = always_shown && item.show_if.is_none();
    let yes_no = |not_sure: bool| {
        let labels = &q.answer_labels;
        let mut options = vec![
            (Answer::Yes, labels.yes.default_text()),
            (Answer::No, labels.no.default_text()),
        ];
        if not_sure {
            options.push((Answer::NotSure, labels.not_sure.default_text()));
        }
        options
            .into_iter()
            .filter_map(|(a, shown)| yes_no_coding(&a, shown))
            .map(|value_coding| AnswerOption { value_coding })
            .collect()
    };
    let choices = |options: &[model::Choice]| {
        options
            .iter()
            .map(|o| AnswerOption {
                value_coding: Coding {
                    system: option_system(&q.id, &item.id),
                    code: o.value.clone(),
                    display: Some(o.text.default_text().to_owned()),
                },
            })
            .collect()
    };
    let (kind, repeats, answer_option, max_length, children): (_, _, Vec<_>, _, Vec<_>) =
        match &item.kind {
            Kind::YesNo { not_sure } => ("choice", false, yes_no(*not_sure), None, Vec::new()),
            Kind::Single { options } => ("choice", false, choices(options), None, Vec::new()),
            Kind::Multiple { options, .. } => ("choice", true, choices(options), None, Vec::new()),
            Kind::Integer { .. } => ("integer", false, Vec::new(), None, Vec::new()),
            Kind::Decimal { .. } => ("decimal", false, Vec::new(), None, Vec::new()),
            Kind::Measure { .. } => ("quantity", false, Vec::new(), None, Vec::new()),
            Kind::Date { .. } => ("date", false, Vec::new(), None, Vec::new()),
            Kind::Text { max_len } => ("string", false, Vec::new(), Some(*max_len), Vec::new()),
            Kind::LongText { max_len } => ("text", false, Vec::new(), Some(*max_len), Vec::new()),
            Kind::Display => ("display", false, Vec::new(), None, Vec::new()),
            Kind::Group { items, .. } => (
                "group",
                true,
                Vec::new(),
                None,
                items
                    .iter()
                    .map(|&c| definition_item(q, c, always_shown))
                    .collect(),
            ),
        };
    QuestionnaireItem {
        code: item.code.iter().map(Coding::from).collect(),
        // "Prefer not to say" leaves an item without an answer, so an item that offers it is
        // not required in FHIR's sense even when the questionnaire requires a response.
        required: item.required && always_shown && !item.can_decline && item.kind.is_question(),
        repeats,
        max_length,
        answer_option,
        item: children,
        ..QuestionnaireItem::new(item.id.clone(), item.text.default_text(), kind)
    }
}

/// A FHIR computable name from an id: `ketamine_candidacy` → `KetamineCandidacy`.
fn computable_name(id: &str) -> String {
    let mut name = String::with_capacity(id.len());
    let mut upper = true;
    for c in id.chars() {
        if c.is_ascii_alphanumeric() {
            if upper {
                name.push(c.to_ascii_uppercase());
            } else {
                name.push(c);
            }
            upper = false;
        } else {
            upper = true;
        }
    }
    if !name.starts_with(|c: char| c.is_ascii_uppercase()) {
        name.insert(0, 'Q');
    }
    name
}
