//! Conditions and the references inside them: `show_if`, `required_if`, and the `when` of flags
//! and safety rules.
//!
//! What a condition may refer to depends on where it sits (its [`Scope`]): an item's conditions
//! read only earlier answers, so the kiosk never asks a question whose visibility depends on one
//! not yet asked; flags and safety rules run on the finished answers and may read anything
//! outside a repeating group. Values and comparisons are checked against the item's kind, so
//! evaluation never meets a number compared with a yes/no.

use super::{Scope, Validator, parse_date};
use crate::engine::diagnostic::{Code, Position, did_you_mean_within};
use crate::engine::model::*;
use crate::engine::raw::*;

/// The type of one side of a comparison.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum ExprType {
    Number,
    Date,
}

impl<'r> Validator<'_, 'r> {
    pub(super) fn item_conditions(&mut self, ri: &'r RawItem<'r>, idx: ItemIdx) {
        let at = self.item_pos[idx.0];
        let group = self.items[idx.0].parent;
        let scope = Scope::Before {
            at: idx.0,
            group,
            owner: Some(idx),
        };
        let show_if = ri.show_if.as_ref().map(|c| self.condition(c, scope, at));
        let required_if = ri
            .required_if
            .as_ref()
            .map(|c| self.condition(c, scope, at));
        self.items[idx.0].show_if = show_if;
        self.items[idx.0].required_if = required_if;
        if let RawKind::Group { items, .. } = &ri.kind
            && let Kind::Group {
                items: children, ..
            } = &self.items[idx.0].kind
        {
            for (c, cidx) in items.iter().zip(children.clone()) {
                self.item_conditions(c, cidx);
            }
        }
    }

    /// Resolves a reference to an item, checking scope and order.
    pub(super) fn item_ref(&mut self, r: &Str<'_>, scope: Scope, at: Position) -> Option<ItemIdx> {
        let p = self.pos(r, at);
        let Some(&idx) = self.item_ids.get(r.as_ref()) else {
            let help = self.item_names.suggest(r, &mut self.budget);
            self.error(Code::UnknownReference, p, format!("unknown item `{r}`"))
                .help = help;
            return None;
        };
        let target_group = self.items[idx.0].parent;
        match scope {
            Scope::Before {
                at: here,
                group,
                owner,
            } => {
                if owner == Some(idx) {
                    self.error(
                        Code::ForwardReference,
                        p,
                        format!("`{r}` refers to itself (a cycle)"),
                    );
                    return None;
                }
                if idx.0 >= here {
                    let defined = self.item_pos[idx.0];
                    self.error(
                        Code::ForwardReference,
                        p,
                        format!("`{r}` comes later in the questionnaire; a condition may only read earlier answers"),
                    )
                    .notes
                    .push((defined, format!("`{r}` is defined here")));
                    return None;
                }
                if target_group.is_some() && target_group != group {
                    self.group_scope_error(r, p);
                    return None;
                }
            }
            Scope::Anywhere => {
                if target_group.is_some() {
                    self.group_scope_error(r, p);
                    return None;
                }
            }
        }
        Some(idx)
    }

    fn group_scope_error(&mut self, r: &str, p: Position) {
        self.error(
            Code::GroupScope,
            p,
            format!(
                "`{r}` is inside a repeating group and can only be read by items of the same group"
            ),
        )
        .help = Some("to test how many entries a group has, use `Count(\"group_id\")`".into());
    }

    /// The one walk over a condition tree, wherever the condition sits: `scope` says what it may
    /// refer to, and every reference is checked against it.
    pub(super) fn condition(
        &mut self,
        c: &RawCondition<'_>,
        scope: Scope,
        at: Position,
    ) -> Condition {
        // A placeholder keeps the shape when a reference fails; the model is discarded anyway.
        let never = || Condition::Any(Vec::new());
        match c {
            RawCondition::Answered(r) => match self.item_ref(r, scope, at) {
                Some(i) => Condition::Answered(i),
                None => never(),
            },
            RawCondition::Equals(r, value) => {
                let Some(i) = self.item_ref(r, scope, at) else {
                    return never();
                };
                let p = self.pos(r, at);
                match self.value(i, value, p) {
                    Some(v) => Condition::Equals(i, v),
                    None => never(),
                }
            }
            RawCondition::AnyOf(r, values) => {
                let Some(i) = self.item_ref(r, scope, at) else {
                    return never();
                };
                let p = self.pos(r, at);
                let item = &self.items[i.0];
                if self.unresolved[i.0] {
                    return never();
                }
                if !matches!(item.kind, Kind::Single { .. } | Kind::Multiple { .. }) {
                    let msg = format!(
                        "`AnyOf` needs a choice item, but `{r}` is {}",
                        item.kind.describe()
                    );
                    self.error(Code::TypeMismatch, p, msg);
                    return never();
                }
                let options: Vec<String> = item
                    .kind
                    .options()
                    .iter()
                    .map(|o| o.value.clone())
                    .collect();
                let mut out = Vec::new();
                for v in values {
                    if options.iter().any(|o| o == v.as_ref()) {
                        out.push(v.to_string());
                    } else {
                        let vp = self.pos(v, p);
                        let help = did_you_mean_within(
                            v,
                            options.iter().map(String::as_str),
                            &mut self.budget,
                        );
                        self.error(
                            Code::UnknownChoice,
                            vp,
                            format!("`{r}` has no option `{v}`"),
                        )
                        .help = help;
                    }
                }
                if values.is_empty() {
                    self.error(Code::Unreachable, p, "`AnyOf` with no values is never true");
                }
                Condition::AnyOf(i, out)
            }
            RawCondition::Lt(a, b) => self.compare(a, Cmp::Lt, b, scope, at),
            RawCondition::Le(a, b) => self.compare(a, Cmp::Le, b, scope, at),
            RawCondition::Gt(a, b) => self.compare(a, Cmp::Gt, b, scope, at),
            RawCondition::Ge(a, b) => self.compare(a, Cmp::Ge, b, scope, at),
            RawCondition::InBand(s, band) => {
                // `score_ref` refuses a score read from `show_if` / `required_if`.
                let Some(si) = self.score_ref(s, scope, at) else {
                    return never();
                };
                match self.band_ref(si, s, band, at) {
                    Some(b) => Condition::InBand(si, b),
                    None => never(),
                }
            }
            RawCondition::All(cs) => {
                Condition::All(cs.iter().map(|c| self.condition(c, scope, at)).collect())
            }
            RawCondition::Any(cs) => {
                Condition::Any(cs.iter().map(|c| self.condition(c, scope, at)).collect())
            }
            RawCondition::Not(c) => Condition::Not(Box::new(self.condition(c, scope, at))),
        }
    }

    pub(super) fn score_ref(
        &mut self,
        s: &Str<'_>,
        scope: Scope,
        at: Position,
    ) -> Option<ScoreIdx> {
        let p = self.pos(s, at);
        if matches!(scope, Scope::Before { .. }) {
            self.error(
                Code::ForwardReference,
                p,
                format!("score `{s}` can only be read by flags and safety rules"),
            )
            .help =
                Some("scores are complete only at the end; use item answers in `show_if`".into());
            return None;
        }
        match self.score_ids.get(s.as_ref()) {
            Some(&i) => Some(i),
            None => {
                let help = self.score_names.suggest(s, &mut self.budget);
                self.error(Code::UnknownReference, p, format!("unknown score `{s}`"))
                    .help = help;
                None
            }
        }
    }

    /// Resolves a band of a score by name. Scores are resolved before any flag or safety rule,
    /// so their bands are known here.
    fn band_ref(
        &mut self,
        si: ScoreIdx,
        score: &str,
        band: &Str<'_>,
        at: Position,
    ) -> Option<BandIdx> {
        let bands = self.scores.get(si.0).map_or(&[][..], |s| &s.bands[..]);
        if let Some(b) = bands.iter().position(|b| b.id == band.as_ref()) {
            return Some(BandIdx(b));
        }
        let help = did_you_mean_within(band, bands.iter().map(|b| b.id.as_str()), &mut self.budget);
        let p = self.pos(band, at);
        self.error(
            Code::UnknownReference,
            p,
            format!("score `{score}` has no band `{band}`"),
        )
        .help = help;
        None
    }

    fn value(&mut self, i: ItemIdx, v: &RawValue<'_>, p: Position) -> Option<Value> {
        let item = &self.items[i.0];
        let id = item.id.clone();
        let kind = item.kind.describe();
        let can_decline = item.can_decline;
        let mismatch = |this: &mut Self, what: &str| {
            this.error(
                Code::TypeMismatch,
                p,
                format!("`{id}` is {kind}; it cannot equal {what}"),
            );
            None
        };
        match (v, &item.kind) {
            (RawValue::Declined, _) if can_decline => Some(Value::Declined),
            (RawValue::Declined, _) => {
                self.error(
                    Code::UnknownChoice,
                    p,
                    format!("`{id}` does not offer \"prefer not to say\""),
                )
                .help = Some(format!("add `can_decline: true` to `{id}`"));
                None
            }
            (RawValue::Yes, Kind::YesNo { .. }) => Some(Value::Yes),
            (RawValue::No, Kind::YesNo { .. }) => Some(Value::No),
            (RawValue::NotSure, Kind::YesNo { not_sure: true }) => Some(Value::NotSure),
            (RawValue::NotSure, Kind::YesNo { not_sure: false }) => {
                self.error(
                    Code::UnknownChoice,
                    p,
                    format!("`{id}` does not offer \"not sure\""),
                )
                .help = Some("use `YesNo(not_sure: true)`".into());
                None
            }
            (RawValue::Choice(_), _) if self.unresolved[i.0] => None,
            (RawValue::Choice(c), Kind::Single { options } | Kind::Multiple { options, .. }) => {
                if options.iter().any(|o| o.value == c.as_ref()) {
                    Some(Value::Choice(c.to_string()))
                } else {
                    let cp = self.pos(c, p);
                    let help = did_you_mean_within(
                        c,
                        options.iter().map(|o| o.value.as_str()),
                        &mut self.budget,
                    );
                    self.error(
                        Code::UnknownChoice,
                        cp,
                        format!("`{id}` has no option `{c}`"),
                    )
                    .help = help;
                    None
                }
            }
            (RawValue::Number(n), _) if !n.is_finite() => {
                self.not_finite(*n, p);
                None
            }
            (
                RawValue::Number(n),
                Kind::Integer { .. } | Kind::Decimal { .. } | Kind::Measure { .. },
            ) => Some(Value::Number(*n)),
            (RawValue::Yes | RawValue::No | RawValue::NotSure, _) => mismatch(self, "yes/no"),
            (RawValue::Choice(c), _) => mismatch(self, &format!("the choice `{c}`")),
            (RawValue::Number(n), _) => mismatch(self, &format!("the number {n}")),
        }
    }

    fn compare(
        &mut self,
        a: &RawExpr<'_>,
        cmp: Cmp,
        b: &RawExpr<'_>,
        scope: Scope,
        at: Position,
    ) -> Condition {
        let ea = self.expr(a, scope, at);
        let eb = self.expr(b, scope, at);
        match (ea, eb) {
            (Some((ea, ta, pa)), Some((eb, tb, _))) => {
                if ta != tb {
                    let name = |t| match t {
                        ExprType::Number => "a number",
                        ExprType::Date => "a date",
                    };
                    self.error(
                        Code::TypeMismatch,
                        pa,
                        format!("cannot compare {} with {}", name(ta), name(tb)),
                    );
                    return Condition::Any(Vec::new());
                }
                Condition::Compare(ea, cmp, eb)
            }
            _ => Condition::Any(Vec::new()),
        }
    }

    fn expr(
        &mut self,
        e: &RawExpr<'_>,
        scope: Scope,
        at: Position,
    ) -> Option<(Expr, ExprType, Position)> {
        match e {
            RawExpr::Number(n) if !n.is_finite() => {
                self.not_finite(*n, at);
                None
            }
            RawExpr::Number(n) => Some((Expr::Number(*n), ExprType::Number, at)),
            RawExpr::Today => Some((Expr::Today, ExprType::Date, at)),
            RawExpr::YearsAgo(n) => Some((Expr::YearsAgo(*n), ExprType::Date, at)),
            RawExpr::Date(s) => {
                let p = self.pos(s, at);
                match parse_date(s) {
                    Some(d) => Some((Expr::Date(d), ExprType::Date, p)),
                    None => {
                        self.error(Code::ItemKind, p, format!("`{s}` is not a date"))
                            .help = Some("write dates as `YYYY-MM-DD`".into());
                        None
                    }
                }
            }
            RawExpr::Value(r) => {
                let i = self.item_ref(r, scope, at)?;
                let p = self.pos(r, at);
                let item = &self.items[i.0];
                match item.kind {
                    Kind::Integer { .. } | Kind::Decimal { .. } | Kind::Measure { .. } => {
                        Some((Expr::Value(i), ExprType::Number, p))
                    }
                    Kind::Date { .. } => Some((Expr::Value(i), ExprType::Date, p)),
                    _ => {
                        let msg = format!(
                            "`{r}` is {}; only numbers, measures and dates can be compared",
                            item.kind.describe()
                        );
                        self.error(Code::TypeMismatch, p, msg);
                        None
                    }
                }
            }
            RawExpr::Age(r) => {
                let (i, p) = self.item_of_kind(r, scope, at, "`Age` needs a date item", |k| {
                    matches!(k, Kind::Date { .. })
                })?;
                Some((Expr::Age(i), ExprType::Number, p))
            }
            RawExpr::Count(r) => {
                let (i, p) =
                    self.item_of_kind(r, scope, at, "`Count` needs a repeating group", |k| {
                        matches!(k, Kind::Group { .. })
                    })?;
                Some((Expr::Count(i), ExprType::Number, p))
            }
            RawExpr::Score(s) => {
                let p = self.pos(s, at);
                let i = self.score_ref(s, scope, at)?;
                Some((Expr::Score(i), ExprType::Number, p))
            }
        }
    }

    /// `NaN` is equal to nothing and compares false with everything, and no answer reaches an
    /// infinity: a condition on one would silently never (or always) hold.
    fn not_finite(&mut self, n: f64, p: Position) {
        self.error(
            Code::BadRange,
            p,
            format!("`Number({n})` is not a finite number"),
        )
        .help = Some("write the number the answer is compared with, e.g. `Number(18)`".into());
    }

    /// Resolves a reference that must name an item of a certain kind (`Age` of a date).
    fn item_of_kind(
        &mut self,
        r: &Str<'_>,
        scope: Scope,
        at: Position,
        needs: &str,
        ok: impl Fn(&Kind) -> bool,
    ) -> Option<(ItemIdx, Position)> {
        let i = self.item_ref(r, scope, at)?;
        let p = self.pos(r, at);
        let kind = &self.items[i.0].kind;
        if !ok(kind) {
            let msg = format!("{needs}, but `{r}` is {}", kind.describe());
            self.error(Code::TypeMismatch, p, msg);
            return None;
        }
        Some((i, p))
    }
}

#[cfg(test)]
mod tests {
    use crate::engine::{Code, Diagnostic, Questionnaire};

    /// A questionnaire with a two-item score `phq` (bands `low` 0–2, `high` 3–6), a later item
    /// with `show_if`, and a flag with `when`.
    fn with(show_if: &str, when: &str) -> Result<Questionnaire, Vec<Diagnostic>> {
        let src = format!(
            r#"Questionnaire(id: "q", version: "1.0.0", languages: ["en"], title: {{"en": "Q"}},
            option_sets: [OptionSet(id: "f", options: [
                Choice(value: "0", text: {{"en": "No"}}, score: 0),
                Choice(value: "3", text: {{"en": "Yes"}}, score: 3),
            ])],
            sections: [Section(id: "s", title: {{"en": "S"}}, items: [
                Item(id: "a", text: {{"en": "A"}}, kind: Single(option_set: "f")),
                Item(id: "b", text: {{"en": "B"}}, kind: Single(option_set: "f")),
                Item(id: "c", text: {{"en": "C"}}, kind: YesNo(), show_if: {show_if}),
            ])],
            scores: [Score(id: "phq", title: "PHQ", items: ["a", "b"], bands: [
                Band(id: "low", min: 0, max: 2, label: "low"),
                Band(id: "high", min: 3, max: 6, label: "high"),
            ])],
            flags: [Flag(id: "f", level: Review, when: {when}, text: "T", source: "S")],
            )"#
        );
        Questionnaire::from_bytes(src.as_bytes())
    }

    #[test]
    fn a_band_is_resolved_anywhere_in_a_flag() {
        let q = with(
            r#"Answered("a")"#,
            r#"Not(Any([Answered("a"), All([InBand("phq", "high")])]))"#,
        );
        let q = match q {
            Ok(q) => q,
            Err(d) => panic!("{d:?}"),
        };
        let text = format!("{:?}", q.flags[0].when);
        assert!(text.contains("InBand(ScoreIdx(0), BandIdx(1))"), "{text}");
    }

    #[test]
    fn an_unknown_band_is_reported_with_a_suggestion() {
        let d = with(r#"Answered("a")"#, r#"All([InBand("phq", "hgh")])"#).unwrap_err();
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].code, Code::UnknownReference);
        assert_eq!(d[0].message, "score `phq` has no band `hgh`");
        assert_eq!(d[0].help.as_deref(), Some("did you mean `high`?"));
    }

    #[test]
    fn a_band_in_show_if_is_refused() {
        let d = with(r#"Not(InBand("phq", "high"))"#, r#"Answered("a")"#).unwrap_err();
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].code, Code::ForwardReference);
        assert_eq!(
            d[0].message,
            "score `phq` can only be read by flags and safety rules"
        );
    }
}
