//! Work that must stay linear in the input: 20,000 misspelled references, an answers file of
//! 100,000 unknown keys. Not timed (`benches/suggest.rs` measures); what is checked is that the
//! output stays readable — capped, with a count of the rest — and that suggestions stay right.

use std::sync::Arc;

use prescreen::engine::answers_file::{AnswersFile, FillProblem, fill, render_errors};
use prescreen::engine::diagnostic::{MAX_SHOWN, render_all};
use prescreen::engine::{Code, FixedClock, Questionnaire};

use crate::generated::misspelled;

#[test]
fn twenty_thousand_misspelled_references_print_a_capped_list_with_right_suggestions() {
    let n = 20_000;
    let Err(d) = Questionnaire::from_bytes(misspelled(n).as_bytes()) else {
        panic!("loaded");
    };
    assert_eq!(d.len(), n - 1);
    assert!(d.iter().all(|d| d.code == Code::UnknownReference));
    // Every one still gets its suggestion, also past the budget for full comparisons.
    for (i, d) in d.iter().enumerate() {
        assert_eq!(d.message, format!("unknown item `itme_{i:05}`"));
        let want = format!("did you mean `item_{i:05}`?");
        assert_eq!(d.help.as_deref(), Some(&*want), "{}", d.message);
    }
    let out = render_all(&d, "typos.ron");
    let lines: Vec<&str> = out.lines().collect();
    // Each shown diagnostic is two lines (the error and its help), then the count.
    assert_eq!(lines.len(), 2 * MAX_SHOWN + 1, "{out}");
    assert_eq!(
        lines.last().copied(),
        Some(&*format!("typos.ron: … and {} more", n - 1 - MAX_SHOWN))
    );
}

#[test]
fn an_answers_file_of_100000_unknown_keys_gets_every_error_and_a_capped_listing() {
    let q =
        Arc::new(Questionnaire::load(&crate::repo("questionnaires/demo.ron")).expect("demo loads"));
    let n = 100_000;
    let mut text = String::from("{\n");
    for i in 0..n {
        text.push_str(&format!("\"unknown_{i}\": Yes,\n"));
    }
    // A duplicate among them is still found (by a set, not a scan of the keys so far).
    text.push_str("\"unknown_7\": No,\n}\n");
    let file = AnswersFile::parse(text.as_bytes()).expect("parses");
    let clock = Arc::new(FixedClock::new(crate::scenario::test_time()));
    let Err(errors) = fill(q, file, "en", clock) else {
        panic!("filled");
    };
    let unknown = errors
        .iter()
        .filter(|e| matches!(e.problem, FillProblem::UnknownItem { .. }))
        .count();
    assert_eq!(unknown, n);
    assert_eq!(
        errors
            .iter()
            .filter(|e| e.problem == FillProblem::Duplicate)
            .map(|e| e.item.as_str())
            .collect::<Vec<_>>(),
        ["unknown_7"]
    );
    let out = render_errors(&errors, "a.ron");
    assert_eq!(out.lines().count(), MAX_SHOWN + 1, "{out}");
    assert!(
        out.ends_with(&format!("a.ron: … and {} more\n", errors.len() - MAX_SHOWN)),
        "{out}"
    );
}
