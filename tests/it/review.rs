//! The clinician's inbox and review window: urgent first, bad files listed with their reasons,
//! review marks that never touch the export, and a list that updates by itself.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Duration as Span;
use eframe::egui;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use prescreen::engine::answers_file::{AnswersFile, fill};
use prescreen::engine::summary::Status;
use prescreen::engine::{FixedClock, Summary, UrgentAlert};
use prescreen::inbox::{self, Inbox, Record, Review};
use prescreen::review::ReviewApp;
use prescreen::storage::crypto::Identities;
use prescreen::storage::{self, names};

use crate::repo;
use crate::scenario::{load, test_time};

/// A session filled from one of the answers fixtures, started at `test_time() + minutes`.
pub(crate) fn session(answers: &str, minutes: i64) -> prescreen::engine::Session {
    let q = load("questionnaires/ketamine_candidacy.ron");
    let bytes = std::fs::read(repo(&format!("tests/fixtures/answers/{answers}.ron"))).unwrap();
    let file = AnswersFile::parse(&bytes).unwrap();
    let lang = if answers == "spanish" { "es" } else { "en" };
    let clock = Arc::new(FixedClock::new(test_time() + Span::minutes(minutes)));
    fill(q, file, lang, clock).unwrap()
}

/// A kiosk raises a self-harm alert in `dir`, written the way kiosks write it (atomically,
/// under its own name); its path.
pub(crate) fn an_alert_arrives(dir: &Path) -> PathBuf {
    let s = session("self_harm", 20);
    let alert = UrgentAlert::build(&s, &s.alerts()[0]).to_ron();
    let name = names::file_name(s.now(), names::ALERT_SUFFIX);
    storage::write_atomic(dir, &name, alert.as_bytes()).unwrap();
    dir.join(name)
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// The outbox a busy morning leaves: one ordinary summary, one urgent (with the alert record
/// its session wrote), one alert whose patient walked away, one tampered and one truncated file.
pub(crate) struct Morning {
    pub(crate) normal: PathBuf,
    pub(crate) urgent: PathBuf,
    pub(crate) urgent_alert: PathBuf,
    pub(crate) walked_away: PathBuf,
    pub(crate) tampered: PathBuf,
    pub(crate) truncated: PathBuf,
}

pub(crate) fn morning(dir: &Path) -> Morning {
    let s = session("no_flags", 30);
    let normal = write(
        dir,
        "20261121T093000Z-0000000000000001.summary.ron",
        &Summary::build(&s, s.now()).to_ron(),
    );

    let s = session("self_harm", 0);
    let alert = s
        .alerts()
        .first()
        .expect("the self-harm answers fire the safety rule");
    let urgent_alert = write(
        dir,
        "20261121T090000Z-0000000000000002.alert.ron",
        &UrgentAlert::build(&s, alert).to_ron(),
    );
    let urgent = write(
        dir,
        "20261121T090500Z-0000000000000002.summary.ron",
        &Summary::build(&s, s.now()).to_ron(),
    );

    let s = session("self_harm", 10);
    let alert = s.alerts().first().unwrap();
    let walked_away = write(
        dir,
        "20261121T091000Z-0000000000000003.alert.ron",
        &UrgentAlert::build(&s, alert).to_ron(),
    );

    let s = session("medications", 20);
    let text = Summary::build(&s, s.now()).to_ron();
    let tampered = write(
        dir,
        "20261121T092000Z-0000000000000004.summary.ron",
        &text.replacen("Yes", "No", 1),
    );
    let truncated = write(
        dir,
        "20261121T092500Z-0000000000000005.summary.ron",
        &text[..text.len() / 2],
    );
    Morning {
        normal,
        urgent,
        urgent_alert,
        walked_away,
        tampered,
        truncated,
    }
}

fn row<'a>(inbox: &'a Inbox, path: &Path) -> &'a inbox::Row {
    inbox.rows().iter().find(|r| r.path == path).unwrap()
}

#[test]
fn urgent_first_then_newest_with_bad_files_and_their_reasons() {
    let dir = tempfile::tempdir().unwrap();
    let m = morning(dir.path());
    let mut inbox = Inbox::new(Some(dir.path().to_path_buf()));
    inbox.scan();
    let order: Vec<&Path> = inbox.rows().iter().map(|r| r.path.as_path()).collect();
    // Urgent: the walked-away alert (09:10) and the urgent summary (submitted after the
    // alert-only session started); then the rest, newest first.
    assert_eq!(inbox.rows().len(), 6);
    assert!(inbox.rows()[0].is_urgent() && inbox.rows()[1].is_urgent());
    assert!(order[..2].contains(&m.walked_away.as_path()));
    assert!(order[..2].contains(&m.urgent.as_path()));
    assert!(inbox.rows()[2..].iter().all(|r| !r.is_urgent()));
    let received: Vec<_> = inbox.rows()[2..].iter().map(|r| r.received).collect();
    assert!(received.windows(2).all(|w| w[0] >= w[1]), "{received:?}");

    // The alert followed by its session's summary is not urgent on its own; the other is.
    match &row(&inbox, &m.urgent_alert).record {
        Record::Alert(a) => assert_eq!(a.summary.as_deref(), Some(m.urgent.as_path())),
        other => panic!("{other:?}"),
    }
    match &row(&inbox, &m.walked_away).record {
        Record::Alert(a) => assert_eq!(a.summary, None),
        other => panic!("{other:?}"),
    }

    match &row(&inbox, &m.tampered).record {
        Record::Summary(s) => assert!(s.trust.is_altered(), "{:?}", s.trust),
        other => panic!("{other:?}"),
    }
    match &row(&inbox, &m.truncated).record {
        Record::Unreadable { reason } => assert!(reason.contains("ends early"), "{reason}"),
        other => panic!("{other:?}"),
    }
    match &row(&inbox, &m.normal).record {
        Record::Summary(s) => {
            assert_eq!(s.trust, prescreen::export::Trust::Unsigned { key: None });
            assert_eq!(s.patient[0].answer, "Daniel Okafor");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn other_bad_files_are_listed_with_a_reason_and_big_ones_are_not_read() {
    let dir = tempfile::tempdir().unwrap();
    let good = session("no_flags", 0);
    let text = Summary::build(&good, good.now()).to_ron();
    write(dir.path(), "a.summary.ron", "this is not RON at all {");
    write(
        dir.path(),
        "b.summary.ron",
        &text.replacen("schema: 2", "schema: 7", 1),
    );
    std::fs::write(dir.path().join("c.summary.ron"), [0xff, 0xfe, 0x00, 0x81]).unwrap();
    // 50 MB, sparse: refused by its size, unread.
    let big = std::fs::File::create(dir.path().join("d.summary.ron")).unwrap();
    big.set_len(50 * 1024 * 1024).unwrap();
    write(dir.path(), "notes.txt", "ignored: not a record");
    write(
        dir.path(),
        ".prescreen-123.tmp",
        "ignored: a writer's temp file",
    );

    let mut inbox = Inbox::new(Some(dir.path().to_path_buf()));
    // An installation that knows only the demo questionnaire.
    inbox.known = prescreen::inbox::Known {
        kiosks: Vec::new(),
        library: prescreen::engine::recheck::Library::new(vec![crate::scenario::load(
            "questionnaires/demo.ron",
        )]),
    };
    inbox.scan();
    let reasons: Vec<(String, String)> = inbox
        .rows()
        .iter()
        .map(|r| match &r.record {
            Record::Unreadable { reason } => (r.file_name(), reason.clone()),
            other => panic!("{other:?}"),
        })
        .collect();
    let reason = |name: &str| &reasons.iter().find(|(n, _)| n == name).unwrap().1;
    assert_eq!(reasons.len(), 4, "{reasons:?}");
    assert!(reason("a.summary.ron").starts_with("not a readable summary"));
    assert!(reason("b.summary.ron").contains("schema version 7 is not supported"));
    assert!(reason("c.summary.ron").contains("not a text file"));
    assert!(reason("d.summary.ron").contains("52428800 bytes"));

    // A summary from a questionnaire this installation does not know is listed, and marked.
    write(dir.path(), "e.summary.ron", &text);
    inbox.scan();
    match &inbox
        .rows()
        .iter()
        .find(|r| r.file_name() == "e.summary.ron")
        .unwrap()
        .record
    {
        Record::Summary(s) => assert_eq!(s.known_questionnaire, Some(false)),
        other => panic!("{other:?}"),
    }
}

#[test]
fn marking_reviewed_leaves_the_export_unchanged_and_notices_later_changes() {
    let dir = tempfile::tempdir().unwrap();
    let m = morning(dir.path());
    let before = std::fs::read(&m.urgent).unwrap();
    let at = test_time() + Span::hours(2);
    let (_, record) = inbox::mark_reviewed(&m.urgent, "okafor", at).unwrap();
    assert_eq!(std::fs::read(&m.urgent).unwrap(), before);

    let mut inbox = Inbox::new(Some(dir.path().to_path_buf()));
    inbox.scan();
    let r = row(&inbox, &m.urgent);
    match &r.review {
        Some(Review::Reviewed(mark)) => {
            assert_eq!(mark.by, "okafor");
            assert_eq!(mark.at, at);
        }
        other => panic!("{other:?}"),
    }
    // Reviewed urgent records no longer jump the queue; the walked-away alert still does.
    assert_eq!(inbox.rows()[0].path, m.walked_away);
    // The review folder is not listed as a record.
    assert_eq!(inbox.rows().len(), 6);

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(record).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    // The export changed after review: the mark no longer counts as a review of it.
    let mut changed = before.clone();
    changed.extend_from_slice(b"\n");
    std::fs::write(&m.urgent, changed).unwrap();
    inbox.scan();
    assert!(matches!(
        row(&inbox, &m.urgent).review,
        Some(Review::ChangedSince(_))
    ));
}

/// Reviewing a summary reviews the alert its session raised: the alert's row no longer says
/// "Not reviewed" (in the list and in the window) while the alert of a patient who walked away
/// still does.
#[test]
fn an_alert_row_is_reviewed_once_its_summary_is() {
    let dir = tempfile::tempdir().unwrap();
    let m = morning(dir.path());
    let at = test_time() + Span::hours(2);
    inbox::mark_reviewed(&m.urgent, "okafor", at).unwrap();
    let mut inbox = Inbox::new(Some(dir.path().to_path_buf()));
    inbox.scan();
    match &row(&inbox, &m.urgent_alert).review {
        Some(Review::WithSummary(mark)) => assert_eq!((mark.by.as_str(), mark.at), ("okafor", at)),
        other => panic!("{other:?}"),
    }
    assert!(row(&inbox, &m.urgent_alert).is_reviewed());
    assert_eq!(row(&inbox, &m.walked_away).review, None);

    let mut h = window(dir.path());
    wait_for(&mut h, "the rows", |app| app.rows().len() == 6);
    let alert_rows = rows_starting(&h, "Alert (summary received)");
    assert_eq!(alert_rows.len(), 1, "{alert_rows:?}");
    assert!(
        alert_rows[0].contains("Reviewed with its summary by okafor"),
        "{}",
        alert_rows[0]
    );
    let walked = rows_starting(&h, "URGENT — alert, no summary");
    assert!(walked[0].ends_with("Not reviewed"), "{walked:?}");
}

/// The accessible names of the inbox rows that start with `start`.
fn rows_starting(h: &Harness<'_, ReviewApp>, start: &str) -> Vec<String> {
    h.get_all_by(|n| n.label().is_some_and(|l| l.starts_with(start)))
        .map(|n| n.accesskit_node().label().unwrap_or_default())
        .collect()
}

#[test]
fn a_rescan_reports_new_urgent_records_once() {
    let dir = tempfile::tempdir().unwrap();
    let mut inbox = Inbox::new(Some(dir.path().to_path_buf()));
    assert!(inbox.scan().is_empty());
    let s = session("no_flags", 0);
    write(
        dir.path(),
        "x.summary.ron",
        &Summary::build(&s, s.now()).to_ron(),
    );
    assert!(inbox.scan().is_empty());
    let s = session("self_harm", 5);
    let alert = write(
        dir.path(),
        "y.alert.ron",
        &UrgentAlert::build(&s, &s.alerts()[0]).to_ron(),
    );
    assert_eq!(inbox.scan(), vec![alert]);
    assert!(inbox.scan().is_empty());
}

// ─── The window ───

pub(crate) fn window(path: &Path) -> Harness<'static, ReviewApp> {
    window_with(path, Identities::default())
}

/// The review window on `path`, opening encrypted exports with `identities`.
pub(crate) fn window_with(path: &Path, identities: Identities) -> Harness<'static, ReviewApp> {
    window_sized(path, identities, egui::Vec2::new(1280.0, 900.0))
}

/// The review window at `size`: a tall one shows a whole record without scrolling, so every
/// label of it is on screen (and in the accessibility tree).
fn window_sized(
    path: &Path,
    identities: Identities,
    size: egui::Vec2,
) -> Harness<'static, ReviewApp> {
    let ctx = egui::Context::default();
    let clock = Arc::new(FixedClock::new(test_time() + Span::hours(3)));
    let mut app = ReviewApp::new(
        &ctx,
        Some(path.to_path_buf()),
        crate::known(),
        identities,
        clock,
    );
    app.set_bell(false);
    let mut h = Harness::builder()
        .with_size(size)
        .build_ui_state(|ui, app: &mut ReviewApp| app.show(ui), app);
    prescreen::review::install_theme(&h.ctx);
    h.run();
    h
}

/// Runs frames until `done` holds (the scanner and watcher work on their own threads).
pub(crate) fn wait_for(
    h: &mut Harness<'_, ReviewApp>,
    what: &str,
    done: impl Fn(&ReviewApp) -> bool,
) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        h.run();
        if done(h.state()) {
            return;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(25));
    }
}

/// Taps the inbox row of `path` (found by its patient's name, as a clinician would).
pub(crate) fn open_row(h: &mut Harness<'_, ReviewApp>, path: &Path) {
    let row = h.state().rows().iter().find(|r| r.path == path).unwrap();
    let name = row.patient()[0].answer.clone();
    let label = label_of(h, &name);
    h.get_by_label(&label).click();
    h.run();
}

/// The accessible name of the inbox row that starts with `start`.
pub(crate) fn label_of(h: &Harness<'_, ReviewApp>, start: &str) -> String {
    h.get_all_by(|n| {
        n.label()
            .is_some_and(|l| l.starts_with(start) && l.contains("eviewed"))
    })
    .next()
    .and_then(|n| n.accesskit_node().label())
    .unwrap_or_default()
}

#[test]
fn the_window_lists_urgent_first_and_opens_a_summary_with_flags_above_answers() {
    let dir = tempfile::tempdir().unwrap();
    let m = morning(dir.path());
    let mut h = window(dir.path());
    wait_for(&mut h, "the inbox", |a| a.rows().len() == 6);

    // The first two rows on screen are the urgent ones.
    let rows: Vec<String> = h
        .get_all_by(|n| {
            n.label()
                .is_some_and(|l| l.contains("Not reviewed") || l.contains("Reviewed by"))
        })
        .filter_map(|n| n.accesskit_node().label())
        .collect();
    assert_eq!(rows.len(), 6, "{rows:?}");
    assert!(
        rows[0].starts_with("URGENT") && rows[1].starts_with("URGENT"),
        "{rows:?}"
    );
    assert!(
        rows.iter()
            .any(|r| r.starts_with("Cannot be read") && r.contains("ends early"))
    );
    assert!(rows.iter().any(|r| r.contains("ALTERED")));

    // Open the normal summary: header, then flags, then scores, then answers.
    open_row(&mut h, &m.normal);
    h.get_by_label_contains("Integrity: intact but not signed by a known kiosk");
    let y = |h: &Harness<'_, ReviewApp>, text: &str| h.get_by_label_contains(text).rect().min.y;
    let flags = y(&h, "For clinician review");
    let scores = y(&h, "Scores");
    // The name is in the header and again with the answers.
    let answers = h
        .get_all_by_label_contains("What is your full name?")
        .map(|n| n.rect().min.y)
        .fold(f32::MIN, f32::max);
    assert!(
        flags < scores && scores < answers,
        "{flags} {scores} {answers}"
    );
    let summary = Summary::from_ron(&std::fs::read(&m.normal).unwrap()).unwrap();
    assert!(!summary.scores.is_empty());
    for sc in &summary.scores {
        let text = format!("{}: {}", sc.title, sc.describe());
        let line = h.get_by_label(&text).rect().min.y;
        assert!(scores < line && line < answers, "{text}");
    }

    // Items not asked are listed with the reason, collapsed until opened.
    let (question, reason) = summary
        .sections
        .iter()
        .flat_map(|s| &s.items)
        .find_map(|i| match &i.status {
            Status::NotAsked { reason, .. } => Some((i.question.clone(), reason.clone())),
            _ => None,
        })
        .unwrap();
    let line = format!("{question} — {reason}");
    assert!(h.query_by_label(&line).is_none());
    let headers = h.get_all_by_label_contains("Not asked (").count();
    assert!(headers > 0);
    for n in 0..headers {
        h.get_all_by_label_contains("Not asked (")
            .nth(n)
            .unwrap()
            .scroll_to_me();
        h.run();
        h.get_all_by_label_contains("Not asked (")
            .nth(n)
            .unwrap()
            .click();
        h.run();
    }
    h.get_by_label(&line);
}

#[test]
fn bad_files_open_to_their_reason_and_tampered_ones_say_so() {
    let dir = tempfile::tempdir().unwrap();
    let m = morning(dir.path());
    // Tall enough for the banner of the morning's two waiting alerts above the whole record.
    let mut h = window_sized(
        dir.path(),
        Identities::default(),
        egui::Vec2::new(1280.0, 1400.0),
    );
    wait_for(&mut h, "the inbox", |a| a.rows().len() == 6);

    let label = label_of(&h, "Cannot be read");
    let in_list = h.get_all_by_label_contains("ends early").count();
    h.get_by_label(&label).click();
    h.run();
    h.get_by_label("This file cannot be shown");
    // The reason is in the view too, beside the file's path.
    assert_eq!(
        h.get_all_by_label_contains("ends early").count(),
        in_list + 1
    );
    h.get_by_label(&m.truncated.display().to_string());

    let label = h
        .get_all_by(|n| n.label().is_some_and(|l| l.contains("ALTERED")))
        .next()
        .and_then(|n| n.accesskit_node().label())
        .unwrap();
    h.get_by_label(&label).click();
    h.run();
    h.get_by_label_contains("Integrity: ALTERED");
}

#[test]
fn mark_as_reviewed_persists_across_a_restart_and_leaves_the_file_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let m = morning(dir.path());
    let before = std::fs::read(&m.normal).unwrap();
    {
        let mut h = window(dir.path());
        wait_for(&mut h, "the inbox", |a| a.rows().len() == 6);
        open_row(&mut h, &m.normal);
        h.get_by_label("Mark as reviewed").click();
        h.run();
        wait_for(&mut h, "the review mark", |a| {
            a.rows()
                .iter()
                .any(|r| r.path == m.normal && r.is_reviewed())
        });
    }
    assert_eq!(std::fs::read(&m.normal).unwrap(), before);

    // A new window (a restart) shows the mark.
    let mut h = window(dir.path());
    wait_for(&mut h, "the inbox", |a| a.rows().len() == 6);
    let label = label_of(&h, "Daniel Okafor");
    let by = format!("Reviewed by {}", prescreen::audit::os_user());
    assert!(label.contains(&by), "{label}");
}

#[test]
fn a_file_written_into_the_folder_appears_without_a_restart_with_an_urgent_banner() {
    let dir = tempfile::tempdir().unwrap();
    let s = session("no_flags", 0);
    write(
        dir.path(),
        "20261121T090000Z-00000000000000aa.summary.ron",
        &Summary::build(&s, s.now()).to_ron(),
    );
    let mut h = window(dir.path());
    wait_for(&mut h, "the inbox", |a| a.rows().len() == 1);
    assert!(h.query_by_label_contains("Urgent alert waiting").is_none());

    an_alert_arrives(dir.path());
    wait_for(&mut h, "the new alert", |a| a.rows().len() == 2);
    h.get_by_label_contains("Urgent alert waiting for a person");
    assert!(label_of(&h, "URGENT").contains("no summary submitted"));
}

#[test]
fn a_new_alert_asks_for_attention_and_waits_for_a_person_to_acknowledge_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = window(dir.path());
    wait_for(&mut h, "the empty inbox", |_| true);
    assert_eq!(h.state().attention_requests(), 0);
    h.state_mut().set_overdue_minutes(100_000);

    let path = an_alert_arrives(dir.path());
    let name = path.file_name().unwrap().to_str().unwrap().to_owned();
    wait_for(&mut h, "the banner", |a| a.banner() == [path.clone()]);
    assert_eq!(
        h.state().attention_requests(),
        1,
        "asked the window system once"
    );
    assert!(h.state().asking_attention());
    h.get_by_label_contains("Urgent alert waiting for a person");
    h.get_by_label("Inbox: 1 record");
    assert!(h.query_by_label_contains("OVERDUE").is_none());

    // Opening the record is not acknowledging it; frames pass and the banner stays.
    h.get_by_label("Open").click();
    for _ in 0..5 {
        h.run();
    }
    assert_eq!(h.state().banner(), std::slice::from_ref(&path));

    // Past the configured minutes it is overdue, and the window asks for attention again.
    h.state_mut().set_overdue_minutes(1);
    h.run();
    h.run();
    h.get_by_label_contains("OVERDUE");
    assert_eq!(h.state().attention_requests(), 2);

    let before = std::fs::read(&path).unwrap();
    h.get_by_label("Acknowledge").click();
    wait_for(&mut h, "the acknowledgement", |a| a.banner().is_empty());
    assert!(!h.state().asking_attention(), "the request is withdrawn");
    assert_eq!(
        std::fs::read(&path).unwrap(),
        before,
        "the alert is never changed"
    );
    let ack = prescreen::review::alerts::read_ack(&path).expect("recorded beside the alert");
    assert_eq!(ack.os_user, prescreen::audit::os_user());
    assert_eq!(ack.file, name);
    assert!(
        dir.path()
            .join("acknowledged")
            .join(format!("{name}.ack.ron"))
            .is_file()
    );
    assert!(h.query_by_label_contains("Urgent alert waiting").is_none());

    // A restart remembers: the alert does not demand attention again.
    let mut h = window(dir.path());
    wait_for(&mut h, "the inbox", |a| a.rows().len() == 1);
    assert!(h.state().banner().is_empty());
    assert_eq!(h.state().attention_requests(), 0);
}

#[test]
fn a_summary_with_an_urgent_free_text_flag_is_urgent_and_waits_for_a_person() {
    let dir = tempfile::tempdir().unwrap();
    let q = load("questionnaires/ketamine_candidacy.ron");
    let bytes = std::fs::read(repo("tests/fixtures/answers/free_text_spanish.ron")).unwrap();
    let clock = Arc::new(FixedClock::new(test_time()));
    let s = fill(q, AnswersFile::parse(&bytes).unwrap(), "es", clock).unwrap();
    assert!(
        s.alerts().is_empty(),
        "no safety rule fired during the session"
    );
    let path = write(
        dir.path(),
        "20261121T090000Z-00000000000000ff.summary.ron",
        &Summary::build(&s, s.now()).to_ron(),
    );
    let mut inbox = Inbox::new(Some(dir.path().to_path_buf()));
    inbox.scan();
    assert!(row(&inbox, &path).is_urgent());
    let mut h = window(dir.path());
    wait_for(&mut h, "the banner", |a| {
        a.banner() == std::slice::from_ref(&path)
    });
    assert!(
        h.get_all_by_label_contains("URGENT — urgent flag (free text)")
            .count()
            >= 1
    );
}

#[test]
fn an_alert_written_while_no_window_was_open_waits_in_the_banner_when_one_opens() {
    let dir = tempfile::tempdir().unwrap();
    let path = an_alert_arrives(dir.path());
    let name = path.file_name().unwrap().to_str().unwrap().to_owned();
    // A calm notice (item 9 declined) is listed but does not wait for acknowledgement.
    let d = session("declines_everything", 30);
    storage::write_atomic(
        dir.path(),
        &names::file_name(d.now(), names::ALERT_SUFFIX),
        UrgentAlert::build(&d, &d.alerts()[0]).to_ron().as_bytes(),
    )
    .unwrap();
    let mut h = window(dir.path());
    wait_for(&mut h, "the inbox", |a| a.rows().len() == 2);
    assert_eq!(h.state().banner(), [dir.path().join(&name)]);
    // The window's clock is hours after the alert: overdue at once.
    h.get_by_label_contains("OVERDUE");
}

/// A file dropped from the desktop, as the window system hands it to egui.
#[derive(Debug)]
struct Dropped(PathBuf);

impl egui::DroppedFile for Dropped {
    fn path(&self) -> &Path {
        &self.0
    }
    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.0).map_err(|e| e.to_string())
    }
}

#[test]
fn a_summary_dropped_onto_the_window_is_listed_and_opened() {
    let inbox_dir = tempfile::tempdir().unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    let s = session("spanish", 0);
    let file = write(
        elsewhere.path(),
        "from-a-usb-stick.summary.ron",
        &Summary::build(&s, s.now()).to_ron(),
    );
    let mut h = window(inbox_dir.path());
    wait_for(&mut h, "the empty inbox", |_| true);
    h.input_mut()
        .dropped_files
        .push(Arc::new(Dropped(file.clone())));
    wait_for(&mut h, "the dropped file", |a| {
        a.rows().iter().any(|r| r.path == file)
    });
    h.run();
    // Opened at once: a Spanish session shows the language and the English beside it.
    h.get_by_label("Spanish (es)");
    h.get_by_label_contains("Integrity: intact but not signed by a known kiosk");
}

/// The window draws the same view as `prescreen render`: for every answers fixture, flags,
/// scores and sections come in the same order, with the same integrity wording.
#[test]
fn the_window_and_the_text_render_agree_on_every_fixture() {
    use prescreen::export::text;
    for name in crate::export::all_fixtures() {
        let summary = crate::export::fixture(&name);
        let dir = tempfile::tempdir().unwrap();
        let signed = summary.sealed(Some(&crate::kiosk_key()));
        write(dir.path(), "a.summary.ron", &signed);
        let tall = egui::Vec2::new(1280.0, 12_000.0);
        let mut h = window_sized(dir.path(), Identities::default(), tall);
        wait_for(&mut h, "the record", |a| !a.rows().is_empty());
        // The one row: its accessible name ends with its review state.
        h.get_all_by(|n| n.label().is_some_and(|l| l.ends_with("Not reviewed")))
            .next()
            .unwrap()
            .click();
        h.run();
        let rendered = text::render(&summary, &crate::trusted());

        // Where each part stands in the text, and where its label stands in the window.
        let mut parts: Vec<(usize, f32, String)> = Vec::new();
        let mut seen = |needle_in_text: String, labels: Vec<String>, what: String| {
            let at = rendered
                .find(&needle_in_text)
                .unwrap_or_else(|| panic!("{name}: {what} not in the text"));
            let y = labels
                .iter()
                .find_map(|l| h.query_by_label(l).map(|n| n.rect().min.y))
                .unwrap_or_else(|| panic!("{name}: {what} not in the window"));
            parts.push((at, y, what));
        };
        for f in &summary.flags {
            let text = &f.text;
            seen(
                format!("] {text}\n"),
                vec![
                    text.clone(),
                    format!("Urgent: {text}"),
                    format!("Possible: {text}"),
                    format!("Urgent (possible): {text}"),
                ],
                format!("flag {text}"),
            );
        }
        for s in &summary.scores {
            let title = &s.title;
            seen(
                format!("  {title}:"),
                vec![format!("{title}: {}", s.describe())],
                format!("score {title}"),
            );
        }
        for (n, s) in summary.sections.iter().enumerate() {
            let title = &s.title;
            let both = s.title_default.as_ref().map(|d| format!("{title}  ({d})"));
            seen(
                format!("== {}. {title}", n + 1),
                vec![both.unwrap_or_else(|| title.clone())],
                format!("section {title}"),
            );
        }
        let mut by_text = parts.clone();
        by_text.sort_by_key(|p| p.0);
        let mut by_window = parts;
        by_window.sort_by(|a, b| a.1.total_cmp(&b.1));
        let order =
            |ps: &[(usize, f32, String)]| ps.iter().map(|p| p.2.clone()).collect::<Vec<_>>();
        assert_eq!(order(&by_text), order(&by_window), "{name}");

        // The integrity sentence is the text render's, word for word.
        let integrity = rendered
            .lines()
            .find_map(|l| l.strip_prefix("Integrity      ✓ "))
            .unwrap_or_else(|| panic!("{name}: no integrity line"));
        h.get_by_label(&format!("Integrity: {integrity}"));
    }
}
