//! Diagnostics: what the loader says about a questionnaire, in the author's coordinates.
//!
//! Every problem carries a stable code (`Q001` …, listed in `docs/diagnostics.md`), a position in
//! the source text, a message, and optionally a `help:` line (a fix) and `note:` lines pointing at
//! related places (the first definition of a duplicate id). Rendering follows rustc:
//!
//! ```text
//! questionnaires/x.ron:41:17: error[Q005]: `show_if` refers to unknown item `smokr`
//!   help: did you mean `smoker`?
//! ```

use std::fmt;

/// A stable diagnostic code. The numbers never change meaning; retired codes are not reused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Code {
    /// The file is not RON: syntax error, unexpected end, not UTF-8, empty.
    Syntax,
    /// RON is well formed but a value has the wrong type or a field is missing.
    Type,
    /// A field the format does not know.
    UnknownField,
    /// Two things of the same kind share an id.
    DuplicateId,
    /// A reference names an item, score, band, option set or group that does not exist.
    UnknownReference,
    /// A comparison or `Equals` whose two sides cannot be compared (a number against a yes/no).
    TypeMismatch,
    /// A choice value that the item does not offer.
    UnknownChoice,
    /// A condition refers to its own item or to an item that comes later.
    ForwardReference,
    /// A range whose minimum is above its maximum, or a value outside an item's range.
    BadRange,
    /// A score over an item whose answers carry no scores.
    UnscoredItem,
    /// A patient-facing string lacks a translation for a declared language.
    MissingTranslation,
    /// An item that can never be shown, or a flag or safety rule that can never be raised.
    Unreachable,
    /// Metadata problems: version not semver, no languages, unknown language code in a text.
    Metadata,
    /// Bands of a score overlap, leave gaps, or fall outside the score's possible range.
    Bands,
    /// An item kind set up inconsistently (no options, duplicate option values, bad date).
    ItemKind,
    /// A reference into a repeating group from outside it (use `Count` instead).
    GroupScope,
    /// The file is larger than the loader accepts.
    TooLarge,
    /// A warning: wording that reads as a treatment decision (eligible, contraindicated …).
    VerdictWording,
    /// Patient-visible text holding a control character (a tab, a bell, an escape …).
    ControlCharacter,
}

impl Code {
    /// Every code, in order: used by `docs/diagnostics.md` and its test.
    pub const ALL: [Code; 19] = [
        Code::Syntax,
        Code::Type,
        Code::UnknownField,
        Code::DuplicateId,
        Code::UnknownReference,
        Code::TypeMismatch,
        Code::UnknownChoice,
        Code::ForwardReference,
        Code::BadRange,
        Code::UnscoredItem,
        Code::MissingTranslation,
        Code::Unreachable,
        Code::Metadata,
        Code::Bands,
        Code::ItemKind,
        Code::GroupScope,
        Code::TooLarge,
        Code::VerdictWording,
        Code::ControlCharacter,
    ];

    /// The stable `Qnnn` form.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::Syntax => "Q001",
            Code::Type => "Q002",
            Code::UnknownField => "Q003",
            Code::DuplicateId => "Q004",
            Code::UnknownReference => "Q005",
            Code::TypeMismatch => "Q006",
            Code::UnknownChoice => "Q007",
            Code::ForwardReference => "Q008",
            Code::BadRange => "Q009",
            Code::UnscoredItem => "Q010",
            Code::MissingTranslation => "Q011",
            Code::Unreachable => "Q012",
            Code::Metadata => "Q013",
            Code::Bands => "Q014",
            Code::ItemKind => "Q015",
            Code::GroupScope => "Q016",
            Code::TooLarge => "Q017",
            Code::VerdictWording => "Q018",
            Code::ControlCharacter => "Q019",
        }
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A 1-based line and column (columns count characters, as RON's own errors do).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Position {
    pub line: usize,
    pub col: usize,
}

impl Position {
    /// The position of byte `offset` in `src`. An offset past the end clamps to the end.
    pub fn of_offset(src: &str, offset: usize) -> Position {
        let mut offset = offset.min(src.len());
        while !src.is_char_boundary(offset) {
            offset -= 1;
        }
        let before = &src[..offset];
        let line = 1 + before.bytes().filter(|&b| b == b'\n').count();
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let col = 1 + before[line_start..].chars().count();
        Position { line, col }
    }
}

/// Line starts of a source text, for turning many byte offsets into positions cheaply
/// (a binary search and a count within one line, instead of a scan from the start).
pub struct LineIndex<'s> {
    src: &'s str,
    starts: Vec<usize>,
}

impl<'s> LineIndex<'s> {
    pub fn new(src: &'s str) -> Self {
        let starts = std::iter::once(0)
            .chain(
                src.bytes()
                    .enumerate()
                    .filter(|(_, b)| *b == b'\n')
                    .map(|(i, _)| i + 1),
            )
            .collect();
        LineIndex { src, starts }
    }

    /// The same answer as [`Position::of_offset`], except that a leading byte-order mark takes
    /// no column.
    pub fn position(&self, offset: usize) -> Position {
        let mut offset = offset.min(self.src.len());
        while !self.src.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= offset);
        let mut start = self.starts[line - 1];
        // Editors do not show a byte-order mark: it takes no column.
        if start == 0 && offset >= 3 && self.src.starts_with('\u{FEFF}') {
            start = 3;
        }
        let col = 1 + self.src[start..offset].chars().count();
        Position { line, col }
    }
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.col)
    }
}

/// One problem found in a questionnaire.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Errors stop a questionnaire loading; warnings are reported by `prescreen check` only.
    pub severity: Severity,
    pub code: Code,
    pub position: Position,
    pub message: String,
    /// A suggested fix, printed as `help: …`.
    pub help: Option<String>,
    /// Related places, printed as `note: path:line:col: …`.
    pub notes: Vec<(Position, String)>,
}

/// How serious a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum Severity {
    #[default]
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

impl Diagnostic {
    /// An error: the questionnaire does not load.
    pub fn new(code: Code, position: Position, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            code,
            position,
            message: message.into(),
            help: None,
            notes: Vec::new(),
        }
    }

    /// A warning: reported, but the questionnaire still loads.
    pub fn warning(code: Code, position: Position, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::new(code, position, message)
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn with_note(mut self, position: Position, note: impl Into<String>) -> Self {
        self.notes.push((position, note.into()));
        self
    }

    /// Renders the diagnostic for a file shown as `path`.
    pub fn render(&self, path: &str) -> String {
        let mut out = format!(
            "{path}:{}: {}[{}]: {}",
            self.position,
            self.severity.as_str(),
            self.code,
            self.message
        );
        for (position, note) in &self.notes {
            out.push_str(&format!("\n  note: {path}:{position}: {note}"));
        }
        if let Some(help) = &self.help {
            out.push_str(&format!("\n  help: {help}"));
        }
        out
    }
}

/// At most this many diagnostics are rendered; the rest are counted in one last line. A file
/// with 20,000 misspelled references would otherwise print 40,000 lines, and the first few
/// problems are the ones an author fixes first (the rest are often the same mistake).
pub const MAX_SHOWN: usize = 50;

/// Renders the diagnostics, one block each, separated by newlines: the first [`MAX_SHOWN`],
/// then `… and N more` when there are more.
pub fn render_all(diagnostics: &[Diagnostic], path: &str) -> String {
    let mut out = String::new();
    for d in diagnostics.iter().take(MAX_SHOWN) {
        out.push_str(&d.render(path));
        out.push('\n');
    }
    if let Some(more) = diagnostics.len().checked_sub(MAX_SHOWN).filter(|&n| n > 0) {
        out.push_str(&format!("{path}: … and {more} more\n"));
    }
    out
}

/// Below this score (Jaro–Winkler, 0 to 1) a name is not offered as a suggestion.
const CLOSE_ENOUGH: f64 = 0.8;

/// "did you mean `smoker`?" for the closest known name, when one is close enough to be a typo.
///
/// Compares `wrong` with every name: for the short, fixed lists of the format (fields, kinds).
/// Lists that grow with the file go through a [`Suggester`] and a [`Budget`].
pub fn did_you_mean<'a>(wrong: &str, names: impl IntoIterator<Item = &'a str>) -> Option<String> {
    closest(wrong, names).map(|c| format!("did you mean `{c}`?"))
}

/// The name [`did_you_mean`] would suggest.
pub fn closest<'a>(wrong: &str, names: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    closest_within(wrong, names, &mut Budget::unlimited())
}

/// [`did_you_mean`] that stops comparing when the budget is spent (keeping the best so far).
pub fn did_you_mean_within<'a>(
    wrong: &str,
    names: impl IntoIterator<Item = &'a str>,
    budget: &mut Budget,
) -> Option<String> {
    closest_within(wrong, names, budget).map(|c| format!("did you mean `{c}`?"))
}

fn closest_within<'a>(
    wrong: &str,
    names: impl IntoIterator<Item = &'a str>,
    budget: &mut Budget,
) -> Option<&'a str> {
    let mut best: Option<(f64, &str)> = None;
    for name in names {
        if !budget.spend() {
            break;
        }
        let score = strsim::jaro_winkler(wrong, name);
        if score > CLOSE_ENOUGH && best.is_none_or(|(s, _)| score > s) {
            best = Some((score, name));
        }
    }
    best.map(|(_, c)| c)
}

/// How many name comparisons suggestions may still make in one file.
///
/// Comparing each of n wrong names with each of n right ones is n² work (20,000 misspelled
/// references in a 2 MB file took minutes). A budget bounds the full comparisons; past it a
/// [`Suggester`] still finds one-typo neighbours through its index, at a cost per lookup that
/// does not grow with the file.
#[derive(Debug, Clone)]
pub struct Budget {
    left: usize,
    used: usize,
}

impl Budget {
    /// Enough for a thousand full lookups in a 200-item questionnaire.
    pub const PER_FILE: usize = 200_000;

    pub fn new(comparisons: usize) -> Self {
        Budget {
            left: comparisons,
            used: 0,
        }
    }

    fn unlimited() -> Self {
        Budget::new(usize::MAX)
    }

    /// Takes one comparison; `false` when none are left.
    fn spend(&mut self) -> bool {
        if self.left == 0 {
            return false;
        }
        self.left -= 1;
        self.used += 1;
        true
    }

    /// Comparisons made so far.
    pub fn used(&self) -> usize {
        self.used
    }
}

impl Default for Budget {
    fn default() -> Self {
        Budget::new(Budget::PER_FILE)
    }
}

/// Names longer than this (in bytes) are left out of the typo index: deleting each character of
/// a long name costs its length squared, and nobody misspells a 64-character id.
const INDEXED_LEN: usize = 64;
/// At most this many names are checked under one index key (a key shared by many names, such as
/// `q1` for `q10` … `q19`, would otherwise cost as much as a full scan).
const PER_KEY: usize = 16;

/// Suggestions from one list of names (item ids, score ids …), for many lookups.
///
/// A lookup compares the wrong name with every name while the [`Budget`] lasts. Past that, it
/// looks in an index of every name under each of its one-character deletions (the
/// "symmetric delete" trick): a name one insertion, deletion, substitution or swap away from the
/// wrong one shares a key with it, so only those few candidates are compared.
pub struct Suggester {
    names: Vec<Box<str>>,
    index: std::cell::OnceCell<std::collections::HashMap<u64, Vec<u32>>>,
}

impl Suggester {
    pub fn new<'a>(names: impl IntoIterator<Item = &'a str>) -> Self {
        Suggester {
            names: names.into_iter().map(Box::from).collect(),
            index: std::cell::OnceCell::new(),
        }
    }

    /// "did you mean …?" for `wrong`, or `None` when no name is close.
    pub fn suggest(&self, wrong: &str, budget: &mut Budget) -> Option<String> {
        if self.names.len() <= budget.left {
            return did_you_mean_within(wrong, self.names.iter().map(|n| &**n), budget);
        }
        if wrong.len() > INDEXED_LEN {
            return None;
        }
        let index = self.index.get_or_init(|| {
            let mut index: std::collections::HashMap<u64, Vec<u32>> =
                std::collections::HashMap::new();
            for (n, name) in self.names.iter().enumerate() {
                if name.len() > INDEXED_LEN {
                    continue;
                }
                for key in deletion_keys(name) {
                    let list = index.entry(key).or_default();
                    if list.last() != Some(&(n as u32)) {
                        list.push(n as u32);
                    }
                }
            }
            index
        });
        let mut candidates: Vec<u32> = deletion_keys(wrong)
            .filter_map(|k| index.get(&k))
            .flat_map(|list| list.iter().take(PER_KEY).copied())
            .collect();
        candidates.sort_unstable();
        candidates.dedup();
        // Index lookups are cheap and bounded, so they are counted but never refused.
        budget.used += candidates.len();
        let names = candidates.iter().map(|&n| &*self.names[n as usize]);
        did_you_mean(wrong, names)
    }
}

/// Hashes of `s` and of `s` with each one character deleted.
fn deletion_keys(s: &str) -> impl Iterator<Item = u64> + '_ {
    use std::hash::{BuildHasher, Hasher};
    let state =
        std::hash::BuildHasherDefault::<std::collections::hash_map::DefaultHasher>::default();
    let hash = move |a: &str, b: &str| {
        let mut h = state.build_hasher();
        h.write(a.as_bytes());
        h.write(b.as_bytes());
        h.finish()
    };
    std::iter::once(hash(s, "")).chain(
        s.char_indices()
            .map(move |(i, c)| hash(&s[..i], &s[i + c.len_utf8()..])),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_characters_from_one() {
        let src = "ab\nñé(x";
        assert_eq!(Position::of_offset(src, 0), Position { line: 1, col: 1 });
        assert_eq!(Position::of_offset(src, 3), Position { line: 2, col: 1 });
        let x = src.find('x').unwrap_or_default();
        assert_eq!(Position::of_offset(src, x), Position { line: 2, col: 4 });
    }

    #[test]
    fn line_index_agrees_with_a_scan() {
        let src = "ab\nñé(x\n\nlast";
        let index = LineIndex::new(src);
        for offset in 0..=src.len() + 2 {
            assert_eq!(
                index.position(offset),
                Position::of_offset(src, offset),
                "offset {offset}"
            );
        }
    }

    #[test]
    fn codes_are_distinct() {
        let mut seen: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
        seen.sort_unstable();
        seen.dedup();
        assert_eq!(seen.len(), Code::ALL.len());
    }

    #[test]
    fn suggests_close_names_only() {
        let names = ["smoker", "pregnant", "dob"];
        assert_eq!(
            did_you_mean("smokr", names).as_deref(),
            Some("did you mean `smoker`?")
        );
        assert_eq!(did_you_mean("zzzz", names), None);
    }

    #[test]
    fn rendering_stops_after_max_shown_and_counts_the_rest() {
        let d = Diagnostic::new(Code::Syntax, Position { line: 1, col: 1 }, "x").with_help("h");
        let many = vec![d; MAX_SHOWN + 7];
        let out = render_all(&many, "f.ron");
        assert_eq!(out.matches("error[Q001]").count(), MAX_SHOWN);
        assert!(out.ends_with("f.ron: … and 7 more\n"), "{out}");
        let exact = render_all(&many[..MAX_SHOWN], "f.ron");
        assert!(!exact.contains("more"), "{exact}");
    }

    #[test]
    fn suggestions_in_a_huge_list_still_find_one_typo_neighbours() {
        let names: Vec<String> = (0..20_000).map(|i| format!("item_{i:05}")).collect();
        let s = Suggester::new(names.iter().map(String::as_str));
        let mut budget = Budget::default();
        for i in 0..20_000 {
            let wrong = format!("itme_{i:05}");
            let want = format!("did you mean `item_{i:05}`?");
            assert_eq!(s.suggest(&wrong, &mut budget).as_deref(), Some(&*want));
        }
        // Ten full scans fit the budget; the other 19,990 lookups use the index, which offers
        // a handful of candidates (at most PER_KEY under each of 11 keys).
        assert!(budget.used() <= Budget::PER_FILE + 19_990 * 11 * PER_KEY);
        assert!(budget.used() < 20_000 * 20_000 / 50, "{}", budget.used());
    }

    #[test]
    fn a_scan_stops_when_the_budget_is_spent() {
        let names: Vec<String> = (0..1000).map(|i| format!("n{i}")).collect();
        let mut budget = Budget::new(10);
        did_you_mean_within("n999", names.iter().map(String::as_str), &mut budget);
        assert_eq!(budget.used(), 10);
        assert_eq!(
            did_you_mean_within("n9", names.iter().map(String::as_str), &mut budget),
            None
        );
    }
}
