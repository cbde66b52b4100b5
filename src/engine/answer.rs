//! Answers: what a patient gave for one item, how it is checked, and how it is shown.

use std::collections::BTreeMap;
use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::model::{Item, Kind, Questionnaire, Split, Text};

/// One answer. The RON form is what answers files and summaries contain:
/// `Yes`, `Choice("daily")`, `Quantity(70.5, "kg")`, `Date("1980-04-23")`, `Group([{…}])`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Answer {
    Yes,
    No,
    NotSure,
    /// "Prefer not to say": recorded as declined, never counted as an answer.
    Declined,
    Choice(String),
    Choices(Vec<String>),
    Integer(i64),
    Decimal(f64),
    /// A value and the unit the patient picked; for split units (ft + in) the minor unit.
    Quantity(f64, String),
    Date(NaiveDate),
    Text(String),
    /// Entries of a repeating group, each a map from item id to answer.
    Group(Vec<Entry>),
}

/// One entry of a repeating group.
pub type Entry = BTreeMap<String, Answer>;

/// Why an answer was not accepted. `Display` gives the plain-English message; the kiosk
/// translates from the variant.
#[derive(Clone, Debug, PartialEq)]
pub enum Invalid {
    /// The answer is of a kind the item does not take (a date for a yes/no).
    WrongKind {
        expected: &'static str,
    },
    NotAnOption {
        value: String,
    },
    /// "None of these" chosen together with another option.
    NoneWithOthers,
    NoneSelected,
    NotSureNotOffered,
    DeclineNotOffered,
    /// Outside the item's range; both bounds are given when the item has both, as numbers in
    /// `unit`, so the message can be worded in any language (see [`Bound`]).
    OutOfRange {
        min: Option<f64>,
        max: Option<f64>,
        unit: Option<RangeUnit>,
    },
    TooManyDecimals {
        decimals: u8,
    },
    NotANumber,
    UnknownUnit {
        unit: String,
    },
    DateBefore {
        min: NaiveDate,
    },
    DateAfter {
        max: NaiveDate,
    },
    TooLong {
        max_len: u32,
    },
    /// Typed text with a control character (or, in a one-line box, a line break):
    /// `line_breaks` says whether the box takes line breaks.
    ControlCharacter {
        line_breaks: bool,
    },
    Empty,
    TooFewEntries {
        min: u32,
    },
    TooManyEntries {
        max: u32,
    },
    /// An entry of a group holds an answer for an item that is not in the group.
    NotInGroup {
        item: String,
    },
    /// An answer inside a group entry failed; `entry` counts from 1.
    InEntry {
        entry: usize,
        item: String,
        error: Box<Invalid>,
    },
    Required,
    /// The item is not shown (its condition is false), so it cannot be answered.
    NotShown,
    /// Day, month and year that make no date (31 February).
    NotADate,
}

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Invalid::WrongKind { expected } => write!(f, "this question needs {expected} answer"),
            Invalid::NotAnOption { value } => write!(f, "`{value}` is not one of the options"),
            Invalid::NoneWithOthers => {
                f.write_str("\"none of these\" cannot be chosen with other options")
            }
            Invalid::NoneSelected => f.write_str("please choose at least one option"),
            Invalid::NotSureNotOffered => f.write_str("\"not sure\" is not an option here"),
            Invalid::DeclineNotOffered => f.write_str("this question must be answered"),
            Invalid::OutOfRange { min, max, unit } => {
                match range_words(*min, *max, unit.as_ref(), None) {
                    (Some(lo), Some(hi)) => {
                        write!(f, "please enter a number between {lo} and {hi}")
                    }
                    (Some(lo), None) => write!(f, "please enter {lo} or more"),
                    (None, Some(hi)) => write!(f, "please enter {hi} or less"),
                    (None, None) => f.write_str("please enter a number"),
                }
            }
            Invalid::TooManyDecimals { decimals: 0 } => f.write_str("please enter a whole number"),
            Invalid::TooManyDecimals { decimals: 1 } => {
                f.write_str("please use at most 1 digit after the decimal point")
            }
            Invalid::TooManyDecimals { decimals } => {
                write!(
                    f,
                    "please use at most {decimals} digits after the decimal point"
                )
            }
            Invalid::NotANumber => f.write_str("please enter a number"),
            Invalid::UnknownUnit { unit } => write!(f, "`{unit}` is not one of the units offered"),
            Invalid::DateBefore { min } => write!(f, "please enter a date on or after {min}"),
            Invalid::DateAfter { max } => write!(f, "please enter a date on or before {max}"),
            Invalid::TooLong { max_len } => write!(
                f,
                "please use at most {max_len} character{}",
                plural(u64::from(*max_len))
            ),
            Invalid::ControlCharacter { line_breaks: false } => {
                f.write_str("please type letters, numbers and punctuation only, on one line")
            }
            Invalid::ControlCharacter { line_breaks: true } => {
                f.write_str("please type letters, numbers and punctuation only")
            }
            Invalid::Empty => f.write_str("please type an answer"),
            Invalid::TooFewEntries { min: 1 } => f.write_str("please add at least 1 entry"),
            Invalid::TooFewEntries { min } => write!(f, "please add at least {min} entries"),
            Invalid::TooManyEntries { max: 1 } => f.write_str("at most 1 entry can be added"),
            Invalid::TooManyEntries { max } => write!(f, "at most {max} entries can be added"),
            Invalid::NotInGroup { item } => write!(f, "`{item}` is not a question of this group"),
            Invalid::InEntry { entry, item, error } => {
                write!(f, "entry {entry}, `{item}`: {error}")
            }
            Invalid::Required => f.write_str("this question needs an answer"),
            Invalid::NotADate => f.write_str("please enter a real date: day, month and year"),
            Invalid::NotShown => {
                f.write_str("this question is not shown for the answers given so far")
            }
        }
    }
}

fn plural(n: u64) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// The unit a range is given in: an item's unit label, or a split unit (ft + in), whose
/// bounds are in its smaller unit.
#[derive(Clone, Debug, PartialEq)]
pub enum RangeUnit {
    Label(Text),
    Split(Split),
}

/// One bound of a range with its unit, worded in a language: `30 kg`, `3 ft 4 in`. With no
/// language, in the questionnaire's default one.
pub struct Bound<'a> {
    n: f64,
    unit: Option<&'a RangeUnit>,
    lang: Option<&'a str>,
}

impl<'a> Bound<'a> {
    pub fn new(n: f64, unit: Option<&'a RangeUnit>, lang: Option<&'a str>) -> Bound<'a> {
        Bound { n, unit, lang }
    }
}

impl fmt::Display for Bound<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let word = |t: &'_ Text| -> String {
            match self.lang {
                Some(l) => t.get(l).to_owned(),
                None => t.default_text().to_owned(),
            }
        };
        match self.unit {
            None => f.write_str(&trim_number(self.n)),
            Some(RangeUnit::Label(label)) => write!(f, "{} {}", trim_number(self.n), word(label)),
            Some(RangeUnit::Split(split)) => {
                let per = f64::from(split.minor_per_major);
                write!(
                    f,
                    "{} {} {} {}",
                    trim_number((self.n / per).floor()),
                    word(&split.major),
                    trim_number(self.n % per),
                    word(&split.minor)
                )
            }
        }
    }
}

/// A range's bounds worded in `lang` (default language when `None`): `("30", "300 kg")`, a
/// label unit said once, after the upper bound; `("3 ft 4 in", "8 ft 0 in")` for a split unit.
pub fn range_words(
    min: Option<f64>,
    max: Option<f64>,
    unit: Option<&RangeUnit>,
    lang: Option<&str>,
) -> (Option<String>, Option<String>) {
    let with_unit = |n: f64| Bound::new(n, unit, lang).to_string();
    let lo = match (unit, max) {
        (Some(RangeUnit::Label(_)), Some(_)) => min.map(trim_number),
        _ => min.map(with_unit),
    };
    (lo, max.map(with_unit))
}

/// Checks an answer against its item's kind and limits. `today` resolves date bounds.
pub fn check(
    q: &Questionnaire,
    item: &Item,
    answer: &Answer,
    today: NaiveDate,
) -> Result<(), Invalid> {
    if *answer == Answer::Declined {
        return if item.can_decline {
            Ok(())
        } else {
            Err(Invalid::DeclineNotOffered)
        };
    }
    match (&item.kind, answer) {
        (Kind::YesNo { .. }, Answer::Yes | Answer::No) => Ok(()),
        (Kind::YesNo { not_sure }, Answer::NotSure) => {
            if *not_sure {
                Ok(())
            } else {
                Err(Invalid::NotSureNotOffered)
            }
        }
        (Kind::Single { options }, Answer::Choice(c)) => {
            if options.iter().any(|o| &o.value == c) {
                Ok(())
            } else {
                Err(Invalid::NotAnOption { value: c.clone() })
            }
        }
        (
            Kind::Multiple {
                options,
                none_of_these,
            },
            Answer::Choices(cs),
        ) => {
            if cs.is_empty() {
                return Err(Invalid::NoneSelected);
            }
            for c in cs {
                if !options.iter().any(|o| &o.value == c) {
                    return Err(Invalid::NotAnOption { value: c.clone() });
                }
            }
            if let Some(n) = none_of_these
                && cs.len() > 1
                && cs.iter().any(|c| *c == options[*n].value)
            {
                return Err(Invalid::NoneWithOthers);
            }
            Ok(())
        }
        (Kind::Integer { min, max, unit }, Answer::Integer(n)) => {
            if min.is_some_and(|m| *n < m) || max.is_some_and(|m| *n > m) {
                return Err(Invalid::OutOfRange {
                    min: min.map(|m| m as f64),
                    max: max.map(|m| m as f64),
                    unit: unit.clone().map(RangeUnit::Label),
                });
            }
            Ok(())
        }
        (
            Kind::Decimal {
                min,
                max,
                decimals,
                unit,
            },
            Answer::Decimal(n),
        ) => check_number(
            *n,
            *min,
            *max,
            *decimals,
            unit.clone().map(RangeUnit::Label),
        ),
        (Kind::Measure { units, decimals }, Answer::Quantity(n, u)) => {
            let Some(unit) = units.iter().find(|x| &x.id == u) else {
                return Err(Invalid::UnknownUnit { unit: u.clone() });
            };
            match &unit.split {
                // Split units (ft + in) hold whole minor units; the range is in minor units too.
                Some(split) => {
                    if !n.is_finite() {
                        return Err(Invalid::NotANumber);
                    }
                    if *n < unit.min || *n > unit.max {
                        return Err(Invalid::OutOfRange {
                            min: Some(unit.min),
                            max: Some(unit.max),
                            unit: Some(RangeUnit::Split(split.clone())),
                        });
                    }
                    if n.fract() != 0.0 {
                        return Err(Invalid::TooManyDecimals { decimals: 0 });
                    }
                    Ok(())
                }
                None => check_number(
                    *n,
                    Some(unit.min),
                    Some(unit.max),
                    *decimals,
                    Some(RangeUnit::Label(unit.label.clone())),
                ),
            }
        }
        (Kind::Date { min, max }, Answer::Date(d)) => {
            if let Some(m) = min.map(|b| b.resolve(today))
                && *d < m
            {
                return Err(Invalid::DateBefore { min: m });
            }
            if let Some(m) = max.map(|b| b.resolve(today))
                && *d > m
            {
                return Err(Invalid::DateAfter { max: m });
            }
            Ok(())
        }
        (Kind::Text { max_len } | Kind::LongText { max_len }, Answer::Text(t)) => {
            // One-line boxes take no control character at all; multi-line ones only `\n`.
            let line_breaks = matches!(item.kind, Kind::LongText { .. });
            if t.chars()
                .any(|c| c.is_control() && !(line_breaks && c == '\n'))
            {
                Err(Invalid::ControlCharacter { line_breaks })
            } else if t.trim().is_empty() {
                Err(Invalid::Empty)
            } else if t.chars().count() > *max_len as usize {
                Err(Invalid::TooLong { max_len: *max_len })
            } else {
                Ok(())
            }
        }
        (Kind::Group { min, max, items }, Answer::Group(entries)) => {
            if entries.len() > *max as usize {
                return Err(Invalid::TooManyEntries { max: *max });
            }
            if entries.len() < *min as usize {
                return Err(Invalid::TooFewEntries { min: *min });
            }
            for (n, entry) in entries.iter().enumerate() {
                for (id, a) in entry {
                    let Some(child) = items.iter().map(|i| q.item(*i)).find(|c| &c.id == id) else {
                        return Err(Invalid::NotInGroup { item: id.clone() });
                    };
                    check(q, child, a, today).map_err(|e| Invalid::InEntry {
                        entry: n + 1,
                        item: id.clone(),
                        error: Box::new(e),
                    })?;
                }
            }
            Ok(())
        }
        (kind, _) => Err(Invalid::WrongKind {
            expected: article(kind),
        }),
    }
}

fn check_number(
    n: f64,
    min: Option<f64>,
    max: Option<f64>,
    decimals: u8,
    unit: Option<RangeUnit>,
) -> Result<(), Invalid> {
    if !n.is_finite() {
        return Err(Invalid::NotANumber);
    }
    if min.is_some_and(|m| n < m) || max.is_some_and(|m| n > m) {
        return Err(Invalid::OutOfRange { min, max, unit });
    }
    let scale = 10f64.powi(i32::from(decimals));
    if ((n * scale).round() - n * scale).abs() > 1e-6 {
        return Err(Invalid::TooManyDecimals { decimals });
    }
    Ok(())
}

fn article(kind: &Kind) -> &'static str {
    match kind {
        Kind::YesNo { .. } => "a yes/no",
        Kind::Single { .. } => "a single choice",
        Kind::Multiple { .. } => "a multiple choice",
        Kind::Integer { .. } => "a whole-number",
        Kind::Decimal { .. } => "a number",
        Kind::Measure { .. } => "a measurement (number and unit)",
        Kind::Date { .. } => "a date",
        Kind::Text { .. } | Kind::LongText { .. } => "a text",
        Kind::Display => "no",
        Kind::Group { .. } => "a list of entries as its",
    }
}

/// A number without a trailing `.0`.
pub fn trim_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// The answer as the patient saw it, in `lang`: option text, "Yes", "70 kg", "5 ft 7 in".
pub fn display(q: &Questionnaire, item: &Item, answer: &Answer, lang: &str) -> String {
    let labels = &q.answer_labels;
    match answer {
        Answer::Yes => labels.yes.get(lang).to_owned(),
        Answer::No => labels.no.get(lang).to_owned(),
        Answer::NotSure => labels.not_sure.get(lang).to_owned(),
        Answer::Declined => labels.prefer_not_to_say.get(lang).to_owned(),
        Answer::Choice(c) => option_text(item, c, lang),
        Answer::Choices(cs) => cs
            .iter()
            .map(|c| option_text(item, c, lang))
            .collect::<Vec<_>>()
            .join("; "),
        Answer::Integer(n) => with_unit(n.to_string(), &item.kind, lang),
        Answer::Decimal(n) => with_unit(trim_number(*n), &item.kind, lang),
        Answer::Quantity(n, u) => quantity(item, *n, u, lang),
        Answer::Date(d) => d.format("%Y-%m-%d").to_string(),
        Answer::Text(t) => t.clone(),
        Answer::Group(entries) => format!(
            "{} {}",
            entries.len(),
            if entries.len() == 1 {
                "entry"
            } else {
                "entries"
            }
        ),
    }
}

fn option_text(item: &Item, value: &str, lang: &str) -> String {
    item.kind
        .options()
        .iter()
        .find(|o| o.value == value)
        .map_or_else(|| value.to_owned(), |o| o.text.get(lang).to_owned())
}

fn with_unit(n: String, kind: &Kind, lang: &str) -> String {
    match kind {
        Kind::Integer { unit: Some(u), .. } | Kind::Decimal { unit: Some(u), .. } => {
            format!("{n} {}", u.get(lang))
        }
        _ => n,
    }
}

fn quantity(item: &Item, n: f64, unit: &str, lang: &str) -> String {
    let Kind::Measure { units, .. } = &item.kind else {
        return trim_number(n);
    };
    let Some(u) = units.iter().find(|u| u.id == unit) else {
        return format!("{} {unit}", trim_number(n));
    };
    match &u.split {
        Some(s) => {
            let per = f64::from(s.minor_per_major);
            format!(
                "{} {} {} {}",
                trim_number((n / per).floor()),
                s.major.get(lang),
                trim_number(n % per),
                s.minor.get(lang)
            )
        }
        None => format!("{} {}", trim_number(n), u.label.get(lang)),
    }
}

/// A measure in its base unit (the first unit), for conditions and the summary's conversion.
pub fn in_base_unit(item: &Item, n: f64, unit: &str) -> Option<f64> {
    let Kind::Measure { units, .. } = &item.kind else {
        return None;
    };
    let base = units.first()?;
    let u = units.iter().find(|u| u.id == unit)?;
    Some(n * u.factor / base.factor)
}

/// "(≈ 69.9 kg)" for an answer given in another unit than the base; `None` when it already is.
pub fn converted(item: &Item, answer: &Answer, lang: &str) -> Option<String> {
    let (Answer::Quantity(n, unit), Kind::Measure { units, decimals }) = (answer, &item.kind)
    else {
        return None;
    };
    let base = units.first()?;
    if &base.id == unit {
        return None;
    }
    let v = in_base_unit(item, *n, unit)?;
    let shown = format!("{v:.*}", usize::from((*decimals).max(1)));
    Some(format!("{shown} {}", base.label.get(lang)))
}
