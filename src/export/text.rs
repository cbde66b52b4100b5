//! The summary as plain text, for a quick look in a terminal (over SSH, in a pager).
//!
//! Lines are not wrapped: a terminal or pager wraps long answers itself, and a hard wrap would
//! break the patient's text mid-word for anyone piping it elsewhere. Where the patient used
//! another language than the questionnaire's default, the default-language wording follows in
//! [brackets].
//!
//! Nothing in a record reaches the terminal raw: every control character (ESC, BEL, NUL,
//! carriage returns, line breaks in one-line fields) and every bidirectional-override
//! character is written as a visible escape such as `\u{1b}`, whatever the file holds, so a
//! patient's text can neither drive the clinician's terminal nor forge a line of the summary.
//! Line breaks are kept only inside a multi-line answer, where every continuation line is
//! indented under the answer.

use std::fmt::Write;

use super::Checks;
use super::view::{
    AnswerView, DECLINED, MARK_CLOSE, MARK_OPEN, NOT_ANSWERED, NOTICES, NotAsked, Row, View,
};
use crate::engine::summary::Summary;

/// Renders a summary as plain text. `checks` is what the caller found when reading it.
pub fn render(summary: &Summary, checks: &Checks) -> String {
    let v = View::of(summary, checks);
    let mut out = Text(String::with_capacity(16 * 1024));
    out.header(&v);
    out.alerts(&v);
    out.flags(&v);
    out.scores(&v);
    out.sections(&v);
    if !v.attribution.is_empty() {
        out.line("");
        for a in v.attribution {
            out.line(a);
        }
    }
    out.0
}

/// Writing into a `String` cannot fail, so the `fmt::Result`s are dropped here, once.
struct Text(String);

impl Text {
    /// One line; any control character in it is escaped (see [`harmless`]).
    fn line(&mut self, s: &str) {
        harmless(s, &mut self.0);
        self.0.push('\n');
    }

    fn linef(&mut self, args: std::fmt::Arguments<'_>) {
        self.line(&args.to_string());
    }

    /// Lines that belong together (a multi-line answer): each escaped, continuation lines
    /// indented by `indent`.
    fn lines(&mut self, s: &str, indent: &str) {
        for (n, piece) in s.split('\n').enumerate() {
            if n > 0 {
                self.0.push('\n');
                self.0.push_str(indent);
            }
            harmless(piece, &mut self.0);
        }
        self.0.push('\n');
    }

    fn heading(&mut self, title: &str) {
        self.line("");
        self.line(title);
        self.line(&"-".repeat(title.chars().count()));
    }

    fn header(&mut self, v: &View<'_>) {
        self.line("PRE-CONSULTATION SCREENING SUMMARY — for clinician review");
        self.line(v.title);
        self.line(
            "What the patient reported, as they saw it. Flags point at answers for review; \
             they are not a treatment decision.",
        );
        self.line("");
        let width = v
            .patient
            .iter()
            .map(|p| p.question.chars().count())
            .max()
            .unwrap_or(0);
        self.line("Patient");
        if v.patient.is_empty() {
            self.line("  (no identifying answers given)");
        }
        for p in &v.patient {
            self.linef(format_args!(
                "  {:<width$}  {}",
                p.question,
                p.answer,
                width = width
            ));
        }
        self.line("");
        self.linef(format_args!(
            "Submitted      {} (started {})",
            v.submitted, v.started
        ));
        match &v.default_language {
            Some(d) => self.linef(format_args!(
                "Language       {}; {} wording in [brackets]",
                v.language, d
            )),
            None => self.linef(format_args!("Language       {}", v.language)),
        }
        self.linef(format_args!("Questionnaire  {}", v.questionnaire));
        self.linef(format_args!("               sha256 {}", v.sha256));
        let mark = if v.trusted { "✓" } else { "✗" };
        self.linef(format_args!("Integrity      {mark} {}", v.integrity));
        self.linef(format_args!("Consistency    {}", v.consistency));
        for d in &v.differences {
            self.linef(format_args!("               - {d}"));
        }
    }

    fn alerts(&mut self, v: &View<'_>) {
        self.notices(v);
        if v.alerts.is_empty() {
            return;
        }
        self.line("");
        let banner = format!(
            "!!! URGENT ALERT{} — act now !!!",
            if v.alerts.len() == 1 { "" } else { "S" }
        );
        self.line(&"!".repeat(banner.chars().count()));
        self.line(&banner);
        for a in &v.alerts {
            match &a.shown {
                Some(shown) => self.linef(format_args!("  {}  {} ({shown})", a.at, a.text)),
                None => self.linef(format_args!("  {}  {}", a.at, a.text)),
            }
        }
        self.line(&"!".repeat(banner.chars().count()));
    }

    fn notices(&mut self, v: &View<'_>) {
        if v.notices.is_empty() {
            return;
        }
        self.heading(NOTICES);
        for a in &v.notices {
            self.linef(format_args!("  {}  {}", a.at, a.text));
        }
    }

    fn flags(&mut self, v: &View<'_>) {
        self.heading(&format!(
            "Attention flags — for clinician review ({})",
            v.flags.len()
        ));
        if v.flags.is_empty() {
            self.line("No flag was raised by these answers. Every answer is listed below.");
        }
        for (n, f) in v.flags.iter().enumerate() {
            self.linef(format_args!("{:>2}. [{}] {}", n + 1, f.level, f.text));
            for b in &f.because {
                self.linef(format_args!("      because: {} → {}", b.question, b.answer));
            }
            if let Some(note) = &f.note {
                self.linef(format_args!("      note: {note}"));
            }
            self.linef(format_args!("      source: {}", f.source));
        }
    }

    fn scores(&mut self, v: &View<'_>) {
        if v.scores.is_empty() {
            return;
        }
        self.heading("Scores");
        let width = v
            .scores
            .iter()
            .map(|s| s.title.chars().count())
            .max()
            .unwrap_or(0);
        for s in &v.scores {
            self.linef(format_args!(
                "  {:<width$}  {}",
                format!("{}:", s.title),
                s.value,
                width = width + 1
            ));
        }
    }

    fn sections(&mut self, v: &View<'_>) {
        for (n, s) in v.sections.iter().enumerate() {
            let title = match s.title_default {
                Some(d) => format!("{}. {} [{d}]", n + 1, s.title),
                None => format!("{}. {}", n + 1, s.title),
            };
            self.line("");
            self.line(&format!("== {title} =="));
            if let Some(reason) = s.skipped {
                self.linef(format_args!("  Section not asked: {reason}."));
                continue;
            }
            if s.rows.is_empty() && s.not_asked.is_empty() {
                self.line("  (information only; no questions)");
            }
            for r in &s.rows {
                self.row(r, "  ");
            }
            self.not_asked(&s.not_asked, "  ");
        }
    }

    fn row(&mut self, r: &Row<'_>, indent: &str) {
        match r.question_default {
            Some(d) => self.linef(format_args!("{indent}{} [{d}]", r.question)),
            None => self.linef(format_args!("{indent}{}", r.question)),
        }
        match &r.answer {
            AnswerView::Given {
                shown,
                shown_default,
                converted,
                marked,
            } => {
                let marked_text: String = marked
                    .iter()
                    .map(|(piece, hit)| {
                        if *hit {
                            format!("{MARK_OPEN}{piece}{MARK_CLOSE}")
                        } else {
                            (*piece).to_owned()
                        }
                    })
                    .collect();
                let text: &str = if marked.is_empty() {
                    shown
                } else {
                    &marked_text
                };
                // Typed text may have line breaks: keep continuation lines under the answer.
                let mut a = format!("{indent}  → {text}");
                if let Some(d) = shown_default.filter(|d| d != shown) {
                    let _ = write!(a, " [{d}]");
                }
                if let Some(c) = converted {
                    let _ = write!(a, " (≈ {c})");
                }
                self.lines(&a, &format!("{indent}    "));
            }
            AnswerView::Declined => self.linef(format_args!("{indent}  → {DECLINED}")),
            AnswerView::NotAnswered => self.linef(format_args!("{indent}  → {NOT_ANSWERED}")),
            AnswerView::Entries(entries) => {
                self.linef(format_args!(
                    "{indent}  → {} {}",
                    entries.len(),
                    if entries.len() == 1 {
                        "entry"
                    } else {
                        "entries"
                    }
                ));
                let inner = format!("{indent}      ");
                for e in entries {
                    self.linef(format_args!("{indent}    Entry {}:", e.number));
                    for r in &e.rows {
                        self.row(r, &inner);
                    }
                    self.not_asked(&e.not_asked, &inner);
                }
            }
        }
    }

    fn not_asked(&mut self, items: &[NotAsked<'_>], indent: &str) {
        if items.is_empty() {
            return;
        }
        self.linef(format_args!("{indent}Not asked ({}):", items.len()));
        for n in items {
            self.linef(format_args!("{indent}  - {} — {}", n.question, n.reason));
        }
    }
}

/// Appends `s` to `out` with every character that could act on a terminal or reorder the
/// line written as a visible escape: control characters (`\u{1b}`, `\n`, `\r`, `\0` …) and
/// the bidirectional formatting characters.
pub(crate) fn harmless(s: &str, out: &mut String) {
    for c in s.chars() {
        let bidi = matches!(c, '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
        if c.is_control() || bidi {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        } else {
            out.push(c);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::harmless;

    #[test]
    fn control_and_bidi_characters_become_visible_escapes() {
        let mut out = String::new();
        harmless("a\u{1b}[2Jb\u{7}\0\r\nc\u{202e}d é", &mut out);
        assert_eq!(out, "a\\u{1b}[2Jb\\u{7}\\u{0}\\u{d}\\u{a}c\\u{202e}d é");
        assert!(!out.chars().any(char::is_control));
    }
}
