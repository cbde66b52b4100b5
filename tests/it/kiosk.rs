//! The patient kiosk, driven headless through accessible labels — the names a screen reader
//! speaks.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use eframe::egui;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use prescreen::engine::summary::{Status, Summary};
use prescreen::engine::{Answer, FixedClock, Questionnaire};
use prescreen::kiosk::{Kiosk, Screen, Settings};

use crate::scenario::{parse, test_time};

/// A short questionnaire with one of each common page.
pub(crate) fn short() -> Arc<Questionnaire> {
    parse(
        r#"Questionnaire(id: "short", version: "1.0.0", languages: ["en", "es"],
        title: {"en": "Short intake", "es": "Admisión corta"},
        identity: ["name"],
        sections: [Section(id: "s", title: {"en": "About you", "es": "Sobre usted"}, items: [
            Item(id: "name", text: {"en": "What is your name?", "es": "¿Cómo se llama?"}, kind: Text(max_len: 60), required: true),
            Item(id: "smoker", text: {"en": "Do you smoke?", "es": "¿Fuma?"}, kind: YesNo()),
            Item(id: "packs", text: {"en": "How many packs a day?", "es": "¿Cuántas cajetillas al día?"},
                 kind: Integer(min: 1, max: 10), show_if: Equals("smoker", Yes)),
            Item(id: "mood", text: {"en": "How is your mood?", "es": "¿Cómo está su ánimo?"}, kind: Single(options: [
                Choice(value: "good", text: {"en": "Good", "es": "Bien"}),
                Choice(value: "low", text: {"en": "Low", "es": "Bajo"}),
                Choice(value: "crisis", text: {"en": "I have thoughts of hurting myself", "es": "Tengo pensamientos de hacerme daño"}),
            ])),
        ])],
        safety: [Safety(id: "crisis", when: Equals("mood", Choice("crisis")),
            message: {"en": "Please tell a staff member now. Call or text 988.", "es": "Por favor, hable ahora con el personal. Llame o envíe un texto al 988."},
            alert: "Patient reported thoughts of self-harm")],
        )"#,
    )
}

pub(crate) fn harness(q: Arc<Questionnaire>, outbox: &Path) -> Harness<'static, Kiosk> {
    harness_with(q, outbox, Settings::default())
}

pub(crate) fn harness_with(
    q: Arc<Questionnaire>,
    outbox: &Path,
    settings: Settings,
) -> Harness<'static, Kiosk> {
    let clock = Arc::new(FixedClock::new(test_time()));
    let kiosk = Kiosk::new(Ok(q), outbox.to_path_buf(), clock).with_settings(settings);
    let mut h = Harness::builder()
        .with_size(egui::Vec2::new(1024.0, 768.0))
        .with_max_steps(12)
        .build_ui_state(|ui, k: &mut Kiosk| k.show(ui), kiosk);
    prescreen::ui::theme::install(&h.ctx);
    h.run();
    h
}

/// Clicks `label` a moment after the page settled, as a person does (a tap within
/// `TAP_GUARD_SECONDS` of a page appearing is ignored as meant for the page before).
pub(crate) fn click(h: &mut Harness<'_, Kiosk>, label: &str) {
    // A clock held by a test moves on too.
    if let Some(t) = h.input().time {
        h.input_mut().time = Some(t + 0.5);
    }
    h.step();
    h.get_by_label(label).click();
    h.run();
}

/// Waits until the crisis screen's "continue" may be used, then taps it.
pub(crate) fn continue_after_crisis(h: &mut Harness<'_, Kiosk>) {
    let frames = (prescreen::kiosk::CRISIS_GUARD_SECONDS / 0.25) as usize + 1;
    for _ in 0..frames {
        h.step();
    }
    click(h, "I understand — continue");
}

pub(crate) fn type_into(h: &mut Harness<'_, Kiosk>, label: &str, text: &str) {
    h.get_by_label(label).focus();
    h.run();
    h.get_by_label(label).type_text(text);
    h.run();
}

pub(crate) fn begin_in_english(h: &mut Harness<'_, Kiosk>) {
    click(h, "Start — English");
    click(h, "Begin");
}

/// Answers the first two pages: the name, then "No" to smoking (so the follow-up is skipped).
pub(crate) fn name_then_no_smoking(h: &mut Harness<'_, Kiosk>, name: &str) {
    type_into(h, "What is your name?", name);
    click(h, "Next");
    click(h, "No");
    click(h, "Next");
}

pub(crate) fn files(dir: &Path, suffix: &str) -> Vec<PathBuf> {
    let mut v: Vec<_> = std::fs::read_dir(dir)
        .map(|d| {
            d.map(|e| e.unwrap().path())
                .filter(|p| p.to_string_lossy().ends_with(suffix))
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

fn answer_of(s: &Summary, id: &str) -> Option<Answer> {
    s.sections
        .iter()
        .flat_map(|x| &x.items)
        .find(|i| i.id == id)
        .and_then(|i| match &i.status {
            Status::Answered { answer, .. } => Some(answer.clone()),
            _ => None,
        })
}

#[test]
fn a_complete_session_writes_one_summary_of_what_was_tapped() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(short(), dir.path());
    click(&mut h, "Start — English");
    assert_eq!(h.state().screen(), &Screen::Intro);
    click(&mut h, "Begin");
    type_into(&mut h, "What is your name?", "Ana López");
    click(&mut h, "Next");
    click(&mut h, "Yes");
    click(&mut h, "Next");
    // Skip logic: the follow-up appears because of "Yes".
    type_into(&mut h, "How many packs a day?", "2");
    click(&mut h, "Next");
    click(&mut h, "Low");
    click(&mut h, "Next");
    assert!(
        h.query_by_label("Please check your answers").is_some(),
        "review page"
    );
    click(&mut h, "Submit my answers");
    assert_eq!(h.state().screen(), &Screen::Thanks);
    assert!(
        h.query_by_label_contains("Ana").is_none(),
        "no answers echoed on the hand-back screen"
    );

    let written = files(dir.path(), ".summary.ron");
    assert_eq!(written.len(), 1);
    let s = Summary::from_ron(&std::fs::read(&written[0]).unwrap()).unwrap();
    assert_eq!(
        answer_of(&s, "name"),
        Some(Answer::Text("Ana López".into()))
    );
    assert_eq!(answer_of(&s, "smoker"), Some(Answer::Yes));
    assert_eq!(answer_of(&s, "packs"), Some(Answer::Integer(2)));
    assert_eq!(answer_of(&s, "mood"), Some(Answer::Choice("low".into())));
    assert!(
        h.state().session().is_none(),
        "nothing of the patient's kept after submitting"
    );
}

#[test]
fn the_review_page_edits_an_answer() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(short(), dir.path());
    begin_in_english(&mut h);
    name_then_no_smoking(&mut h, "Ana");
    assert!(
        h.query_by_label("How many packs a day?").is_none(),
        "skip logic hides the follow-up"
    );
    click(&mut h, "Good");
    click(&mut h, "Next");
    click(&mut h, "Change: Do you smoke? — No");
    // The changed page offers the way back at once.
    assert!(h.query_by_label("Back to my answers").is_some());
    click(&mut h, "Yes");
    click(&mut h, "Next");
    // The question the change revealed is asked; then the review page returns, without
    // walking through the pages already answered.
    type_into(&mut h, "How many packs a day?", "1");
    click(&mut h, "Next");
    assert!(
        h.query_by_label("Submit my answers").is_some(),
        "back on the review page"
    );
    click(&mut h, "Submit my answers");
    let s =
        Summary::from_ron(&std::fs::read(&files(dir.path(), ".summary.ron")[0]).unwrap()).unwrap();
    assert_eq!(answer_of(&s, "smoker"), Some(Answer::Yes));
    assert_eq!(answer_of(&s, "packs"), Some(Answer::Integer(1)));
}

#[test]
fn an_out_of_range_number_gets_a_plain_message_and_does_not_advance() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(short(), dir.path());
    begin_in_english(&mut h);
    click(&mut h, "Next");
    assert!(
        h.query_all_by_label("This question needs an answer.")
            .next()
            .is_some(),
        "required item says why Next did nothing"
    );
    type_into(&mut h, "What is your name?", "Ana");
    click(&mut h, "Next");
    click(&mut h, "Yes");
    click(&mut h, "Next");
    type_into(&mut h, "How many packs a day?", "50");
    click(&mut h, "Next");
    // Beside the box, and again beside Next, where the patient looks when nothing happens.
    assert_eq!(
        h.query_all_by_label("Please enter a number between 1 and 10.")
            .count(),
        2
    );
    assert!(
        h.query_by_label("How many packs a day?").is_some(),
        "still on the same page"
    );
}

#[test]
fn spanish_session_then_the_next_starts_in_english() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(short(), dir.path());
    click(&mut h, "Comenzar — Español");
    click(&mut h, "Empezar");
    assert!(h.query_by_label("¿Cómo se llama?").is_some());
    type_into(&mut h, "¿Cómo se llama?", "Ana");
    click(&mut h, "Siguiente");
    click(&mut h, "No");
    click(&mut h, "Siguiente");
    click(&mut h, "Bien");
    click(&mut h, "Siguiente");
    click(&mut h, "Enviar mis respuestas");
    assert!(h.query_by_label("Gracias").is_some());
    let ctx = h.ctx.clone();
    h.state_mut().reset(&ctx);
    h.run();
    assert!(h.query_by_label("Start — English").is_some());
    click(&mut h, "Start — English");
    assert!(
        h.query_by_label("Begin").is_some(),
        "the next patient starts in English"
    );
}

#[test]
fn a_safety_rule_shows_the_crisis_screen_and_writes_the_alert_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(short(), dir.path());
    begin_in_english(&mut h);
    name_then_no_smoking(&mut h, "Ana");
    click(&mut h, "I have thoughts of hurting myself");
    assert_eq!(
        h.state().screen(),
        &Screen::Crisis(prescreen::engine::RuleIdx(0))
    );
    assert!(h.query_by_label_contains("988").is_some());
    let alerts = files(dir.path(), ".alert.ron");
    assert_eq!(
        alerts.len(),
        1,
        "alert written before the questionnaire is finished"
    );
    let text = std::fs::read_to_string(&alerts[0]).unwrap();
    assert!(text.contains("Patient reported thoughts of self-harm") && text.contains("Ana"));
    click(&mut h, "I understand — continue");
    assert!(
        matches!(h.state().screen(), Screen::Crisis(_)),
        "not dismissed at once"
    );
    continue_after_crisis(&mut h);
    assert_eq!(h.state().screen(), &Screen::Questions);
}

#[test]
fn declining_the_self_harm_question_shows_the_calm_page_and_writes_a_notice_not_an_urgent_alert() {
    let q = parse(
        r#"Questionnaire(id: "calm", version: "1.0.0", languages: ["en", "es"],
        title: {"en": "Short intake", "es": "Admisión corta"},
        sections: [Section(id: "s", title: {"en": "About you", "es": "Sobre usted"}, items: [
            Item(id: "thoughts", text: {"en": "Thoughts of hurting yourself?", "es": "¿Pensamientos de hacerse daño?"},
                 kind: YesNo(), can_decline: true),
        ])],
        safety: [Safety(id: "declined", level: Review, when: Equals("thoughts", Declined),
            message: {"en": "It is OK not to answer this question. Help is here: call or text 988.", "es": "Está bien no contestar esta pregunta. Llame al 988 y oprima 2."},
            alert: "Self-harm question declined: resources shown calmly")],
        )"#,
    );
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(q, dir.path());
    begin_in_english(&mut h);
    click(&mut h, "Prefer not to say");
    assert!(matches!(h.state().screen(), Screen::Crisis(_)));
    assert!(
        h.query_by_label_contains("It is OK not to answer")
            .is_some()
    );
    let records = files(dir.path(), ".alert.ron");
    assert_eq!(records.len(), 1);
    let record =
        prescreen::engine::UrgentAlert::from_ron(&std::fs::read(&records[0]).unwrap()).unwrap();
    assert_eq!(record.level, prescreen::engine::Level::Review, "a notice");
    let mut inbox = prescreen::inbox::Inbox::new(Some(dir.path().to_path_buf()));
    inbox.scan();
    assert!(inbox.rows().iter().all(|r| !r.is_urgent()));
}

#[test]
fn an_unwritable_outbox_keeps_the_answers_and_retry_succeeds() {
    let dir = tempfile::tempdir().unwrap();
    let outbox = dir.path().join("outbox");
    std::fs::write(&outbox, "a file where the folder should be").unwrap();
    let mut h = harness(short(), &outbox);
    begin_in_english(&mut h);
    name_then_no_smoking(&mut h, "Ana");
    click(&mut h, "Good");
    click(&mut h, "Next");
    click(&mut h, "Submit my answers");
    assert!(matches!(h.state().screen(), Screen::SaveFailed(_)));
    assert!(
        h.query_by_label("Please ask a staff member for help")
            .is_some()
    );
    assert!(h.state().session().is_some(), "answers kept");
    std::fs::remove_file(&outbox).unwrap();
    std::fs::create_dir(&outbox).unwrap();
    click(&mut h, "Try again");
    assert_eq!(h.state().screen(), &Screen::Thanks);
    assert_eq!(files(&outbox, ".summary.ron").len(), 1);
}

#[test]
fn reset_leaves_no_answer_and_no_text_edit_state() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(short(), dir.path());
    begin_in_english(&mut h);
    type_into(&mut h, "What is your name?", "Sentinel-7f3a");
    let ctx = h.ctx.clone();
    h.state_mut().reset(&ctx);
    h.run();
    assert!(h.state().session().is_none());
    assert_eq!(h.state().screen(), &Screen::Welcome);
    let leftover = ctx.data_mut(|d| d.count::<egui::text_edit::TextEditState>());
    assert_eq!(leftover, 0, "egui's text-edit memory is empty");
    assert!(h.query_by_label_contains("Sentinel").is_none());
}

#[test]
fn a_broken_questionnaire_shows_its_diagnostics_to_staff() {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(FixedClock::new(test_time()));
    let kiosk = Kiosk::new(
        Err("x.ron:3:5: error[Q005]: unknown item `smokr`".into()),
        dir.path().to_path_buf(),
        clock,
    );
    let mut h = Harness::builder()
        .with_size(egui::Vec2::new(1024.0, 768.0))
        .with_max_steps(12)
        .build_ui_state(|ui, k: &mut Kiosk| k.show(ui), kiosk);
    h.run();
    assert!(h.query_by_label_contains("error[Q005]").is_some());
}

/// Every page of the shipped questionnaire, in both languages, with each answer set: kittest
/// fails on a glyph the fonts lack or an interactive widget without an accessible name.
#[test]
fn every_page_of_the_shipped_questionnaire_renders_with_named_widgets() {
    use prescreen::engine::answers_file::{AnswersFile, fill};
    let q = crate::scenario::load("questionnaires/ketamine_candidacy.ron");
    let dir = tempfile::tempdir().unwrap();
    let mut pages_seen = std::collections::BTreeSet::new();
    for (fixture, lang) in [
        ("cardiovascular", "en"),
        ("pregnancy", "es"),
        ("psychiatric_history", "en"),
        ("spanish", "es"),
        ("medical_history", "en"),
    ] {
        let path = crate::repo(&format!("tests/fixtures/answers/{fixture}.ron"));
        let file = AnswersFile::parse(&std::fs::read(path).unwrap()).unwrap();
        let session = fill(
            q.clone(),
            file,
            lang,
            Arc::new(FixedClock::new(test_time())),
        )
        .unwrap_or_else(|e| panic!("{fixture}: {e:?}"));
        let mut h = harness(q.clone(), dir.path());
        h.state_mut().open(session);
        let pages = h.state().session().unwrap().visible_pages();
        for idx in pages {
            h.state_mut().session_mut().unwrap().jump(idx).unwrap();
            h.run();
            pages_seen.insert(idx);
        }
        h.state_mut().session_mut().unwrap().review();
        h.run();
    }
    assert!(
        pages_seen.len() > q.pages().count() * 9 / 10,
        "{} of {} pages rendered",
        pages_seen.len(),
        q.pages().count()
    );
}

/// Runs frames with egui's clock set to (and kept at) `t` seconds.
fn at_time(h: &mut Harness<'_, Kiosk>, t: f64) {
    h.input_mut().time = Some(t);
    h.step();
    h.input_mut().time = Some(t);
    h.step();
}

#[test]
fn idle_overlay_more_time_keeps_answers_and_running_out_wipes_them() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(short(), dir.path());
    at_time(&mut h, 10.0);
    begin_in_english(&mut h);
    type_into(&mut h, "What is your name?", "Sentinel-idle");
    click(&mut h, "Next");
    let started = h.ctx.input(|i| i.time);

    at_time(&mut h, started + 119.0);
    assert!(
        h.query_by_label("Are you still here?").is_none(),
        "not before the timeout"
    );
    at_time(&mut h, started + 121.0);
    assert!(h.query_by_label("Are you still here?").is_some());
    assert!(
        h.query_by_label_contains("cleared in 29 seconds").is_some(),
        "a visible countdown"
    );
    assert!(
        h.query_by_label("Do you smoke?").is_none(),
        "the page is hidden behind the overlay"
    );
    // A moment to read it: a tap the instant it appears was meant for the page below.
    at_time(&mut h, started + 122.0);
    click(&mut h, "I need more time");
    assert!(h.query_by_label("Are you still here?").is_none());
    let kept = h.state().session().map(|s| s.answers().len());
    assert_eq!(kept, Some(1), "answers kept");

    let resumed = h.ctx.input(|i| i.time);
    at_time(&mut h, resumed + 121.0);
    assert!(h.query_by_label("Are you still here?").is_some());
    at_time(&mut h, resumed + 151.0);
    assert_eq!(
        h.state().screen(),
        &Screen::Welcome,
        "wiped after the countdown"
    );
    assert!(
        h.state().session().is_none(),
        "no answers left in the app state"
    );
    let edit_states = h
        .ctx
        .data_mut(|d| d.count::<egui::text_edit::TextEditState>());
    assert_eq!(edit_states, 0, "egui's text-edit memory is empty");
    assert!(h.query_by_label("Start — English").is_some());
}

#[test]
fn idle_on_welcome_does_nothing_and_schedules_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(short(), dir.path());
    at_time(&mut h, 5000.0);
    assert_eq!(h.state().screen(), &Screen::Welcome);
    assert!(h.query_by_label("Are you still here?").is_none());
}

/// Presses Tab until the widget named `label` has the keyboard focus, then `key`.
fn tab_to_and_press(h: &mut Harness<'_, Kiosk>, label: &str, key: egui::Key) {
    // The on-screen keys are in the Tab order too: up to about fifty of them.
    for _ in 0..120 {
        if h.get_by_label(label).is_focused() {
            h.key_press(key);
            h.run();
            return;
        }
        h.key_press(egui::Key::Tab);
        h.run();
    }
    panic!("Tab never reached `{label}`");
}

#[test]
fn a_short_questionnaire_can_be_completed_by_keyboard_alone() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(short(), dir.path());
    tab_to_and_press(&mut h, "Start — English", egui::Key::Enter);
    tab_to_and_press(&mut h, "Begin", egui::Key::Enter);
    // The name field has the focus on arrival: just type.
    assert!(h.get_by_label("What is your name?").is_focused());
    h.get_by_label("What is your name?").type_text("Ana");
    h.run();
    tab_to_and_press(&mut h, "Next", egui::Key::Enter);
    tab_to_and_press(&mut h, "No", egui::Key::Space);
    tab_to_and_press(&mut h, "Next", egui::Key::Enter);
    tab_to_and_press(&mut h, "Good", egui::Key::Space);
    tab_to_and_press(&mut h, "Next", egui::Key::Enter);
    tab_to_and_press(&mut h, "Submit my answers", egui::Key::Enter);
    assert_eq!(h.state().screen(), &Screen::Thanks);
    let s =
        Summary::from_ron(&std::fs::read(&files(dir.path(), ".summary.ron")[0]).unwrap()).unwrap();
    assert_eq!(answer_of(&s, "name"), Some(Answer::Text("Ana".into())));
    assert_eq!(answer_of(&s, "smoker"), Some(Answer::No));
    assert_eq!(answer_of(&s, "mood"), Some(Answer::Choice("good".into())));
}

#[test]
fn the_on_screen_keyboard_types_a_name_and_the_keypad_a_number() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(short(), dir.path());
    begin_in_english(&mut h);
    // The first letter is a capital without asking; ñ and accents are keys of their own.
    for key in [
        "A", "n", "a", "Space", "n", "ú", "ñ", "e", "z", "Delete", "z",
    ] {
        click(&mut h, key);
    }
    // The text cursor follows the keys to the end of the text, where the next letter goes.
    let field = h
        .ctx
        .memory(|m| m.focused())
        .expect("the name field keeps the focus");
    let cursor = egui::text_edit::TextEditState::load(&h.ctx, field)
        .and_then(|s| s.cursor.char_range())
        .expect("a cursor in the name field");
    assert_eq!(cursor.primary.index.0, "Ana núñez".chars().count());
    click(&mut h, "Next");
    click(&mut h, "Yes");
    click(&mut h, "Next");
    for key in ["3", "Delete", "2"] {
        click(&mut h, key);
    }
    click(&mut h, "Next");
    click(&mut h, "Good");
    click(&mut h, "Next");
    click(&mut h, "Submit my answers");
    let s =
        Summary::from_ron(&std::fs::read(&files(dir.path(), ".summary.ron")[0]).unwrap()).unwrap();
    assert_eq!(
        answer_of(&s, "name"),
        Some(Answer::Text("Ana núñez".into()))
    );
    assert_eq!(answer_of(&s, "packs"), Some(Answer::Integer(2)));
}

fn staff_harness(dir: &Path) -> Harness<'static, Kiosk> {
    let settings = prescreen::kiosk::Settings {
        staff_pin: Some(prescreen::config::PinHash::hash("2468")),
        clinic_name: Some("Riverside Mood Clinic".into()),
        ..Default::default()
    };
    let clock = Arc::new(FixedClock::new(test_time()));
    let kiosk = Kiosk::new(Ok(short()), dir.to_path_buf(), clock).with_settings(settings);
    let mut h = Harness::builder()
        .with_size(egui::Vec2::new(1024.0, 768.0))
        .with_max_steps(12)
        .build_ui_state(|ui, k: &mut Kiosk| k.show(ui), kiosk);
    prescreen::ui::theme::install(&h.ctx);
    h.run();
    // A clock the test holds, so `click` moves it on.
    at_time(&mut h, 10.0);
    h
}

fn enter_pin(h: &mut Harness<'_, Kiosk>, pin: &str) {
    for d in pin.chars() {
        click(h, &d.to_string());
    }
    click(h, "Enter");
}

fn now(h: &Harness<'_, Kiosk>) -> f64 {
    h.ctx.input(|i| i.time)
}

#[test]
fn the_staff_menu_opens_only_with_the_pin() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = staff_harness(dir.path());
    assert!(
        h.query_by_label("Riverside Mood Clinic").is_some(),
        "clinic name on Welcome"
    );
    click(&mut h, "Staff");
    enter_pin(&mut h, "1234");
    assert_eq!(
        h.state().screen(),
        &Screen::StaffPin,
        "a wrong PIN stays on the pad"
    );
    assert!(
        h.query_by_label("Wrong PIN. The pad locks after 4 more wrong PINs.")
            .is_some(),
        "and says so"
    );
    enter_pin(&mut h, "2468");
    assert_eq!(h.state().screen(), &Screen::Staff);
    assert!(h.query_by_label_contains("Outbox:").is_some());
    // Not clicked here: it would start this test binary as the review window.
    h.get_by_label("Open clinician review");
    click(&mut h, "Back to welcome");
    assert_eq!(h.state().screen(), &Screen::Welcome);
    click(&mut h, "Staff");
    assert!(
        h.query_by_label_contains("Wrong PIN").is_none(),
        "the right PIN started the count again"
    );
    click(&mut h, "Cancel");
    assert_eq!(h.state().screen(), &Screen::Welcome);
}

/// A staff menu left open would offer Quit and the clinician review to the next patient.
#[test]
fn the_staff_menu_and_the_pin_pad_return_to_welcome_when_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = staff_harness(dir.path());
    click(&mut h, "Staff");
    enter_pin(&mut h, "2468");
    assert_eq!(h.state().screen(), &Screen::Staff);
    let touched = now(&h);
    let staff_idle = prescreen::kiosk::STAFF_IDLE_SECONDS;
    at_time(&mut h, touched + staff_idle - 1.0);
    assert_eq!(h.state().screen(), &Screen::Staff, "not before its time");
    at_time(&mut h, touched + staff_idle + 0.1);
    assert_eq!(h.state().screen(), &Screen::Welcome);
    assert!(h.query_by_label("Quit prescreen").is_none());

    // The pad, with digits typed, too; the digits go with it.
    click(&mut h, "Staff");
    click(&mut h, "2");
    click(&mut h, "4");
    let touched = now(&h);
    at_time(&mut h, touched + staff_idle + 0.1);
    assert_eq!(h.state().screen(), &Screen::Welcome);
    click(&mut h, "Staff");
    enter_pin(&mut h, "68");
    assert_eq!(
        h.state().screen(),
        &Screen::StaffPin,
        "the digits typed before were forgotten"
    );
}

#[test]
fn five_wrong_pins_lock_the_pad_for_a_delay_that_doubles() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = staff_harness(dir.path());
    click(&mut h, "Staff");
    for _ in 0..prescreen::kiosk::PIN_TRIES {
        enter_pin(&mut h, "1111");
    }
    let locked_at = now(&h);
    assert!(
        h.query_by_label("Too many wrong PINs: the pad is locked. Try again in 30 seconds.")
            .is_some(),
        "the lock and its time, on the pad"
    );
    // Locked: even the right PIN does not open the menu.
    enter_pin(&mut h, "2468");
    assert_eq!(h.state().screen(), &Screen::StaffPin);
    at_time(&mut h, locked_at + 29.2);
    assert!(
        h.query_by_label_contains("Try again in 1 second.")
            .is_some(),
        "the countdown"
    );

    // Once it is over, one more wrong PIN locks the pad again, for twice as long.
    at_time(&mut h, locked_at + 31.0);
    assert!(h.query_by_label_contains("Try again").is_none());
    enter_pin(&mut h, "1111");
    assert!(
        h.query_by_label_contains("Try again in 1 minute.")
            .is_some(),
        "60 seconds now"
    );
    let locked_at = now(&h);
    // Leaving and coming back does not unlock it.
    click(&mut h, "Cancel");
    click(&mut h, "Staff");
    assert!(h.query_by_label_contains("the pad is locked").is_some());
    at_time(&mut h, locked_at + 30.0);
    click(&mut h, "Cancel");
    at_time(&mut h, locked_at + 60.5);
    click(&mut h, "Staff");
    enter_pin(&mut h, "2468");
    assert_eq!(h.state().screen(), &Screen::Staff);
}

/// The lock is the kiosk's, not the pad's: a pad left alone returns to Welcome, and opening it
/// again shows the lock still running.
#[test]
fn a_locked_pad_left_alone_returns_to_welcome_and_stays_locked() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = staff_harness(dir.path());
    let staff_idle = prescreen::kiosk::STAFF_IDLE_SECONDS;
    click(&mut h, "Staff");
    for _ in 0..prescreen::kiosk::PIN_TRIES {
        enter_pin(&mut h, "1111");
    }
    let t = now(&h);
    at_time(&mut h, t + 30.5);
    enter_pin(&mut h, "1111");
    // 60 seconds: longer than the pad stays untouched.
    let t = now(&h);
    at_time(&mut h, t + 60.5);
    assert_eq!(h.state().screen(), &Screen::Welcome);
    click(&mut h, "Staff");
    enter_pin(&mut h, "1111");
    let locked_at = now(&h);
    assert!(
        h.query_by_label_contains("Try again in 2 minutes.")
            .is_some()
    );
    at_time(&mut h, locked_at + staff_idle + 0.1);
    assert_eq!(h.state().screen(), &Screen::Welcome);
    click(&mut h, "Staff");
    assert!(
        h.query_by_label_contains("Try again in 1 minute.")
            .is_some(),
        "still locked, the time still running"
    );
}

/// Date of birth, weight and height: the pages a clinic's locale changes.
fn measures() -> Arc<Questionnaire> {
    parse(
        r#"Questionnaire(id: "measures", version: "1.0.0", languages: ["en", "es"],
        title: {"en": "Measures", "es": "Medidas"},
        sections: [Section(id: "s", title: {"en": "About you", "es": "Sobre usted"}, items: [
            Item(id: "dob", text: {"en": "Date of birth", "es": "Fecha de nacimiento"},
                 kind: Date(min: YearsAgo(120), max: Today)),
            Item(id: "weight", text: {"en": "Weight", "es": "Peso"}, kind: Measure(units: [
                Unit(id: "kg", label: {"en": "kg", "es": "kg"}, min: 30, max: 300),
                Unit(id: "lb", label: {"en": "lb", "es": "lb"}, min: 66, max: 660, factor: 0.45359237),
            ], decimals: 1)),
            Item(id: "height", text: {"en": "Height", "es": "Estatura"}, kind: Measure(units: [
                Unit(id: "cm", label: {"en": "cm", "es": "cm"}, min: 100, max: 250),
                Unit(id: "ft_in", label: {"en": "ft and in", "es": "pies y pulgadas"}, min: 40, max: 96, factor: 2.54,
                     split: Split(major: {"en": "ft", "es": "pies"}, minor: {"en": "in", "es": "pulg."}, minor_per_major: 12)),
            ])),
        ])],
        )"#,
    )
}

fn us_clinic() -> Settings {
    let config = prescreen::config::Config::parse(b"Config(date_order: MonthDayYear, units: Us)")
        .expect("a US clinic's configuration");
    Settings::from_config(&config, Vec::new(), false, None)
}

/// The text box named `label` (the label beside it has the same name).
fn the_box<'a>(h: &'a Harness<'_, Kiosk>, label: &'a str) -> egui_kittest::Node<'a> {
    h.get_by_role_and_label(egui::accesskit::Role::TextInput, label)
}

/// Taps the box named `label`, then types `digits` on the on-screen keypad.
fn key_into(h: &mut Harness<'_, Kiosk>, label: &str, digits: &str) {
    the_box(h, label).click();
    h.run();
    for d in digits.chars() {
        click(h, &d.to_string());
    }
}

/// At a US clinic the date boxes are month, day, year, in that order; what is typed is the
/// date meant; and the patient reads it back in words — under the boxes and on the review
/// page — not as "1955-03-14".
#[test]
fn a_us_clinic_takes_dates_month_first_and_shows_them_in_words() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness_with(measures(), dir.path(), us_clinic());
    at_time(&mut h, 10.0);
    begin_in_english(&mut h);
    let x = |h: &Harness<'_, Kiosk>, l: &str| the_box(h, l).rect().left();
    assert!(x(&h, "Month") < x(&h, "Day") && x(&h, "Day") < x(&h, "Year"));
    key_into(&mut h, "Month", "3");
    key_into(&mut h, "Day", "14");
    key_into(&mut h, "Year", "1955");
    assert!(
        h.query_by_label("March 14, 1955").is_some(),
        "the date in words under the boxes"
    );
    click(&mut h, "Next");
    let dob = h
        .state()
        .session()
        .unwrap()
        .questionnaire()
        .find("dob")
        .unwrap();
    assert_eq!(
        h.state().session().unwrap().answer(dob),
        Some(&Answer::Date(
            chrono::NaiveDate::from_ymd_opt(1955, 3, 14).unwrap()
        )),
        "stored as a date, whatever the order"
    );
    click(&mut h, "Next");
    click(&mut h, "Next");
    assert!(h.query_by_label("Please check your answers").is_some());
    assert!(
        h.query_by_label_contains("March 14, 1955").is_some(),
        "the review page writes the date in words"
    );
    assert!(h.query_by_label_contains("1955-03-14").is_none());
}

/// Taps the box named `label`, empties it with `delete`, then types `digits` on the keypad.
fn rekey(h: &mut Harness<'_, Kiosk>, label: &str, delete: &str, digits: &str) {
    the_box(h, label).click();
    h.run();
    for _ in 0..4 {
        click(h, delete);
    }
    for d in digits.chars() {
        click(h, &d.to_string());
    }
}

#[test]
fn a_spanish_patient_reads_dates_in_spanish_and_a_bad_date_names_the_boxes_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness_with(measures(), dir.path(), us_clinic());
    at_time(&mut h, 10.0);
    click(&mut h, "Comenzar — Español");
    click(&mut h, "Empezar");
    key_into(&mut h, "Mes", "2");
    key_into(&mut h, "Día", "31");
    key_into(&mut h, "Año", "1955");
    click(&mut h, "Siguiente");
    assert!(
        h.query_all_by_label("Por favor, escriba una fecha real: mes, día y año.")
            .next()
            .is_some(),
        "31 February is refused, naming the boxes in their order"
    );
    rekey(&mut h, "Mes", "Borrar", "3");
    rekey(&mut h, "Día", "Borrar", "14");
    rekey(&mut h, "Año", "Borrar", "1900");
    click(&mut h, "Siguiente");
    assert!(
        h.query_all_by_label("Por favor, escriba una fecha a partir del 21 de noviembre de 1906.")
            .next()
            .is_some(),
        "the earliest date allowed, in words"
    );
    rekey(&mut h, "Año", "Borrar", "1955");
    assert!(h.query_by_label("14 de marzo de 1955").is_some());
    click(&mut h, "Siguiente");
    click(&mut h, "Siguiente");
    click(&mut h, "Siguiente");
    assert!(
        h.query_by_label("Por favor, revise sus respuestas")
            .is_some()
    );
    assert!(h.query_by_label_contains("14 de marzo de 1955").is_some());
}

/// At a US clinic weight opens in pounds and height in feet and inches, offered first; the
/// answer keeps the unit the patient used.
#[test]
fn a_us_clinic_offers_pounds_and_feet_first() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness_with(measures(), dir.path(), us_clinic());
    at_time(&mut h, 10.0);
    begin_in_english(&mut h);
    click(&mut h, "Next");
    let x = |h: &Harness<'_, Kiosk>, l: &str| {
        h.get_by_role_and_label(egui::accesskit::Role::Button, l)
            .rect()
            .left()
    };
    assert!(x(&h, "lb") < x(&h, "kg"), "pounds offered first");
    key_into(&mut h, "Weight", "154");
    click(&mut h, "Next");
    assert!(x(&h, "ft and in") < x(&h, "cm"), "feet and inches first");
    let boxes: Vec<_> = h
        .get_all_by_role(egui::accesskit::Role::TextInput)
        .map(|n| n.rect().center())
        .collect();
    assert_eq!(boxes.len(), 2, "a box for feet and one for inches");
    for (at, digits) in boxes.into_iter().zip(["5", "4"]) {
        h.input_mut().events.push(egui::Event::PointerMoved(at));
        h.step();
        h.input_mut().events.push(egui::Event::PointerButton {
            pos: at,
            button: egui::PointerButton::Primary,
            pressed: true,
            modifiers: egui::Modifiers::default(),
        });
        h.step();
        h.input_mut().events.push(egui::Event::PointerButton {
            pos: at,
            button: egui::PointerButton::Primary,
            pressed: false,
            modifiers: egui::Modifiers::default(),
        });
        h.run();
        click(&mut h, digits);
    }
    click(&mut h, "Next");
    let session = h.state().session().unwrap();
    let q = session.questionnaire();
    assert_eq!(
        session.answer(q.find("weight").unwrap()),
        Some(&Answer::Quantity(154.0, "lb".into()))
    );
    assert_eq!(
        session.answer(q.find("height").unwrap()),
        Some(&Answer::Quantity(64.0, "ft_in".into())),
        "5 ft 4 in"
    );
}

/// The letter keys take most of the screen: "Hide keys" puts them away so the rest of the page
/// shows, and a tap on an option does too. A tap on a box brings them back.
#[test]
fn the_letter_keys_go_away_when_asked_and_when_an_option_is_tapped() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(short(), dir.path());
    at_time(&mut h, 10.0);
    begin_in_english(&mut h);
    assert!(h.query_by_label("Hide keys").is_some(), "keys for the name");
    click(&mut h, "A");
    click(&mut h, "Hide keys");
    assert!(h.query_by_label("Hide keys").is_none(), "put away");
    assert!(h.query_by_label("n").is_none());
    the_box(&h, "What is your name?").click();
    h.run();
    click(&mut h, "n");
    click(&mut h, "a");
    click(&mut h, "Next");
    click(&mut h, "Yes");
    click(&mut h, "Next");
    // Packs: the keypad; then an option on a page with a box and options.
    click(&mut h, "2");
    click(&mut h, "Next");
    let session = h.state().session().unwrap();
    let name = session.questionnaire().find("name").unwrap();
    assert_eq!(session.answer(name), Some(&Answer::Text("Ana".into())));

    // A repeating group: a name box, then a yes / no in the same entry.
    let q = parse(
        r#"Questionnaire(id: "meds", version: "1.0.0", languages: ["en"],
        title: {"en": "Medicines"},
        sections: [Section(id: "s", title: {"en": "Medicines"}, items: [
            Item(id: "meds", text: {"en": "Your medicines"}, kind: Group(min: 0, max: 5, items: [
                Item(id: "med_name", text: {"en": "Name of the medicine"}, kind: Text(max_len: 60)),
                Item(id: "med_now", text: {"en": "Do you take it now?"}, kind: YesNo()),
            ])),
        ])],
        )"#,
    );
    let mut h = harness(q, dir.path());
    at_time(&mut h, 10.0);
    begin_in_english(&mut h);
    click(&mut h, "+ Add one");
    the_box(&h, "Name of the medicine").click();
    h.run();
    click(&mut h, "S");
    assert!(h.query_by_label("Hide keys").is_some());
    // A finger on "Yes", slid into view above the keys: a press and a release.
    h.get_by_label("Yes").scroll_to_me();
    h.run();
    let at = h.get_by_label("Yes").rect().center();
    h.input_mut().time = h.input().time.map(|t| t + 0.5);
    h.input_mut().events.push(egui::Event::PointerMoved(at));
    h.step();
    for pressed in [true, false] {
        h.input_mut().events.push(egui::Event::PointerButton {
            pos: at,
            button: egui::PointerButton::Primary,
            pressed,
            modifiers: egui::Modifiers::default(),
        });
        h.step();
    }
    h.run();
    assert!(
        h.query_by_label("Hide keys").is_none(),
        "the keys went away with the tap on an option"
    );
}
