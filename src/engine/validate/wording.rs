//! Verdict wording (Q018, a warning): text that reads as a treatment decision.
//!
//! The questionnaire captures and displays; it never decides. A flag or a patient text that says
//! "eligible", "contraindicated", "not a candidate", "cleared for" … (or the Spanish "elegible",
//! "contraindicado", "no es candidato" …) reads as a decision to a patient or a lawyer. Every
//! string literal of the file is searched — flags, sources, patient text alike — and each
//! match is reported at its line and column with a neutral wording to use instead. Comments are
//! not searched. A warning never stops a questionnaire loading: `prescreen check` prints it and
//! still exits 0 when there is no error.

use super::super::diagnostic::{Code, Diagnostic, LineIndex};
use crate::engine::screen;

/// What to write instead, by kind of verdict.
const ELIGIBLE: &str = "say what was reported and that review is suggested, e.g. \
     “Reported … — clinician review suggested”";
const CONTRAINDICATED: &str = "name the condition and cite the label, e.g. “Reported history of \
     an aneurysm — clinician review suggested” with source “Spravato PI §4”";
const CLEARED: &str = "say what was not reported, e.g. “No flag was raised by these answers”";
const ES: &str = "diga lo que se informó y que se sugiere revisión, p. ej. “Antecedente \
     informado de … — se sugiere revisión clínica” (say what was reported and that review is \
     suggested)";

/// Phrases that read as a decision, and the suggestion for each.
const VERDICTS: &[(&str, &str)] = &[
    ("eligible", ELIGIBLE),
    ("ineligible", ELIGIBLE),
    ("eligibility", ELIGIBLE),
    ("not eligible", ELIGIBLE),
    ("contraindicated", CONTRAINDICATED),
    ("contraindication", CONTRAINDICATED),
    ("contraindications", CONTRAINDICATED),
    ("disqualified", ELIGIBLE),
    ("disqualifies", ELIGIBLE),
    ("disqualifying", ELIGIBLE),
    ("not a candidate", ELIGIBLE),
    ("good candidate", ELIGIBLE),
    ("candidate for", ELIGIBLE),
    ("cleared for", CLEARED),
    ("approved for", CLEARED),
    ("safe to treat", CLEARED),
    ("elegible", ES),
    ("inelegible", ES),
    ("no elegible", ES),
    ("elegibilidad", ES),
    ("contraindicado", ES),
    ("contraindicada", ES),
    ("contraindicación", ES),
    ("contraindicaciones", ES),
    ("descalificado", ES),
    ("descalificada", ES),
    ("no es candidato", ES),
    ("no es candidata", ES),
    ("candidato para", ES),
    ("candidata para", ES),
    ("apto para el tratamiento", ES),
    ("apta para el tratamiento", ES),
];

/// Every verdict phrase in the string literals of `src`, as warnings.
pub(crate) fn verdict_warnings(src: &str) -> Vec<Diagnostic> {
    let lines = LineIndex::new(src);
    let mut out = Vec::new();
    for (start, text) in string_literals(src) {
        let chars: Vec<(usize, char)> = text.char_indices().collect();
        // Longest phrases first, so "not a candidate" is reported once, not also as "candidate".
        let mut found: Vec<(screen::Span, &str, &str)> = Vec::new();
        let mut phrases: Vec<&(&str, &str)> = VERDICTS.iter().collect();
        phrases.sort_by_key(|(p, _)| std::cmp::Reverse(p.len()));
        for (phrase, help) in phrases {
            for span in screen::find(text, [*phrase]) {
                if found
                    .iter()
                    .any(|(s, _, _)| span.start < s.end && s.start < span.end)
                {
                    continue;
                }
                found.push((span, phrase, help));
            }
        }
        found.sort_by_key(|(s, _, _)| s.start);
        for (span, phrase, help) in found {
            let byte = chars.get(span.start).map_or(text.len(), |(b, _)| *b);
            let word: String = text
                .chars()
                .skip(span.start)
                .take(span.end - span.start)
                .collect();
            out.push(
                Diagnostic::warning(
                    Code::VerdictWording,
                    lines.position(start + byte),
                    format!("“{word}” reads as a treatment decision (`{phrase}`)"),
                )
                .with_help(help),
            );
        }
    }
    out
}

/// The contents of every `"…"` string literal outside comments, with the byte offset of its
/// first character. Escapes are kept as written (a phrase never contains a backslash).
fn string_literals(src: &str) -> Vec<(usize, &str)> {
    let bytes = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i < bytes.len() && !(bytes[i] == b'*' && bytes.get(i + 1) == Some(&b'/')) {
                    i += 1;
                }
                i += 2;
            }
            b'"' => {
                let start = i + 1;
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                let end = i.min(bytes.len());
                if let Some(text) = src.get(start..end) {
                    out.push((start, text));
                }
                i += 1;
            }
            _ => i += 1,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_verdicts_in_strings_not_in_comments_with_positions() {
        let src = "// eligible in a comment\n(text: \"Patient is ineligible and contraindicated\",\n es: \"No es candidato\")";
        let w = verdict_warnings(src);
        let found: Vec<_> = w
            .iter()
            .map(|d| (d.position.line, d.position.col, d.message.clone()))
            .collect();
        assert_eq!(found.len(), 3, "{found:?}");
        assert_eq!((found[0].0, found[0].1), (2, 20));
        assert!(found[0].2.contains("ineligible"));
        assert!(found[1].2.contains("contraindicated"));
        assert!(found[2].2.contains("No es candidato"));
        assert!(w.iter().all(|d| d.help.is_some()));
        assert!(
            verdict_warnings("(text: \"Reported history — clinician review suggested\")")
                .is_empty()
        );
    }
}
