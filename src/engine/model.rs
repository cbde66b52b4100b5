//! The validated questionnaire: every reference resolved to an index, every text translated.
//!
//! A `Questionnaire` is immutable and shared (`Arc`) by every session that runs it. It holds no
//! answers and no derived state (what is visible or required is computed from definition and
//! answers, never stored here).

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Index of an item in [`Questionnaire::items`] (document order, group children included).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ItemIdx(pub usize);

/// Index of a score in [`Questionnaire::scores`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ScoreIdx(pub usize);

/// Index of a section in [`Questionnaire::sections`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SectionIdx(pub usize);

/// Index of a safety rule in [`Questionnaire::safety`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RuleIdx(pub usize);

/// Index of a band in its score's [`Score::bands`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct BandIdx(pub usize);

/// A patient-facing text in every declared language, in the questionnaire's language order.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Text(pub(crate) Vec<(String, String)>);

impl Text {
    /// The text in `lang`, falling back to the default language (the first declared).
    pub fn get(&self, lang: &str) -> &str {
        self.0
            .iter()
            .find(|(l, _)| l == lang)
            .or_else(|| self.0.first())
            .map_or("", |(_, t)| t.as_str())
    }

    /// The text in the default language.
    pub fn default_text(&self) -> &str {
        self.0.first().map_or("", |(_, t)| t.as_str())
    }
}

/// A coded concept (`system` + `code`, e.g. LOINC).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Coding {
    pub system: String,
    pub code: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display: Option<String>,
}

#[derive(Clone, Debug)]
pub struct Questionnaire {
    pub id: String,
    pub version: String,
    /// Declared languages; the first is the default and the fallback.
    pub languages: Vec<String>,
    pub title: Text,
    pub attribution: Vec<String>,
    pub identity: Vec<ItemIdx>,
    pub answer_labels: AnswerLabels,
    pub sections: Vec<Section>,
    pub items: Vec<Item>,
    pub scores: Vec<Score>,
    pub flags: Vec<Flag>,
    pub safety: Vec<SafetyRule>,
    pub text_screens: Vec<TextScreen>,
    /// SHA-256 of the source file, lowercase hex: ties every summary to the exact text.
    pub sha256: String,
}

impl Questionnaire {
    pub fn item(&self, idx: ItemIdx) -> &Item {
        &self.items[idx.0]
    }

    pub fn section(&self, idx: SectionIdx) -> &Section {
        &self.sections[idx.0]
    }

    pub fn safety_rule(&self, idx: RuleIdx) -> Option<&SafetyRule> {
        self.safety.get(idx.0)
    }

    /// Looks an item up by id.
    pub fn find(&self, id: &str) -> Option<ItemIdx> {
        self.items.iter().position(|i| i.id == id).map(ItemIdx)
    }

    pub fn default_language(&self) -> &str {
        self.languages.first().map_or("en", String::as_str)
    }

    /// The top-level items (pages), in order. Group children are reached through their group.
    pub fn pages(&self) -> impl Iterator<Item = ItemIdx> + '_ {
        self.sections.iter().flat_map(|s| s.items.iter().copied())
    }
}

#[derive(Clone, Debug)]
pub struct AnswerLabels {
    pub yes: Text,
    pub no: Text,
    pub not_sure: Text,
    pub prefer_not_to_say: Text,
}

#[derive(Clone, Debug)]
pub struct Section {
    pub id: String,
    pub title: Text,
    pub show_if: Option<Condition>,
    pub code: Option<Coding>,
    /// Top-level items of the section.
    pub items: Vec<ItemIdx>,
}

#[derive(Clone, Debug)]
pub struct Item {
    pub id: String,
    pub text: Text,
    pub help: Option<Text>,
    pub kind: Kind,
    pub required: bool,
    pub required_if: Option<Condition>,
    pub show_if: Option<Condition>,
    pub can_decline: bool,
    pub code: Option<Coding>,
    pub section: SectionIdx,
    /// The repeating group this item belongs to, if any.
    pub parent: Option<ItemIdx>,
}

#[derive(Clone, Debug)]
pub enum Kind {
    YesNo {
        not_sure: bool,
    },
    Single {
        options: Vec<Choice>,
    },
    Multiple {
        options: Vec<Choice>,
        /// Index of the exclusive "none of these" option.
        none_of_these: Option<usize>,
    },
    Integer {
        min: Option<i64>,
        max: Option<i64>,
        unit: Option<Text>,
    },
    Decimal {
        min: Option<f64>,
        max: Option<f64>,
        decimals: u8,
        unit: Option<Text>,
    },
    Measure {
        units: Vec<Unit>,
        decimals: u8,
    },
    Date {
        min: Option<DateBound>,
        max: Option<DateBound>,
    },
    Text {
        max_len: u32,
    },
    LongText {
        max_len: u32,
    },
    Display,
    Group {
        min: u32,
        max: u32,
        items: Vec<ItemIdx>,
    },
}

impl Kind {
    /// A short name for messages ("yes/no", "date").
    pub fn describe(&self) -> &'static str {
        match self {
            Kind::YesNo { .. } => "yes/no",
            Kind::Single { .. } => "single choice",
            Kind::Multiple { .. } => "multiple choice",
            Kind::Integer { .. } => "integer",
            Kind::Decimal { .. } => "decimal",
            Kind::Measure { .. } => "measure",
            Kind::Date { .. } => "date",
            Kind::Text { .. } => "text",
            Kind::LongText { .. } => "long text",
            Kind::Display => "display",
            Kind::Group { .. } => "repeating group",
        }
    }

    /// The options of a choice item (empty for others).
    pub fn options(&self) -> &[Choice] {
        match self {
            Kind::Single { options } | Kind::Multiple { options, .. } => options,
            _ => &[],
        }
    }

    /// Whether the item asks for an answer (display text does not).
    pub fn is_question(&self) -> bool {
        !matches!(self, Kind::Display)
    }
}

#[derive(Clone, Debug)]
pub struct Choice {
    pub value: String,
    pub text: Text,
    pub score: Option<u32>,
    pub code: Option<Coding>,
}

#[derive(Clone, Debug)]
pub struct Unit {
    pub id: String,
    pub label: Text,
    pub min: f64,
    pub max: f64,
    pub factor: f64,
    pub split: Option<Split>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Split {
    pub major: Text,
    pub minor: Text,
    pub minor_per_major: u32,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum DateBound {
    On(NaiveDate),
    Today,
    YearsAgo(u32),
}

impl DateBound {
    /// The bound as a date, for a session that started on `today`.
    pub fn resolve(self, today: NaiveDate) -> NaiveDate {
        match self {
            DateBound::On(d) => d,
            DateBound::Today => today,
            DateBound::YearsAgo(n) => today
                .checked_sub_months(chrono::Months::new(n.saturating_mul(12)))
                .unwrap_or(NaiveDate::MIN),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum Condition {
    Answered(ItemIdx),
    Equals(ItemIdx, Value),
    AnyOf(ItemIdx, Vec<String>),
    Compare(Expr, Cmp, Expr),
    InBand(ScoreIdx, BandIdx),
    All(Vec<Condition>),
    Any(Vec<Condition>),
    Not(Box<Condition>),
}

impl Condition {
    /// Every item the condition reads, in order of appearance, without repeats.
    pub fn items(&self, q: &Questionnaire) -> Vec<ItemIdx> {
        let mut out = Vec::new();
        self.collect_items(q, &mut out);
        out
    }

    /// Every score the condition reads (by band or total), in order, without repeats.
    pub fn scores(&self) -> Vec<ScoreIdx> {
        let mut out = Vec::new();
        self.collect_scores(&mut out);
        out
    }

    fn collect_scores(&self, out: &mut Vec<ScoreIdx>) {
        let mut push = |s: ScoreIdx| {
            if !out.contains(&s) {
                out.push(s);
            }
        };
        match self {
            Condition::InBand(s, _) => push(*s),
            Condition::Compare(a, _, b) => {
                for e in [a, b] {
                    if let Expr::Score(s) = e {
                        push(*s);
                    }
                }
            }
            Condition::All(cs) | Condition::Any(cs) => {
                cs.iter().for_each(|c| c.collect_scores(out));
            }
            Condition::Not(c) => c.collect_scores(out),
            Condition::Answered(_) | Condition::Equals(..) | Condition::AnyOf(..) => {}
        }
    }

    fn collect_items(&self, q: &Questionnaire, out: &mut Vec<ItemIdx>) {
        let mut push = |i: ItemIdx| {
            if !out.contains(&i) {
                out.push(i);
            }
        };
        match self {
            Condition::Answered(i) | Condition::Equals(i, _) | Condition::AnyOf(i, _) => push(*i),
            Condition::Compare(a, _, b) => {
                for e in [a, b] {
                    match e {
                        Expr::Value(i) | Expr::Age(i) | Expr::Count(i) => push(*i),
                        Expr::Score(s) => q.scores[s.0].items.iter().for_each(|i| push(*i)),
                        Expr::Number(_) | Expr::Date(_) | Expr::Today | Expr::YearsAgo(_) => {}
                    }
                }
            }
            Condition::InBand(s, _) => q.scores[s.0].items.iter().for_each(|i| push(*i)),
            Condition::All(cs) | Condition::Any(cs) => {
                cs.iter().for_each(|c| c.collect_items(q, out));
            }
            Condition::Not(c) => c.collect_items(q, out),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Yes,
    No,
    NotSure,
    Declined,
    Choice(String),
    Number(f64),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cmp {
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    Value(ItemIdx),
    Number(f64),
    Date(NaiveDate),
    Today,
    /// The session's date, `n` years earlier.
    YearsAgo(u32),
    Age(ItemIdx),
    Count(ItemIdx),
    Score(ScoreIdx),
}

#[derive(Clone, Debug)]
pub struct Score {
    pub id: String,
    pub title: String,
    pub items: Vec<ItemIdx>,
    pub bands: Vec<Band>,
    pub code: Option<Coding>,
    /// An item hidden by its own `show_if` (its section shown) counts 0, as the instrument
    /// directs; an item left unanswered or declined still makes the score incomplete.
    pub not_asked_counts_zero: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Band {
    pub id: String,
    pub min: u32,
    pub max: u32,
    pub label: String,
}

/// How much attention a flag or safety rule asks for.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
pub enum Level {
    Review,
    #[default]
    Urgent,
}

impl Level {
    pub fn is_urgent(&self) -> bool {
        *self == Level::Urgent
    }
}

#[derive(Clone, Debug)]
pub struct Flag {
    pub id: String,
    pub level: Level,
    pub when: Condition,
    pub text: String,
    pub source: String,
    /// Answers shown beside the flag's reasons though its condition does not read them.
    pub context: Vec<ItemIdx>,
}

/// Phrases in free text that a clinic wants a person to read (see [`super::screen`]).
#[derive(Clone, Debug)]
pub struct TextScreen {
    pub id: String,
    pub level: Level,
    /// The top-level text items searched.
    pub items: Vec<ItemIdx>,
    /// Every language's phrases together (all are searched in every answer).
    pub phrases: Vec<String>,
    pub text: String,
    pub source: String,
}

#[derive(Clone, Debug)]
pub struct SafetyRule {
    pub id: String,
    pub when: Condition,
    pub message: Text,
    pub alert: String,
    /// `Urgent`: staff must act now. `Review`: the message was shown (calmly); staff review it.
    pub level: Level,
    /// The rule is checked only once the patient has moved on past this item.
    pub after: Option<ItemIdx>,
}

/// Built-in answer labels for the languages prescreen ships with.
pub(crate) fn builtin_answer_labels() -> BTreeMap<&'static str, [&'static str; 4]> {
    BTreeMap::from([
        ("en", ["Yes", "No", "Not sure", "Prefer not to say"]),
        (
            "es",
            ["Sí", "No", "No estoy seguro(a)", "Prefiero no decirlo"],
        ),
    ])
}
