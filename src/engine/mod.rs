//! The questionnaire engine: load, validate, walk, score, flag, summarize.
//!
//! No GUI here, and no file IO outside the loaders, which read through [`crate::storage`]: the kiosk, the review window
//! and every exporter are views over these types. A test fails if this folder mentions the GUI
//! toolkit.
//!
//! The flow: [`Questionnaire::load`] parses RON into the `raw` structs, then `validate` resolves
//! them into the [`model`] and collects every [`Diagnostic`]. A [`Session`] walks a loaded
//! questionnaire; [`Summary::build`] turns a finished session into the clinician's record.

pub mod answer;
pub mod answers_file;
pub mod diagnostic;
pub mod eval;
pub mod model;
mod raw;
pub mod recheck;
pub mod screen;
pub mod session;
pub mod summary;
mod validate;

use std::path::Path;

use crate::storage::{ReadError, read_bounded, sha256_hex};

pub use answer::{Answer, Entry, Invalid};
pub use diagnostic::{Code, Diagnostic, Position};
pub use model::{BandIdx, ItemIdx, Kind, Level, Questionnaire, RuleIdx, ScoreIdx, SectionIdx};
pub use session::{Alert, Clock, Cursor, FixedClock, Session, SystemClock};
pub use summary::{Integrity, Summary, SummaryError, UrgentAlert};

/// Questionnaire files larger than this are refused before parsing (the ketamine-candidacy
/// questionnaire is well under 200 KiB; a generated 10,000-item one about 2 MiB).
pub const MAX_QUESTIONNAIRE_BYTES: u64 = 16 * 1024 * 1024;

/// Why a questionnaire file did not load.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The file could not be read at all (missing, no permission, not a regular file).
    #[error("cannot read {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: ReadError,
    },
    /// The file was read and has problems; each has a position.
    #[error("{}", diagnostic::render_all(.diagnostics, .path).trim_end())]
    Invalid {
        path: String,
        diagnostics: Vec<Diagnostic>,
    },
}

/// Warnings about a questionnaire's text (Q018 verdict wording), for `prescreen check`. They
/// never stop a questionnaire loading. Text that is not UTF-8 has none (it does not load).
pub fn warnings(bytes: &[u8]) -> Vec<Diagnostic> {
    std::str::from_utf8(bytes).map_or_else(|_| Vec::new(), validate::verdict_warnings)
}

/// [`warnings`] of a file, read as the loader reads it.
pub fn warnings_in(path: &Path) -> Vec<Diagnostic> {
    read_bounded(path, MAX_QUESTIONNAIRE_BYTES).map_or_else(|_| Vec::new(), |b| warnings(&b))
}

impl Questionnaire {
    /// Reads and validates a questionnaire file.
    pub fn load(path: &Path) -> Result<Questionnaire, LoadError> {
        let shown = path.display().to_string();
        let bytes = match read_bounded(path, MAX_QUESTIONNAIRE_BYTES) {
            Ok(bytes) => bytes,
            Err(ReadError::TooLarge { size, limit }) => {
                return Err(LoadError::Invalid {
                    path: shown,
                    diagnostics: vec![Diagnostic::new(
                        Code::TooLarge,
                        Position { line: 1, col: 1 },
                        format!(
                            "file is {size} bytes; questionnaires larger than {limit} bytes are refused"
                        ),
                    )],
                });
            }
            Err(source) => {
                return Err(LoadError::Io {
                    path: shown,
                    source,
                });
            }
        };
        Questionnaire::from_bytes(&bytes).map_err(|diagnostics| LoadError::Invalid {
            path: shown,
            diagnostics,
        })
    }

    /// Parses and validates questionnaire text. The SHA-256 is of exactly these bytes.
    pub fn from_bytes(bytes: &[u8]) -> Result<Questionnaire, Vec<Diagnostic>> {
        let src = match std::str::from_utf8(bytes) {
            Ok(s) => s,
            Err(e) => {
                let valid = std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or("");
                return Err(vec![
                    Diagnostic::new(
                        Code::Syntax,
                        Position::of_offset(valid, valid.len()),
                        format!(
                            "not UTF-8 text (invalid byte at offset {})",
                            e.valid_up_to()
                        ),
                    )
                    .with_help("questionnaires are RON text files saved as UTF-8"),
                ]);
            }
        };
        if src.trim().is_empty() {
            return Err(vec![Diagnostic::new(
                Code::Syntax,
                Position { line: 1, col: 1 },
                "the file is empty",
            )
            .with_help("a questionnaire starts with `Questionnaire(` — see docs/questionnaire-format.md")]);
        }
        let sha256 = sha256_hex(bytes);
        let mut diags = Vec::new();
        // The text RON reads: the file with what has been reported blanked out, byte for byte,
        // so that every offset (and so every position) is the file's own.
        let mut text = src.to_owned();
        if src.starts_with('\u{FEFF}') {
            diags.push(
                Diagnostic::new(
                    Code::Syntax,
                    Position { line: 1, col: 1 },
                    "the file starts with a byte-order mark (an invisible U+FEFF before `Questionnaire(`)",
                )
                .with_help("save it as UTF-8 without BOM (most editors offer this under Save As → Encoding)"),
            );
            text.replace_range(..'\u{FEFF}'.len_utf8(), "   ");
        }
        // A field RON does not know (or a field given twice) is reported and blanked, and the
        // file read again, so that one typo does not hide every other problem. Other syntax
        // errors stop here: what follows them cannot be read reliably.
        let mut recovered = 0;
        let mut meant: Vec<String> = Vec::new();
        loop {
            let e = match ron_options().from_str::<raw::RawQuestionnaire<'_>>(&text) {
                Ok(raw) => {
                    return match validate::validate(&text, src, &raw, sha256) {
                        Ok(q) if diags.is_empty() => Ok(q),
                        Ok(_) => Err(diags),
                        Err(more) => {
                            diags.extend(more);
                            diags.sort_by_key(|d| d.position);
                            Err(diags)
                        }
                    };
                }
                Err(e) => e,
            };
            let d = ron_diagnostic(&e);
            if let ron::Error::MissingStructField { field, .. } = &e.code
                && meant.iter().any(|m| m == field)
            {
                // `txt: …` was reported as unknown with "did you mean `text`?"; that `text` is
                // then missing is the same mistake.
                return Err(diags);
            }
            let extent = match &e.code {
                ron::Error::NoSuchStructField {
                    expected, found, ..
                } if recovered < MAX_RECOVERED => {
                    if let Some(m) = diagnostic::closest(found, expected.iter().copied()) {
                        meant.push(m.to_owned());
                    }
                    field_extent(&text, e.span.start, e.span.end)
                }
                ron::Error::DuplicateStructField { .. } if recovered < MAX_RECOVERED => {
                    field_extent(&text, e.span.start, e.span.end)
                }
                _ => None,
            };
            diags.push(d);
            let Some(range) = extent else {
                return Err(diags);
            };
            blank(&mut text, range);
            recovered += 1;
        }
    }
}

/// At most this many unknown or repeated fields are skipped in one file (each costs a re-read).
const MAX_RECOVERED: usize = 20;

/// The byte offset of a RON position (line and column counted in characters from 1).
fn offset_of(text: &str, p: ron::error::Position) -> Option<usize> {
    let line_start = if p.line <= 1 {
        0
    } else {
        text.match_indices('\n').nth(p.line - 2)?.0 + 1
    };
    let line = &text[line_start..];
    let col = line
        .char_indices()
        .nth(p.col.saturating_sub(1))
        .map_or(line.len(), |(i, _)| i);
    Some(line_start + col)
}

/// The bytes of a `name: value,` field whose name RON reported between `start` and `end`: the
/// name, the colon, the whole value (brackets balanced, strings and comments skipped) and a
/// comma after it. `None` when the value cannot be delimited.
fn field_extent(
    text: &str,
    start: ron::error::Position,
    end: ron::error::Position,
) -> Option<std::ops::Range<usize>> {
    let from = offset_of(text, start)?;
    let bytes = text.as_bytes();
    let mut i = offset_of(text, end)?;
    i = skip_blank(bytes, i);
    if bytes.get(i) != Some(&b':') {
        return None;
    }
    i = skip_blank(bytes, i + 1);
    let value_start = i;
    let mut depth = 0usize;
    while i < bytes.len() {
        match bytes[i] {
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' if depth == 0 => break,
            b')' | b']' | b'}' => depth -= 1,
            b',' if depth == 0 => break,
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'r' if matches!(bytes.get(i + 1), Some(b'"' | b'#')) => {
                let hashes = bytes[i + 1..].iter().take_while(|&&b| b == b'#').count();
                let close: Vec<u8> = std::iter::once(b'"')
                    .chain(std::iter::repeat_n(b'#', hashes))
                    .collect();
                let body = i + 2 + hashes;
                let found = bytes
                    .get(body..)?
                    .windows(close.len())
                    .position(|w| w == close);
                i = body + found? + close.len() - 1;
            }
            b'\'' => {
                i += if bytes.get(i + 1) == Some(&b'\\') {
                    2
                } else {
                    1
                };
                while i < bytes.len() && bytes[i] != b'\'' {
                    i += 1;
                }
            }
            b'/' if matches!(bytes.get(i + 1), Some(b'/' | b'*')) => {
                i = skip_blank(bytes, i) - 1;
            }
            _ => {}
        }
        i += 1;
    }
    if depth != 0 || i >= bytes.len() || i == value_start {
        return None;
    }
    if bytes[i] == b',' {
        i += 1;
    }
    Some(from..i)
}

/// The first offset from `i` that is not whitespace or a comment.
fn skip_blank(bytes: &[u8], mut i: usize) -> usize {
    loop {
        match (bytes.get(i), bytes.get(i + 1)) {
            (Some(b), _) if b.is_ascii_whitespace() => i += 1,
            (Some(b'/'), Some(b'/')) => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            (Some(b'/'), Some(b'*')) => {
                i += 2;
                while i < bytes.len() && !(bytes[i] == b'*' && bytes.get(i + 1) == Some(&b'/')) {
                    i += 1;
                }
                i = (i + 2).min(bytes.len());
            }
            _ => return i,
        }
    }
}

/// Replaces the bytes in `range` with spaces, keeping line breaks (so every later offset and
/// line stays where it was).
fn blank(text: &mut String, range: std::ops::Range<usize>) {
    let blanked: String = text[range.clone()]
        .bytes()
        .map(|b| if b == b'\n' { '\n' } else { ' ' })
        .collect();
    // Both ends are char boundaries: the range starts at a field name and ends after ASCII.
    text.replace_range(range, &blanked);
}

/// RON options shared by every loader: `Some(…)` may be left out around optional values.
pub(crate) fn ron_options() -> ron::Options {
    ron::Options::default()
        .with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
        .with_recursion_limit(64)
}

/// Turns RON's own error into a diagnostic at RON's position.
pub(crate) fn ron_diagnostic(e: &ron::error::SpannedError) -> Diagnostic {
    use ron::Error as E;
    let at = Position {
        line: e.span.start.line,
        col: e.span.start.col,
    };
    let outer = |o: &Option<String>| {
        o.as_deref()
            .map(|o| format!(" in `{o}`"))
            .unwrap_or_default()
    };
    match &e.code {
        E::NoSuchStructField {
            expected,
            found,
            outer: o,
        } => {
            let d = Diagnostic::new(
                Code::UnknownField,
                at,
                format!("unknown field `{found}`{}", outer(o)),
            );
            match diagnostic::did_you_mean(found, expected.iter().copied()) {
                Some(help) => d.with_help(help),
                None => d.with_help(format!("expected one of: `{}`", expected.join("`, `"))),
            }
        }
        E::NoSuchEnumVariant {
            expected,
            found,
            outer: o,
        } => {
            let d = Diagnostic::new(
                Code::Type,
                at,
                format!("unknown variant `{found}`{}", outer(o)),
            );
            match diagnostic::did_you_mean(found, expected.iter().copied()) {
                Some(help) => d.with_help(help),
                None => d.with_help(format!("expected one of: `{}`", expected.join("`, `"))),
            }
        }
        E::MissingStructField { field, outer: o } => Diagnostic::new(
            Code::Type,
            at,
            format!("missing field `{field}`{}", outer(o)),
        ),
        E::DuplicateStructField { field, outer: o } => Diagnostic::new(
            Code::Type,
            at,
            format!("field `{field}` given twice{}", outer(o)),
        ),
        E::ExpectedDifferentStructName {
            expected: "Questionnaire",
            found,
        } => Diagnostic::new(
            Code::Syntax,
            at,
            format!(
                "this is not a questionnaire: it starts with `{found}` instead of `Questionnaire(`"
            ),
        )
        .with_help("see docs/questionnaire-format.md for the layout of a questionnaire file"),
        E::ExpectedDifferentStructName { expected, found } => Diagnostic::new(
            Code::Type,
            at,
            format!("expected `{expected}(…)` here, found `{found}`"),
        ),
        E::ExceededRecursionLimit => {
            Diagnostic::new(Code::Syntax, at, "nested too deeply (more than 64 levels)")
        }
        // RON's own message quotes the value found; in an answers file that may be patient
        // text, so it is never repeated.
        E::InvalidValueForType { expected, .. } => Diagnostic::new(
            Code::Type,
            at,
            format!("wrong type of value here: expected {expected}"),
        ),
        E::ExpectedDifferentLength { .. }
        | E::Message(_)
        | E::IntegerOutOfBounds
        | E::ExpectedBoolean
        | E::ExpectedInteger
        | E::ExpectedFloat
        | E::ExpectedString
        | E::ExpectedArray
        | E::ExpectedMap
        | E::ExpectedStructLike
        | E::ExpectedNamedStructLike(_)
        | E::ExpectedOption
        | E::ExpectedUnit
        | E::ExpectedIdentifier
        | E::ExpectedChar => Diagnostic::new(Code::Type, at, lowercase_first(&e.code.to_string())),
        other => Diagnostic::new(Code::Syntax, at, lowercase_first(&other.to_string())),
    }
}

fn lowercase_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}
