//! Metadata and texts: the questionnaire's id and version, its languages, the answer labels, and
//! every patient-facing text.
//!
//! Each text must have exactly the declared languages: a missing translation would show a
//! patient an empty screen in their language, and a text in an undeclared language (often a typo
//! such as `"sp"`) would never be shown at all.

use std::collections::HashMap;

use super::{Duplicate, Validator};
use crate::engine::diagnostic::{Code, Position};
use crate::engine::model::*;
use crate::engine::raw::*;

impl Validator<'_, '_> {
    /// The questionnaire's own id and version.
    pub(super) fn metadata(&mut self, raw: &RawQuestionnaire<'_>, id_pos: Position) {
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
    }

    pub(super) fn languages(&mut self, raw: &RawQuestionnaire<'_>, id_pos: Position) {
        if raw.languages.is_empty() {
            self.error(Code::Metadata, id_pos, "no languages declared")
                .help = Some("add `languages: [\"en\"]` (the first is the default)".into());
        }
        let mut seen = HashMap::new();
        for l in &raw.languages {
            let at = self.pos(l, id_pos);
            if !is_language_tag(l) {
                self.error(Code::Metadata, at, format!("`{l}` is not a language code"))
                    .help = Some("use a code like `en`, `es` or `es-US`".into());
            } else if self.unique(&mut seen, l, at, Duplicate::Language) {
                self.languages.push(l.to_string());
            }
        }
    }

    pub(super) fn answer_labels(
        &mut self,
        raw: &RawQuestionnaire<'_>,
        id_pos: Position,
    ) -> AnswerLabels {
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
    pub(super) fn text(&mut self, t: &RawText<'_>, fallback: Position, what: &str) -> Text {
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
