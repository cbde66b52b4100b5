//! The questionnaire file format as written: serde structs that mirror the RON text.
//!
//! These types are only ever produced by the loader and consumed by [`super::validate`], which
//! resolves them into the [`super::model`]. Nothing downstream sees them ("parse, don't validate").
//!
//! Ids and references are `Cow<'a, str>` borrowed from the source text. RON hands out borrowed
//! slices for strings without escapes, so the validator can turn a reference back into its exact
//! line and column by pointer offset — which is how semantic errors point at the offending
//! reference rather than at line 1. See `docs/questionnaire-format.md` for the author's view.

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::Deserialize;

/// A string borrowed from the source when possible (so its position can be recovered).
///
/// A newtype rather than a bare `Cow`: serde only borrows a `Cow` it can see by name, not one
/// inside a `Vec`, a map key or behind an alias. This visitor borrows wherever RON lends.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Str<'a>(pub Cow<'a, str>);

impl std::ops::Deref for Str<'_> {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl std::borrow::Borrow<str> for Str<'_> {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Str<'_> {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Str<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Str<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Str<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Str(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Str(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
                Ok(Str(Cow::Owned(v)))
            }
        }
        d.deserialize_str(V)
    }
}

/// A patient-facing text: one string per language code, e.g. `{"en": "Yes", "es": "Sí"}`.
/// A language given twice is an error (a copied line meant for another language), not
/// "the last one wins".
#[derive(Debug, Default)]
pub struct RawText<'a>(pub BTreeMap<Str<'a>, Str<'a>>);

impl<'a> std::ops::Deref for RawText<'a> {
    type Target = BTreeMap<Str<'a>, Str<'a>>;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for RawText<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> serde::de::Visitor<'de> for V<'a> {
            type Value = RawText<'a>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a map from language code to text, e.g. {\"en\": \"Yes\"}")
            }
            fn visit_map<M: serde::de::MapAccess<'de>>(
                self,
                mut m: M,
            ) -> Result<Self::Value, M::Error> {
                let mut map = BTreeMap::new();
                while let Some((k, v)) = m.next_entry::<Str<'a>, Str<'a>>()? {
                    if map.contains_key(&k) {
                        return Err(serde::de::Error::custom(format!(
                            "language `{k}` is given twice in this text"
                        )));
                    }
                    map.insert(k, v);
                }
                Ok(RawText(map))
            }
        }
        d.deserialize_map(V(std::marker::PhantomData))
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename = "Questionnaire")]
pub struct RawQuestionnaire<'a> {
    #[serde(borrow)]
    pub id: Str<'a>,
    #[serde(borrow)]
    pub version: Str<'a>,
    #[serde(borrow)]
    pub languages: Vec<Str<'a>>,
    #[serde(borrow)]
    pub title: RawText<'a>,
    /// Copyright and attribution lines for embedded instruments (shown on the summary).
    #[serde(default)]
    pub attribution: Vec<String>,
    /// Items that identify the patient on the summary (name, date of birth), in order.
    #[serde(borrow, default)]
    pub identity: Vec<Str<'a>>,
    /// Patient-facing labels for yes / no / not sure / prefer not to say. Built in for `en`
    /// and `es`; needed for any other language.
    #[serde(borrow, default)]
    pub answer_labels: Option<RawAnswerLabels<'a>>,
    /// Named lists of options shared by several items (PHQ-9's frequency scale).
    #[serde(borrow, default)]
    pub option_sets: Vec<RawOptionSet<'a>>,
    #[serde(borrow)]
    pub sections: Vec<RawSection<'a>>,
    #[serde(borrow, default)]
    pub scores: Vec<RawScore<'a>>,
    #[serde(borrow, default)]
    pub flags: Vec<RawFlag<'a>>,
    #[serde(borrow, default)]
    pub safety: Vec<RawSafety<'a>>,
    /// Free-text screens: phrases that raise a flag when a patient types them.
    #[serde(borrow, default)]
    pub text_screens: Vec<RawTextScreen<'a>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename = "TextScreen")]
pub struct RawTextScreen<'a> {
    #[serde(borrow)]
    pub id: Str<'a>,
    pub level: RawLevel,
    /// The free-text items searched; empty: every top-level text item.
    #[serde(borrow, default)]
    pub items: Vec<Str<'a>>,
    /// Phrases per language; every language's phrases are searched in every answer.
    pub phrases: std::collections::BTreeMap<String, Vec<String>>,
    /// Clinician-only, neutral; the summary adds the question it matched in.
    pub text: String,
    pub source: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename = "AnswerLabels")]
pub struct RawAnswerLabels<'a> {
    #[serde(borrow)]
    pub yes: RawText<'a>,
    #[serde(borrow)]
    pub no: RawText<'a>,
    #[serde(borrow)]
    pub not_sure: RawText<'a>,
    #[serde(borrow)]
    pub prefer_not_to_say: RawText<'a>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename = "OptionSet")]
pub struct RawOptionSet<'a> {
    #[serde(borrow)]
    pub id: Str<'a>,
    #[serde(borrow)]
    pub options: Vec<RawChoice<'a>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename = "Section")]
pub struct RawSection<'a> {
    #[serde(borrow)]
    pub id: Str<'a>,
    #[serde(borrow)]
    pub title: RawText<'a>,
    #[serde(borrow, default)]
    pub show_if: Option<RawCondition<'a>>,
    /// A code for the section as a whole (LOINC panel code for PHQ-9).
    #[serde(borrow, default)]
    pub code: Option<RawCode<'a>>,
    #[serde(borrow)]
    pub items: Vec<RawItem<'a>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename = "Item")]
pub struct RawItem<'a> {
    #[serde(borrow)]
    pub id: Str<'a>,
    #[serde(borrow)]
    pub text: RawText<'a>,
    /// A smaller line under the question ("Include prescription and over-the-counter medicines").
    #[serde(borrow, default)]
    pub help: Option<RawText<'a>>,
    #[serde(borrow)]
    pub kind: RawKind<'a>,
    #[serde(default)]
    pub required: bool,
    #[serde(borrow, default)]
    pub required_if: Option<RawCondition<'a>>,
    #[serde(borrow, default)]
    pub show_if: Option<RawCondition<'a>>,
    /// Offer "prefer not to say" (recorded as declined, never as an answer).
    #[serde(default)]
    pub can_decline: bool,
    #[serde(borrow, default)]
    pub code: Option<RawCode<'a>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename = "Kind")]
pub enum RawKind<'a> {
    /// Yes / no, optionally with "not sure".
    YesNo {
        #[serde(default)]
        not_sure: bool,
    },
    /// One option.
    Single {
        #[serde(borrow, default)]
        options: Vec<RawChoice<'a>>,
        #[serde(borrow, default)]
        option_set: Option<Str<'a>>,
    },
    /// Any number of options; `none_of_these` names an option that excludes all others.
    Multiple {
        #[serde(borrow, default)]
        options: Vec<RawChoice<'a>>,
        #[serde(borrow, default)]
        option_set: Option<Str<'a>>,
        #[serde(borrow, default)]
        none_of_these: Option<Str<'a>>,
    },
    Integer {
        #[serde(default)]
        min: Option<i64>,
        #[serde(default)]
        max: Option<i64>,
        #[serde(borrow, default)]
        unit: Option<RawText<'a>>,
    },
    Decimal {
        #[serde(default)]
        min: Option<f64>,
        #[serde(default)]
        max: Option<f64>,
        #[serde(default = "one")]
        decimals: u8,
        #[serde(borrow, default)]
        unit: Option<RawText<'a>>,
    },
    /// A measurement the patient may give in one of several units (kg or lb; cm or ft + in).
    /// The first unit is the base: the summary converts every answer into it.
    Measure {
        #[serde(borrow)]
        units: Vec<RawUnit<'a>>,
        #[serde(default)]
        decimals: u8,
    },
    Date {
        #[serde(borrow, default)]
        min: Option<RawDateBound<'a>>,
        #[serde(borrow, default)]
        max: Option<RawDateBound<'a>>,
    },
    Text {
        max_len: u32,
    },
    LongText {
        max_len: u32,
    },
    /// Display-only text: the item's `text` is shown, nothing is asked.
    Display,
    /// A repeating group: one entry per thing (antidepressant tried), each with the same items.
    Group {
        #[serde(default)]
        min: u32,
        max: u32,
        #[serde(borrow)]
        items: Vec<RawItem<'a>>,
    },
}

fn one() -> u8 {
    1
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename = "Choice")]
pub struct RawChoice<'a> {
    #[serde(borrow)]
    pub value: Str<'a>,
    #[serde(borrow)]
    pub text: RawText<'a>,
    #[serde(default)]
    pub score: Option<u32>,
    #[serde(borrow, default)]
    pub code: Option<RawCode<'a>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename = "Code")]
pub struct RawCode<'a> {
    #[serde(borrow)]
    pub system: Str<'a>,
    #[serde(borrow)]
    pub code: Str<'a>,
    #[serde(default)]
    pub display: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename = "Unit")]
pub struct RawUnit<'a> {
    #[serde(borrow)]
    pub id: Str<'a>,
    /// What the patient taps and what follows the number ("kg", "lb").
    #[serde(borrow)]
    pub label: RawText<'a>,
    pub min: f64,
    pub max: f64,
    /// How many base units one of this unit is (lb → kg: 0.45359237).
    #[serde(default = "one_f")]
    pub factor: f64,
    /// Entered and shown as two numbers (feet and inches); the value is in the minor unit.
    #[serde(borrow, default)]
    pub split: Option<RawSplit<'a>>,
}

fn one_f() -> f64 {
    1.0
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename = "Split")]
pub struct RawSplit<'a> {
    #[serde(borrow)]
    pub major: RawText<'a>,
    #[serde(borrow)]
    pub minor: RawText<'a>,
    pub minor_per_major: u32,
}

#[derive(Debug, Deserialize)]
#[serde(rename = "DateBound")]
pub enum RawDateBound<'a> {
    /// A fixed date, `YYYY-MM-DD`.
    #[serde(borrow)]
    On(Str<'a>),
    /// The day the session started.
    Today,
    /// That many whole years before the session started.
    YearsAgo(u32),
}

/// A condition, as typed data: no expression language to parse.
#[derive(Debug, Deserialize)]
#[serde(rename = "Condition")]
pub enum RawCondition<'a> {
    /// The item has an answer (a "prefer not to say" does not count).
    #[serde(borrow)]
    Answered(Str<'a>),
    /// The item's answer equals the value (for multiple choice: includes it).
    Equals(#[serde(borrow)] Str<'a>, RawValue<'a>),
    /// The item's answer is one of the values (for multiple choice: includes any of them).
    AnyOf(#[serde(borrow)] Str<'a>, Vec<Str<'a>>),
    Lt(#[serde(borrow)] RawExpr<'a>, RawExpr<'a>),
    Le(#[serde(borrow)] RawExpr<'a>, RawExpr<'a>),
    Gt(#[serde(borrow)] RawExpr<'a>, RawExpr<'a>),
    Ge(#[serde(borrow)] RawExpr<'a>, RawExpr<'a>),
    /// The score is complete and its total falls in the named band.
    InBand(#[serde(borrow)] Str<'a>, Str<'a>),
    All(#[serde(borrow)] Vec<RawCondition<'a>>),
    Any(#[serde(borrow)] Vec<RawCondition<'a>>),
    Not(#[serde(borrow)] Box<RawCondition<'a>>),
}

/// A value an answer can equal.
#[derive(Debug, Deserialize)]
#[serde(rename = "Value")]
pub enum RawValue<'a> {
    Yes,
    No,
    NotSure,
    /// "prefer not to say".
    Declined,
    #[serde(borrow)]
    Choice(Str<'a>),
    Number(f64),
}

/// One side of a numeric or date comparison.
#[derive(Debug, Deserialize)]
#[serde(rename = "Expr")]
pub enum RawExpr<'a> {
    /// The answer to a number, measure or date item (measures in their base unit).
    #[serde(borrow)]
    Value(Str<'a>),
    Number(f64),
    /// A fixed date, `YYYY-MM-DD`.
    Date(Str<'a>),
    /// The day the session started.
    Today,
    /// The day the session started, `n` years earlier: `Lt(Value("bp_date"), YearsAgo(1))`.
    YearsAgo(u32),
    /// Whole years from a date item to the day the session started.
    Age(Str<'a>),
    /// How many entries a repeating group has.
    Count(Str<'a>),
    /// A score's total, only when the score is complete.
    Score(Str<'a>),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename = "Score")]
pub struct RawScore<'a> {
    #[serde(borrow)]
    pub id: Str<'a>,
    /// Clinician-facing name ("PHQ-9").
    pub title: String,
    #[serde(borrow)]
    pub items: Vec<Str<'a>>,
    #[serde(borrow, default)]
    pub bands: Vec<RawBand<'a>>,
    #[serde(borrow, default)]
    pub code: Option<RawCode<'a>>,
    /// The instrument's own skip rule: an item its `show_if` hides counts 0 (AUDIT: items 2
    /// and 3 are not asked after "Never" and score 0).
    #[serde(default)]
    pub not_asked_counts_zero: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename = "Band")]
pub struct RawBand<'a> {
    #[serde(borrow)]
    pub id: Str<'a>,
    pub min: u32,
    pub max: u32,
    /// Clinician-facing ("moderately severe").
    pub label: String,
}

#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename = "Level")]
pub enum RawLevel {
    Review,
    Urgent,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename = "Flag")]
pub struct RawFlag<'a> {
    #[serde(borrow)]
    pub id: Str<'a>,
    pub level: RawLevel,
    #[serde(borrow)]
    pub when: RawCondition<'a>,
    /// Clinician-only, neutral: "Reported … — clinician review suggested".
    pub text: String,
    /// Short citation: "Spravato PI §4".
    pub source: String,
    /// More answers to show beside the flag's reasons (a reading's date, say).
    #[serde(borrow, default)]
    pub context: Vec<Str<'a>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename = "Safety")]
pub struct RawSafety<'a> {
    #[serde(borrow)]
    pub id: Str<'a>,
    #[serde(borrow)]
    pub when: RawCondition<'a>,
    /// Shown to the patient at once (crisis resources), per language.
    #[serde(borrow)]
    pub message: RawText<'a>,
    /// The urgent alert staff see.
    #[serde(borrow)]
    pub alert: Str<'a>,
    /// `Urgent` (default): an urgent alert for staff. `Review`: the message is shown calmly and
    /// the record is a notice for review, not an urgent alert.
    #[serde(default)]
    pub level: Option<RawLevel>,
    /// Checked only once the patient has moved on past this item (a skipped question).
    #[serde(default, borrow)]
    pub after: Option<Str<'a>>,
}
