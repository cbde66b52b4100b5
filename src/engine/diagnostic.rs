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
}

impl Code {
    /// Every code, in order: used by `docs/diagnostics.md` and its test.
    pub const ALL: [Code; 18] = [
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

    /// The same answer as [`Position::of_offset`].
    pub fn position(&self, offset: usize) -> Position {
        let mut offset = offset.min(self.src.len());
        while !self.src.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= offset);
        let start = self.starts[line - 1];
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

/// Renders all diagnostics, one block each, separated by newlines.
pub fn render_all(diagnostics: &[Diagnostic], path: &str) -> String {
    let mut out = String::new();
    for d in diagnostics {
        out.push_str(&d.render(path));
        out.push('\n');
    }
    out
}

/// "did you mean `smoker`?" for the closest known name, when one is close enough to be a typo.
pub fn did_you_mean<'a>(wrong: &str, names: impl IntoIterator<Item = &'a str>) -> Option<String> {
    let mut best: Option<(f64, &str)> = None;
    for name in names {
        let score = strsim::jaro_winkler(wrong, name);
        if score > 0.8 && best.is_none_or(|(s, _)| score > s) {
            best = Some((score, name));
        }
    }
    best.map(|(_, c)| format!("did you mean `{c}`?"))
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
}
