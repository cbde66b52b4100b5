//! The kiosk as a finger uses it: each tap a press and a release in separate frames, typing
//! only on the on-screen keys, double taps and taps held through a page change.

use std::sync::Arc;

use chrono::NaiveDate;
use eframe::egui;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use prescreen::config::{Config, DateOrder};
use prescreen::engine::answers_file::{AnswersFile, fill};
use prescreen::engine::model::{Condition, Kind};
use prescreen::engine::{Answer, Cursor, FixedClock, ItemIdx, Questionnaire, Session, answer};
use prescreen::kiosk::{CRISIS_GUARD_SECONDS, Kiosk, Screen, Settings};

use crate::kiosk::{begin_in_english, files, harness, harness_with, short};
use crate::repo;
use crate::scenario::{load, test_time};

const KETAMINE: &str = "questionnaires/ketamine_candidacy.ron";

/// A finger going down (`pressed`) or up at `pos`, in a frame of its own.
fn finger(h: &mut Harness<'_, Kiosk>, pos: egui::Pos2, pressed: bool) {
    h.input_mut().events.push(egui::Event::PointerButton {
        pos,
        button: egui::PointerButton::Primary,
        pressed,
        modifiers: egui::Modifiers::default(),
    });
    h.step();
}

/// Presses at `pos` in one frame and releases in the next, as a finger does.
fn tap_at(h: &mut Harness<'_, Kiosk>, pos: egui::Pos2) {
    h.input_mut().events.push(egui::Event::PointerMoved(pos));
    h.step();
    finger(h, pos, true);
    finger(h, pos, false);
    h.run();
}

/// A fresh kiosk on the short questionnaire, its name page answered: on "Do you smoke?".
fn on_smoking_page(dir: &std::path::Path) -> Harness<'static, Kiosk> {
    let mut h = harness(short(), dir);
    begin_in_english(&mut h);
    tap(&mut h, "What is your name?");
    type_keys(&mut h, "Ana", "Space");
    tap(&mut h, "Next");
    h
}

/// Taps the widget named `label`.
fn tap(h: &mut Harness<'_, Kiosk>, label: &str) {
    let pos = h.get_by_label(label).rect().center();
    tap_at(h, pos);
}

/// Types `text` on the on-screen keys, one tap a key.
fn type_keys(h: &mut Harness<'_, Kiosk>, text: &str, space: &str) {
    for c in text.chars() {
        if c == ' ' {
            tap(h, space);
            continue;
        }
        // The keyboard shows capitals while shift is on; a digit is itself either way.
        let label = c.to_string();
        match h.query_by_label(&label) {
            Some(_) => tap(h, &label),
            None => tap(h, &c.to_lowercase().to_string()),
        }
    }
}

/// Where to tap each of the page's text boxes, in the order they are drawn: near its top, the
/// part a patient sees first when the page has just been slid up to it.
fn boxes(h: &Harness<'_, Kiosk>) -> Vec<egui::Pos2> {
    h.get_all_by(|n| {
        matches!(
            n.role(),
            egui::accesskit::Role::TextInput | egui::accesskit::Role::MultilineTextInput
        )
    })
    .map(|n| {
        let r = n.rect();
        egui::pos2(r.center().x, r.top() + r.height().min(16.0) / 2.0)
    })
    .collect()
}

fn scroll_to_box(h: &mut Harness<'_, Kiosk>, n: usize) {
    h.get_all_by(|n| {
        matches!(
            n.role(),
            egui::accesskit::Role::TextInput | egui::accesskit::Role::MultilineTextInput
        )
    })
    .nth(n)
    .unwrap()
    .scroll_to_me();
    h.run();
}

/// A session of the shipped questionnaire in which `idx` is asked: the first answers fixture
/// that shows it, with its own answer cleared.
pub(crate) fn session_showing(q: &Arc<Questionnaire>, idx: ItemIdx, lang: &str) -> Option<Session> {
    let dir = repo("tests/fixtures/answers");
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| !p.to_string_lossy().ends_with(".expect.ron"))
        .collect();
    names.sort();
    for path in names {
        let file = AnswersFile::parse(&std::fs::read(&path).unwrap()).unwrap();
        let clock = Arc::new(FixedClock::new(test_time()));
        let Ok(mut s) = fill(q.clone(), file, lang, clock) else {
            continue;
        };
        if s.visible_pages().contains(&idx) {
            s.clear(idx);
            return Some(s);
        }
        // A detail asked when "Other" is among the choices: choose it too.
        if let Some(Condition::AnyOf(choices, values)) = &q.item(idx).show_if
            && s.visible_pages().contains(choices)
        {
            let mut chosen = match s.answer(*choices) {
                Some(Answer::Choices(c)) => c.clone(),
                _ => Vec::new(),
            };
            chosen.extend(values.iter().cloned());
            chosen.retain(|c| c != "none");
            if s.set(*choices, Answer::Choices(chosen)).is_ok() && s.visible_pages().contains(&idx)
            {
                return Some(s);
            }
        }
    }
    None
}

/// What a patient means to enter on a page, and how: the taps and keys in order.
enum Step {
    Tap(String),
    Box(usize, String),
}

fn a_number(min: Option<i64>, max: Option<i64>) -> i64 {
    [14, 120, 72]
        .into_iter()
        .find(|n| min.is_none_or(|m| *n >= m) && max.is_none_or(|m| *n <= m))
        .or(min)
        .unwrap_or(14)
}

/// The answer intended for `idx` and the steps that enter it at a clinic with `settings`;
/// `None` for pages without boxes.
fn intent(
    q: &Questionnaire,
    idx: ItemIdx,
    lang: &str,
    settings: &Settings,
) -> Option<(Answer, Vec<Step>)> {
    let item = q.item(idx);
    let today = test_time().date_naive();
    Some(match &item.kind {
        Kind::Text { .. } | Kind::LongText { .. } => (
            Answer::Text("Sertraline".into()),
            vec![Step::Box(0, "Sertraline".into())],
        ),
        Kind::Integer { min, max, .. } => {
            let n = a_number(*min, *max);
            (Answer::Integer(n), vec![Step::Box(0, n.to_string())])
        }
        Kind::Measure { units, .. } => match units.iter().find(|u| u.split.is_some()) {
            Some(split) => (
                Answer::Quantity(64.0, split.id.clone()),
                vec![
                    Step::Tap(split.label.get(lang).to_owned()),
                    Step::Box(0, "5".into()),
                    Step::Box(1, "4".into()),
                ],
            ),
            None => {
                // The unit the page opens on, untouched.
                let unit = settings.locale.preferred_unit(units)?;
                let n = a_number(Some(unit.min as i64), Some(unit.max as i64));
                (
                    Answer::Quantity(n as f64, unit.id.clone()),
                    vec![Step::Box(0, n.to_string())],
                )
            }
        },
        Kind::Date { .. } => {
            let date = [(1955, 3, 14), (2025, 3, 14)]
                .into_iter()
                .filter_map(|(y, m, d)| NaiveDate::from_ymd_opt(y, m, d))
                .find(|d| answer::check(q, item, &Answer::Date(*d), today).is_ok())?;
            // The boxes in the clinic's order, left to right.
            let order = match settings.locale.date_order {
                DateOrder::DayMonthYear => ["%d", "%m", "%Y"],
                DateOrder::MonthDayYear => ["%m", "%d", "%Y"],
                DateOrder::YearMonthDay => ["%Y", "%m", "%d"],
            };
            let steps = (0..3)
                .map(|n| Step::Box(n, date.format(order[n]).to_string()))
                .collect();
            (Answer::Date(date), steps)
        }
        Kind::Group { items, .. } => {
            let mut entry = answer::Entry::new();
            let mut steps = vec![Step::Tap(add_entry(lang).into())];
            let mut n = 0;
            for &c in items {
                let child = q.item(c);
                let (a, keys) = match &child.kind {
                    Kind::Text { .. } if n == 0 => {
                        (Answer::Text("Sertraline".into()), "Sertraline")
                    }
                    Kind::Text { .. } => (Answer::Text("100 mg".into()), "100 mg"),
                    Kind::Integer { .. } => (Answer::Integer(14), "14"),
                    _ => continue,
                };
                entry.insert(child.id.clone(), a);
                steps.push(Step::Box(n, keys.into()));
                n += 1;
            }
            (Answer::Group(vec![entry]), steps)
        }
        _ => return None,
    })
}

fn add_entry(lang: &str) -> &'static str {
    if lang == "es" {
        "+ Agregar uno"
    } else {
        "+ Add one"
    }
}

/// Every page of the shipped questionnaire with a text, number, date, measure or group
/// widget, in both languages: each box is tapped first, then typed into on the on-screen keys
/// only, and the stored answer is what was meant. Keys used to move the focus to the next box
/// after one press (5 ft 4 in was stored as 4 ft 6 in).
#[test]
fn every_typed_page_stores_what_the_patient_meant() {
    walk_every_typed_page(&Settings::default());
}

/// The same at a US clinic: dates month first, pounds and feet and inches opened first.
#[test]
fn every_typed_page_stores_what_the_patient_meant_at_a_us_clinic() {
    let config = Config::parse(b"Config(date_order: MonthDayYear, units: Us)").unwrap();
    walk_every_typed_page(&Settings::from_config(&config, Vec::new(), false, None));
}

fn walk_every_typed_page(settings: &Settings) {
    let q = load(KETAMINE);
    let mut pages = 0;
    let mut typed_boxes = 0;
    let mut unshown = Vec::new();
    for lang in ["en", "es"] {
        let (space, next) = if lang == "es" {
            ("Espacio", "Siguiente")
        } else {
            ("Space", "Next")
        };
        for i in 0..q.items.len() {
            let idx = ItemIdx(i);
            if q.item(idx).parent.is_some() {
                continue;
            }
            let Some((meant, steps)) = intent(&q, idx, lang, settings) else {
                continue;
            };
            let dir = tempfile::tempdir().unwrap();
            let mut h = harness_with(q.clone(), dir.path(), settings.clone());
            let Some(mut s) = session_showing(&q, idx, lang) else {
                unshown.push(q.item(idx).id.clone());
                continue;
            };
            s.jump(idx).unwrap();
            h.state_mut().open(s);
            h.run();
            for step in &steps {
                match step {
                    Step::Tap(label) => tap(&mut h, label),
                    Step::Box(n, keys) => {
                        // Scrolled into view first, as a patient drags the page.
                        scroll_to_box(&mut h, *n);
                        let at = boxes(&h)[*n];
                        tap_at(&mut h, at);
                        type_keys(&mut h, keys, space);
                        typed_boxes += 1;
                    }
                }
            }
            tap(&mut h, next);
            let stored = h.state().session().unwrap().answer(idx).cloned();
            assert_eq!(
                stored.as_ref(),
                Some(&meant),
                "{lang} {}: {:?}",
                q.item(idx).id,
                h.state().session().map(Session::cursor)
            );
            pages += 1;
        }
    }
    assert!(unshown.is_empty(), "no answers fixture shows {unshown:?}");
    assert!(pages >= 16, "{pages} pages");
    eprintln!("typed {typed_boxes} boxes on {pages} pages");
}

/// A double tap on an answer that raises the crisis screen does not dismiss it: "continue"
/// stands elsewhere and works only after the guard time; the summary says how long the
/// resources were on screen.
#[test]
fn a_double_tap_cannot_skip_the_crisis_screen() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = on_smoking_page(dir.path());
    tap(&mut h, "No");
    tap(&mut h, "Next");
    // Two taps 0.25 s apart where the answer is.
    let at = h
        .get_by_label("I have thoughts of hurting myself")
        .rect()
        .center();
    tap_at(&mut h, at);
    assert!(matches!(h.state().screen(), Screen::Crisis(_)));
    tap_at(&mut h, at);
    let continue_at = h.get_by_label("I understand — continue").rect().center();
    assert!(
        (continue_at.y - at.y).abs() > 100.0,
        "continue stands where the answer was"
    );
    tap_at(&mut h, continue_at);
    assert!(
        matches!(h.state().screen(), Screen::Crisis(_)),
        "dismissed before the guard time"
    );
    // After the guard time a deliberate tap goes on.
    for _ in 0..(CRISIS_GUARD_SECONDS * 4.0) as usize {
        h.step();
    }
    tap_at(&mut h, continue_at);
    assert_eq!(h.state().screen(), &Screen::Questions);
    tap(&mut h, "Next");
    tap(&mut h, "Submit my answers");
    let summary = std::fs::read_to_string(&files(dir.path(), ".summary.ron")[0]).unwrap();
    assert!(summary.contains("shown_seconds: "), "{summary}");
}

/// A tap held through a page change, or the second of a double tap, does nothing on the new
/// page: after "Change" on the review page the second tap used to answer "Prefer not to say".
#[test]
fn a_double_tap_does_nothing_on_the_page_it_opens() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = on_smoking_page(dir.path());
    // The second tap of a double tap on Next lands on the next page's "Yes".
    let next = h.get_by_label("Next").rect().center();
    tap(&mut h, "No");
    h.input_mut().events.push(egui::Event::PointerMoved(next));
    h.step();
    for pressed in [true, false, true, false] {
        finger(&mut h, next, pressed);
    }
    h.run();
    let session = h.state().session().unwrap();
    let mood = session.questionnaire().find("mood").unwrap();
    assert_eq!(session.cursor(), Cursor::Item(mood), "one page, not two");

    // A press begun on one page and released after the page changed does nothing either.
    let good = h.get_by_label("Good").rect().center();
    h.input_mut().events.push(egui::Event::PointerMoved(good));
    finger(&mut h, good, true);
    h.state_mut().session_mut().unwrap().back();
    h.step();
    finger(&mut h, good, false);
    h.run();
    let session = h.state().session().unwrap();
    assert_eq!(session.answer(mood), None);
    let smoker = session.questionnaire().find("smoker").unwrap();
    assert_eq!(session.answer(smoker), Some(&Answer::No));
}
