//! Summaries: content, round trip, integrity checks, and a golden file.

use prescreen::engine::summary::{Status, Summary, SummaryError};
use prescreen::engine::{Answer::*, answer::Entry};

use crate::scenario::Scenario;

fn sample() -> Summary {
    let trial: Entry = [(
        "trial_drug".to_owned(),
        Text("escitalopram <10 mg> & \"more\"".into()),
    )]
    .into_iter()
    .collect();
    Scenario::demo()
        .answer("full_name", Text("Ana López".into()))
        .answer(
            "dob",
            Date(chrono::NaiveDate::from_ymd_opt(1980, 4, 23).unwrap()),
        )
        .answer("weight", Quantity(70.5, "kg".into()))
        .answer("smoker", No)
        .answer("aneurysm", Yes)
        .answer("alcohol", Declined)
        .answer("medicines_tried", Yes)
        .answer("trials", Group(vec![trial]))
        .answer("phq_1", Choice("3".into()))
        .answer("phq_2", Choice("3".into()))
        .answer("self_harm", Choice("1".into()))
        .summary()
}

#[test]
fn golden_summary() {
    insta::assert_snapshot!(sample().to_ron());
}

#[test]
fn round_trip_is_identical() {
    let s = sample();
    let text = s.to_ron();
    let back = Summary::from_ron(text.as_bytes()).unwrap();
    assert_eq!(back.to_ron(), text);
    assert_eq!(
        Summary {
            digest: String::new(),
            ..back.clone()
        },
        Summary {
            digest: String::new(),
            ..s
        }
    );
    assert_eq!(back.digest.len(), 64);
}

#[test]
fn summary_content_order_and_statuses() {
    let s = sample();
    assert_eq!(s.questionnaire.id, "demo");
    assert_eq!(s.questionnaire.sha256.len(), 64);
    assert_eq!(
        s.identity
            .iter()
            .map(|f| f.answer.as_str())
            .collect::<Vec<_>>(),
        ["Ana López", "1980-04-23"]
    );
    assert_eq!(s.alerts.len(), 1);
    let flags: Vec<_> = s.flags.iter().map(|f| f.id.as_str()).collect();
    assert_eq!(
        flags,
        ["aneurysm", "mood_higher", "few_trials", "self_harm"]
    );
    let status = |id: &str| {
        s.sections
            .iter()
            .flat_map(|x| &x.items)
            .find(|i| i.id == id)
            .unwrap()
            .status
            .clone()
    };
    assert_eq!(status("alcohol"), Status::Declined);
    assert_eq!(status("height"), Status::NotAnswered);
    assert!(matches!(status("cigarettes"), Status::NotAsked { .. }));
    assert!(matches!(status("last_drink"), Status::NotAsked { .. }));
    // Display-only items are not listed as questions.
    assert!(s.sections[0].items.iter().all(|i| i.id != "welcome"));
}

#[test]
fn any_change_to_the_file_is_detected() {
    let text = sample().to_ron();
    let tampered = text.replacen("Ana López", "Ana Lopez", 1);
    assert_eq!(
        Summary::from_ron(tampered.as_bytes()),
        Err(SummaryError::Digest)
    );
    let reformatted = text.replacen("  ", "   ", 1);
    assert_eq!(
        Summary::from_ron(reformatted.as_bytes()),
        Err(SummaryError::Digest)
    );
    // A digest edited to match nothing, and one copied from another summary, both fail.
    let forged = text.replacen("digest: \"", "digest: \"0", 1);
    assert!(Summary::from_ron(forged.as_bytes()).is_err());
    let other = crate::summary_sample_text();
    let digest_of = |t: &str| {
        t.split("digest: \"")
            .nth(1)
            .map(|r| r[..64].to_owned())
            .unwrap()
    };
    let swapped = text.replacen(&digest_of(&text), &digest_of(other), 1);
    assert_eq!(
        Summary::from_ron(swapped.as_bytes()),
        Err(SummaryError::Digest)
    );
}

#[test]
fn truncated_binary_and_foreign_files_are_reported() {
    let text = sample().to_ron();
    let cut = &text.as_bytes()[..text.len() / 2];
    assert!(matches!(
        Summary::from_ron(cut),
        Err(SummaryError::Syntax(_))
    ));
    assert!(matches!(
        Summary::from_ron(b"\xff\xfe\x00"),
        Err(SummaryError::NotText(0))
    ));
    assert!(matches!(
        Summary::from_ron(b""),
        Err(SummaryError::Syntax(_))
    ));
    let v3 = text.replacen("schema: 2,", "schema: 3,", 1);
    assert_eq!(
        Summary::from_ron(v3.as_bytes()),
        Err(SummaryError::Schema {
            found: 3,
            expected: 2
        })
    );
    let huge = vec![b' '; 9 * 1024 * 1024];
    assert!(matches!(
        Summary::from_ron(&huge),
        Err(SummaryError::TooLarge { .. })
    ));
}

#[test]
fn patient_text_with_markup_survives_exactly() {
    let s = sample();
    let back = Summary::from_ron(s.to_ron().as_bytes()).unwrap();
    let trials = back.sections[1]
        .items
        .iter()
        .find(|i| i.id == "trials")
        .unwrap();
    let Status::Entries(entries) = &trials.status else {
        panic!()
    };
    let Status::Answered { shown, .. } = &entries[0][0].status else {
        panic!()
    };
    assert_eq!(shown, "escitalopram <10 mg> & \"more\"");
}
