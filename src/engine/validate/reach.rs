//! Reachability: sections and items that can never be shown, flags and safety rules that can
//! never fire.
//!
//! The analysis is conservative: it reports only what surely cannot happen, so a questionnaire it
//! passes may still have branches it cannot see are dead. It reads the resolved model, so it runs
//! only on an otherwise clean questionnaire.

use super::Validator;
use crate::engine::diagnostic::{Code, Position};
use crate::engine::model::*;
use crate::engine::raw::*;

impl Validator<'_, '_> {
    /// Items that can never be shown and flags that can never be raised, where a simple
    /// analysis can tell: conditions on items that are never shown, numbers outside an item's
    /// range, contradictory `All`s, empty `Any`s. Runs only on an otherwise clean questionnaire.
    pub(super) fn reachability(&mut self, raw: &RawQuestionnaire<'_>, q: &Questionnaire) {
        let mut never = vec![false; q.items.len()];
        for (s, section) in q.sections.iter().enumerate() {
            let section_never = section
                .show_if
                .as_ref()
                .is_some_and(|c| !can_be_true(q, c, &never));
            if section_never {
                let at = self.pos(&raw.sections[s].id, Position::default());
                self.error(
                    Code::Unreachable,
                    at,
                    format!(
                        "section `{}` can never be shown: its `show_if` is never true",
                        section.id
                    ),
                );
            }
            for &i in &section.items {
                self.mark_never(q, i, section_never, &mut never);
            }
        }
        let flags = q.flags.iter().zip(&raw.flags);
        let flags = flags.map(|(f, r)| (&f.when, &r.id, "flag", "be raised"));
        let safety = q.safety.iter().zip(&raw.safety);
        let safety = safety.map(|(s, r)| (&s.when, &r.id, "safety rule", "fire"));
        for (when, id, what, happen) in flags.chain(safety) {
            if !can_be_true(q, when, &never) {
                let at = self.pos(id, Position::default());
                self.error(
                    Code::Unreachable,
                    at,
                    format!("{what} `{id}` can never {happen}: its `when` is never true"),
                );
            }
        }
    }

    fn mark_never(
        &mut self,
        q: &Questionnaire,
        i: ItemIdx,
        parent_never: bool,
        never: &mut [bool],
    ) {
        let item = &q.items[i.0];
        let own = item
            .show_if
            .as_ref()
            .is_some_and(|c| !can_be_true(q, c, never));
        if own && !parent_never {
            let at = self.item_pos[i.0];
            self.error(
                Code::Unreachable,
                at,
                format!(
                    "item `{}` can never be shown: its `show_if` is never true",
                    item.id
                ),
            );
        }
        never[i.0] = parent_never || own;
        if let Kind::Group { items, .. } = &item.kind {
            for &c in items {
                self.mark_never(q, c, never[i.0], never);
            }
        }
    }
}

/// Conservative: `false` only when the condition surely cannot hold.
fn can_be_true(q: &Questionnaire, c: &Condition, never: &[bool]) -> bool {
    match c {
        Condition::Answered(i) | Condition::AnyOf(i, _) => !never[i.0],
        Condition::Equals(i, v) => {
            if never[i.0] {
                return false;
            }
            match v {
                Value::Number(n) => number_in_range(&q.items[i.0].kind, *n).unwrap_or(true),
                _ => true,
            }
        }
        Condition::Compare(a, cmp, b) => {
            for e in [a, b] {
                // A group that is never shown still has a count: zero entries.
                if let Expr::Value(i) | Expr::Age(i) = e
                    && never[i.0]
                {
                    return false;
                }
                if let Expr::Score(s) = e
                    && q.scores[s.0].items.iter().any(|i| never[i.0])
                {
                    return false;
                }
            }
            match (range_of(q, a, never), range_of(q, b, never)) {
                (Some((alo, ahi)), Some((blo, bhi))) => match cmp {
                    Cmp::Lt => alo < bhi,
                    Cmp::Le => alo <= bhi,
                    Cmp::Gt => ahi > blo,
                    Cmp::Ge => ahi >= blo,
                },
                _ => true,
            }
        }
        Condition::InBand(s, _) => !q.scores[s.0].items.iter().any(|i| never[i.0]),
        Condition::All(cs) => {
            cs.iter().all(|c| can_be_true(q, c, never)) && !contradicts(q, cs, never)
        }
        Condition::Any(cs) => cs.iter().any(|c| can_be_true(q, c, never)),
        Condition::Not(inner) => !always_true(inner),
    }
}

fn always_true(c: &Condition) -> bool {
    match c {
        Condition::All(cs) => cs.iter().all(always_true),
        Condition::Not(inner) => matches!(**inner, Condition::Any(ref cs) if cs.is_empty()),
        _ => false,
    }
}

/// Whether the parts of an `All` cannot hold together: two different answers to one question
/// (`Equals("x", Yes)` and `Equals("x", No)`, or two options of a single choice), a condition
/// and its own negation (`Equals("x", Yes)` and `Not(Equals("x", Yes))`), "not answered" beside
/// an answer, or bounds on one number that leave nothing between them (`Gt(Value("age"),
/// Number(50))` and `Lt(Value("age"), Number(30))`). Nested `All`s count as one.
fn contradicts(q: &Questionnaire, cs: &[Condition], never: &[bool]) -> bool {
    let mut parts: Vec<&Condition> = Vec::new();
    flatten(cs, &mut parts);
    let mut seen: Vec<(ItemIdx, &Value)> = Vec::new();
    let mut bounds: Vec<(&Expr, Interval)> = Vec::new();
    for c in &parts {
        match c {
            Condition::Equals(i, v) => {
                let single = !matches!(v, Value::Choice(_))
                    || matches!(q.items[i.0].kind, Kind::Single { .. });
                if single {
                    if seen.iter().any(|(j, w)| j == i && *w != v) {
                        return true;
                    }
                    seen.push((*i, v));
                }
            }
            Condition::Not(inner) if parts.iter().any(|p| **p == **inner) => return true,
            Condition::Not(inner) => {
                if let Condition::Answered(i) = **inner
                    && parts.iter().any(|p| is_answer_to(p, i))
                {
                    return true;
                }
            }
            _ => {}
        }
        let Some((e, iv)) = bound(c) else { continue };
        match bounds.iter_mut().find(|(f, _)| *f == e) {
            Some((_, b)) => *b = b.and(iv),
            None => {
                let whole = range_of(q, e, never).map_or(Interval::ALL, |(lo, hi)| Interval {
                    lo,
                    lo_open: false,
                    hi,
                    hi_open: false,
                });
                bounds.push((e, whole.and(iv)));
            }
        }
    }
    bounds.iter().any(|(_, b)| b.is_empty())
}

fn flatten<'c>(cs: &'c [Condition], out: &mut Vec<&'c Condition>) {
    for c in cs {
        match c {
            Condition::All(inner) => flatten(inner, out),
            c => out.push(c),
        }
    }
}

/// A condition that holds only when item `i` has an answer (not "prefer not to say").
fn is_answer_to(c: &Condition, i: ItemIdx) -> bool {
    match c {
        Condition::Answered(j) | Condition::AnyOf(j, _) => *j == i,
        Condition::Equals(j, v) => *j == i && *v != Value::Declined,
        _ => false,
    }
}

/// The values a number or count may take for `c` to hold, when `c` compares it with a constant.
fn bound(c: &Condition) -> Option<(&Expr, Interval)> {
    let (e, cmp, n) = match c {
        Condition::Compare(e, cmp, Expr::Number(n)) => (e, *cmp, *n),
        // `Lt(Number(3), x)` is `Gt(x, Number(3))`.
        Condition::Compare(Expr::Number(n), cmp, e) => (
            e,
            match cmp {
                Cmp::Lt => Cmp::Gt,
                Cmp::Le => Cmp::Ge,
                Cmp::Gt => Cmp::Lt,
                Cmp::Ge => Cmp::Le,
            },
            *n,
        ),
        _ => return None,
    };
    if matches!(e, Expr::Number(_)) {
        return None;
    }
    let iv = match cmp {
        Cmp::Lt => Interval {
            hi: n,
            hi_open: true,
            ..Interval::ALL
        },
        Cmp::Le => Interval {
            hi: n,
            ..Interval::ALL
        },
        Cmp::Gt => Interval {
            lo: n,
            lo_open: true,
            ..Interval::ALL
        },
        Cmp::Ge => Interval {
            lo: n,
            ..Interval::ALL
        },
    };
    Some((e, iv))
}

/// A range of numbers, each end open or closed.
#[derive(Clone, Copy, Debug)]
struct Interval {
    lo: f64,
    lo_open: bool,
    hi: f64,
    hi_open: bool,
}

impl Interval {
    const ALL: Interval = Interval {
        lo: f64::NEG_INFINITY,
        lo_open: false,
        hi: f64::INFINITY,
        hi_open: false,
    };

    fn and(self, o: Interval) -> Interval {
        let (lo, lo_open) = if o.lo > self.lo || (o.lo == self.lo && o.lo_open) {
            (o.lo, o.lo_open)
        } else {
            (self.lo, self.lo_open)
        };
        let (hi, hi_open) = if o.hi < self.hi || (o.hi == self.hi && o.hi_open) {
            (o.hi, o.hi_open)
        } else {
            (self.hi, self.hi_open)
        };
        Interval {
            lo,
            lo_open,
            hi,
            hi_open,
        }
    }

    fn is_empty(self) -> bool {
        self.lo > self.hi || (self.lo == self.hi && (self.lo_open || self.hi_open))
    }
}

/// The numeric range an expression can take, where known.
fn range_of(q: &Questionnaire, e: &Expr, never: &[bool]) -> Option<(f64, f64)> {
    match e {
        Expr::Number(n) => Some((*n, *n)),
        Expr::Value(i) => match &q.items[i.0].kind {
            Kind::Integer { min, max, .. } => Some((
                min.map_or(f64::NEG_INFINITY, |x| x as f64),
                max.map_or(f64::INFINITY, |x| x as f64),
            )),
            Kind::Decimal { min, max, .. } => Some((
                min.unwrap_or(f64::NEG_INFINITY),
                max.unwrap_or(f64::INFINITY),
            )),
            _ => None,
        },
        Expr::Count(i) if never[i.0] => Some((0.0, 0.0)),
        Expr::Count(i) => match &q.items[i.0].kind {
            Kind::Group { max, .. } => Some((0.0, f64::from(*max))),
            _ => None,
        },
        Expr::Score(s) => {
            let max: u32 = q.scores[s.0]
                .items
                .iter()
                .filter_map(|i| {
                    q.items[i.0]
                        .kind
                        .options()
                        .iter()
                        .filter_map(|o| o.score)
                        .max()
                })
                .sum();
            Some((0.0, f64::from(max)))
        }
        _ => None,
    }
}

fn number_in_range(kind: &Kind, n: f64) -> Option<bool> {
    match kind {
        Kind::Integer { min, max, .. } => Some(
            n.fract() == 0.0
                && min.is_none_or(|m| n >= m as f64)
                && max.is_none_or(|m| n <= m as f64),
        ),
        Kind::Decimal { min, max, .. } => {
            Some(min.is_none_or(|m| n >= m) && max.is_none_or(|m| n <= m))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use crate::engine::{Code, Questionnaire};

    #[test]
    fn flags_and_safety_rules_that_can_never_hold_are_reported() {
        let src = r#"Questionnaire(id: "q", version: "1.0.0", languages: ["en"], title: {"en": "Q"},
            sections: [Section(id: "s", title: {"en": "S"}, items: [
                Item(id: "age", text: {"en": "Age"}, kind: Integer(min: 0, max: 120)),
            ])],
            flags: [Flag(id: "old", level: Review, when: Gt(Value("age"), Number(130)), text: "T", source: "S")],
            safety: [Safety(id: "none", when: Any([]), message: {"en": "M"}, alert: "A")],
            )"#;
        let Err(d) = Questionnaire::from_bytes(src.as_bytes()) else {
            panic!("loaded");
        };
        assert!(d.iter().all(|d| d.code == Code::Unreachable), "{d:?}");
        let messages: Vec<&str> = d.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "flag `old` can never be raised: its `when` is never true",
                "safety rule `none` can never fire: its `when` is never true",
            ]
        );
    }
}
