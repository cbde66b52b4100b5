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
                // Every text in this language would repeat the problem: they are counted
                // under this one error instead (see `text`).
                let diag = self.diags.len() - 1;
                self.language_uses
                    .insert(l.to_string(), LanguageUses::new(diag, true));
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
        for l in &raw.languages {
            let base = l.split('-').next().unwrap_or(l);
            if self.languages.iter().any(|d| d == l.as_ref()) && !builtin.contains_key(base) {
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
    ///
    /// One mistake, one error: a language that is declared malformed (`"ES"`) or used without
    /// being declared (`"sp"`) is reported once, at its first use, with a note counting the
    /// others; and a text whose only problem is such a key in place of a declared language
    /// (`"sp"` for `"es"`) is not also reported as missing that language.
    pub(super) fn text(&mut self, t: &RawText<'_>, fallback: Position, what: &str) -> Text {
        self.text_in(t, fallback, what, Lines::One)
    }

    /// [`Self::text`] for a text that may break lines (`\n`): questions, help, safety messages.
    pub(super) fn paragraphs(&mut self, t: &RawText<'_>, fallback: Position, what: &str) -> Text {
        self.text_in(t, fallback, what, Lines::Many)
    }

    fn text_in(&mut self, t: &RawText<'_>, fallback: Position, what: &str, lines: Lines) -> Text {
        let at = self.text_pos(t, fallback);
        let missing: Vec<&String> = self
            .languages
            .iter()
            .filter(|l| !t.contains_key(l.as_str()))
            .collect();
        let help = match &missing[..] {
            [one] => format!("did you mean `{one}`? "),
            _ => String::new(),
        };
        let help = format!(
            "{help}declared languages: `{}`",
            self.languages.join("`, `")
        );
        let mut misnamed = false;
        for (lang, value) in t.iter() {
            if !self.languages.iter().any(|l| l == lang.as_ref()) {
                misnamed = true;
                let at = self.pos(lang, at);
                if let Some(uses) = self.language_uses.get_mut(lang.as_ref()) {
                    uses.add(at);
                    continue;
                }
                self.error(
                    Code::Metadata,
                    at,
                    format!("{what} has text in `{lang}`, which is not a declared language"),
                )
                .help = Some(help.clone());
                let diag = self.diags.len() - 1;
                self.language_uses
                    .insert(lang.to_string(), LanguageUses::new(diag, false));
            } else if value.trim().is_empty() {
                let at = self.pos(lang, at);
                self.error(
                    Code::MissingTranslation,
                    at,
                    format!("{what} is empty in `{lang}`"),
                );
            } else {
                let at = self.pos(lang, at);
                self.control_characters(value, at, what, Some(lang), lines);
            }
        }
        let mut out = Vec::new();
        for lang in self.languages.clone() {
            match t.get(lang.as_str()) {
                Some(value) => out.push((lang, value.to_string())),
                None if misnamed => {}
                None => {
                    let sample = t.values().next().map_or("", |v| &**v);
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

/// Whether a patient-visible text may break lines.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Lines {
    /// Titles, options, units, answer labels: one line.
    One,
    /// Questions, help, safety messages and alerts: `\n` breaks a line.
    Many,
}

impl Validator<'_, '_> {
    /// A control character in text a patient (or the staff reading an alert) sees is invisible
    /// or garbles the screen: a tab, a carriage return, a bell, an escape sequence that
    /// recolours a terminal, a NUL that cuts the text short in another program. The first one
    /// in each text is reported at its own position when the string was written without
    /// escapes, else at the text (`fallback`).
    pub(super) fn control_characters(
        &mut self,
        value: &Str<'_>,
        fallback: Position,
        what: &str,
        lang: Option<&Str<'_>>,
        lines: Lines,
    ) {
        let Some((byte, c)) = value
            .char_indices()
            .find(|&(_, c)| c.is_control() && !(c == '\n' && lines == Lines::Many))
        else {
            return;
        };
        let at = self.pos_within(value, byte, fallback);
        let name = match c {
            '\n' => " (a line break)",
            '\r' => " (a carriage return)",
            '\t' => " (a tab)",
            '\0' => " (NUL)",
            '\u{7}' => " (a bell)",
            '\u{1b}' => " (an escape)",
            _ => "",
        };
        let lang = lang.map(|l| format!(" in `{l}`")).unwrap_or_default();
        let code = format!("U+{:04X}", u32::from(c));
        self.error(
            Code::ControlCharacter,
            at,
            format!("{what}{lang} contains the control character {code}{name}"),
        )
        .help = Some(match lines {
            Lines::One => "remove it: this text is one line, with no line breaks, tabs or \
                           other control characters"
                .into(),
            Lines::Many => "remove it: the only control character this text may hold is a \
                            line break, written `\\n`"
                .into(),
        });
    }
}

/// The texts that use a language reported as malformed or undeclared, after the one error.
pub(super) struct LanguageUses {
    /// The error, by index into the diagnostics.
    diag: usize,
    /// Whether the error is at the declaration (so every use is counted) or at the first use.
    declared: bool,
    uses: usize,
    /// The first use the error does not already point at.
    next: Option<Position>,
}

impl LanguageUses {
    fn new(diag: usize, declared: bool) -> Self {
        LanguageUses {
            diag,
            declared,
            uses: 0,
            next: None,
        }
    }

    fn add(&mut self, at: Position) {
        self.uses += 1;
        self.next.get_or_insert(at);
    }
}

impl Validator<'_, '_> {
    /// Adds to each language error a note at the next text that uses the language, counting
    /// the rest.
    pub(super) fn note_language_uses(&mut self) {
        for (lang, u) in std::mem::take(&mut self.language_uses) {
            let Some(at) = u.next else { continue };
            let note = match (u.declared, u.uses) {
                (true, 1) => format!("the one text in `{lang}` is here"),
                (true, n) => format!("{n} texts are in `{lang}`; the first is here"),
                (false, 1) => format!("`{lang}` is also used here"),
                (false, n) => format!("`{lang}` is also used here and in {} more texts", n - 1),
            };
            if let Some(d) = self.diags.get_mut(u.diag) {
                d.notes.push((at, note));
            }
        }
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
