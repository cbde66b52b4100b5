//! Property tests: whatever bytes arrive, the loaders answer with diagnostics, never a panic.

use std::sync::{Arc, OnceLock};

use prescreen::engine::answers_file::{AnswersFile, fill};
use prescreen::engine::{FixedClock, Questionnaire, Summary};
use proptest::prelude::*;

fn demo_src() -> &'static str {
    static SRC: OnceLock<String> = OnceLock::new();
    SRC.get_or_init(|| std::fs::read_to_string(crate::repo("questionnaires/demo.ron")).unwrap())
}

fn demo() -> Arc<Questionnaire> {
    static Q: OnceLock<Arc<Questionnaire>> = OnceLock::new();
    Q.get_or_init(|| Arc::new(Questionnaire::from_bytes(demo_src().as_bytes()).unwrap()))
        .clone()
}

const ANSWERS: &str = r#"{"full_name": Text("Ana"), "dob": Date("1980-04-23"), "smoker": Yes, "cigarettes": Integer(3),
"weight": Quantity(70, "kg"), "medicines_tried": Yes, "trials": Group([{"trial_drug": Text("x"), "trial_weeks": Integer(4)}]),
"conditions": Choices(["asthma"]), "phq_1": Choice("1"), "self_harm": Choice("2")}"#;

/// A mutation of a text: delete, insert or replace a span, or duplicate a line.
fn mutate(src: &str, op: u8, at: usize, len: usize, insert: &str) -> String {
    let mut chars: Vec<char> = src.chars().collect();
    let at = at % (chars.len() + 1);
    let end = (at + len).min(chars.len());
    match op % 4 {
        0 => {
            chars.drain(at..end);
        }
        1 => {
            chars.splice(at..at, insert.chars());
        }
        2 => {
            chars.splice(at..end, insert.chars());
        }
        _ => {
            let text: String = chars.iter().collect();
            let lines: Vec<&str> = text.lines().collect();
            let n = at % lines.len().max(1);
            let mut out: Vec<&str> = lines.clone();
            if let Some(l) = lines.get(n) {
                out.insert(n, l);
            }
            return out.join("\n");
        }
    }
    chars.into_iter().collect()
}

fn tokens() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("(".to_owned()),
        Just(")".to_owned()),
        Just("]".to_owned()),
        Just(",".to_owned()),
        Just("\"".to_owned()),
        Just("Yes".to_owned()),
        Just("show_if: Equals(\"dob\", Yes),".to_owned()),
        Just("Not(".to_owned()),
        Just("-99999999999999999999".to_owned()),
        Just("1e308".to_owned()),
        Just("\"smoker\"".to_owned()),
        "\\PC{0,12}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn loader_never_panics_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = Questionnaire::from_bytes(&bytes);
    }

    #[test]
    fn loader_never_panics_on_mutated_questionnaires(op in any::<u8>(), at in any::<usize>(), len in 0usize..200, insert in tokens()) {
        let src = mutate(demo_src(), op, at, len, &insert);
        match Questionnaire::from_bytes(src.as_bytes()) {
            Ok(_) => {}
            Err(d) => prop_assert!(!d.is_empty() && d.iter().all(|d| d.position.line >= 1 && d.position.col >= 1)),
        }
    }

    #[test]
    fn answers_never_panic_when_mutated(op in any::<u8>(), at in any::<usize>(), len in 0usize..40, insert in tokens()) {
        let src = mutate(ANSWERS, op, at, len, &insert);
        if let Ok(file) = AnswersFile::parse(src.as_bytes()) {
            let clock = Arc::new(FixedClock::new(crate::scenario::test_time()));
            if let Ok(session) = fill(demo(), file, "en", clock) {
                let summary = Summary::build(&session, crate::scenario::test_time());
                prop_assert_eq!(Summary::from_ron(summary.to_ron().as_bytes()).map(|s| s.to_ron()), Ok(summary.to_ron()));
            }
        }
    }

    #[test]
    fn answers_parser_never_panics_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..1024)) {
        let _ = AnswersFile::parse(&bytes);
    }

    #[test]
    fn summary_reader_never_panics_and_catches_every_change(op in any::<u8>(), at in any::<usize>(), len in 1usize..40, insert in tokens()) {
        let text = crate::summary_sample_text();
        let changed = mutate(text, op, at, len, &insert);
        let result = Summary::from_ron(changed.as_bytes());
        if changed != *text {
            prop_assert!(result.is_err(), "a changed summary was accepted");
        }
    }
}
