//! Answers files and headless filling.
//!
//! An answers file is a RON map from item id to [`Answer`]; a repeating group's answer is a
//! list of maps (see `docs/answers-format.md`). [`fill`] applies one to a fresh session the way
//! a patient would meet the questions — in order, only those shown, each checked, required ones
//! enforced — so `prescreen fill` and the kiosk cannot disagree about what is acceptable.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::sync::Arc;

use serde::Deserialize;
use serde::de::{MapAccess, Visitor};

use super::answer::{Answer, Invalid};
use super::diagnostic::{Budget, MAX_SHOWN, Position, Suggester};
use super::model::{ItemIdx, Questionnaire};
use super::session::{Clock, Session};
use super::summary::describe;

/// Answers files larger than this are refused unread.
pub const MAX_ANSWERS_BYTES: u64 = 4 * 1024 * 1024;

/// The parsed file: pairs in file order, duplicates kept so they can be reported.
#[derive(Debug, Clone, PartialEq)]
pub struct AnswersFile(pub Vec<(String, Answer)>);

impl<'de> Deserialize<'de> for AnswersFile {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Pairs;
        impl<'de> Visitor<'de> for Pairs {
            type Value = AnswersFile;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a map from item id to answer, like {\"smoker\": No}")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<AnswersFile, A::Error> {
                let mut out = Vec::new();
                while let Some(pair) = map.next_entry::<String, Answer>()? {
                    out.push(pair);
                }
                Ok(AnswersFile(out))
            }
        }
        d.deserialize_map(Pairs)
    }
}

/// An answers file that cannot be parsed.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum AnswersFileError {
    #[error("file is {size} bytes; answers files larger than {limit} bytes are refused")]
    TooLarge { size: u64, limit: u64 },
    #[error("1:1: not UTF-8 text")]
    NotText,
    #[error("{position}: {message}")]
    Syntax { position: Position, message: String },
}

impl AnswersFile {
    pub fn parse(bytes: &[u8]) -> Result<AnswersFile, AnswersFileError> {
        let size = bytes.len() as u64;
        if size > MAX_ANSWERS_BYTES {
            return Err(AnswersFileError::TooLarge {
                size,
                limit: MAX_ANSWERS_BYTES,
            });
        }
        let text = std::str::from_utf8(bytes).map_err(|_| AnswersFileError::NotText)?;
        if text.starts_with('\u{FEFF}') {
            return Err(AnswersFileError::Syntax {
                position: Position { line: 1, col: 1 },
                message: "the file starts with a byte-order mark (an invisible U+FEFF); \
                          save it as UTF-8 without BOM"
                    .into(),
            });
        }
        super::ron_options().from_str(text).map_err(|e| {
            let d = super::ron_diagnostic(&e);
            AnswersFileError::Syntax {
                position: d.position,
                message: d.message,
            }
        })
    }
}

/// One problem found while filling, by item id.
#[derive(Debug, Clone, PartialEq)]
pub struct FillError {
    pub item: String,
    pub problem: FillProblem,
}

#[derive(Debug, Clone, PartialEq)]
pub enum FillProblem {
    UnknownItem {
        help: Option<String>,
    },
    Duplicate,
    /// The item belongs to a repeating group: give it inside the group's entries.
    InsideGroup {
        group: String,
    },
    /// The item was not shown for these answers, so its answer would be dropped.
    NotShown {
        reason: String,
    },
    Rejected(Invalid),
    Missing(Invalid),
}

impl fmt::Display for FillError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let item = &self.item;
        match &self.problem {
            FillProblem::UnknownItem { help } => {
                write!(f, "{item}: no such item in the questionnaire")?;
                if let Some(h) = help {
                    write!(f, " ({h})")?;
                }
                Ok(())
            }
            FillProblem::Duplicate => write!(f, "{item}: answered more than once"),
            FillProblem::InsideGroup { group } => {
                write!(
                    f,
                    "{item}: belongs to the repeating group `{group}`; give it inside that group's entries"
                )
            }
            FillProblem::NotShown { reason } => {
                write!(
                    f,
                    "{item}: answered, but the question is not shown for these answers ({reason})"
                )
            }
            FillProblem::Rejected(e) => write!(f, "{item}: {e}"),
            FillProblem::Missing(e) => write!(f, "{item}: missing — {e}"),
        }
    }
}

/// The errors one a line, each after `path: `, capped like a questionnaire's diagnostics: the
/// first [`MAX_SHOWN`], then `… and N more`.
pub fn render_errors(errors: &[FillError], path: &str) -> String {
    let mut out = String::new();
    for e in errors.iter().take(MAX_SHOWN) {
        out.push_str(&format!("{path}: {e}\n"));
    }
    if let Some(more) = errors.len().checked_sub(MAX_SHOWN).filter(|&n| n > 0) {
        out.push_str(&format!("{path}: … and {more} more\n"));
    }
    out
}

/// Applies answers to a new session as a patient would. Returns the session when every answer
/// was accepted and nothing required is missing; otherwise every problem, in questionnaire order.
pub fn fill(
    q: Arc<Questionnaire>,
    file: AnswersFile,
    language: &str,
    clock: Arc<dyn Clock>,
) -> Result<Session, Vec<FillError>> {
    let mut errors = Vec::new();
    // Linear in the file and the questionnaire: ids are looked up in a map, duplicates in a
    // set, and suggestions for unknown ids go through one shared index with a work budget (a
    // file of 100,000 unknown keys used to compare each with every item).
    let index: HashMap<&str, ItemIdx> = q
        .items
        .iter()
        .enumerate()
        .rev()
        .map(|(i, item)| (item.id.as_str(), ItemIdx(i)))
        .collect();
    let names = Suggester::new(q.items.iter().map(|i| i.id.as_str()));
    let mut budget = Budget::default();
    let mut given: Vec<Option<Answer>> = vec![None; q.items.len()];
    let mut seen: HashSet<&str> = HashSet::new();
    for (id, answer) in &file.0 {
        if !seen.insert(id.as_str()) {
            errors.push(FillError {
                item: id.clone(),
                problem: FillProblem::Duplicate,
            });
            continue;
        }
        match index.get(id.as_str()).copied() {
            None => errors.push(FillError {
                item: id.clone(),
                problem: FillProblem::UnknownItem {
                    help: names.suggest(id, &mut budget),
                },
            }),
            Some(i) => match q.item(i).parent {
                Some(g) => errors.push(FillError {
                    item: id.clone(),
                    problem: FillProblem::InsideGroup {
                        group: q.item(g).id.clone(),
                    },
                }),
                None => given[i.0] = Some(answer.clone()),
            },
        }
    }

    let mut session = Session::new(q.clone(), language, clock);
    for page in q.pages().collect::<Vec<_>>() {
        if !session.is_visible(page) {
            continue;
        }
        if let Some(answer) = given[page.0].take()
            && let Err(e) = session.set(page, answer)
        {
            errors.push(FillError {
                item: q.item(page).id.clone(),
                problem: FillProblem::Rejected(e),
            });
            continue;
        }
        if let Some(problem) = session.problem(page) {
            errors.push(FillError {
                item: q.item(page).id.clone(),
                problem: FillProblem::Missing(problem),
            });
        }
    }
    let left = given.into_iter().enumerate();
    for i in left.filter_map(|(i, a)| a.map(|_| ItemIdx(i))) {
        let item = q.item(i);
        let reason = match &item.show_if {
            Some(c) if !session.is_visible(i) && session.with_eval(|ev| !ev.holds(c)) => {
                format!("asked only when {}", describe(&q, c))
            }
            _ => "its section is not shown".to_owned(),
        };
        errors.push(FillError {
            item: item.id.clone(),
            problem: FillProblem::NotShown { reason },
        });
    }

    // The patient reaches the review page: rules checked after a skipped item now apply.
    session.review();

    if errors.is_empty() {
        Ok(session)
    } else {
        let order = |e: &FillError| index.get(e.item.as_str()).map_or(usize::MAX, |i| i.0);
        errors.sort_by_key(order);
        Err(errors)
    }
}
