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
                if let Expr::Value(i) | Expr::Age(i) | Expr::Count(i) = e
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
            match (range_of(q, a), range_of(q, b)) {
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
        Condition::All(cs) => cs.iter().all(|c| can_be_true(q, c, never)) && !contradicts(cs),
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

/// Two `Equals` on the same single-valued item with different values.
fn contradicts(cs: &[Condition]) -> bool {
    let mut seen: Vec<(ItemIdx, &Value)> = Vec::new();
    for c in cs {
        if let Condition::Equals(i, v) = c
            && !matches!(v, Value::Choice(_))
        {
            if seen.iter().any(|(j, w)| j == i && *w != v) {
                return true;
            }
            seen.push((*i, v));
        }
    }
    false
}

/// The numeric range an expression can take, where known.
fn range_of(q: &Questionnaire, e: &Expr) -> Option<(f64, f64)> {
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
