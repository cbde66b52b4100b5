//! Encrypted exports: keys made by `prescreen keygen`, summaries and alerts written as age files
//! by `fill` and by the kiosk, with no answer readable in them, and read back by the inbox and
//! the review window only with the right key.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Arc;

use eframe::egui;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use prescreen::config::Config;
use prescreen::engine::{FixedClock, Summary, UrgentAlert};
use prescreen::inbox::{Inbox, Record};
use prescreen::kiosk::{Kiosk, Screen, Settings};
use prescreen::outbox;
use prescreen::storage::crypto::{self, Identities, Recipients};
use prescreen::storage::names;

use crate::kiosk::{begin_in_english, click, files, name_then_no_smoking, short};
use crate::repo;
use crate::review::{label_of, session, wait_for, window_with};
use crate::scenario::test_time;

/// A new key pair in `dir`: the identity file's path and the recipient.
fn key(dir: &Path, name: &str) -> (PathBuf, String) {
    let path = dir.join(name);
    let recipient = crypto::generate_identity_file(&path, test_time()).unwrap();
    (path, recipient.to_string())
}

fn identities(path: &Path) -> Identities {
    Identities::load(&[path.to_path_buf()]).unwrap()
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

/// Every file directly in `dir`.
fn all_files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .collect();
    v.sort();
    v
}

/// The binary with a home, data and config folder of its own: no site configuration of the
/// machine running the tests is read.
fn prescreen(home: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_prescreen"))
        .args(args)
        .env("HOME", home)
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

// ─── Keys ───

#[test]
fn keygen_writes_an_owner_only_identity_prints_its_recipient_and_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("clinic.key");
    let o = prescreen(dir.path(), &["keygen", "-o", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));

    let out = text(&o.stdout);
    let mut lines = out.lines();
    let recipient = lines.next().unwrap();
    let parsed = crypto::parse_recipient(recipient).unwrap();
    assert_eq!(parsed.to_string(), recipient);
    let advice = lines.next().unwrap();
    assert!(
        advice.contains("recipients") && advice.contains("never on the kiosk"),
        "{advice}"
    );
    assert_eq!(lines.next(), None);

    // The standard age identity format, and nothing secret on the terminal.
    let file = std::fs::read_to_string(&path).unwrap();
    let lines: Vec<&str> = file.lines().collect();
    assert_eq!(lines.len(), 3, "{}", lines.len());
    assert!(lines[0].starts_with("# created: "));
    assert_eq!(lines[1], format!("# public key: {recipient}"));
    assert!(lines[2].starts_with("AGE-SECRET-KEY-1"));
    assert!(!out.contains("AGE-SECRET-KEY") && !text(&o.stderr).contains("AGE-SECRET-KEY"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    // What is encrypted for the printed recipient opens with the file written.
    let sealed = Recipients::parse(&[recipient])
        .unwrap()
        .encrypt(b"x")
        .unwrap();
    assert_eq!(crypto::decrypt(&sealed, &identities(&path)).unwrap(), b"x");

    // A second run refuses to replace the key.
    let o = prescreen(dir.path(), &["keygen", "-o", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o.stderr).contains("already exists"),
        "{}",
        text(&o.stderr)
    );
    assert!(o.stdout.is_empty());
    assert_eq!(std::fs::read_to_string(&path).unwrap(), file);
}

#[test]
fn review_refuses_an_identity_file_it_cannot_use() {
    let dir = tempfile::tempdir().unwrap();
    let (_, recipient) = key(dir.path(), "clinic.key");
    let public = dir.path().join("public.txt");
    std::fs::write(&public, format!("{recipient}\n")).unwrap();
    let folder = dir.path().to_str().unwrap();

    let o = prescreen(
        dir.path(),
        &["review", folder, "--identity", "/nonexistent/clinic.key"],
    );
    assert_eq!(o.status.code(), Some(2));
    let err = text(&o.stderr);
    assert!(
        err.contains("the identity file /nonexistent/clinic.key cannot be read"),
        "{err}"
    );

    let o = prescreen(
        dir.path(),
        &["review", folder, "--identity", public.to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(2));
    let err = text(&o.stderr);
    assert!(err.contains("is not an age identity"), "{err}");
    assert!(err.contains("public key"), "{err}");
}

// ─── Configuration ───

#[test]
fn a_malformed_recipient_in_the_configuration_is_an_error_at_its_position() {
    let dir = tempfile::tempdir().unwrap();
    let (_, good) = key(dir.path(), "clinic.key");

    let config = Config::parse(format!("Config(recipients: [\"{good}\"])").as_bytes()).unwrap();
    assert_eq!(config.recipients.keys(), vec![good.clone()]);

    let text = format!(
        "Config(\n    recipients: [\n        \"{good}\",\n        \"age1notakey\",\n    ],\n)"
    );
    let e = Config::parse(text.as_bytes()).unwrap_err().to_string();
    assert!(e.starts_with("4:"), "the second recipient's line: {e}");
    assert!(e.contains("`age1notakey` is not an age recipient"), "{e}");

    // A secret key pasted into the kiosk's configuration is refused, and not repeated.
    let secret = std::fs::read_to_string(dir.path().join("clinic.key")).unwrap();
    let secret = secret.lines().last().unwrap();
    let e = Config::parse(format!("Config(recipients: [\"{secret}\"])").as_bytes())
        .unwrap_err()
        .to_string();
    assert!(e.contains("secret key") && !e.contains(secret), "{e}");

    // Through a file, the message starts with the file's name, as every config error does.
    let path = dir.path().join("config.ron");
    std::fs::write(&path, &text).unwrap();
    let e = Config::load(&path).unwrap_err().to_string();
    assert!(e.starts_with(&format!("{}:4:", path.display())), "{e}");
}

// ─── Writing: fill ───

const SENTINEL: &str = "SENTINEL-5e4l-Ee";

/// The medications answers with the sentinel at the start of every text answer.
fn sentinel_answers(dir: &Path) -> PathBuf {
    let original = std::fs::read_to_string(repo("tests/fixtures/answers/medications.ron")).unwrap();
    let marked = original.replace("Text(\"", &format!("Text(\"{SENTINEL} "));
    assert!(marked.matches(SENTINEL).count() >= 3);
    let path = dir.join("answers.ron");
    std::fs::write(&path, marked).unwrap();
    path
}

fn fill(home: &Path, answers: &Path, out: &Path, extra: &[&str]) -> Output {
    let q = repo("questionnaires/ketamine_candidacy.ron");
    let mut args = vec![
        "fill",
        q.to_str().unwrap(),
        "--answers",
        answers.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    prescreen(home, &args)
}

#[test]
fn fill_with_a_recipient_writes_an_age_file_with_no_answer_readable_in_it() {
    let dir = tempfile::tempdir().unwrap();
    let (identity, recipient) = key(dir.path(), "clinic.key");
    let answers = sentinel_answers(dir.path());
    let out = dir.path().join("outbox");

    let o = fill(dir.path(), &answers, &out, &["--recipient", &recipient]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(!contains(&o.stdout, SENTINEL) && !contains(&o.stderr, SENTINEL));
    assert!(!text(&o.stderr).contains("not encrypted"));
    let path = PathBuf::from(text(&o.stdout).trim());
    assert!(
        path.to_str().unwrap().ends_with(names::SUMMARY_AGE_SUFFIX),
        "{path:?}"
    );
    // Only the encrypted file: no plain copy, no temporary left behind.
    assert_eq!(all_files(&out), vec![path.clone()]);

    let sealed = std::fs::read(&path).unwrap();
    assert!(sealed.starts_with(b"age-encryption.org/v1\n"));
    for secret in [SENTINEL, "Linda Park", "Clonazepam", "Penicillin", "1974"] {
        assert!(
            !contains(&sealed, secret),
            "{secret} is readable in the file"
        );
    }

    // The key opens it to a summary that passes every check, sentinel and all.
    let plain = crypto::read_record(&path, &identities(&identity)).unwrap();
    let summary = Summary::from_ron(&plain).unwrap();
    assert!(contains(&plain, SENTINEL));
    assert_eq!(summary.identity[0].answer, format!("{SENTINEL} Linda Park"));
}

#[test]
fn fill_takes_the_recipients_of_the_site_configuration_too() {
    let dir = tempfile::tempdir().unwrap();
    let (clinic, clinic_recipient) = key(dir.path(), "clinic.key");
    let (backup, backup_recipient) = key(dir.path(), "backup.key");
    let (stranger, _) = key(dir.path(), "stranger.key");
    let config = dir.path().join("config.ron");
    std::fs::write(
        &config,
        format!("Config(recipients: [\"{clinic_recipient}\"])"),
    )
    .unwrap();
    let answers = sentinel_answers(dir.path());
    let out = dir.path().join("outbox");

    let o = fill(
        dir.path(),
        &answers,
        &out,
        &[
            "--config",
            config.to_str().unwrap(),
            "--recipient",
            &backup_recipient,
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let path = PathBuf::from(text(&o.stdout).trim());
    // Either key opens it; another does not.
    for key in [&clinic, &backup] {
        let plain = crypto::read_record(&path, &identities(key)).unwrap();
        Summary::from_ron(&plain).unwrap();
    }
    let e = crypto::read_record(&path, &identities(&stranger)).unwrap_err();
    assert_eq!(e.to_string(), "cannot decrypt: encrypted for another key");

    // A malformed recipient writes nothing.
    let o = fill(dir.path(), &answers, &out, &["--recipient", "age1typo"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stderr).contains("`age1typo` is not an age recipient"));
    assert_eq!(all_files(&out).len(), 1);

    // Without recipients the summary is plain text, and fill says so.
    let o = fill(dir.path(), &answers, &out, &[]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(text(&o.stdout).trim().ends_with(names::SUMMARY_SUFFIX));
    assert!(text(&o.stderr).contains("the summary is not encrypted"));
}

// ─── Writing: the kiosk ───

fn kiosk(outbox: &Path, settings: Settings) -> Harness<'static, Kiosk> {
    let clock = Arc::new(FixedClock::new(test_time()));
    let kiosk = Kiosk::new(Ok(short()), outbox.to_path_buf(), clock).with_settings(settings);
    let mut h = Harness::builder()
        .with_size(egui::Vec2::new(1024.0, 768.0))
        .with_max_steps(12)
        .build_ui_state(|ui, k: &mut Kiosk| k.show(ui), kiosk);
    prescreen::ui::theme::install(&h.ctx);
    h.run();
    h
}

#[test]
fn the_kiosk_encrypts_its_summary_and_its_urgent_alert() {
    let dir = tempfile::tempdir().unwrap();
    let keys = tempfile::tempdir().unwrap();
    let (identity, recipient) = key(keys.path(), "clinic.key");
    let settings = Settings {
        recipients: Recipients::parse(&[recipient]).unwrap(),
        ..Settings::default()
    };
    let mut h = kiosk(dir.path(), settings);
    let name = "Ana SENTINEL-k10sk";
    begin_in_english(&mut h);
    name_then_no_smoking(&mut h, name);
    click(&mut h, "I have thoughts of hurting myself");
    assert_eq!(
        h.state().screen(),
        &Screen::Crisis(prescreen::engine::RuleIdx(0))
    );
    // The alert is written at once, encrypted.
    let alerts = files(dir.path(), names::ALERT_AGE_SUFFIX);
    assert_eq!(alerts.len(), 1);
    crate::kiosk::continue_after_crisis(&mut h);
    click(&mut h, "Next");
    click(&mut h, "Submit my answers");
    assert_eq!(h.state().screen(), &Screen::Thanks);

    let summaries = files(dir.path(), names::SUMMARY_AGE_SUFFIX);
    assert_eq!(summaries.len(), 1);
    // Exactly these two files (names are random, so compare them sorted).
    let mut expected = vec![alerts[0].clone(), summaries[0].clone()];
    expected.sort();
    assert_eq!(all_files(dir.path()), expected);
    for file in all_files(dir.path()) {
        let bytes = std::fs::read(&file).unwrap();
        assert!(!contains(&bytes, "SENTINEL-k10sk"), "{file:?}");
        assert!(!contains(&bytes, "Ana"), "{file:?}");
    }

    let ids = identities(&identity);
    let alert = UrgentAlert::from_ron(&crypto::read_record(&alerts[0], &ids).unwrap()).unwrap();
    assert_eq!(alert.identity[0].answer, name);
    assert_eq!(alert.alert, "Patient reported thoughts of self-harm");
    let summary = Summary::from_ron(&crypto::read_record(&summaries[0], &ids).unwrap()).unwrap();
    assert_eq!(summary.identity[0].answer, name);
    assert_eq!(summary.alerts.len(), 1);
}

/// Opens the staff menu with PIN 2468.
fn staff_menu(h: &mut Harness<'_, Kiosk>) {
    click(h, "Staff");
    for d in ["2", "4", "6", "8"] {
        click(h, d);
    }
    click(h, "Enter");
    assert_eq!(h.state().screen(), &Screen::Staff);
}

#[test]
fn the_staff_menu_says_whether_exports_are_encrypted() {
    let dir = tempfile::tempdir().unwrap();
    let pin = Some(prescreen::config::PinHash::hash("2468"));

    let mut h = kiosk(
        dir.path(),
        Settings {
            staff_pin: pin.clone(),
            ..Settings::default()
        },
    );
    staff_menu(&mut h);
    h.get_by_label(
        "Exports are NOT encrypted: anyone who can read the outbox can read patients' answers. \
         Set `recipients` in the site configuration.",
    );

    let (_, a) = key(dir.path(), "a.key");
    let (_, b) = key(dir.path(), "b.key");
    let mut h = kiosk(
        dir.path(),
        Settings {
            staff_pin: pin,
            recipients: Recipients::parse(&[a, b]).unwrap(),
            ..Settings::default()
        },
    );
    staff_menu(&mut h);
    h.get_by_label("Exports are encrypted for 2 recipients");
    assert!(h.query_by_label_contains("NOT encrypted").is_none());
}

// ─── Reading: the inbox and the review window ───

/// An outbox holding one encrypted urgent session (alert and summary), one plain summary and
/// a `.age` file that is not one. Returns (alert, summary, plain, fake).
fn encrypted_outbox(dir: &Path, recipients: &Recipients) -> (PathBuf, PathBuf, PathBuf, PathBuf) {
    let s = session("self_harm", 0);
    let alert = outbox::write_export(
        dir,
        s.alerts()[0].at,
        names::ALERT_SUFFIX,
        UrgentAlert::build(&s, &s.alerts()[0]).to_ron().as_bytes(),
        recipients,
    )
    .unwrap();
    let summary = outbox::write_export(
        dir,
        s.now(),
        names::SUMMARY_SUFFIX,
        Summary::build(&s, s.now()).to_ron().as_bytes(),
        recipients,
    )
    .unwrap();
    let s = session("no_flags", 30);
    let plain = outbox::write_export(
        dir,
        s.now(),
        names::SUMMARY_SUFFIX,
        Summary::build(&s, s.now()).to_ron().as_bytes(),
        &Recipients::default(),
    )
    .unwrap();
    let fake = dir.join("20261121T100000Z-00000000000000ff.summary.ron.age");
    std::fs::write(&fake, Summary::build(&s, s.now()).to_ron()).unwrap();
    (alert, summary, plain, fake)
}

fn record<'a>(inbox: &'a Inbox, path: &Path) -> &'a Record {
    &inbox.rows().iter().find(|r| r.path == path).unwrap().record
}

fn reason(inbox: &Inbox, path: &Path) -> String {
    match record(inbox, path) {
        Record::Unreadable { reason } => reason.clone(),
        other => panic!("{other:?}"),
    }
}

#[test]
fn the_inbox_reads_encrypted_records_with_the_key_and_says_why_without_it() {
    let dir = tempfile::tempdir().unwrap();
    let keys = tempfile::tempdir().unwrap();
    let (identity, recipient) = key(keys.path(), "clinic.key");
    let (stranger, _) = key(keys.path(), "stranger.key");
    let recipients = Recipients::parse(&[recipient]).unwrap();
    let (alert, summary, plain, fake) = encrypted_outbox(dir.path(), &recipients);
    assert!(alert.to_str().unwrap().ends_with(names::ALERT_AGE_SUFFIX));
    assert!(
        summary
            .to_str()
            .unwrap()
            .ends_with(names::SUMMARY_AGE_SUFFIX)
    );

    // With the key: rows exactly as for plain files — the patient, the flags, the urgency,
    // the alert paired with its session's summary.
    let mut inbox = Inbox::new(Some(dir.path().to_path_buf()));
    inbox.identities = identities(&identity);
    inbox.scan();
    assert_eq!(inbox.rows().len(), 4);
    assert_eq!(inbox.rows()[0].path, summary, "the urgent summary first");
    match record(&inbox, &summary) {
        Record::Summary(s) => {
            assert_eq!(s.patient[0].answer, "Alex Rivera");
            assert_eq!(s.trust, prescreen::export::Trust::Unsigned { key: None });
            assert_eq!(s.alerts, 1);
        }
        other => panic!("{other:?}"),
    }
    match record(&inbox, &alert) {
        Record::Alert(a) => assert_eq!(a.summary.as_deref(), Some(summary.as_path())),
        other => panic!("{other:?}"),
    }
    assert!(matches!(record(&inbox, &plain), Record::Summary(_)));
    assert_eq!(reason(&inbox, &fake), "cannot decrypt: not an age file");

    // Without a key: listed, never dropped, and the reason says what to do.
    let mut inbox = Inbox::new(Some(dir.path().to_path_buf()));
    inbox.scan();
    assert_eq!(inbox.rows().len(), 4);
    for path in [&alert, &summary] {
        assert_eq!(
            reason(&inbox, path),
            "encrypted: open the review with --identity FILE"
        );
    }
    assert!(matches!(record(&inbox, &plain), Record::Summary(_)));

    // With another key.
    let mut inbox = Inbox::new(Some(dir.path().to_path_buf()));
    inbox.identities = identities(&stranger);
    inbox.scan();
    for path in [&alert, &summary] {
        assert_eq!(
            reason(&inbox, path),
            "cannot decrypt: encrypted for another key"
        );
    }
}

#[test]
fn an_oversized_encrypted_file_is_refused_by_its_size_without_being_decrypted() {
    let dir = tempfile::tempdir().unwrap();
    let (identity, _) = key(dir.path(), "clinic.key");
    let big = dir.path().join("x.summary.ron.age");
    // 50 MB, sparse.
    std::fs::File::create(&big)
        .unwrap()
        .set_len(50 * 1024 * 1024)
        .unwrap();
    let mut inbox = Inbox::new(Some(dir.path().to_path_buf()));
    inbox.identities = identities(&identity);
    inbox.scan();
    let r = reason(&inbox, &big);
    assert!(r.contains("52428800 bytes") && r.contains("refused"), "{r}");
}

#[test]
fn the_review_window_opens_an_encrypted_summary_with_the_key_and_flags_plain_ones() {
    let dir = tempfile::tempdir().unwrap();
    let keys = tempfile::tempdir().unwrap();
    let (identity, recipient) = key(keys.path(), "clinic.key");
    let recipients = Recipients::parse(&[recipient]).unwrap();
    let (_, summary, plain, _) = encrypted_outbox(dir.path(), &recipients);

    let mut h = window_with(dir.path(), identities(&identity));
    wait_for(&mut h, "the inbox", |a| a.rows().len() == 4);
    let label = label_of(&h, "URGENT — safety alert. Alex Rivera");
    h.get_by_label(&label).click();
    h.run();
    h.get_by_label_contains("URGENT — safety alert during the session");
    h.get_by_label_contains("Integrity: intact but not signed by a known kiosk");
    assert!(
        h.query_by_label_contains("Not encrypted").is_none(),
        "{summary:?} was encrypted"
    );
    assert!(h.query_by_label("This file cannot be shown").is_none());

    // The plain summary opens too, with a warning in its header.
    let name = h
        .state()
        .rows()
        .iter()
        .find(|r| r.path == plain)
        .unwrap()
        .patient()[0]
        .answer
        .clone();
    let label = h
        .get_all_by(|n| {
            n.label()
                .is_some_and(|l| l.starts_with(&name) && l.contains("Not reviewed"))
        })
        .next()
        .and_then(|n| n.accesskit_node().label())
        .unwrap();
    h.get_by_label(&label).click();
    h.run();
    h.get_by_label_contains("Not encrypted: this summary was stored as plain text");

    // Without the key the same record is listed with what to do, and opens to that reason.
    let mut h = window_with(dir.path(), Identities::default());
    wait_for(&mut h, "the inbox", |a| a.rows().len() == 4);
    let label = h
        .get_all_by(|n| {
            n.label().is_some_and(|l| {
                l.starts_with("Cannot be read") && l.contains("open the review with --identity")
            })
        })
        .next()
        .and_then(|n| n.accesskit_node().label())
        .unwrap();
    h.get_by_label(&label).click();
    h.run();
    h.get_by_label("This file cannot be shown");
}

#[test]
fn render_opens_an_encrypted_summary_only_with_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let (identity, recipient) = key(dir.path(), "clinic.key");
    let (other, _) = key(dir.path(), "other.key");
    let answers = sentinel_answers(dir.path());
    let out = dir.path().join("outbox");
    let o = fill(dir.path(), &answers, &out, &["--recipient", &recipient]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let sealed = text(&o.stdout).trim().to_owned();

    let o = prescreen(dir.path(), &["render", &sealed]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o.stderr).contains("encrypted: pass --identity"),
        "{}",
        text(&o.stderr)
    );
    assert!(!contains(&o.stdout, SENTINEL));

    let o = prescreen(
        dir.path(),
        &["render", &sealed, "--identity", other.to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o.stderr).contains("encrypted for another key"),
        "{}",
        text(&o.stderr)
    );

    let o = prescreen(
        dir.path(),
        &["render", &sealed, "--identity", identity.to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains(&format!("{SENTINEL} Linda Park")));
}
