//! Drafts: what the patient has typed into a box and not yet had accepted as an answer.
//!
//! Every box of every answer widget has a [`DraftKey`]: the page's item, the group entry and
//! child when the box is inside a repeating group, and which part of the widget it is (the
//! number, the unit choice, feet or inches, day, month or year). Typed answers are accepted on
//! Next through [`parse_draft`], so a half-typed "3" on the way to "30" is never judged out of
//! range.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::locale::Locale;
use crate::engine::answer::trim_number;
use crate::engine::model::{Item, Kind, Unit};
use crate::engine::{Answer, Invalid, ItemIdx, Questionnaire};

/// Which box of a widget a draft belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Part {
    /// The one box of a number or text, or the number of an unsplit measure.
    Value,
    /// The unit chosen for a measure.
    Unit,
    /// The larger unit of a split measure (feet of ft + in).
    Major,
    /// The smaller unit of a split measure (inches of ft + in).
    Minor,
    Day,
    Month,
    Year,
}

/// A box inside a repeating group: the entry (counting from 0) and the child question.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct InEntry {
    pub entry: usize,
    pub child: ItemIdx,
}

/// One box of one answer widget.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DraftKey {
    /// The item of the page the box is on.
    pub item: ItemIdx,
    pub entry: Option<InEntry>,
    pub part: Part,
}

impl DraftKey {
    /// The main box of `item`'s page.
    pub fn of(item: ItemIdx) -> DraftKey {
        DraftKey {
            item,
            entry: None,
            part: Part::Value,
        }
    }

    /// Another box of the same widget.
    pub fn part(self, part: Part) -> DraftKey {
        DraftKey { part, ..self }
    }

    /// The main box of a child question in entry `entry` of this page's group.
    pub fn child(self, entry: usize, child: ItemIdx) -> DraftKey {
        DraftKey {
            item: self.item,
            entry: Some(InEntry { entry, child }),
            part: Part::Value,
        }
    }
}

/// Every draft of the session, by box.
pub type Drafts = BTreeMap<DraftKey, String>;

/// A draft read as an answer: `Ok(None)` when the boxes were emptied.
pub type DraftResult = Result<Option<Answer>, Invalid>;

/// The draft answer typed for `item`: `None` when nothing is typed for it, `Some(Ok(None))`
/// when the fields were emptied, `Some(Err)` when what is typed cannot be an answer. A measure
/// whose unit was never drawn is in the unit `locale` opens on, as its widget would be.
pub fn parse_draft(
    q: &Questionnaire,
    item: &Item,
    current: Option<&Answer>,
    drafts: &Drafts,
    key: DraftKey,
    locale: Locale,
) -> Option<DraftResult> {
    let text = |part: Part| drafts.get(&key.part(part)).map(|s| s.trim().to_owned());
    match &item.kind {
        Kind::Integer { .. } => {
            let s = text(Part::Value)?;
            Some(if s.is_empty() {
                Ok(None)
            } else {
                s.parse::<i64>()
                    .map(|n| Some(Answer::Integer(n)))
                    .map_err(|_| Invalid::TooManyDecimals { decimals: 0 })
            })
        }
        Kind::Decimal { .. } => {
            let s = text(Part::Value)?;
            Some(if s.is_empty() {
                Ok(None)
            } else {
                parse_number(&s).map(|n| Some(Answer::Decimal(n)))
            })
        }
        Kind::Measure { units, .. } => {
            let unit_id = text(Part::Unit).unwrap_or_default();
            let unit = units
                .iter()
                .find(|u| u.id == unit_id)
                .or_else(|| locale.preferred_unit(units))?;
            parse_measure(unit, current, &text)
        }
        Kind::Date { .. } => parse_date(&text),
        Kind::Text { .. } | Kind::LongText { .. } => {
            let s = drafts.get(&key)?;
            Some(Ok((!s.trim().is_empty()).then(|| Answer::Text(s.clone()))))
        }
        Kind::Group { items, .. } => parse_group(q, items, current, drafts, key, locale),
        _ => None,
    }
}

fn parse_measure(
    unit: &Unit,
    current: Option<&Answer>,
    text: &impl Fn(Part) -> Option<String>,
) -> Option<DraftResult> {
    let Some(split) = &unit.split else {
        let s = match text(Part::Value) {
            Some(s) => s,
            // Only the unit changed: keep the number, in the new unit.
            None => match current {
                Some(Answer::Quantity(n, u)) if *u != unit.id => trim_number(*n),
                _ => return None,
            },
        };
        return Some(if s.is_empty() {
            Ok(None)
        } else {
            parse_number(&s).map(|n| Some(Answer::Quantity(n, unit.id.clone())))
        });
    };
    let (major, minor) = (text(Part::Major), text(Part::Minor));
    if major.is_none() && minor.is_none() {
        return None;
    }
    let (major, minor) = (major.unwrap_or_default(), minor.unwrap_or_default());
    if major.is_empty() && minor.is_empty() {
        return Some(Ok(None));
    }
    let whole = |s: &str| {
        if s.is_empty() {
            Ok(0)
        } else {
            s.parse::<u32>()
                .map_err(|_| Invalid::TooManyDecimals { decimals: 0 })
        }
    };
    Some(whole(&major).and_then(|a| {
        whole(&minor).map(|b| {
            Some(Answer::Quantity(
                f64::from(a) * f64::from(split.minor_per_major) + f64::from(b),
                unit.id.clone(),
            ))
        })
    }))
}

/// The date typed in the boxes of `key`, when they make one.
pub fn typed_date(drafts: &Drafts, key: DraftKey) -> Option<NaiveDate> {
    let text = |part: Part| drafts.get(&key.part(part)).map(|s| s.trim().to_owned());
    match parse_date(&text) {
        Some(Ok(Some(Answer::Date(d)))) => Some(d),
        _ => None,
    }
}

fn parse_date(text: &impl Fn(Part) -> Option<String>) -> Option<DraftResult> {
    let parts = [Part::Day, Part::Month, Part::Year].map(text);
    if parts.iter().all(Option::is_none) {
        return None;
    }
    let [d, m, y] = parts.map(Option::unwrap_or_default);
    if d.is_empty() && m.is_empty() && y.is_empty() {
        return Some(Ok(None));
    }
    let date = match (d.parse::<u32>(), m.parse::<u32>(), y.parse::<i32>()) {
        (Ok(d), Ok(m), Ok(y)) if y >= 1000 => NaiveDate::from_ymd_opt(y, m, d),
        _ => None,
    };
    Some(date.map(|d| Some(Answer::Date(d))).ok_or(Invalid::NotADate))
}

fn parse_group(
    q: &Questionnaire,
    items: &[ItemIdx],
    current: Option<&Answer>,
    drafts: &Drafts,
    key: DraftKey,
    locale: Locale,
) -> Option<DraftResult> {
    let Some(Answer::Group(entries)) = current else {
        return None;
    };
    let mut entries = entries.clone();
    let mut any = false;
    for (n, entry) in entries.iter_mut().enumerate() {
        for &c in items {
            let child = q.item(c);
            let typed = parse_draft(
                q,
                child,
                entry.get(&child.id),
                drafts,
                key.child(n, c),
                locale,
            );
            match typed {
                None => {}
                Some(Ok(Some(a))) => {
                    entry.insert(child.id.clone(), a);
                    any = true;
                }
                Some(Ok(None)) => {
                    any |= entry.remove(&child.id).is_some();
                }
                Some(Err(e)) => {
                    return Some(Err(Invalid::InEntry {
                        entry: n + 1,
                        item: child.id.clone(),
                        error: Box::new(e),
                    }));
                }
            }
        }
    }
    any.then_some(Ok(Some(Answer::Group(entries))))
}

/// Accepts "70.5" and "70,5" (Spanish decimal comma).
fn parse_number(s: &str) -> Result<f64, Invalid> {
    s.replace(',', ".")
        .parse::<f64>()
        .ok()
        .filter(|n| n.is_finite())
        .ok_or(Invalid::NotANumber)
}
