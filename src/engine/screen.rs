//! Free-text screening: phrases a clinic wants a person to read when a patient types them.
//!
//! A [`TextScreen`](super::model::TextScreen) lists phrases per language (questionnaire data,
//! not code). Every listed free-text answer is searched for every phrase of every language — a
//! patient may write in a language other than the one they chose. A match is a prompt for a
//! clinician to read the answer, never a diagnosis: it raises the screen's flag naming the item,
//! and the summary keeps where the words stand so every view can highlight them.
//!
//! Matching ignores case and needs whole words at both ends ("harm myself" does not match inside
//! "pharm myselfish"); the spaces between words of a phrase match any run of whitespace.

/// Where a phrase matched, in characters (not bytes) of the answer as shown.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

/// One lower-case char per char of `s`, so positions stay in characters.
fn folded(s: &str) -> Vec<char> {
    s.chars()
        .map(|c| c.to_lowercase().next().unwrap_or(c))
        .collect()
}

/// The spans of `text` that match any of `phrases`, sorted, overlapping ones merged.
pub fn find<'p>(text: &str, phrases: impl IntoIterator<Item = &'p str>) -> Vec<Span> {
    let hay = folded(text);
    let mut spans = Vec::new();
    for phrase in phrases {
        let words: Vec<Vec<char>> = phrase.split_whitespace().map(folded).collect();
        if words.is_empty() {
            continue;
        }
        for start in 0..hay.len() {
            if let Some(end) = match_at(&hay, start, &words) {
                spans.push(Span { start, end });
            }
        }
    }
    spans.sort();
    let mut merged: Vec<Span> = Vec::new();
    for s in spans {
        match merged.last_mut() {
            Some(last) if s.start <= last.end => last.end = last.end.max(s.end),
            _ => merged.push(s),
        }
    }
    merged
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric()
}

/// The end of `words` matched at `start` of `hay`, with word boundaries at both ends.
fn match_at(hay: &[char], start: usize, words: &[Vec<char>]) -> Option<usize> {
    if start > 0 && hay.get(start - 1).copied().is_some_and(is_word) {
        return None;
    }
    let mut at = start;
    for (n, word) in words.iter().enumerate() {
        if n > 0 {
            let gap = hay[at..].iter().take_while(|c| c.is_whitespace()).count();
            if gap == 0 {
                return None;
            }
            at += gap;
        }
        if hay.get(at..at + word.len()) != Some(word.as_slice()) {
            return None;
        }
        at += word.len();
    }
    let last_is_word = words
        .last()
        .and_then(|w| w.last())
        .copied()
        .is_some_and(is_word);
    if last_is_word && hay.get(at).copied().is_some_and(is_word) {
        return None;
    }
    Some(at)
}

/// `text` cut at `spans`: each piece with whether it matched.
pub fn segments<'t>(text: &'t str, spans: &[Span]) -> Vec<(&'t str, bool)> {
    let bytes: Vec<usize> = text
        .char_indices()
        .map(|(b, _)| b)
        .chain([text.len()])
        .collect();
    let at = |c: usize| bytes.get(c).copied().unwrap_or(text.len());
    let mut out = Vec::new();
    let mut pos = 0;
    for s in spans {
        let (start, end) = (at(s.start), at(s.end));
        if start < pos || end < start {
            continue;
        }
        if start > pos {
            out.push((&text[pos..start], false));
        }
        out.push((&text[start..end], true));
        pos = end;
    }
    if pos < text.len() || out.is_empty() {
        out.push((&text[pos..], false));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str, phrases: &[&str]) -> Vec<String> {
        let t: Vec<char> = text.chars().collect();
        find(text, phrases.iter().copied())
            .iter()
            .map(|s| t[s.start..s.end].iter().collect())
            .collect()
    }

    #[test]
    fn finds_whole_phrases_in_any_case_and_spacing() {
        assert_eq!(
            words("A veces pienso en HACERME   daño.", &["hacerme daño"]),
            ["HACERME   daño"]
        );
        assert_eq!(
            words("I want to hurt myself", &["hurt myself"]),
            ["hurt myself"]
        );
        assert!(
            words("my pharmacy", &["harm"]).is_empty(),
            "whole words only"
        );
        assert!(words("hurt myselfish", &["hurt myself"]).is_empty());
        assert_eq!(words("Questions? questions", &["questions"]).len(), 2);
    }

    #[test]
    fn segments_cut_at_character_positions() {
        let text = "Ñu: hacerme daño hoy";
        let spans = find(text, ["hacerme daño"]);
        assert_eq!(
            segments(text, &spans),
            [("Ñu: ", false), ("hacerme daño", true), (" hoy", false)]
        );
        assert_eq!(segments("nada", &[]), [("nada", false)]);
    }
}
