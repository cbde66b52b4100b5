//! Validation: raw structs → resolved [`Questionnaire`], collecting every problem in one pass.
//!
//! The validator never stops at the first problem: an author fixing a questionnaire should see
//! all of them at once. It returns the model only when there are no diagnostics at all, so a
//! questionnaire that loads cannot fail at run time (a kiosk never meets a dangling reference).
//!
//! Positions come from the borrowed `Cow` strings in the raw structs (see [`super::raw`]): the
//! offset of a reference inside the source text is its position. Where a string had escapes and
//! was copied, the nearest enclosing id's position is used instead.
//!
//! The checks are grouped by what they look at, one module each: [`meta`] (metadata, languages,
//! texts), [`items`] (items and their kinds), [`conditions`] (references inside conditions),
//! [`scores`] (scores and bands), [`rules`] (flags, safety rules, identity) and [`reach`] (what
//! can never be shown or raised). This module holds the flow that runs them in order and the
//! position helpers they share.

mod conditions;
mod items;
mod meta;
mod reach;
mod rules;
mod scores;
mod wording;

pub(crate) use wording::verdict_warnings;

use std::borrow::Cow;
use std::collections::HashMap;
use std::collections::hash_map::Entry;

use chrono::NaiveDate;

use super::diagnostic::{Budget, Code, Diagnostic, LineIndex, Position, Suggester};
use super::model::*;
use super::raw::*;

/// Validates `raw`, read from `src`. Positions are counted in `file`, the text as written: the
/// same bytes as `src` except for what the loader blanked out before reading (a byte-order
/// mark, fields already reported), which changes no offset.
pub(crate) fn validate(
    src: &str,
    file: &str,
    raw: &RawQuestionnaire<'_>,
    sha256: String,
) -> Result<Questionnaire, Vec<Diagnostic>> {
    let mut v = Validator {
        src,
        lines: LineIndex::new(file),
        diags: Vec::new(),
        languages: Vec::new(),
        item_ids: HashMap::new(),
        items: Vec::new(),
        item_pos: Vec::new(),
        option_sets: HashMap::new(),
        score_ids: HashMap::new(),
        scores: Vec::new(),
        budget: Budget::default(),
        item_names: Suggester::new([]),
        score_names: Suggester::new([]),
        option_set_names: Suggester::new([]),
        language_uses: HashMap::new(),
        unresolved: Vec::new(),
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

/// One validation run: the source (for positions), the diagnostics so far, and the tables that
/// later checks resolve references against.
struct Validator<'s, 'r> {
    src: &'s str,
    lines: LineIndex<'s>,
    diags: Vec<Diagnostic>,
    /// The declared languages that are valid, each once, in order (the first is the default).
    languages: Vec<String>,
    /// Each item id to the first item with it; filled once every item is declared.
    item_ids: HashMap<String, ItemIdx>,
    items: Vec<Item>,
    /// Where each item's id stands in the source, by item index.
    item_pos: Vec<Position>,
    /// Each option set by id; `None` for an id defined twice (which one an item means is unknown).
    option_sets: HashMap<&'r str, Option<&'r RawOptionSet<'r>>>,
    score_ids: HashMap<String, ScoreIdx>,
    /// Resolved before flags and safety rules, whose `InBand` conditions name their bands.
    scores: Vec<Score>,
    /// Comparisons left for "did you mean" in this file, shared by every lookup.
    budget: Budget,
    /// Suggestions for unknown item, score and option set names, each built once.
    item_names: Suggester,
    score_names: Suggester,
    option_set_names: Suggester,
    /// Languages already reported, with the texts that use them (one error each, not one per text).
    language_uses: HashMap<String, meta::LanguageUses>,
    /// Items whose options are unknown because their option set is missing or defined twice:
    /// conditions and scores on them are not checked, since any error would be a guess.
    unresolved: Vec<bool>,
}

/// Where a condition sits, which decides what it may refer to.
#[derive(Clone, Copy)]
enum Scope {
    /// `show_if` / `required_if` of the item `owner` at index `at`, or of a section (no owner)
    /// whose first item is at `at`: only items before `at`, and group siblings only from inside
    /// the same group. The owner's own id is reported as a cycle rather than as coming later.
    Before {
        at: usize,
        group: Option<ItemIdx>,
        owner: Option<ItemIdx>,
    },
    /// Flags and safety rules: any item outside a repeating group, in any order, and scores.
    /// The item lists of scores and identity are resolved in this scope too.
    Anywhere,
}

/// What appears twice, for the duplicate's message and note.
#[derive(Clone, Copy)]
enum Duplicate<'a> {
    Language,
    OptionSet,
    Section,
    /// Item ids are unique across the whole questionnaire, groups included.
    Item,
    /// An option value within the named item.
    Option(&'a str),
    /// A unit within the named measure item.
    Unit(&'a str),
    Score,
    /// An item listed twice in the named score.
    Counted(&'a str),
    Band,
    /// Flags and safety rules share one id space.
    Flag,
    SafetyRule,
}

impl Duplicate<'_> {
    fn message(self, id: &str) -> String {
        match self {
            Duplicate::Language => format!("language `{id}` declared twice"),
            Duplicate::OptionSet => format!("duplicate option set id `{id}`"),
            Duplicate::Section => format!("duplicate section id `{id}`"),
            Duplicate::Item => format!("duplicate item id `{id}`"),
            Duplicate::Option(item) => format!("option `{id}` appears twice in `{item}`"),
            Duplicate::Unit(item) => format!("unit `{id}` appears twice in `{item}`"),
            Duplicate::Score => format!("duplicate score id `{id}`"),
            Duplicate::Counted(score) => format!("`{id}` is counted twice in score `{score}`"),
            Duplicate::Band => format!("duplicate band id `{id}`"),
            Duplicate::Flag => format!("duplicate flag id `{id}`"),
            Duplicate::SafetyRule => format!("duplicate safety rule id `{id}`"),
        }
    }

    /// The note at the first place.
    fn first(self) -> &'static str {
        match self {
            Duplicate::Language => "first declared here",
            Duplicate::Counted(_) => "first counted here",
            _ => "first defined here",
        }
    }
}

impl<'r> Validator<'_, 'r> {
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

    /// The position of byte `byte` inside a borrowed string, or `fallback` for a copied one.
    fn pos_within(&self, s: &Str<'_>, byte: usize, fallback: Position) -> Position {
        let Cow::Borrowed(b) = &s.0 else {
            return fallback;
        };
        let start = self.src.as_ptr() as usize;
        let p = b.as_ptr() as usize;
        if p < start || p + byte > start + self.src.len() {
            return fallback;
        }
        self.lines.position(p - start + byte)
    }

    /// Records `id` as seen at `at`; if it was seen before, reports the duplicate at `at` with a
    /// note at the first place, so the author sees both. Returns whether `id` is new: where an id
    /// is looked up later, the first definition is the one it names.
    fn unique<'k>(
        &mut self,
        seen: &mut HashMap<&'k str, Position>,
        id: &'k str,
        at: Position,
        what: Duplicate<'_>,
    ) -> bool {
        match seen.entry(id) {
            Entry::Vacant(e) => {
                e.insert(at);
                true
            }
            Entry::Occupied(e) => {
                let first = *e.get();
                self.error(Code::DuplicateId, at, what.message(id))
                    .notes
                    .push((first, what.first().into()));
                false
            }
        }
    }

    /// Ids of items, sections and scores become FHIR `linkId`s, answers-file keys and parts of
    /// names such as `section:<id>`: only characters that are safe in all of them are allowed,
    /// so that no item id can equal another thing's `linkId` (an item `section:mood` and the
    /// section `mood`).
    fn check_id(&mut self, what: &str, id: &str, at: Position) {
        if id.trim().is_empty() {
            self.error(Code::Metadata, at, format!("{what} id is empty"));
            return;
        }
        let Some(bad) = id.chars().find(|&c| !is_id_char(c)) else {
            return;
        };
        let shown = if bad == ' ' {
            "a space".to_owned()
        } else if bad.is_control() || bad.is_whitespace() {
            format!("U+{:04X}", u32::from(bad))
        } else {
            format!("`{bad}`")
        };
        self.error(
            Code::Metadata,
            at,
            format!("{what} id `{}` contains {shown}", id.escape_debug()),
        )
        .help = Some(ID_CHARS.into());
    }

    fn text_pos(&self, t: &RawText<'_>, fallback: Position) -> Position {
        t.keys().next().map_or(fallback, |k| self.pos(k, fallback))
    }

    fn questionnaire(&mut self, raw: &'r RawQuestionnaire<'r>, sha256: String) -> Questionnaire {
        let top = Position { line: 1, col: 1 };
        let id_pos = self.pos(&raw.id, top);
        self.metadata(raw, id_pos);
        self.languages(raw, id_pos);
        let title = self.text(&raw.title, id_pos, "questionnaire title");
        let answer_labels = self.answer_labels(raw, id_pos);

        self.option_sets(raw, id_pos);

        // Pass 1: every item gets its index, so pass 2 can resolve references in any direction
        // and say "comes later" rather than "unknown".
        let mut section_ids = HashMap::new();
        let mut sections = Vec::new();
        for (s, rs) in raw.sections.iter().enumerate() {
            let at = self.pos(&rs.id, id_pos);
            self.check_id("section", &rs.id, at);
            self.unique(&mut section_ids, &rs.id, at, Duplicate::Section);
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

        self.item_ids();

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
                        owner: None,
                    },
                    at,
                )
            });
            for (ri, idx) in rs.items.iter().zip(sections[s].items.clone()) {
                self.item_conditions(ri, idx);
            }
        }

        self.scores(raw, id_pos);

        let (flags, safety, text_screens) = self.rules(raw, id_pos);
        let identity = self.identity(raw, id_pos);
        self.note_language_uses();
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
            scores: std::mem::take(&mut self.scores),
            flags,
            safety,
            text_screens,
            sha256,
        };
        if self.diags.is_empty() {
            self.reachability(raw, &q);
        }
        q
    }
}

/// What an id may contain, for the help line.
const ID_CHARS: &str =
    "ids may contain only the letters A–Z and a–z, the digits 0–9, `_`, `-` and `.`";

fn is_id_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.')
}

/// A code as the model stores it; codes are not checked against their coding system.
fn coding(c: &RawCode<'_>) -> Coding {
    Coding {
        system: c.system.to_string(),
        code: c.code.to_string(),
        display: c.display.clone(),
    }
}

/// Dates in a questionnaire are written `YYYY-MM-DD`.
fn parse_date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}
