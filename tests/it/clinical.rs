//! The ketamine-candidacy questionnaire: realistic answer sets give their expected flags, scores
//! and skipped items; every flag is proven raised and proven absent; instrument scores band at
//! the published edges; the self-harm item behaves; no text reads as a treatment decision.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::Arc;

use prescreen::engine::answers_file::{AnswersFile, fill};
use prescreen::engine::summary::{Status, Summary};
use prescreen::engine::{Answer, FixedClock, Level, Questionnaire, Session};
use serde::Deserialize;

use crate::repo;
use crate::scenario::{load, test_time};

const QUESTIONNAIRE: &str = "questionnaires/ketamine_candidacy.ron";

#[derive(Debug, Deserialize)]
#[serde(rename = "Expect", deny_unknown_fields)]
struct Expect {
    language: String,
    flags: Vec<String>,
    alerts: Vec<String>,
    scores: BTreeMap<String, String>,
    not_asked: Vec<String>,
    declined: Vec<String>,
}

fn fixtures() -> Vec<(String, PathBuf, Expect)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(repo("tests/fixtures/answers")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if let Some(stem) = name
            .strip_suffix(".ron")
            .filter(|s| !s.ends_with(".expect"))
        {
            let expect_path = path.with_file_name(format!("{stem}.expect.ron"));
            let text = std::fs::read_to_string(&expect_path)
                .unwrap_or_else(|e| panic!("{}: {e}", expect_path.display()));
            let expect: Expect =
                ron::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", expect_path.display()));
            out.push((stem.to_owned(), path, expect));
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    assert!(out.len() >= 4, "answer fixtures missing");
    out
}

fn summarize(q: &Arc<Questionnaire>, path: &std::path::Path, lang: &str) -> Summary {
    let file = AnswersFile::parse(&std::fs::read(path).unwrap())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let clock = Arc::new(FixedClock::new(test_time()));
    match fill(q.clone(), file, lang, clock) {
        Ok(session) => Summary::build(&session, test_time()),
        Err(errors) => panic!(
            "{}:\n{}",
            path.display(),
            errors
                .iter()
                .map(|e| format!("  {e}"))
                .collect::<Vec<_>>()
                .join("\n")
        ),
    }
}

fn statuses(s: &Summary) -> BTreeMap<String, Status> {
    s.sections
        .iter()
        .flat_map(|sec| &sec.items)
        .map(|i| (i.id.clone(), i.status.clone()))
        .collect()
}

#[test]
fn answer_fixtures_give_their_expected_results() {
    let q = load(QUESTIONNAIRE);
    let mut failures = Vec::new();
    for (name, path, expect) in fixtures() {
        let s = summarize(&q, &path, &expect.language);
        let mut fail = |what: String| failures.push(format!("{name}: {what}"));
        if s.language != expect.language {
            fail(format!("language {} ≠ {}", s.language, expect.language));
        }
        let flags: BTreeSet<_> = s.flags.iter().map(|f| f.id.clone()).collect();
        let want: BTreeSet<_> = expect.flags.iter().cloned().collect();
        if flags != want {
            fail(format!("flags raised {flags:?}, expected {want:?}"));
        }
        let alerts: Vec<_> = s.alerts.iter().map(|a| a.rule.clone()).collect();
        if alerts != expect.alerts {
            fail(format!("alerts {alerts:?}, expected {:?}", expect.alerts));
        }
        let scores: BTreeMap<_, _> = s
            .scores
            .iter()
            .map(|r| (r.id.clone(), r.describe()))
            .collect();
        if scores != expect.scores {
            fail(format!("scores {scores:?}, expected {:?}", expect.scores));
        }
        let status = statuses(&s);
        for id in &expect.not_asked {
            if !matches!(status.get(id), Some(Status::NotAsked { .. })) {
                fail(format!(
                    "`{id}` should be not asked, is {:?}",
                    status.get(id)
                ));
            }
        }
        for id in &expect.declined {
            if status.get(id) != Some(&Status::Declined) {
                fail(format!(
                    "`{id}` should be declined, is {:?}",
                    status.get(id)
                ));
            }
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn every_flag_is_raised_by_a_fixture_and_none_by_the_quiet_one() {
    let q = load(QUESTIONNAIRE);
    let all: BTreeSet<String> = q
        .flags
        .iter()
        .map(|f| f.id.clone())
        .chain(q.text_screens.iter().map(|t| t.id.clone()))
        .collect();
    let mut raised = BTreeSet::new();
    for (name, _, expect) in fixtures() {
        if name == "no_flags" {
            assert!(expect.flags.is_empty(), "no_flags must expect no flag");
        }
        raised.extend(expect.flags);
    }
    let never: Vec<_> = all.difference(&raised).collect();
    assert!(never.is_empty(), "flags no fixture raises: {never:?}");
    assert!(
        fixtures().iter().any(|(n, _, _)| n == "no_flags"),
        "a fixture with no flags proves each flag can be absent"
    );
    assert!(
        fixtures().iter().any(|(_, _, e)| e.language == "es"),
        "a Spanish fixture"
    );
    assert!(
        fixtures()
            .iter()
            .any(|(n, _, _)| n == "declines_everything")
    );
}

/// A session on the quiet fixture's answers, with the instrument items replaced.
fn with_items(items: &[(String, u32)]) -> (Session, Arc<Questionnaire>) {
    let q = load(QUESTIONNAIRE);
    let clock = Arc::new(FixedClock::new(test_time()));
    let mut session = Session::new(q.clone(), "en", clock);
    for (id, v) in items {
        let i = q.find(id).unwrap();
        session
            .set(i, Answer::Choice(v.to_string()))
            .unwrap_or_else(|e| panic!("{id}: {e}"));
    }
    (session, q)
}

/// Item values summing to `total`, filling from the first item, each 0–3; the last item is
/// filled last (for the PHQ-9 that is item 9, kept at 0 unless the total needs it).
fn spread(prefix: &str, n: usize, total: u32) -> Vec<(String, u32)> {
    let mut left = total;
    (1..=n)
        .map(|k| {
            let v = left.min(3);
            left -= v;
            (format!("{prefix}{k}"), v)
        })
        .collect()
}

fn band_at(prefix: &str, n: usize, score: &str, total: u32) -> (Summary, String) {
    let (session, _) = with_items(&spread(prefix, n, total));
    let s = Summary::build(&session, test_time());
    let r = s.scores.iter().find(|r| r.id == score).unwrap();
    assert!(r.complete, "{score} at {total} should be complete");
    assert_eq!(r.sum, total);
    let band = r.band.as_ref().map(|b| b.label.clone()).unwrap_or_default();
    (s, band)
}

/// At each total, the score falls in `band`, and of `band_flags` exactly the one for that band
/// (if any) is raised.
fn check_band_edges(
    prefix: &str,
    items: usize,
    score: &str,
    edges: &[(u32, &str)],
    band_flags: &[(&str, &str)],
) {
    for &(total, band) in edges {
        let (s, got) = band_at(prefix, items, score, total);
        assert_eq!(got, band, "{score} total {total}");
        let flags: Vec<_> = s.flags.iter().map(|f| f.id.as_str()).collect();
        for &(flag_band, flag) in band_flags {
            assert_eq!(
                flags.contains(&flag),
                flag_band == band,
                "{score} total {total}: {flags:?}"
            );
        }
    }
}

#[test]
fn phq9_band_edges() {
    check_band_edges(
        "phq9_",
        9,
        "phq9",
        &[
            (0, "minimal"),
            (4, "minimal"),
            (5, "mild"),
            (9, "mild"),
            (10, "moderate"),
            (14, "moderate"),
            (15, "moderately severe"),
            (19, "moderately severe"),
            (20, "severe"),
            (27, "severe"),
        ],
        &[
            ("moderate", "phq9_moderate"),
            ("moderately severe", "phq9_moderately_severe"),
            ("severe", "phq9_severe"),
        ],
    );
}

#[test]
fn gad7_band_edges() {
    check_band_edges(
        "gad7_",
        7,
        "gad7",
        &[
            (0, "minimal"),
            (4, "minimal"),
            (5, "mild"),
            (9, "mild"),
            (10, "moderate"),
            (14, "moderate"),
            (15, "severe"),
            (21, "severe"),
        ],
        &[("moderate", "gad7_moderate"), ("severe", "gad7_severe")],
    );
}

#[test]
fn an_incomplete_phq9_is_reported_incomplete_never_imputed() {
    let mut items = spread("phq9_", 9, 16);
    items.retain(|(id, _)| id != "phq9_9");
    let (session, _) = with_items(&items);
    let s = Summary::build(&session, test_time());
    let r = s.scores.iter().find(|r| r.id == "phq9").unwrap();
    assert!(!r.complete);
    assert_eq!(r.sum, 16, "the partial sum, nothing imputed");
    assert_eq!(
        r.describe(),
        "incomplete: 8 of 9 answered — moderately severe whatever the missing answers (partial \
         sum 16; the total can be 16–19)"
    );
    assert!(
        s.flags.iter().any(|f| f.id == "phq9_item9_unanswered"),
        "item 9 unanswered is flagged"
    );
    assert!(s.flags.iter().any(|f| f.id == "phq9_incomplete"));
    let json =
        prescreen::export::fhir::to_json(&prescreen::export::fhir::questionnaire_response(&s))
            .unwrap();
    assert!(
        !json.contains("score:phq9"),
        "an incomplete score has no number in FHIR"
    );
}

/// The published bands (Kroenke et al. 2001; Spitzer et al. 2006), written out here so the
/// test does not read them from the questionnaire it checks.
const PHQ9_BANDS: [(u32, u32, &str, Option<&str>); 5] = [
    (0, 4, "minimal", None),
    (5, 9, "mild", None),
    (10, 14, "moderate", Some("phq9_moderate")),
    (15, 19, "moderately severe", Some("phq9_moderately_severe")),
    (20, 27, "severe", Some("phq9_severe")),
];
const GAD7_BANDS: [(u32, u32, &str, Option<&str>); 4] = [
    (0, 4, "minimal", None),
    (5, 9, "mild", None),
    (10, 14, "moderate", Some("gad7_moderate")),
    (15, 21, "severe", Some("gad7_severe")),
];

/// With `missing` items unanswered (the last ones) and every partial sum the others can give,
/// the score reports its range, the band when the range lies in one, and otherwise raises the
/// highest reachable band's flag as "possible"; the incomplete flag is always raised.
fn check_missing(
    prefix: &str,
    n: usize,
    score: &str,
    bands: &[(u32, u32, &str, Option<&str>)],
    incomplete_flag: &str,
) {
    let band = |t: u32| bands.iter().find(|b| (b.0..=b.1).contains(&t)).unwrap();
    let mut checked = 0;
    for missing in 1..=n {
        let answered = n - missing;
        for partial in 0..=(3 * answered as u32) {
            let mut items = spread(prefix, n, partial);
            items.truncate(answered);
            let (session, _) = with_items(&items);
            let s = Summary::build(&session, test_time());
            let r = s.scores.iter().find(|r| r.id == score).unwrap();
            let top = partial + 3 * missing as u32;
            let (lo, hi) = (band(partial), band(top));
            let at = format!("{score}: {missing} missing, partial {partial}");
            assert!(!r.complete, "{at}");
            assert_eq!((r.sum, r.max), (partial, Some(top)), "{at}");
            assert!(
                r.describe()
                    .starts_with(&format!("incomplete: {answered} of {n} answered")),
                "{at}: {}",
                r.describe()
            );
            let raised = |id: &str| s.flags.iter().find(|f| f.id == id);
            assert!(raised(incomplete_flag).is_some(), "{at}");
            if lo.2 == hi.2 {
                assert_eq!(
                    r.band.as_ref().map(|b| b.label.as_str()),
                    Some(lo.2),
                    "{at}"
                );
                assert!(
                    r.describe().contains("whatever the missing answers"),
                    "{at}"
                );
            } else {
                assert_eq!(r.band, None, "{at}");
                assert!(
                    r.describe().contains(&format!("{} to {}", lo.2, hi.2)),
                    "{at}: {}",
                    r.describe()
                );
            }
            for b in bands {
                let Some(flag) = b.3 else { continue };
                match raised(flag) {
                    Some(f) if b.2 == hi.2 => {
                        assert_eq!(f.possible, lo.2 != hi.2, "{at}: {flag}");
                        assert_eq!(
                            f.incomplete,
                            [format!("{}: {answered} of {n} answered", r.title)],
                            "{at}: {flag}"
                        );
                    }
                    Some(_) => panic!("{at}: {flag} raised, highest band is {}", hi.2),
                    None => assert!(b.2 != hi.2, "{at}: {flag} not raised"),
                }
            }
            checked += 1;
        }
    }
    assert!(
        checked > n,
        "{score}: every partial sum with 1..={n} missing"
    );
}

#[test]
fn phq9_with_missing_items_reports_its_range_and_flags_what_it_can_reach() {
    check_missing("phq9_", 9, "phq9", &PHQ9_BANDS, "phq9_incomplete");
}

#[test]
fn gad7_with_missing_items_reports_its_range_and_flags_what_it_can_reach() {
    check_missing("gad7_", 7, "gad7", &GAD7_BANDS, "gad7_incomplete");
}

#[test]
fn a_phq9_already_severe_with_an_item_skipped_is_flagged_severe() {
    // The finding: eight items summing to 21 with one skipped said "No flag was raised".
    let items: Vec<(String, u32)> = [1, 2, 3, 5, 6, 7, 8]
        .iter()
        .map(|k| (format!("phq9_{k}"), 3))
        .chain([("phq9_9".to_owned(), 0)])
        .collect();
    let (session, _) = with_items(&items);
    let s = Summary::build(&session, test_time());
    let severe = s.flags.iter().find(|f| f.id == "phq9_severe").unwrap();
    assert!(!severe.possible);
    assert_eq!(severe.incomplete, ["PHQ-9: 8 of 9 answered"]);
    let text = prescreen::export::text::render(&s, &crate::trusted());
    assert!(!text.contains("No flag was raised"), "{text}");
    assert!(text.contains("8 of 9 answered — severe whatever the missing answers"));
}

#[test]
fn a_gad7_partial_sum_of_12_raises_moderate_or_possible_severe() {
    let mut items = spread("gad7_", 7, 12);
    items.truncate(6);
    let (session, _) = with_items(&items);
    let s = Summary::build(&session, test_time());
    let severe = s.flags.iter().find(|f| f.id == "gad7_severe").unwrap();
    assert!(severe.possible, "12 + 3 can reach severe");
    assert!(s.flags.iter().any(|f| f.id == "gad7_incomplete"));
    let text = prescreen::export::text::render(&s, &crate::trusted());
    assert!(
        text.contains("[review (possible)] GAD-7 total in the severe range"),
        "{text}"
    );
    assert!(
        text.contains("Possible, not certain: GAD-7: 6 of 7 answered"),
        "{text}"
    );
}

/// What every Spanish crisis message gives: 988 press 2, text AYUDA, chat in Spanish, and the
/// Spanish line of the clinical reference.
const SPANISH_988: [&str; 5] = [
    "988",
    "oprima 2",
    "AYUDA al 988",
    "chatee en español",
    "1-888-628-9454",
];

#[test]
fn item9_several_days_or_more_fires_the_crisis_rule_at_once() {
    for value in ["1", "2", "3"] {
        let (mut session, q) = with_items(&[]);
        let alerts = session
            .set(q.find("phq9_9").unwrap(), Answer::Choice(value.into()))
            .unwrap();
        assert_eq!(alerts.len(), 1, "fires the moment item 9 = {value}");
        let rule = q.safety_rule(alerts[0].rule).unwrap();
        for (lang, needles) in [
            (
                "en",
                &["988", "988lifeline.org", "838255", "911", "staff"][..],
            ),
            ("es", &[&SPANISH_988[..], &["911", "personal"]].concat()[..]),
        ] {
            let message = rule.message.get(lang);
            for n in needles {
                assert!(
                    message.contains(n),
                    "{lang} crisis message lacks {n}: {message}"
                );
            }
        }
        let s = Summary::build(&session, test_time());
        let urgent: Vec<_> = s
            .flags
            .iter()
            .filter(|f| f.level == Level::Urgent)
            .map(|f| f.id.as_str())
            .collect();
        assert_eq!(urgent, ["self_harm_thoughts"]);
        assert_eq!(s.alerts.len(), 1);
    }
    let (mut session, q) = with_items(&[]);
    assert!(
        session
            .set(q.find("phq9_9").unwrap(), Answer::Choice("0".into()))
            .unwrap()
            .is_empty()
    );
    let s = Summary::build(&session, test_time());
    assert!(
        s.flags
            .iter()
            .all(|f| f.id != "self_harm_thoughts" && f.id != "phq9_item9_unanswered")
    );
}

fn rule_message(q: &Questionnaire, id: &str, lang: &str) -> String {
    q.safety
        .iter()
        .find(|r| r.id == id)
        .map(|r| r.message.get(lang).to_owned())
        .unwrap()
}

#[test]
fn item9_declined_shows_the_resources_calmly_and_is_a_notice_not_an_urgent_alert() {
    let (mut session, q) = with_items(&[]);
    let alerts = session
        .set(q.find("phq9_9").unwrap(), Answer::Declined)
        .unwrap();
    assert_eq!(alerts.len(), 1, "the patient sees the resources at once");
    let rule = q.safety_rule(alerts[0].rule).unwrap();
    assert_eq!(rule.id, "crisis_item9_declined");
    assert_eq!(rule.level, Level::Review);
    for (lang, needles) in [
        (
            "en",
            &[
                "988",
                "988lifeline.org",
                "838255",
                "911",
                "OK not to answer",
            ][..],
        ),
        ("es", &SPANISH_988[..]),
    ] {
        let m = rule.message.get(lang);
        for n in needles {
            assert!(m.contains(n), "{lang} lacks {n}: {m}");
        }
    }
    let s = Summary::build(&session, test_time());
    assert_eq!(s.alerts.len(), 1);
    assert_eq!(s.alerts[0].level, Level::Review);
    assert!(s.flags.iter().any(|f| f.id == "phq9_item9_unanswered"));
    assert!(s.flags.iter().all(|f| f.level != Level::Urgent));
    let record = prescreen::engine::UrgentAlert::build(&session, &alerts[0]);
    assert_eq!(
        record.level,
        Level::Review,
        "the record says it is a notice"
    );
}

#[test]
fn item9_skipped_shows_the_calm_page_once_the_patient_moves_past_it() {
    let (mut session, q) = with_items(&[]);
    let item9 = q.find("phq9_9").unwrap();
    session
        .set(q.find("full_name").unwrap(), Answer::Text("A".into()))
        .unwrap();
    session
        .set(
            q.find("dob").unwrap(),
            Answer::Date(chrono::NaiveDate::from_ymd_opt(1980, 1, 1).unwrap()),
        )
        .unwrap();
    let pages = session.visible_pages();
    let before = pages.iter().position(|&p| p == item9).unwrap();
    for _ in 0..=before {
        let (_, alerts) = session.forward_with_alerts().unwrap();
        assert!(alerts.is_empty(), "nothing fires before item 9 is passed");
    }
    assert_eq!(session.cursor(), prescreen::engine::Cursor::Item(item9));
    let (_, alerts) = session.forward_with_alerts().unwrap();
    assert_eq!(
        alerts.len(),
        1,
        "passing item 9 unanswered fires the calm rule"
    );
    assert_eq!(
        q.safety_rule(alerts[0].rule).unwrap().id,
        "crisis_item9_skipped"
    );
    assert!(
        rule_message(&q, "crisis_item9_skipped", "en").contains("OK not to answer"),
        "the calm words"
    );
    // Answering it later does not fire the calm rule again; a score of 1 takes the urgent path.
    let later = session.set(item9, Answer::Choice("1".into())).unwrap();
    assert_eq!(q.safety_rule(later[0].rule).unwrap().id, "crisis");
    // Answered "not at all" before moving on: no calm page.
    let (mut session, _) = with_items(&[("phq9_9".into(), 0)]);
    assert!(session.review().is_empty());
}

#[test]
fn free_text_about_self_harm_raises_an_urgent_flag_naming_the_item_with_the_words_marked() {
    let q = load(QUESTIONNAIRE);
    let path = repo("tests/fixtures/answers/free_text_spanish.ron");
    let s = summarize(&q, &path, "es");
    let flag = s
        .flags
        .iter()
        .find(|f| f.id == "free_text_self_harm")
        .unwrap();
    assert_eq!(flag.level, Level::Urgent);
    assert!(
        flag.text.ends_with(
            "— in the answer to “Is there anything else you would like your care team to know?”"
        ),
        "{}",
        flag.text
    );
    assert_eq!(flag.because[0].answer, "the patient wrote “hacerme daño”");
    let text = prescreen::export::text::render(&s, &crate::trusted());
    assert!(
        text.contains("→ A veces pienso en »hacerme daño«. Tengo »preguntas« sobre el ayuno."),
        "{text}"
    );
    let html = prescreen::export::html::render(&s, &crate::trusted());
    assert!(html.contains("<mark>hacerme daño</mark>"), "{html}");
    // The quiet fixture's free text matches nothing.
    let quiet = summarize(&q, &repo("tests/fixtures/answers/no_flags.ron"), "en");
    assert!(
        quiet
            .sections
            .iter()
            .flat_map(|s| &s.items)
            .all(|i| i.marks.is_empty())
    );
}

/// A session with these answers, set in order.
fn answered(answers: &[(&str, Answer)]) -> Summary {
    let q = load(QUESTIONNAIRE);
    let clock = Arc::new(FixedClock::new(test_time()));
    let mut session = Session::new(q.clone(), "en", clock);
    for (id, a) in answers {
        session
            .set(q.find(id).unwrap(), a.clone())
            .unwrap_or_else(|e| panic!("{id}: {e}"));
    }
    Summary::build(&session, test_time())
}

fn because(s: &Summary, flag: &str) -> Vec<(String, String)> {
    s.flags
        .iter()
        .find(|f| f.id == flag)
        .unwrap_or_else(|| panic!("{flag} not raised"))
        .because
        .iter()
        .map(|b| (b.item.clone(), b.answer.clone()))
        .collect()
}

#[test]
fn a_reason_cites_only_what_raised_the_flag_and_says_not_asked_for_hidden_items() {
    // The trial list was never shown: its count reads "not asked", not "not answered".
    let s = answered(&[("ad_tried", Answer::No)]);
    assert_eq!(
        because(&s, "fewer_than_two_antidepressant_trials"),
        [("ad_trials".to_owned(), "not asked".to_owned())]
    );
    // Unsure about a diagnosis, with a known reading: the reading is not a reason.
    let s = answered(&[
        ("bp_diagnosed", Answer::NotSure),
        ("bp_reading_known", Answer::Yes),
    ]);
    let reasons = because(&s, "blood_pressure_unknown");
    assert_eq!(reasons.len(), 1, "{reasons:?}");
    assert_eq!(reasons[0].0, "bp_diagnosed");
}

#[test]
fn anyone_who_knows_a_reading_can_give_it_with_its_date_shown_and_old_ones_marked() {
    let date = |s: &str| Answer::Date(chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap());
    let s = answered(&[
        ("bp_diagnosed", Answer::No),
        ("bp_reading_known", Answer::Yes),
        ("bp_systolic", Answer::Integer(170)),
        ("bp_diastolic", Answer::Integer(105)),
        ("bp_date", date("2019-05-01")),
    ]);
    let reasons = because(&s, "blood_pressure_reading_high");
    assert!(
        reasons.iter().any(|(i, _)| i == "bp_date"),
        "the reading's date is beside it: {reasons:?}"
    );
    assert!(
        s.flags
            .iter()
            .any(|f| f.id == "blood_pressure_reading_not_recent")
    );
    assert!(s.flags.iter().all(|f| f.id != "blood_pressure_unknown"));
    // A reading from this year is recent.
    let s = answered(&[
        ("bp_diagnosed", Answer::No),
        ("bp_reading_known", Answer::Yes),
        ("bp_systolic", Answer::Integer(150)),
        ("bp_diastolic", Answer::Integer(85)),
        ("bp_date", date("2026-06-01")),
    ]);
    assert!(
        s.flags
            .iter()
            .any(|f| f.id == "blood_pressure_reading_high")
    );
    assert!(
        s.flags
            .iter()
            .all(|f| f.id != "blood_pressure_reading_not_recent")
    );
}

#[test]
fn a_pregnant_patient_is_not_asked_about_planning_or_birth_control() {
    let s = answered(&[
        ("can_become_pregnant", Answer::Yes),
        ("pregnant_now", Answer::Yes),
    ]);
    let status = statuses(&s);
    for id in ["planning_pregnancy", "contraception"] {
        assert!(
            matches!(status.get(id), Some(Status::NotAsked { .. })),
            "{id}: {:?}",
            status.get(id)
        );
    }
    assert!(s.flags.iter().all(|f| f.id != "no_contraception"));
    // Not sure about being pregnant: still asked.
    let s = answered(&[
        ("can_become_pregnant", Answer::Yes),
        ("pregnant_now", Answer::NotSure),
        ("contraception", Answer::No),
    ]);
    assert!(s.flags.iter().any(|f| f.id == "no_contraception"));
}

#[test]
fn skipped_or_unsure_answers_on_label_questions_are_flagged() {
    let s = answered(&[("aneurysm", Answer::No), ("avm", Answer::No)]);
    assert!(s.flags.iter().any(|f| f.id == "label_condition_unanswered"));
    let s = answered(&[
        ("aneurysm", Answer::No),
        ("avm", Answer::No),
        ("brain_bleed", Answer::No),
        ("ketamine_allergy", Answer::No),
        ("can_become_pregnant", Answer::No),
    ]);
    assert!(s.flags.iter().all(
        |f| f.id != "label_condition_unanswered" && f.id != "pregnancy_possibility_unanswered"
    ));
    let s = answered(&[("can_become_pregnant", Answer::Declined)]);
    assert!(
        s.flags
            .iter()
            .any(|f| f.id == "pregnancy_possibility_unanswered")
    );
    let s = answered(&[("current_meds", Answer::Choices(vec!["not_sure".into()]))]);
    assert!(s.flags.iter().any(|f| f.id == "medicines_not_sure"));
}

#[test]
fn the_mood_stabilizer_question_follows_an_unsure_mania_hospital_stay() {
    let q = load(QUESTIONNAIRE);
    let clock = Arc::new(FixedClock::new(test_time()));
    let mut session = Session::new(q.clone(), "en", clock);
    session
        .set(q.find("mania_hospital").unwrap(), Answer::NotSure)
        .unwrap();
    assert!(session.is_visible(q.find("mood_stabilizer_now").unwrap()));
}

#[test]
fn the_sedative_list_names_the_missing_classes_and_they_raise_the_sedative_flag() {
    for class in [
        "antipsychotic",
        "gabapentinoid",
        "sedating_antihistamine",
        "muscle_relaxant",
    ] {
        let s = answered(&[("current_meds", Answer::Choices(vec![class.into()]))]);
        assert!(
            s.flags
                .iter()
                .any(|f| f.id == "med_benzodiazepine_or_sedative"),
            "{class}"
        );
    }
    let q = load(QUESTIONNAIRE);
    for id in ["ptsd_dx", "chronic_pain", "past_suicide_attempt"] {
        assert!(q.find(id).is_some(), "{id} is asked");
    }
    let attempt = q.item(q.find("past_suicide_attempt").unwrap());
    assert!(
        attempt.can_decline && !attempt.required,
        "optional to answer"
    );
}

#[test]
fn spanish_wording_flagged_in_review_is_gone() {
    let text = std::fs::read_to_string(repo(QUESTIONNAIRE)).unwrap();
    for phrase in [
        "tenga un embarazo?",
        "presión alta dentro del cráneo",
        "condiciones de salud",
        "terapia de conversación",
        "medida de presión",
        "esa medida",
        "le vigila",
        "le han molestado los siguientes problemas?\", \"es\": \"Durante",
        "qué tan seguido le han molestado",
    ] {
        assert!(
            !text.contains(phrase),
            "still in the questionnaire: {phrase}"
        );
    }
    assert!(
        text.contains("¿qué tan seguido ha tenido molestias debido a los siguientes problemas?")
    );
    // One spelling of "not sure" on a screen: the built-in label matches the file's options.
    let q = load(QUESTIONNAIRE);
    assert_eq!(q.answer_labels.not_sure.get("es"), "No estoy seguro(a)");
    assert!(text.contains("qualified medical translator"));
    assert!(text.contains("version: \"1.2.0\""));
}

#[test]
fn summaries_carry_the_questionnaire_title_not_its_id() {
    let q = load(QUESTIONNAIRE);
    let s = summarize(&q, &repo("tests/fixtures/answers/no_flags.ron"), "en");
    let text = prescreen::export::text::render(&s, &crate::trusted());
    let html = prescreen::export::html::render(&s, &crate::trusted());
    for out in [&text, &html] {
        assert!(!out.contains("ketamine_candidacy"), "{out}");
        assert!(out.contains("Before your visit: health questions, version 1.2.0"));
    }
}

#[test]
fn instruments_carry_their_loinc_codes() {
    let q = load(QUESTIONNAIRE);
    let code = |id: &str| {
        q.item(q.find(id).unwrap())
            .code
            .as_ref()
            .map(|c| (c.system.clone(), c.code.clone()))
    };
    let loinc = |c: &str| Some(("http://loinc.org".to_owned(), c.to_owned()));
    for (id, c) in [
        ("phq9_1", "44250-9"),
        ("phq9_9", "44260-8"),
        ("phq9_difficulty", "69722-7"),
        ("gad7_1", "69725-0"),
        ("gad7_7", "69736-7"),
    ] {
        assert_eq!(code(id), loinc(c), "{id}");
    }
    let score = |id: &str| {
        q.scores
            .iter()
            .find(|s| s.id == id)
            .and_then(|s| s.code.clone())
            .map(|c| c.code)
    };
    assert_eq!(score("phq9").as_deref(), Some("44261-6"));
    assert_eq!(score("gad7").as_deref(), Some("70274-6"));
    assert_eq!(score("auditc").as_deref(), Some("75626-2"));
    for (id, c) in [
        ("auditc_1", "68518-0"),
        ("auditc_2", "68519-8"),
        ("auditc_3", "68520-6"),
    ] {
        assert_eq!(code(id), loinc(c), "{id}");
    }
    let phq1 = q.item(q.find("phq9_1").unwrap());
    let answer_codes: Vec<_> = phq1
        .kind
        .options()
        .iter()
        .filter_map(|o| o.code.as_ref().map(|c| c.code.as_str()))
        .collect();
    assert_eq!(
        answer_codes,
        ["LA6568-5", "LA6569-3", "LA6570-1", "LA6571-9"]
    );
    assert_eq!(
        phq1.text.get("en"),
        "Little interest or pleasure in doing things"
    );
    assert!(
        q.attribution
            .iter()
            .any(|a| a.contains("Copyright © Pfizer Inc."))
    );
}

/// Words that would read as a treatment decision. The app highlights; it never decides.
pub(crate) const VERDICTS: [&str; 9] = [
    "eligible",
    "ineligible",
    "eligibility",
    "contraindicated",
    "contraindication",
    "cleared",
    "approved",
    "candidate",
    "disqualified",
];

fn verdict_words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .map(str::to_lowercase)
        .filter(|w| VERDICTS.contains(&w.as_str()))
        .collect()
}

#[test]
fn no_text_reads_as_a_treatment_decision() {
    for entry in std::fs::read_dir(repo("questionnaires")).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(
            verdict_words(&text),
            Vec::<String>::new(),
            "{}",
            path.display()
        );
    }
    let q = load(QUESTIONNAIRE);
    for (_, path, expect) in fixtures() {
        let text = summarize(&q, &path, &expect.language).to_ron();
        assert_eq!(
            verdict_words(&text),
            Vec::<String>::new(),
            "summary of {}",
            path.display()
        );
    }
    assert_eq!(
        verdict_words("Not a candidate; ineligible"),
        ["candidate", "ineligible"],
        "the check itself works"
    );
}

#[test]
fn clinical_content_doc_lists_every_flag_as_the_questionnaire_has_it() {
    let q = load(QUESTIONNAIRE);
    let doc = std::fs::read_to_string(repo("docs/clinical-content.md")).unwrap();
    for f in &q.flags {
        let level = match f.level {
            Level::Review => "Review",
            Level::Urgent => "Urgent",
        };
        let row = format!("| `{}` | {level} | {} | {} |", f.id, f.text, f.source);
        assert!(
            doc.contains(&row),
            "docs/clinical-content.md lacks or misstates:\n{row}"
        );
    }
    assert!(doc.contains("qualified medical translator"));
}

/// AUDIT-C answers (item values 0–4, in order), the rest of the questionnaire unanswered.
fn auditc(values: &[Option<Answer>]) -> Summary {
    let answers: Vec<(String, Answer)> = values
        .iter()
        .enumerate()
        .filter_map(|(k, v)| v.clone().map(|a| (format!("auditc_{}", k + 1), a)))
        .collect();
    let pairs: Vec<(&str, Answer)> = answers
        .iter()
        .map(|(k, a)| (k.as_str(), a.clone()))
        .collect();
    answered(&pairs)
}

fn choice(v: u32) -> Option<Answer> {
    Some(Answer::Choice(v.to_string()))
}

fn auditc_result(s: &Summary) -> &prescreen::engine::summary::ScoreResult {
    s.scores.iter().find(|r| r.id == "auditc").unwrap()
}

/// WHO AUDIT items 1–3, each scored 0–4 (Babor et al. 2001). The one band edge is the lower
/// published cut-off, 3 (women; men 4): 2 is below it, 3 and 4 at or above.
#[test]
fn auditc_scores_0_to_12_and_flags_at_the_lower_published_cut_off() {
    let q = load(QUESTIONNAIRE);
    let item1 = q.item(q.find("auditc_1").unwrap());
    assert_eq!(
        item1.text.get("en"),
        "How often do you have a drink containing alcohol?"
    );
    let scores: Vec<_> = item1.kind.options().iter().map(|o| o.score).collect();
    assert_eq!(scores, [Some(0), Some(1), Some(2), Some(3), Some(4)]);
    for (values, total, band, flagged) in [
        ([1, 0, 0], 1, "below 3", false),
        ([1, 1, 0], 2, "below 3", false),
        ([2, 0, 0], 2, "below 3", false),
        ([2, 0, 1], 3, "3 or more", true),
        ([1, 1, 1], 3, "3 or more", true),
        ([2, 1, 1], 4, "3 or more", true),
        ([4, 4, 4], 12, "3 or more", true),
    ] {
        let s = auditc(&values.map(choice));
        let r = auditc_result(&s);
        assert!(r.complete, "{values:?}");
        assert_eq!(r.sum, total, "{values:?}");
        assert_eq!(
            r.band.as_ref().map(|b| b.label.as_str()),
            Some(band),
            "{values:?}"
        );
        let flag = s.flags.iter().find(|f| f.id == "auditc_three_or_more");
        assert_eq!(flag.is_some(), flagged, "{values:?}: total {total}");
        if let Some(f) = flag {
            assert!(!f.possible);
            assert!(
                f.text.contains("4 or more for men, 3 or more for women"),
                "{}",
                f.text
            );
            assert!(f.text.ends_with("for clinician review"));
        }
    }
}

/// The WHO manual's skip rule: after "Never", items 2 and 3 are not asked and the total is 0
/// — complete, not "incomplete, 0 to 8".
#[test]
fn auditc_never_skips_items_2_and_3_and_counts_them_0() {
    let s = auditc(&[choice(0)]);
    let r = auditc_result(&s);
    assert!(r.complete);
    assert_eq!((r.sum, r.answered, r.skipped, r.of), (0, 1, 2, 3));
    assert_eq!(
        r.describe(),
        "0 — below 3 (2 of 3 items not asked, counted 0 as the instrument directs)"
    );
    let status = statuses(&s);
    for id in ["auditc_2", "auditc_3", "alcohol_problems"] {
        assert!(
            matches!(status.get(id), Some(Status::NotAsked { .. })),
            "{id}"
        );
    }
    assert!(s.flags.iter().all(|f| f.id != "auditc_three_or_more"));
    let json =
        prescreen::export::fhir::to_json(&prescreen::export::fhir::questionnaire_response(&s))
            .unwrap();
    assert!(
        json.contains("score:auditc"),
        "a complete score is exported: {json}"
    );
}

/// A missing AUDIT-C item is never read as 0: the score is incomplete with its range, a range
/// at or above 3 whatever the missing answer raises the flag as known, one that can still
/// reach 3 raises it as possible. Item 1 skipped or declined still asks items 2 and 3.
#[test]
fn an_incomplete_auditc_reports_its_range_and_flags_what_it_can_reach() {
    for (values, partial, top, possible) in [
        (vec![choice(1), choice(0)], 1, 5, Some(true)),
        (vec![choice(2), choice(0)], 2, 6, Some(true)),
        (vec![choice(3), choice(0)], 3, 7, Some(false)),
        (vec![choice(2), None, choice(1)], 3, 7, Some(false)),
        (vec![None, choice(1), choice(1)], 2, 6, Some(true)),
        (
            vec![Some(Answer::Declined), choice(0), choice(0)],
            0,
            4,
            Some(true),
        ),
    ] {
        let s = auditc(&values);
        let r = auditc_result(&s);
        let at = format!("{values:?}");
        assert!(!r.complete, "{at}");
        assert_eq!((r.sum, r.max, r.skipped), (partial, Some(top), 0), "{at}");
        assert!(
            r.describe().starts_with("incomplete: 2 of 3 answered"),
            "{at}: {}",
            r.describe()
        );
        let f = s.flags.iter().find(|f| f.id == "auditc_three_or_more");
        assert_eq!(f.map(|f| f.possible), possible, "{at}");
        if let Some(f) = f {
            assert_eq!(f.incomplete, ["AUDIT-C: 2 of 3 answered"], "{at}");
        }
    }
    // Item 1 skipped: items 2 and 3 are asked, never counted 0.
    let s = auditc(&[None]);
    let status = statuses(&s);
    assert!(!matches!(
        status.get("auditc_2"),
        Some(Status::NotAsked { .. })
    ));
    let r = auditc_result(&s);
    assert_eq!((r.complete, r.skipped, r.max), (false, 0, Some(12)));
}

/// Smith et al. 2010: "How many times in the past year …?", 1 or more is the published positive
/// screen. 0 raises nothing and does not ask which drugs; 1 raises the flag and asks.
#[test]
fn the_single_drug_question_flags_1_or_more_and_asks_which_drugs_only_then() {
    let q = load(QUESTIONNAIRE);
    assert_eq!(
        q.item(q.find("drug_screen").unwrap()).text.get("en"),
        "How many times in the past year have you used an illegal drug or used a prescription \
         medication for nonmedical reasons?"
    );
    let not_asked =
        |s: &Summary, id: &str| matches!(statuses(s).get(id), Some(Status::NotAsked { .. }));
    let flagged = |s: &Summary| s.flags.iter().any(|f| f.id == "drug_screen_one_or_more");
    let s = answered(&[("drug_screen", Answer::Integer(0))]);
    assert!(!flagged(&s));
    assert!(not_asked(&s, "drugs_past_year"), "0 is not asked again");
    for n in [1, 2, 300] {
        let s = answered(&[("drug_screen", Answer::Integer(n))]);
        assert!(flagged(&s), "{n}");
        assert!(!not_asked(&s, "drugs_past_year"), "{n}");
        let f = s
            .flags
            .iter()
            .find(|f| f.id == "drug_screen_one_or_more")
            .unwrap();
        assert!(f.source.contains("Smith et al. 2010"));
        assert!(f.text.ends_with("for clinician review"));
    }
    let s = answered(&[("drug_screen", Answer::Declined)]);
    assert!(!flagged(&s));
    assert!(
        not_asked(&s, "drugs_past_year"),
        "a declined count is not pressed"
    );
    let s = answered(&[]);
    assert!(!flagged(&s), "missing is not positive, nor negative");
    assert!(
        !not_asked(&s, "drugs_past_year"),
        "a skipped count still asks which drugs"
    );
}
