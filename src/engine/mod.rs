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
        let raw: raw::RawQuestionnaire<'_> = ron_options()
            .from_str(src)
            .map_err(|e| vec![ron_diagnostic(&e)])?;
        validate::validate(src, &raw, sha256)
    }
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
