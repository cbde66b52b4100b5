//! Items and their kinds: ids, option lists and option sets, ranges, units, date bounds and
//! repeating groups.
//!
//! Items are declared in one pass before any condition is read, so that every item has its index
//! and a reference to a later item can be reported as "comes later" rather than "unknown".

use std::collections::HashMap;

use super::{Duplicate, Validator, coding, parse_date};
use crate::engine::diagnostic::{Code, Position, Suggester, did_you_mean_within};
use crate::engine::model::*;
use crate::engine::raw::*;

impl<'r> Validator<'_, 'r> {
    /// Option sets, before any item names one.
    pub(super) fn option_sets(&mut self, raw: &'r RawQuestionnaire<'r>, id_pos: Position) {
        let mut seen = HashMap::new();
        for set in &raw.option_sets {
            let at = self.pos(&set.id, id_pos);
            if self.unique(&mut seen, &set.id, at, Duplicate::OptionSet) {
                self.option_sets.insert(&set.id, Some(set));
            } else {
                self.option_sets.insert(&set.id, None);
            }
        }
        self.option_set_names = Suggester::new(raw.option_sets.iter().map(|s| &*s.id));
    }

    /// Makes every item resolvable by its id, once all are declared: one pass over every item,
    /// groups included, since item ids are unique across the whole questionnaire.
    pub(super) fn item_ids(&mut self) {
        let ids: Vec<String> = self.items.iter().map(|i| i.id.clone()).collect();
        let mut seen = HashMap::new();
        for (i, id) in ids.iter().enumerate() {
            if self.unique(&mut seen, id, self.item_pos[i], Duplicate::Item) {
                self.item_ids.insert(id.clone(), ItemIdx(i));
            }
        }
        self.item_names = Suggester::new(ids.iter().map(String::as_str));
    }

    pub(super) fn declare_item(
        &mut self,
        ri: &'r RawItem<'r>,
        section: usize,
        parent: Option<ItemIdx>,
    ) -> ItemIdx {
        let fallback = self
            .item_pos
            .last()
            .copied()
            .unwrap_or(Position { line: 1, col: 1 });
        let at = self.pos(&ri.id, fallback);
        let idx = ItemIdx(self.items.len());
        self.check_id("item", &ri.id, at);
        let text = self.paragraphs(&ri.text, at, "question text");
        let help = ri
            .help
            .as_ref()
            .map(|h| self.paragraphs(h, at, "help text"));
        // Placeholder so children get later indices; the kind is filled in below.
        self.items.push(Item {
            id: ri.id.to_string(),
            text,
            help,
            kind: Kind::Display,
            required: ri.required,
            required_if: None,
            show_if: None,
            can_decline: ri.can_decline,
            code: ri.code.as_ref().map(coding),
            section: SectionIdx(section),
            parent,
        });
        self.item_pos.push(at);
        self.unresolved.push(false);
        let kind = self.kind(ri, idx, section, parent, at);
        if matches!(kind, Kind::Display) && (ri.required || ri.required_if.is_some()) {
            self.error(
                Code::ItemKind,
                at,
                format!("display item `{}` cannot be required", ri.id),
            );
        }
        self.items[idx.0].kind = kind;
        idx
    }

    fn kind(
        &mut self,
        ri: &'r RawItem<'r>,
        idx: ItemIdx,
        section: usize,
        parent: Option<ItemIdx>,
        at: Position,
    ) -> Kind {
        let id = &ri.id;
        match &ri.kind {
            RawKind::YesNo { not_sure } => Kind::YesNo {
                not_sure: *not_sure,
            },
            RawKind::Single {
                options,
                option_set,
            } => Kind::Single {
                options: self.options(idx, options, option_set.as_ref(), at),
            },
            RawKind::Multiple {
                options,
                option_set,
                none_of_these,
            } => {
                let options = self.options(idx, options, option_set.as_ref(), at);
                let none_of_these = none_of_these.as_ref().and_then(|n| {
                    let found = options.iter().position(|o| o.value == n.as_ref());
                    if found.is_none() && !self.unresolved[idx.0] {
                        let npos = self.pos(n, at);
                        let help = did_you_mean_within(
                            n,
                            options.iter().map(|o| o.value.as_str()),
                            &mut self.budget,
                        );
                        self.error(
                            Code::UnknownChoice,
                            npos,
                            format!(
                                "`none_of_these` names `{n}`, which is not an option of `{id}`"
                            ),
                        )
                        .help = help;
                    }
                    found
                });
                Kind::Multiple {
                    options,
                    none_of_these,
                }
            }
            RawKind::Integer { min, max, unit } => {
                self.range(id, *min, *max, at);
                Kind::Integer {
                    min: *min,
                    max: *max,
                    unit: unit.as_ref().map(|u| self.text(u, at, "unit")),
                }
            }
            RawKind::Decimal {
                min,
                max,
                decimals,
                unit,
            } => {
                self.range(id, *min, *max, at);
                if min.is_some_and(|x| !x.is_finite()) || max.is_some_and(|x| !x.is_finite()) {
                    self.error(
                        Code::BadRange,
                        at,
                        format!("`{id}` has a range that is not a finite number"),
                    );
                }
                self.decimals(id, *decimals, at);
                Kind::Decimal {
                    min: *min,
                    max: *max,
                    decimals: *decimals,
                    unit: unit.as_ref().map(|u| self.text(u, at, "unit")),
                }
            }
            RawKind::Measure { units, decimals } => {
                if units.is_empty() {
                    self.error(Code::ItemKind, at, format!("measure `{id}` has no units"));
                }
                self.decimals(id, *decimals, at);
                let mut out: Vec<Unit> = Vec::new();
                let mut seen = HashMap::new();
                for u in units {
                    let upos = self.pos(&u.id, at);
                    self.unique(&mut seen, &u.id, upos, Duplicate::Unit(id));
                    if !(u.min.is_finite() && u.max.is_finite()) || u.min > u.max {
                        self.error(
                            Code::BadRange,
                            upos,
                            format!(
                                "unit `{}` of `{id}` has min {} above max {}",
                                u.id, u.min, u.max
                            ),
                        );
                    }
                    if !(u.factor.is_finite() && u.factor > 0.0) {
                        self.error(
                            Code::BadRange,
                            upos,
                            format!("unit `{}` has a factor that is not a positive number", u.id),
                        );
                    }
                    let split = u.split.as_ref().map(|s| {
                        if s.minor_per_major == 0 {
                            self.error(
                                Code::BadRange,
                                upos,
                                "`minor_per_major` must be at least 1",
                            );
                        }
                        Split {
                            major: self.text(&s.major, upos, "unit label"),
                            minor: self.text(&s.minor, upos, "unit label"),
                            minor_per_major: s.minor_per_major.max(1),
                        }
                    });
                    out.push(Unit {
                        id: u.id.to_string(),
                        label: self.text(&u.label, upos, "unit label"),
                        min: u.min,
                        max: u.max,
                        factor: u.factor,
                        split,
                    });
                }
                Kind::Measure {
                    units: out,
                    decimals: *decimals,
                }
            }
            RawKind::Date { min, max } => {
                let min = min.as_ref().and_then(|b| self.date_bound(b, at));
                let max = max.as_ref().and_then(|b| self.date_bound(b, at));
                if let (Some(DateBound::On(lo)), Some(DateBound::On(hi))) = (min, max)
                    && lo > hi
                {
                    self.error(
                        Code::BadRange,
                        at,
                        format!("`{id}` has min date {lo} after max date {hi}"),
                    );
                }
                // Bounds relative to the session's day keep their order on every day: `Today`
                // is zero years ago, and fewer years ago is later. A range that is empty would
                // refuse every date, so a required item could never be answered.
                let years_ago = |b: Option<DateBound>| match b {
                    Some(DateBound::Today) => Some(0),
                    Some(DateBound::YearsAgo(n)) => Some(n),
                    _ => None,
                };
                if let (Some(lo), Some(hi)) = (years_ago(min), years_ago(max))
                    && lo < hi
                {
                    let name = |n: u32| match n {
                        0 => "today".to_owned(),
                        1 => "1 year ago".to_owned(),
                        n => format!("{n} years ago"),
                    };
                    self.error(
                        Code::BadRange,
                        at,
                        format!(
                            "`{id}` has min date {} after max date {}: no date can be entered",
                            name(lo),
                            name(hi)
                        ),
                    )
                    .help = Some("swap `min` and `max`".into());
                }
                Kind::Date { min, max }
            }
            RawKind::Text { max_len } | RawKind::LongText { max_len } => {
                if *max_len == 0 {
                    self.error(
                        Code::BadRange,
                        at,
                        format!("`{id}` has `max_len: 0`: nothing could be typed"),
                    );
                }
                if matches!(ri.kind, RawKind::Text { .. }) {
                    Kind::Text { max_len: *max_len }
                } else {
                    Kind::LongText { max_len: *max_len }
                }
            }
            RawKind::Display => Kind::Display,
            RawKind::Group { min, max, items } => {
                if parent.is_some() {
                    self.error(
                        Code::ItemKind,
                        at,
                        format!("group `{id}` is inside another group; groups do not nest"),
                    );
                }
                if min > max {
                    self.error(
                        Code::BadRange,
                        at,
                        format!("group `{id}` has min {min} entries above max {max}"),
                    );
                }
                if *max == 0 {
                    self.error(
                        Code::BadRange,
                        at,
                        format!("group `{id}` allows no entries (`max: 0`)"),
                    );
                }
                if items.is_empty() {
                    self.error(Code::ItemKind, at, format!("group `{id}` has no items"));
                }
                let children = items
                    .iter()
                    .map(|c| self.declare_item(c, section, Some(idx)))
                    .collect();
                Kind::Group {
                    min: *min,
                    max: *max,
                    items: children,
                }
            }
        }
    }

    /// A number item's range, where both ends are given.
    fn range<T: PartialOrd + std::fmt::Display>(
        &mut self,
        id: &str,
        min: Option<T>,
        max: Option<T>,
        at: Position,
    ) {
        if let (Some(lo), Some(hi)) = (min, max)
            && lo > hi
        {
            self.error(
                Code::BadRange,
                at,
                format!("`{id}` has min {lo} above max {hi}"),
            );
        }
    }

    /// At most six decimal places, for decimal and measure items.
    fn decimals(&mut self, id: &str, decimals: u8, at: Position) {
        if decimals > 6 {
            self.error(
                Code::ItemKind,
                at,
                format!("`{id}` asks for {decimals} decimals; at most 6 are supported"),
            );
        }
    }

    fn date_bound(&mut self, b: &RawDateBound<'_>, at: Position) -> Option<DateBound> {
        match b {
            RawDateBound::On(s) => match parse_date(s) {
                Some(d) => Some(DateBound::On(d)),
                None => {
                    let p = self.pos(s, at);
                    self.error(Code::ItemKind, p, format!("`{s}` is not a date"))
                        .help = Some("write dates as `YYYY-MM-DD`".into());
                    None
                }
            },
            RawDateBound::Today => Some(DateBound::Today),
            RawDateBound::YearsAgo(n) => Some(DateBound::YearsAgo(*n)),
        }
    }

    fn options(
        &mut self,
        idx: ItemIdx,
        inline: &'r [RawChoice<'r>],
        set: Option<&Str<'r>>,
        at: Position,
    ) -> Vec<Choice> {
        let item = self.items[idx.0].id.clone();
        let item = item.as_str();
        let raw: &[RawChoice<'_>] = match (inline.is_empty(), set) {
            (false, Some(s)) => {
                let p = self.pos(s, at);
                self.error(
                    Code::ItemKind,
                    p,
                    format!("`{item}` has both `options` and `option_set`"),
                )
                .help = Some("keep one of them".into());
                inline
            }
            (false, None) => inline,
            (true, Some(s)) => match self.option_sets.get(s.as_ref()) {
                Some(Some(set)) => &set.options,
                // Defined twice: reported once, at the duplicate; the item is not checked
                // against either list.
                Some(None) => {
                    self.unresolved[idx.0] = true;
                    &[]
                }
                None => {
                    self.unresolved[idx.0] = true;
                    let p = self.pos(s, at);
                    let help = self.option_set_names.suggest(s, &mut self.budget);
                    self.error(
                        Code::UnknownReference,
                        p,
                        format!("unknown option set `{s}`"),
                    )
                    .help = help;
                    &[]
                }
            },
            (true, None) => {
                self.error(
                    Code::ItemKind,
                    at,
                    format!("choice item `{item}` has no options"),
                )
                .help = Some("add `options: [...]` or `option_set: \"…\"`".into());
                &[]
            }
        };
        let mut out: Vec<Choice> = Vec::new();
        let mut seen = HashMap::new();
        for c in raw {
            let p = self.pos(&c.value, at);
            self.unique(&mut seen, &c.value, p, Duplicate::Option(item));
            out.push(Choice {
                value: c.value.to_string(),
                text: self.text(&c.text, p, "option text"),
                score: c.score,
                code: c.code.as_ref().map(coding),
            });
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use crate::engine::Questionnaire;

    /// The messages of a one-item questionnaire whose item has `kind`.
    fn messages(kind: &str) -> Vec<String> {
        let src = format!(
            r#"Questionnaire(id: "q", version: "1.0.0", languages: ["en"], title: {{"en": "Q"}},
            sections: [Section(id: "s", title: {{"en": "S"}}, items: [
                Item(id: "x", text: {{"en": "X"}}, kind: {kind}),
            ])])"#
        );
        match Questionnaire::from_bytes(src.as_bytes()) {
            Ok(_) => Vec::new(),
            Err(d) => d.into_iter().map(|d| d.message).collect(),
        }
    }

    #[test]
    fn number_ranges_must_not_be_upside_down() {
        assert_eq!(
            messages("Integer(min: 5, max: 1)"),
            ["`x` has min 5 above max 1"]
        );
        assert_eq!(
            messages("Decimal(min: 2.5, max: 1.5)"),
            ["`x` has min 2.5 above max 1.5"]
        );
        assert!(messages("Decimal(min: 1.5, max: 2.5)").is_empty());
    }

    #[test]
    fn at_most_six_decimals() {
        let want = ["`x` asks for 7 decimals; at most 6 are supported"];
        assert_eq!(messages("Decimal(decimals: 7)"), want);
        let measure =
            r#"Measure(units: [Unit(id: "kg", label: {"en": "kg"}, min: 1, max: 2)], decimals: 7)"#;
        assert_eq!(messages(measure), want);
        assert!(messages("Decimal(decimals: 6)").is_empty());
    }
}
