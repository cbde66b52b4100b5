//! Validation: raw structs → resolved [`Questionnaire`], collecting every problem in one pass.
//!
//! The validator never stops at the first problem: an author fixing a questionnaire should see
//! all of them at once. It returns the model only when there are no diagnostics at all, so a
//! questionnaire that loads cannot fail at run time (a kiosk never meets a dangling reference).
//!
//! Positions come from the borrowed `Cow` strings in the raw structs (see [`super::raw`]): the
//! offset of a reference inside the source text is its position. Where a string had escapes and
//! was copied, the nearest enclosing id's position is used instead.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;

use super::diagnostic::{Code, Diagnostic, LineIndex, Position, did_you_mean};
use super::model::*;
use super::raw::*;

pub(crate) fn validate(
    src: &str,
    raw: &RawQuestionnaire<'_>,
    sha256: String,
) -> Result<Questionnaire, Vec<Diagnostic>> {
    let mut v = Validator {
        src,
        lines: LineIndex::new(src),
        diags: Vec::new(),
        languages: Vec::new(),
        item_ids: HashMap::new(),
        items: Vec::new(),
        item_pos: Vec::new(),
        option_sets: HashMap::new(),
        score_ids: HashMap::new(),
    };
    let q = v.questionnaire(raw, sha256);
    let mut diags = v.diags;
    if diags.is_empty() {
        Ok(q)
    } else {
        diags.sort_by_key(|d| (d.position, d.code));
        diags.dedup();
        Err(diags)
    }
}

struct Validator<'s, 'r> {
    src: &'s str,
    lines: LineIndex<'s>,
    diags: Vec<Diagnostic>,
    languages: Vec<String>,
    item_ids: HashMap<String, ItemIdx>,
    items: Vec<Item>,
    item_pos: Vec<Position>,
    option_sets: HashMap<&'r str, (&'r RawOptionSet<'r>, Position)>,
    score_ids: HashMap<String, ScoreIdx>,
}

/// Where a condition sits, which decides what it may refer to.
#[derive(Clone, Copy)]
enum Scope {
    /// `show_if` / `required_if` of the item at this index (or a section starting before it):
    /// only earlier items, and group siblings only from inside the same group.
    Before { at: usize, group: Option<ItemIdx> },
    /// Flags and safety rules: any top-level item, in any order.
    Anywhere,
}

/// The type of one side of a comparison.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum ExprType {
    Number,
    Date,
}

impl<'s, 'r> Validator<'s, 'r> {
    fn error(&mut self, code: Code, at: Position, message: impl Into<String>) -> &mut Diagnostic {
        self.diags.push(Diagnostic::new(code, at, message));
        let last = self.diags.len() - 1;
        &mut self.diags[last]
    }

    /// The position of a borrowed string in the source: its opening quote. Copied strings (ones
    /// with escapes) have no position of their own; `fallback` is used.
    fn pos(&self, s: &Str<'_>, fallback: Position) -> Position {
        let Cow::Borrowed(b) = &s.0 else {
            return fallback;
        };
        let start = self.src.as_ptr() as usize;
        let p = b.as_ptr() as usize;
        if p < start || p > start + self.src.len() {
            return fallback;
        }
        let mut offset = p - start;
        if offset > 0 && self.src.as_bytes().get(offset - 1) == Some(&b'"') {
            offset -= 1;
        }
        self.lines.position(offset)
    }

    fn text_pos(&self, t: &RawText<'_>, fallback: Position) -> Position {
        t.keys().next().map_or(fallback, |k| self.pos(k, fallback))
    }

    fn questionnaire(&mut self, raw: &'r RawQuestionnaire<'r>, sha256: String) -> Questionnaire {
        let top = Position { line: 1, col: 1 };
        let id_pos = self.pos(&raw.id, top);
        if raw.id.trim().is_empty() {
            self.error(Code::Metadata, id_pos, "questionnaire id is empty");
        }
        if !is_semver(&raw.version) {
            let at = self.pos(&raw.version, id_pos);
            self.error(
                Code::Metadata,
                at,
                format!("version `{}` is not a semantic version", raw.version),
            )
            .help = Some("write it as MAJOR.MINOR.PATCH, e.g. `1.0.0`".into());
        }
        self.languages(raw, id_pos);
        let title = self.text(&raw.title, id_pos, "questionnaire title");
        let answer_labels = self.answer_labels(raw, id_pos);

        for set in &raw.option_sets {
            let at = self.pos(&set.id, id_pos);
            if let Some((_, first)) = self.option_sets.get(set.id.as_ref()) {
                let first = *first;
                self.error(
                    Code::DuplicateId,
                    at,
                    format!("duplicate option set id `{}`", set.id),
                )
                .notes
                .push((first, "first defined here".into()));
            } else {
                self.option_sets.insert(set.id.as_ref(), (set, at));
            }
        }

        // Pass 1: every item gets its index, so pass 2 can resolve references in any direction
        // and say "comes later" rather than "unknown".
        let mut section_ids: HashMap<&str, Position> = HashMap::new();
        let mut sections = Vec::new();
        for (s, rs) in raw.sections.iter().enumerate() {
            let at = self.pos(&rs.id, id_pos);
            if let Some(first) = section_ids.get(rs.id.as_ref()) {
                let first = *first;
                self.error(
                    Code::DuplicateId,
                    at,
                    format!("duplicate section id `{}`", rs.id),
                )
                .notes
                .push((first, "first defined here".into()));
            } else {
                section_ids.insert(rs.id.as_ref(), at);
            }
            if rs.items.is_empty() {
                self.error(
                    Code::ItemKind,
                    at,
                    format!("section `{}` has no items", rs.id),
                );
            }
            let title = self.text(&rs.title, at, "section title");
            let code = rs.code.as_ref().map(coding);
            let items = rs
                .items
                .iter()
                .map(|ri| self.declare_item(ri, s, None))
                .collect();
            sections.push(Section {
                id: rs.id.to_string(),
                title,
                show_if: None,
                code,
                items,
            });
        }

        // Pass 2: conditions, now that every id is known.
        for (s, rs) in raw.sections.iter().enumerate() {
            let at = self.pos(&rs.id, id_pos);
            let first_item = sections[s].items.first().map_or(self.items.len(), |i| i.0);
            sections[s].show_if = rs.show_if.as_ref().map(|c| {
                self.condition(
                    c,
                    Scope::Before {
                        at: first_item,
                        group: None,
                    },
                    at,
                    None,
                )
            });
            for (ri, idx) in rs.items.iter().zip(sections[s].items.clone()) {
                self.item_conditions(ri, idx);
            }
        }

        let scores = raw
            .scores
            .iter()
            .enumerate()
            .map(|(n, rs)| self.score(rs, n, id_pos))
            .collect::<Vec<_>>();

        let (flags, safety) = self.rules(raw, &scores, id_pos);
        let identity = self.identity(raw, id_pos);
        let q = Questionnaire {
            id: raw.id.to_string(),
            version: raw.version.to_string(),
            languages: self.languages.clone(),
            title,
            attribution: raw.attribution.clone(),
            identity,
            answer_labels,
            sections,
            items: std::mem::take(&mut self.items),
            scores,
            flags,
            safety,
            sha256,
        };
        if self.diags.is_empty() {
            self.reachability(raw, &q);
        }
        q
    }

    fn languages(&mut self, raw: &RawQuestionnaire<'_>, id_pos: Position) {
        if raw.languages.is_empty() {
            self.error(Code::Metadata, id_pos, "no languages declared")
                .help = Some("add `languages: [\"en\"]` (the first is the default)".into());
        }
        for l in &raw.languages {
            let at = self.pos(l, id_pos);
            if !is_language_tag(l) {
                self.error(Code::Metadata, at, format!("`{l}` is not a language code"))
                    .help = Some("use a code like `en`, `es` or `es-US`".into());
            } else if self.languages.iter().any(|x| x == l.as_ref()) {
                self.error(
                    Code::DuplicateId,
                    at,
                    format!("language `{l}` declared twice"),
                );
            } else {
                self.languages.push(l.to_string());
            }
        }
    }

    fn answer_labels(&mut self, raw: &RawQuestionnaire<'_>, id_pos: Position) -> AnswerLabels {
        if let Some(l) = &raw.answer_labels {
            return AnswerLabels {
                yes: self.text(&l.yes, id_pos, "answer label"),
                no: self.text(&l.no, id_pos, "answer label"),
                not_sure: self.text(&l.not_sure, id_pos, "answer label"),
                prefer_not_to_say: self.text(&l.prefer_not_to_say, id_pos, "answer label"),
            };
        }
        let builtin = builtin_answer_labels();
        let pick = |n: usize| {
            Text(
                self.languages
                    .iter()
                    .filter_map(|l| {
                        let base = l.split('-').next().unwrap_or(l);
                        builtin.get(base).map(|t| (l.clone(), t[n].to_owned()))
                    })
                    .collect(),
            )
        };
        let labels = AnswerLabels {
            yes: pick(0),
            no: pick(1),
            not_sure: pick(2),
            prefer_not_to_say: pick(3),
        };
        for (i, l) in raw.languages.iter().enumerate() {
            let base = l.split('-').next().unwrap_or(l);
            if self.languages.get(i).is_some() && !builtin.contains_key(base) {
                let at = self.pos(l, id_pos);
                self.error(
                    Code::MissingTranslation,
                    at,
                    format!("no built-in answer labels (yes, no, not sure, prefer not to say) for `{l}`"),
                )
                .help = Some("add `answer_labels: (yes: {…}, no: {…}, not_sure: {…}, prefer_not_to_say: {…})`".into());
            }
        }
        labels
    }

    /// Checks that a text has every declared language and nothing else.
    fn text(&mut self, t: &RawText<'_>, fallback: Position, what: &str) -> Text {
        let at = self.text_pos(t, fallback);
        for (lang, value) in t.iter() {
            if !self.languages.iter().any(|l| l == lang.as_ref()) {
                let at = self.pos(lang, at);
                let langs = self.languages.join("`, `");
                self.error(
                    Code::Metadata,
                    at,
                    format!("{what} has text in `{lang}`, which is not a declared language"),
                )
                .help = Some(format!("declared languages: `{langs}`"));
            } else if value.trim().is_empty() {
                let at = self.pos(lang, at);
                self.error(
                    Code::MissingTranslation,
                    at,
                    format!("{what} is empty in `{lang}`"),
                );
            }
        }
        let mut out = Vec::new();
        for lang in self.languages.clone() {
            match t.get(lang.as_str()) {
                Some(value) => out.push((lang, value.clone())),
                None => {
                    let sample = t.values().next().map_or("", String::as_str);
                    let sample: String = sample.chars().take(40).collect();
                    self.error(
                        Code::MissingTranslation,
                        at,
                        format!("{what} \"{sample}\" has no `{lang}` translation"),
                    )
                    .help = Some(format!("add `\"{lang}\": \"…\"`"));
                }
            }
        }
        Text(out)
    }

    fn declare_item(
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
        if ri.id.trim().is_empty() {
            self.error(Code::Metadata, at, "item id is empty");
        }
        if let Some(first) = self.item_ids.get(ri.id.as_ref()) {
            let first = self.item_pos[first.0];
            self.error(
                Code::DuplicateId,
                at,
                format!("duplicate item id `{}`", ri.id),
            )
            .notes
            .push((first, "first defined here".into()));
        } else {
            self.item_ids.insert(ri.id.to_string(), idx);
        }
        let text = self.text(&ri.text, at, "question text");
        let help = ri.help.as_ref().map(|h| self.text(h, at, "help text"));
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
                options: self.options(id, options, option_set.as_ref(), at),
            },
            RawKind::Multiple {
                options,
                option_set,
                none_of_these,
            } => {
                let options = self.options(id, options, option_set.as_ref(), at);
                let none_of_these = none_of_these.as_ref().and_then(|n| {
                    let found = options.iter().position(|o| o.value == n.as_ref());
                    if found.is_none() {
                        let npos = self.pos(n, at);
                        let help = did_you_mean(n, options.iter().map(|o| o.value.as_str()));
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
                if let (Some(lo), Some(hi)) = (min, max)
                    && lo > hi
                {
                    self.error(
                        Code::BadRange,
                        at,
                        format!("`{id}` has min {lo} above max {hi}"),
                    );
                }
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
                if let (Some(lo), Some(hi)) = (min, max)
                    && lo > hi
                {
                    self.error(
                        Code::BadRange,
                        at,
                        format!("`{id}` has min {lo} above max {hi}"),
                    );
                }
                if min.is_some_and(|x| !x.is_finite()) || max.is_some_and(|x| !x.is_finite()) {
                    self.error(
                        Code::BadRange,
                        at,
                        format!("`{id}` has a range that is not a finite number"),
                    );
                }
                if *decimals > 6 {
                    self.error(
                        Code::ItemKind,
                        at,
                        format!("`{id}` asks for {decimals} decimals; at most 6 are supported"),
                    );
                }
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
                if *decimals > 6 {
                    self.error(
                        Code::ItemKind,
                        at,
                        format!("`{id}` asks for {decimals} decimals; at most 6 are supported"),
                    );
                }
                let mut out: Vec<Unit> = Vec::new();
                for u in units {
                    let upos = self.pos(&u.id, at);
                    if out.iter().any(|x| x.id == u.id.as_ref()) {
                        self.error(
                            Code::DuplicateId,
                            upos,
                            format!("unit `{}` appears twice in `{id}`", u.id),
                        );
                    }
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
        item: &str,
        inline: &'r [RawChoice<'r>],
        set: Option<&Str<'r>>,
        at: Position,
    ) -> Vec<Choice> {
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
                Some((set, _)) => &set.options,
                None => {
                    let p = self.pos(s, at);
                    let help = did_you_mean(s, self.option_sets.keys().copied());
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
        for c in raw {
            let p = self.pos(&c.value, at);
            if out.iter().any(|o| o.value == c.value.as_ref()) {
                self.error(
                    Code::DuplicateId,
                    p,
                    format!("option `{}` appears twice in `{item}`", c.value),
                );
            }
            out.push(Choice {
                value: c.value.to_string(),
                text: self.text(&c.text, p, "option text"),
                score: c.score,
                code: c.code.as_ref().map(coding),
            });
        }
        out
    }

    fn item_conditions(&mut self, ri: &'r RawItem<'r>, idx: ItemIdx) {
        let at = self.item_pos[idx.0];
        let group = self.items[idx.0].parent;
        let scope = Scope::Before { at: idx.0, group };
        let show_if = ri
            .show_if
            .as_ref()
            .map(|c| self.condition(c, scope, at, Some(idx)));
        let required_if = ri
            .required_if
            .as_ref()
            .map(|c| self.condition(c, scope, at, Some(idx)));
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
    fn item_ref(
        &mut self,
        r: &Str<'_>,
        scope: Scope,
        at: Position,
        owner: Option<ItemIdx>,
    ) -> Option<ItemIdx> {
        let p = self.pos(r, at);
        let Some(&idx) = self.item_ids.get(r.as_ref()) else {
            let help = did_you_mean(r, self.item_ids.keys().map(String::as_str));
            self.error(Code::UnknownReference, p, format!("unknown item `{r}`"))
                .help = help;
            return None;
        };
        let target_group = self.items[idx.0].parent;
        match scope {
            Scope::Before { at: here, group } => {
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

    fn condition(
        &mut self,
        c: &RawCondition<'_>,
        scope: Scope,
        at: Position,
        owner: Option<ItemIdx>,
    ) -> Condition {
        // A placeholder keeps the shape when a reference fails; the model is discarded anyway.
        let never = || Condition::Any(Vec::new());
        match c {
            RawCondition::Answered(r) => match self.item_ref(r, scope, at, owner) {
                Some(i) => Condition::Answered(i),
                None => never(),
            },
            RawCondition::Equals(r, value) => {
                let Some(i) = self.item_ref(r, scope, at, owner) else {
                    return never();
                };
                let p = self.pos(r, at);
                match self.value(i, value, p) {
                    Some(v) => Condition::Equals(i, v),
                    None => never(),
                }
            }
            RawCondition::AnyOf(r, values) => {
                let Some(i) = self.item_ref(r, scope, at, owner) else {
                    return never();
                };
                let p = self.pos(r, at);
                let item = &self.items[i.0];
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
                        let help = did_you_mean(v, options.iter().map(String::as_str));
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
            RawCondition::Lt(a, b) => self.compare(a, Cmp::Lt, b, scope, at, owner),
            RawCondition::Le(a, b) => self.compare(a, Cmp::Le, b, scope, at, owner),
            RawCondition::Gt(a, b) => self.compare(a, Cmp::Gt, b, scope, at, owner),
            RawCondition::Ge(a, b) => self.compare(a, Cmp::Ge, b, scope, at, owner),
            RawCondition::InBand(s, _) => {
                // Flags and safety rules resolve `InBand` in `rule_condition`, where band names
                // are known; here (show_if / required_if) `score_ref` reports it as misplaced.
                let _ = self.score_ref(s, scope, at);
                never()
            }
            RawCondition::All(cs) => Condition::All(
                cs.iter()
                    .map(|c| self.condition(c, scope, at, owner))
                    .collect(),
            ),
            RawCondition::Any(cs) => Condition::Any(
                cs.iter()
                    .map(|c| self.condition(c, scope, at, owner))
                    .collect(),
            ),
            RawCondition::Not(c) => Condition::Not(Box::new(self.condition(c, scope, at, owner))),
        }
    }

    fn score_ref(&mut self, s: &Str<'_>, scope: Scope, at: Position) -> Option<ScoreIdx> {
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
                let help = did_you_mean(s, self.score_ids.keys().map(String::as_str));
                self.error(Code::UnknownReference, p, format!("unknown score `{s}`"))
                    .help = help;
                None
            }
        }
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
            (RawValue::Choice(c), Kind::Single { options } | Kind::Multiple { options, .. }) => {
                if options.iter().any(|o| o.value == c.as_ref()) {
                    Some(Value::Choice(c.to_string()))
                } else {
                    let cp = self.pos(c, p);
                    let help = did_you_mean(c, options.iter().map(|o| o.value.as_str()));
                    self.error(
                        Code::UnknownChoice,
                        cp,
                        format!("`{id}` has no option `{c}`"),
                    )
                    .help = help;
                    None
                }
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
        owner: Option<ItemIdx>,
    ) -> Condition {
        let ea = self.expr(a, scope, at, owner);
        let eb = self.expr(b, scope, at, owner);
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
        owner: Option<ItemIdx>,
    ) -> Option<(Expr, ExprType, Position)> {
        match e {
            RawExpr::Number(n) => Some((Expr::Number(*n), ExprType::Number, at)),
            RawExpr::Today => Some((Expr::Today, ExprType::Date, at)),
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
                let i = self.item_ref(r, scope, at, owner)?;
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
                let (i, p) =
                    self.item_of_kind(r, scope, at, owner, "`Age` needs a date item", |k| {
                        matches!(k, Kind::Date { .. })
                    })?;
                Some((Expr::Age(i), ExprType::Number, p))
            }
            RawExpr::Count(r) => {
                let (i, p) = self.item_of_kind(
                    r,
                    scope,
                    at,
                    owner,
                    "`Count` needs a repeating group",
                    |k| matches!(k, Kind::Group { .. }),
                )?;
                Some((Expr::Count(i), ExprType::Number, p))
            }
            RawExpr::Score(s) => {
                let p = self.pos(s, at);
                let i = self.score_ref(s, scope, at)?;
                Some((Expr::Score(i), ExprType::Number, p))
            }
        }
    }

    /// Resolves a reference that must name an item of a certain kind (`Age` of a date).
    fn item_of_kind(
        &mut self,
        r: &Str<'_>,
        scope: Scope,
        at: Position,
        owner: Option<ItemIdx>,
        needs: &str,
        ok: impl Fn(&Kind) -> bool,
    ) -> Option<(ItemIdx, Position)> {
        let i = self.item_ref(r, scope, at, owner)?;
        let p = self.pos(r, at);
        let kind = &self.items[i.0].kind;
        if !ok(kind) {
            let msg = format!("{needs}, but `{r}` is {}", kind.describe());
            self.error(Code::TypeMismatch, p, msg);
            return None;
        }
        Some((i, p))
    }

    fn score(&mut self, rs: &RawScore<'_>, n: usize, fallback: Position) -> Score {
        let at = self.pos(&rs.id, fallback);
        if self.score_ids.contains_key(rs.id.as_ref()) {
            self.error(
                Code::DuplicateId,
                at,
                format!("duplicate score id `{}`", rs.id),
            );
        } else {
            self.score_ids.insert(rs.id.to_string(), ScoreIdx(n));
        }
        let mut items = Vec::new();
        let mut possible_max: u32 = 0;
        for r in &rs.items {
            let Some(i) = self.item_ref(r, Scope::Anywhere, at, None) else {
                continue;
            };
            let p = self.pos(r, at);
            let item = &self.items[i.0];
            let scored = match &item.kind {
                Kind::Single { options }
                    if !options.is_empty() && options.iter().all(|o| o.score.is_some()) =>
                {
                    options.iter().filter_map(|o| o.score).max()
                }
                _ => None,
            };
            match scored {
                Some(max) => {
                    possible_max = possible_max.saturating_add(max);
                    if items.contains(&i) {
                        self.error(
                            Code::DuplicateId,
                            p,
                            format!("`{r}` is counted twice in score `{}`", rs.id),
                        );
                    }
                    items.push(i);
                }
                None => {
                    let msg = format!(
                        "score `{}` includes `{r}`, whose answers carry no scores",
                        rs.id
                    );
                    self.error(Code::UnscoredItem, p, msg).help = Some(
                        "only single-choice items whose every option has a `score` can be summed"
                            .into(),
                    );
                }
            }
        }
        if rs.items.is_empty() {
            self.error(
                Code::ItemKind,
                at,
                format!("score `{}` has no items", rs.id),
            );
        }
        let mut bands: Vec<Band> = Vec::new();
        for b in &rs.bands {
            let bp = self.pos(&b.id, at);
            if b.min > b.max {
                self.error(
                    Code::BadRange,
                    bp,
                    format!("band `{}` has min {} above max {}", b.id, b.min, b.max),
                );
            }
            if bands.iter().any(|x| x.id == b.id.as_ref()) {
                self.error(
                    Code::DuplicateId,
                    bp,
                    format!("duplicate band id `{}`", b.id),
                );
            }
            bands.push(Band {
                id: b.id.to_string(),
                min: b.min,
                max: b.max,
                label: b.label.clone(),
            });
        }
        if !bands.is_empty() && items.len() == rs.items.len() {
            self.check_bands(&rs.id, &bands, &rs.bands, possible_max, at);
        }
        Score {
            id: rs.id.to_string(),
            title: rs.title.clone(),
            items,
            bands,
            code: rs.code.as_ref().map(coding),
        }
    }

    /// Bands must tile 0..=max possible score exactly: no gap, no overlap, nothing beyond.
    fn check_bands(
        &mut self,
        score: &str,
        bands: &[Band],
        raw: &[RawBand<'_>],
        possible_max: u32,
        at: Position,
    ) {
        let mut order: Vec<usize> = (0..bands.len()).collect();
        order.sort_by_key(|&i| (bands[i].min, bands[i].max));
        let mut expect = 0u32;
        for &i in &order {
            let b = &bands[i];
            let bp = self.pos(&raw[i].id, at);
            if b.min > expect {
                self.error(
                    Code::Bands,
                    bp,
                    format!(
                        "score `{score}` has no band for {}",
                        span(expect, b.min - 1)
                    ),
                );
            } else if b.min < expect {
                self.error(
                    Code::Bands,
                    bp,
                    format!("band `{}` overlaps the band before it at {}", b.id, b.min),
                );
            }
            expect = b.max.saturating_add(1);
        }
        if expect <= possible_max {
            self.error(
                Code::Bands,
                at,
                format!(
                    "score `{score}` has no band for {}",
                    span(expect, possible_max)
                ),
            );
        } else if expect > possible_max.saturating_add(1) {
            self.error(
                Code::Bands,
                at,
                format!(
                    "bands of `{score}` reach {}, but the highest possible total is {possible_max}",
                    expect - 1
                ),
            );
        }
    }

    fn rules(
        &mut self,
        raw: &RawQuestionnaire<'_>,
        scores: &[Score],
        top: Position,
    ) -> (Vec<Flag>, Vec<SafetyRule>) {
        // Band names for `InBand` are looked up here, where the scores exist.
        let bands: HashMap<usize, Vec<String>> = scores
            .iter()
            .enumerate()
            .map(|(i, s)| (i, s.bands.iter().map(|b| b.id.clone()).collect()))
            .collect();
        let mut seen: BTreeMap<String, Position> = BTreeMap::new();
        let mut flags = Vec::new();
        for f in &raw.flags {
            let at = self.pos(&f.id, top);
            self.unique_rule(&mut seen, &f.id, at, "flag");
            if f.text.trim().is_empty() || f.source.trim().is_empty() {
                self.error(
                    Code::Metadata,
                    at,
                    format!("flag `{}` needs a `text` and a `source`", f.id),
                );
            }
            let when = self.rule_condition(&f.when, at, &bands);
            flags.push(Flag {
                id: f.id.to_string(),
                level: match f.level {
                    RawLevel::Review => Level::Review,
                    RawLevel::Urgent => Level::Urgent,
                },
                when,
                text: f.text.clone(),
                source: f.source.clone(),
            });
        }
        let mut safety = Vec::new();
        for s in &raw.safety {
            let at = self.pos(&s.id, top);
            self.unique_rule(&mut seen, &s.id, at, "safety rule");
            let when = self.rule_condition(&s.when, at, &bands);
            safety.push(SafetyRule {
                id: s.id.to_string(),
                when,
                message: self.text(&s.message, at, "safety message"),
                alert: s.alert.clone(),
            });
        }
        (flags, safety)
    }

    fn unique_rule(
        &mut self,
        seen: &mut BTreeMap<String, Position>,
        id: &str,
        at: Position,
        what: &str,
    ) {
        if let Some(first) = seen.get(id) {
            let first = *first;
            self.error(Code::DuplicateId, at, format!("duplicate {what} id `{id}`"))
                .notes
                .push((first, "first defined here".into()));
        } else {
            seen.insert(id.to_owned(), at);
        }
    }

    fn rule_condition(
        &mut self,
        c: &RawCondition<'_>,
        at: Position,
        bands: &HashMap<usize, Vec<String>>,
    ) -> Condition {
        // `InBand` needs band names; resolve those first, then everything else as usual.
        if let RawCondition::InBand(s, band) = c {
            let Some(si) = self.score_ref(s, Scope::Anywhere, at) else {
                return Condition::Any(Vec::new());
            };
            let names = bands.get(&si.0).cloned().unwrap_or_default();
            return match names.iter().position(|b| b == band.as_ref()) {
                Some(b) => Condition::InBand(si, b),
                None => {
                    let p = self.pos(band, at);
                    let help = did_you_mean(band, names.iter().map(String::as_str));
                    self.error(
                        Code::UnknownReference,
                        p,
                        format!("score `{s}` has no band `{band}`"),
                    )
                    .help = help;
                    Condition::Any(Vec::new())
                }
            };
        }
        match c {
            RawCondition::All(cs) => Condition::All(
                cs.iter()
                    .map(|c| self.rule_condition(c, at, bands))
                    .collect(),
            ),
            RawCondition::Any(cs) => Condition::Any(
                cs.iter()
                    .map(|c| self.rule_condition(c, at, bands))
                    .collect(),
            ),
            RawCondition::Not(c) => Condition::Not(Box::new(self.rule_condition(c, at, bands))),
            _ => self.condition(c, Scope::Anywhere, at, None),
        }
    }

    fn identity(&mut self, raw: &RawQuestionnaire<'_>, top: Position) -> Vec<ItemIdx> {
        let mut out = Vec::new();
        for r in &raw.identity {
            let Some(i) = self.item_ref(r, Scope::Anywhere, top, None) else {
                continue;
            };
            if !matches!(self.items[i.0].kind, Kind::Text { .. } | Kind::Date { .. }) {
                let p = self.pos(r, top);
                let msg = format!(
                    "identity item `{r}` is {}; identity items are text or dates",
                    self.items[i.0].kind.describe()
                );
                self.error(Code::TypeMismatch, p, msg);
                continue;
            }
            out.push(i);
        }
        out
    }

    /// Items that can never be shown and flags that can never be raised, where a simple
    /// analysis can tell: conditions on items that are never shown, numbers outside an item's
    /// range, contradictory `All`s, empty `Any`s. Runs only on an otherwise clean questionnaire.
    fn reachability(&mut self, raw: &RawQuestionnaire<'_>, q: &Questionnaire) {
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
        for (f, raw_f) in q.flags.iter().zip(&raw.flags) {
            if !can_be_true(q, &f.when, &never) {
                let at = self.pos(&raw_f.id, Position::default());
                self.error(
                    Code::Unreachable,
                    at,
                    format!(
                        "flag `{}` can never be raised: its `when` is never true",
                        f.id
                    ),
                );
            }
        }
        for (s, raw_s) in q.safety.iter().zip(&raw.safety) {
            if !can_be_true(q, &s.when, &never) {
                let at = self.pos(&raw_s.id, Position::default());
                self.error(
                    Code::Unreachable,
                    at,
                    format!(
                        "safety rule `{}` can never fire: its `when` is never true",
                        s.id
                    ),
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

/// "3" or "3–5".
fn span(lo: u32, hi: u32) -> String {
    if lo == hi {
        lo.to_string()
    } else {
        format!("{lo}–{hi}")
    }
}

fn coding(c: &RawCode<'_>) -> Coding {
    Coding {
        system: c.system.to_string(),
        code: c.code.to_string(),
        display: c.display.clone(),
    }
}

pub(crate) fn parse_date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

fn is_semver(v: &str) -> bool {
    let core = v.split(['-', '+']).next().unwrap_or("");
    let parts: Vec<&str> = core.split('.').collect();
    parts.len() == 3
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.bytes().all(|b| b.is_ascii_digit())
                && (p.len() == 1 || !p.starts_with('0'))
        })
}

fn is_language_tag(l: &str) -> bool {
    let mut parts = l.split('-');
    let primary = parts.next().unwrap_or("");
    (2..=3).contains(&primary.len())
        && primary.bytes().all(|b| b.is_ascii_lowercase())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn semver() {
        assert!(is_semver("1.0.0"));
        assert!(is_semver("2.10.3-rc.1"));
        assert!(!is_semver("1.0"));
        assert!(!is_semver("01.0.0"));
        assert!(!is_semver("a.b.c"));
    }

    #[test]
    fn language_tags() {
        assert!(is_language_tag("en"));
        assert!(is_language_tag("es-US"));
        assert!(!is_language_tag("English"));
        assert!(!is_language_tag(""));
    }
}
