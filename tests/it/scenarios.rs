//! Walking questionnaires: skip logic, required answers, ranges and units, repeating groups,
//! computed age, scores, flags and safety rules.

use chrono::NaiveDate;
use prescreen::engine::answer::Entry;
use prescreen::engine::summary::{NotAskedCause, Status};
use prescreen::engine::{Answer, Answer::*, Cursor, Invalid};

use crate::scenario::{Scenario, parse};

fn date(s: &str) -> Answer {
    Date(NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap())
}

fn text(s: &str) -> Answer {
    Text(s.to_owned())
}

fn choice(s: &str) -> Answer {
    Choice(s.to_owned())
}

fn entry(pairs: &[(&str, Answer)]) -> Entry {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), v.clone()))
        .collect()
}

/// Demo with the two required identity answers given, cursor on the first page.
fn started() -> Scenario {
    Scenario::demo()
        .next()
        .assert_current("welcome")
        .next()
        .answer("full_name", text("Ana López"))
        .next()
        .answer("dob", date("1980-04-23"))
}

#[test]
fn skip_logic_shows_a_follow_up_only_when_relevant() {
    started()
        .assert_hidden("cigarettes")
        .answer("smoker", Yes)
        .assert_visible("cigarettes")
        .answer("smoker", No)
        .assert_hidden("cigarettes");
}

#[test]
fn navigation_steps_over_hidden_items_both_ways() {
    let s = started()
        .next()
        .next()
        .next()
        .assert_current("smoker")
        .answer("smoker", No)
        .next();
    let s = s.assert_current("aneurysm").back().assert_current("smoker");
    let s = s.answer("smoker", Yes).next().assert_current("cigarettes");
    s.back().assert_current("smoker");
}

#[test]
fn hiding_cascades_and_hidden_answers_are_not_exported() {
    let q = parse(
        r#"Questionnaire(id: "c", version: "1.0.0", languages: ["en"], title: {"en": "C"},
        sections: [Section(id: "s", title: {"en": "S"}, items: [
            Item(id: "a", text: {"en": "A?"}, kind: YesNo()),
            Item(id: "b", text: {"en": "B?"}, kind: YesNo(), show_if: Equals("a", Yes)),
            Item(id: "c", text: {"en": "C?"}, kind: Text(max_len: 40), show_if: Equals("b", Yes)),
        ])])"#,
    );
    let s = Scenario::new(q)
        .answer("a", Yes)
        .answer("b", Yes)
        .answer("c", text("kept only while shown"))
        .assert_visible("c")
        .answer("a", No)
        .assert_hidden("b")
        .assert_hidden("c");
    let summary = s.summary();
    let items = &summary.sections[0].items;
    let c = items.iter().find(|i| i.id == "c").unwrap();
    assert!(
        matches!(&c.status, Status::NotAsked { reason, .. } if reason.contains("“B?” is Yes")),
        "{:?}",
        c.status
    );
    assert!(!s.summary().to_ron().contains("kept only while shown"));
    // Going back and changing one's mind brings the answers back.
    let s = s.answer("a", Yes).assert_visible("c");
    assert_eq!(
        s.session.answer(s.idx("c")),
        Some(&text("kept only while shown"))
    );
}

#[test]
fn required_items_block_next_with_a_reason() {
    let mut s = Scenario::demo().next().next().assert_current("full_name");
    let blocked = s.session.forward().unwrap_err();
    assert_eq!(blocked.reason, Invalid::Required);
    assert_eq!(s.current().as_deref(), Some("full_name"));
    s.session.set(s.idx("full_name"), text("Ana")).unwrap();
    assert!(s.session.forward().is_ok());
}

#[test]
fn required_if_applies_only_when_its_condition_holds() {
    let q = parse(
        r#"Questionnaire(id: "r", version: "1.0.0", languages: ["en"], title: {"en": "R"},
        sections: [Section(id: "s", title: {"en": "S"}, items: [
            Item(id: "pregnant", text: {"en": "Could you be pregnant?"}, kind: YesNo(not_sure: true)),
            Item(id: "weeks", text: {"en": "How many weeks?"}, kind: Integer(min: 0, max: 45), required_if: Equals("pregnant", Yes)),
        ])])"#,
    );
    let mut s = Scenario::new(q)
        .next()
        .answer("pregnant", No)
        .next()
        .assert_current("weeks");
    assert!(
        s.session.forward().is_ok(),
        "not required when the answer is No"
    );
    let mut s = Scenario::new(s.session.questionnaire().clone())
        .next()
        .answer("pregnant", Yes)
        .next();
    assert_eq!(s.session.forward().unwrap_err().reason, Invalid::Required);
}

#[test]
fn numbers_outside_their_range_get_a_plain_message() {
    let mut s = started();
    let e = s
        .try_answer("weight", Quantity(20.0, "kg".into()))
        .unwrap_err();
    assert_eq!(e.to_string(), "please enter a number between 30 and 300 kg");
    let e = s
        .try_answer("weight", Quantity(700.0, "lb".into()))
        .unwrap_err();
    assert_eq!(e.to_string(), "please enter a number between 66 and 660 lb");
    assert!(matches!(
        s.try_answer("weight", Quantity(70.0, "stone".into())),
        Err(Invalid::UnknownUnit { .. })
    ));
    let e = s.try_answer("temperature", Decimal(36.65)).unwrap_err();
    assert_eq!(e, Invalid::TooManyDecimals { decimals: 1 });
    let e = s.try_answer("cigarettes", Integer(5)).unwrap_err();
    assert_eq!(
        e,
        Invalid::NotShown,
        "cigarettes is hidden until smoker = Yes"
    );
    let s = s.answer("smoker", Yes);
    let mut s = s;
    let e = s.try_answer("cigarettes", Integer(0)).unwrap_err();
    assert_eq!(
        e.to_string(),
        "please enter a number between 1 and 100 a day"
    );
}

#[test]
fn units_are_stored_as_given_and_converted_in_the_summary() {
    let s = started()
        .answer("weight", Quantity(154.0, "lb".into()))
        .answer("height", Quantity(67.0, "ft_in".into()));
    let summary = s.summary();
    let about = &summary.sections[0].items;
    let weight = about.iter().find(|i| i.id == "weight").unwrap();
    let Status::Answered {
        answer,
        shown,
        converted,
        ..
    } = &weight.status
    else {
        panic!()
    };
    assert_eq!(answer, &Quantity(154.0, "lb".into()));
    assert_eq!(shown, "154 lb");
    assert_eq!(converted.as_deref(), Some("69.9 kg"));
    let height = about.iter().find(|i| i.id == "height").unwrap();
    let Status::Answered {
        shown, converted, ..
    } = &height.status
    else {
        panic!()
    };
    assert_eq!(shown, "5 ft 7 in");
    assert_eq!(converted.as_deref(), Some("170.2 cm"));
}

#[test]
fn split_units_reject_fractions_and_out_of_range() {
    let mut s = started();
    assert_eq!(
        s.try_answer("height", Quantity(66.5, "ft_in".into())),
        Err(Invalid::TooManyDecimals { decimals: 0 })
    );
    let e = s
        .try_answer("height", Quantity(20.0, "ft_in".into()))
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "please enter a number between 3 ft 4 in and 8 ft 0 in"
    );
}

#[test]
fn dates_respect_their_bounds() {
    let mut s = Scenario::demo()
        .next()
        .next()
        .answer("full_name", text("A"))
        .next();
    assert_eq!(
        s.try_answer("dob", date("2026-11-22")),
        Err(Invalid::DateAfter {
            max: NaiveDate::from_ymd_opt(2026, 11, 21).unwrap()
        })
    );
    assert!(matches!(
        s.try_answer("dob", date("1890-01-01")),
        Err(Invalid::DateBefore { .. })
    ));
    assert!(s.try_answer("dob", date("2026-11-21")).is_ok());
}

#[test]
fn text_length_and_emptiness_are_checked() {
    let mut s = Scenario::demo();
    assert_eq!(
        s.try_answer("full_name", text(&"x".repeat(101))),
        Err(Invalid::TooLong { max_len: 100 })
    );
    assert_eq!(s.try_answer("full_name", text("   ")), Err(Invalid::Empty));
    // Characters, not bytes: 100 accented letters fit.
    assert!(s.try_answer("full_name", text(&"é".repeat(100))).is_ok());
}

#[test]
fn none_of_these_excludes_other_options() {
    let mut s = started();
    let both = Choices(vec!["asthma".into(), "none".into()]);
    assert_eq!(
        s.try_answer("conditions", both),
        Err(Invalid::NoneWithOthers)
    );
    assert!(
        s.try_answer("conditions", Choices(vec!["none".into()]))
            .is_ok()
    );
    assert!(
        s.try_answer(
            "conditions",
            Choices(vec!["asthma".into(), "glaucoma".into()])
        )
        .is_ok()
    );
    assert_eq!(
        s.try_answer("conditions", Choices(vec![])),
        Err(Invalid::NoneSelected)
    );
}

#[test]
fn declining_is_only_possible_where_offered() {
    let mut s = started();
    assert_eq!(
        s.try_answer("smoker", Declined),
        Err(Invalid::DeclineNotOffered)
    );
    assert!(s.try_answer("alcohol", Declined).is_ok());
    assert_eq!(
        s.try_answer("smoker", NotSure),
        Err(Invalid::NotSureNotOffered)
    );
    let summary = s.summary();
    let alcohol = summary.sections[1]
        .items
        .iter()
        .find(|i| i.id == "alcohol")
        .unwrap();
    assert_eq!(alcohol.status, Status::Declined);
}

#[test]
fn repeating_group_entries_are_checked_and_exported() {
    let mut s = started().answer("medicines_tried", Yes);
    let trials = s.idx("trials");
    // Required with min 1: no entries blocks.
    s.session.jump(trials).unwrap();
    assert_eq!(s.session.forward().unwrap_err().reason, Invalid::Required);
    assert_eq!(
        s.try_answer("trials", Group(vec![])),
        Err(Invalid::TooFewEntries { min: 1 })
    );
    // An entry without its required drug name is reported with the entry number.
    s.session
        .set(
            trials,
            Group(vec![
                entry(&[("trial_drug", text("sertraline"))]),
                entry(&[("trial_weeks", Integer(8))]),
            ]),
        )
        .unwrap();
    let blocked = s.session.forward().unwrap_err();
    assert!(
        matches!(&blocked.reason, Invalid::InEntry { entry: 2, item, .. } if item == "trial_drug"),
        "{:?}",
        blocked.reason
    );
    // Range checks reach inside entries.
    let bad = Group(vec![entry(&[
        ("trial_drug", text("x")),
        ("trial_weeks", Integer(9999)),
    ])]);
    assert!(matches!(
        s.try_answer("trials", bad),
        Err(Invalid::InEntry { entry: 1, .. })
    ));
    let foreign = Group(vec![entry(&[("smoker", Yes)])]);
    assert!(matches!(
        s.try_answer("trials", foreign),
        Err(Invalid::NotInGroup { .. })
    ));

    let s = s.answer(
        "trials",
        Group(vec![
            entry(&[
                ("trial_drug", text("sertraline")),
                ("trial_helped", No),
                ("trial_why_stopped", text("no change")),
            ]),
            entry(&[
                ("trial_drug", text("bupropion")),
                ("trial_helped", Yes),
                ("trial_why_stopped", text("hidden in this entry")),
            ]),
        ]),
    );
    let summary = s.summary();
    let group = summary.sections[1]
        .items
        .iter()
        .find(|i| i.id == "trials")
        .unwrap();
    let Status::Entries(entries) = &group.status else {
        panic!("{:?}", group.status)
    };
    assert_eq!(entries.len(), 2);
    let why = |e: &Vec<prescreen::engine::summary::ItemSummary>| {
        e.iter()
            .find(|i| i.id == "trial_why_stopped")
            .unwrap()
            .status
            .clone()
    };
    assert!(matches!(why(&entries[0]), Status::Answered { shown, .. } if shown == "no change"));
    assert!(
        matches!(why(&entries[1]), Status::NotAsked { .. }),
        "shown only when the medicine did not help"
    );
    assert!(!summary.to_ron().contains("hidden in this entry"));
}

#[test]
fn count_of_entries_feeds_flags() {
    let one = Group(vec![entry(&[("trial_drug", text("a"))])]);
    let two = Group(vec![
        entry(&[("trial_drug", text("a"))]),
        entry(&[("trial_drug", text("b"))]),
    ]);
    started()
        .answer("medicines_tried", Yes)
        .answer("trials", one)
        .assert_flag("few_trials");
    started()
        .answer("medicines_tried", Yes)
        .answer("trials", two)
        .assert_no_flag("few_trials");
    // A hidden group counts as no entries.
    started()
        .answer("medicines_tried", No)
        .assert_flag("few_trials");
}

#[test]
fn age_is_computed_in_whole_years_on_the_session_date() {
    // The session date is 2026-11-21.
    let s = Scenario::demo().answer("full_name", text("A"));
    s.answer("dob", date("2008-11-22")).assert_flag("under_18");
    let s = Scenario::demo().answer("full_name", text("A"));
    s.answer("dob", date("2008-11-21"))
        .assert_no_flag("under_18");
}

#[test]
fn scores_are_complete_only_when_every_item_is_answered() {
    let s = started().answer("phq_1", choice("2"));
    let score = &s.summary().scores[0];
    assert!(!score.complete);
    assert_eq!(
        score.describe(),
        "incomplete: 1 of 2 answered — lower (demo band) to higher (demo band) (partial sum 2; \
         the total can be 2–5)"
    );
    assert_eq!(score.band, None);
    assert_eq!(score.max, Some(5));
    let s = s.answer("phq_2", Declined);
    assert!(
        s.summary().scores[0]
            .describe()
            .starts_with("incomplete: 1 of 2")
    );
}

#[test]
fn score_band_edges() {
    for (a, b, total, band) in [
        ("0", "0", 0, "lower"),
        ("1", "1", 2, "lower"),
        ("2", "1", 3, "higher"),
        ("3", "3", 6, "higher"),
    ] {
        let s = started()
            .answer("phq_1", choice(a))
            .answer("phq_2", choice(b));
        let score = &s.summary().scores[0];
        assert!(score.complete);
        assert_eq!(score.sum, total);
        assert_eq!(
            score.band.as_ref().map(|b| b.id.as_str()),
            Some(band),
            "total {total}"
        );
        let s = if band == "higher" {
            s.assert_flag("mood_higher")
        } else {
            s.assert_no_flag("mood_higher")
        };
        drop(s);
    }
}

#[test]
fn flags_cite_the_answers_that_raised_them() {
    let s = started()
        .answer("aneurysm", NotSure)
        .assert_flag("aneurysm");
    let summary = s.summary();
    let flag = summary.flags.iter().find(|f| f.id == "aneurysm").unwrap();
    assert_eq!(flag.source, "Spravato PI §4");
    assert_eq!(flag.because.len(), 1);
    assert_eq!(flag.because[0].item, "aneurysm");
    assert_eq!(flag.because[0].answer, "Not sure");
    started().answer("aneurysm", No).assert_no_flag("aneurysm");
}

#[test]
fn unanswered_self_harm_item_is_flagged_declined_too() {
    started().assert_flag("self_harm_unanswered");
    started()
        .answer("self_harm", Declined)
        .assert_flag("self_harm_unanswered");
    started()
        .answer("self_harm", choice("0"))
        .assert_no_flag("self_harm_unanswered")
        .assert_no_flag("self_harm");
}

#[test]
fn safety_rule_fires_the_moment_its_answer_is_given_and_only_once() {
    let s = started().answer("phq_1", choice("1"));
    assert!(s.last_alerts.is_empty());
    let s = s.answer("self_harm", choice("0"));
    assert!(s.last_alerts.is_empty());
    s.clock.advance(chrono::Duration::minutes(3));
    let s = s.answer("self_harm", choice("2"));
    assert_eq!(s.last_alerts.len(), 1, "fires at once");
    let fired_at = s.last_alerts[0].at;
    assert_eq!(
        fired_at,
        crate::scenario::test_time() + chrono::Duration::minutes(3)
    );
    let s = s.answer("self_harm", choice("3"));
    assert!(s.last_alerts.is_empty(), "fires once per session");
    // Changing the answer back does not un-raise the alert: staff were already told.
    let s = s.answer("self_harm", choice("0"));
    let summary = s.summary();
    assert_eq!(summary.alerts.len(), 1);
    assert_eq!(summary.alerts[0].rule, "crisis");
    assert_eq!(summary.alerts[0].at, fired_at);
    let s = s.answer("self_harm", choice("1")).assert_flag("self_harm");
    assert_eq!(
        s.summary()
            .flags
            .iter()
            .find(|f| f.id == "self_harm")
            .unwrap()
            .level,
        prescreen::engine::Level::Urgent
    );
}

#[test]
fn jump_and_progress() {
    let mut s = started();
    let (answered, asked) = s.session.progress();
    assert_eq!(
        (answered, asked),
        (2, 14),
        "display text is not counted; hidden items are not counted"
    );
    assert_eq!(s.session.jump(s.idx("cigarettes")), Err(Invalid::NotShown));
    assert_eq!(s.session.jump(s.idx("trial_drug")), Err(Invalid::NotShown));
    s.session.jump(s.idx("phq_2")).unwrap();
    let s = s.next().assert_current("self_harm").next().assert_review();
    let s = s.back().assert_current("self_harm");
    let mut s = s.answer("smoker", Yes);
    assert_eq!(s.session.progress(), (3, 15));
    s.session.review();
    assert_eq!(s.session.cursor(), Cursor::Review);
    assert!(
        s.session
            .missing()
            .iter()
            .any(|(i, e)| *i == s.idx("cigarettes") && *e == Invalid::Required)
    );
}

#[test]
fn spanish_session_exports_both_languages() {
    let s = Scenario::in_language(crate::scenario::load("questionnaires/demo.ron"), "es")
        .answer("full_name", text("Ana"))
        .answer("smoker", No);
    let summary = s.summary();
    assert_eq!(summary.language, "es");
    let smoker = summary.sections[1]
        .items
        .iter()
        .find(|i| i.id == "smoker")
        .unwrap();
    assert_eq!(smoker.question, "¿Fuma?");
    assert_eq!(smoker.question_default.as_deref(), Some("Do you smoke?"));
    let Status::Answered {
        shown,
        shown_default,
        ..
    } = &smoker.status
    else {
        panic!()
    };
    assert_eq!(
        (shown.as_str(), shown_default.as_deref()),
        ("No", Some("No"))
    );
    assert_eq!(summary.sections[1].title, "Su salud");
}

#[test]
fn an_unknown_language_falls_back_to_the_default() {
    let s = Scenario::in_language(crate::scenario::load("questionnaires/demo.ron"), "fr");
    assert_eq!(s.session.language(), "en");
}

/// A section that was not shown is one line in the export, told apart by its cause and not by
/// the wording of its reason.
#[test]
fn a_hidden_section_reads_as_one_line() {
    let q = parse(
        r#"Questionnaire(id: "h", version: "1.0.0", languages: ["en"], title: {"en": "H"},
        sections: [
            Section(id: "first", title: {"en": "First"}, items: [
                Item(id: "a", text: {"en": "A?"}, kind: YesNo()),
            ]),
            Section(id: "later", title: {"en": "Later"}, show_if: Equals("a", Yes), items: [
                Item(id: "b", text: {"en": "B?"}, kind: YesNo()),
                Item(id: "c", text: {"en": "C?"}, kind: YesNo(), show_if: Equals("b", Yes)),
            ]),
        ])"#,
    );
    let summary = Scenario::new(q).answer("a", No).summary();
    for item in &summary.sections[1].items {
        assert!(
            matches!(
                &item.status,
                Status::NotAsked { cause: NotAskedCause::Section, reason } if reason == "asked only when “A?” is Yes"
            ),
            "{:?}",
            item.status
        );
    }
    let text = prescreen::export::text::render(&summary, &crate::trusted());
    assert!(
        text.contains("== 2. Later ==\n  Section not asked: asked only when “A?” is Yes.\n"),
        "{text}"
    );
    assert!(!text.contains("B?"), "{text}");
}
