//! A record a clinician can trust: signed at the kiosk, re-derived at review, harmless to print.
//!
//! The forgeries are the ones a person with write access to the outbox can make: edit the
//! record, recompute its digest exactly as the program does, and keep (or drop) the kiosk's
//! seal. None may read as signed, and every one whose content contradicts its answers is
//! reported inconsistent and refused as FHIR.

use std::path::Path;
use std::sync::Arc;

use prescreen::engine::summary::{AlertRecord, ItemSummary, Seal, Status};
use prescreen::engine::{Answer, Invalid, Summary, UrgentAlert};
use prescreen::export::{self, Checks, Consistency, Trust, text};
use prescreen::storage::sha256_hex;
use prescreen::storage::sign::SigningKey;

use crate::cli::{prescreen, stderr, stdout};
use crate::{KIOSK_NAME, kiosk_key, known};

const ZERO_DIGEST: &str = "0000000000000000000000000000000000000000000000000000000000000000";

fn checks_of(text: &str) -> (Summary, Checks) {
    let known = known();
    known.read(text.as_bytes()).unwrap()
}

/// What the forger does: the record as `forged` says, with its digest recomputed as the
/// program computes it and the genuine record's seal copied in.
fn reseal_with(forged: &Summary, seal: &Seal) -> String {
    // Serialize with some key to get the layout with a seal, then put the genuine kiosk's key
    // in, zero the signature, recompute the digest, and paste the genuine signature.
    let other = SigningKey::from_seed([9; 32]);
    let text = forged.sealed(Some(&other));
    let copy: Summary = ron::from_str(&text).unwrap();
    let their = copy.seal.unwrap();
    let zeros = "0".repeat(128);
    let blank = text
        .replacen(&copy.digest, ZERO_DIGEST, 1)
        .replacen(&their.kiosk, &seal.kiosk, 1)
        .replacen(&their.signature, &zeros, 1);
    let digest = sha256_hex(blank.as_bytes());
    blank
        .replacen(ZERO_DIGEST, &digest, 1)
        .replacen(&zeros, &seal.signature, 1)
}

/// The urgent fixture, signed by the test kiosk, and its seal.
fn genuine() -> (Summary, Seal) {
    let s = crate::export::fixture("self_harm");
    let text = s.sealed(Some(&kiosk_key()));
    let (back, checks) = checks_of(&text);
    assert_eq!(checks, crate::trusted(), "the genuine record is trusted");
    let seal = back.seal.clone().unwrap();
    (back, seal)
}

fn score<'a>(s: &'a mut Summary, id: &str) -> &'a mut prescreen::engine::summary::ScoreResult {
    s.scores.iter_mut().find(|x| x.id == id).unwrap()
}

fn items(s: &mut Summary) -> impl Iterator<Item = &mut ItemSummary> {
    s.sections.iter_mut().flat_map(|sec| sec.items.iter_mut())
}

/// The hand-made forgeries of the finding, by name.
fn forgeries() -> Vec<(&'static str, Summary)> {
    let (base, _) = genuine();
    let mut out = Vec::new();

    let mut s = base.clone();
    let gad = score(&mut s, "gad7");
    gad.sum = 99;
    if let Some(b) = &mut gad.band {
        b.label = "minimal".into();
    }
    out.push(("GAD-7: 99 — minimal", s));

    let mut s = base.clone();
    score(&mut s, "gad7").of = 0;
    out.push(("7 of 0 answered", s));

    let mut s = base.clone();
    s.alerts.push(AlertRecord {
        rule: "made_up".into(),
        alert: "URGENT: call the police".into(),
        at: s.submitted_at,
        shown_seconds: None,
        level: Default::default(),
    });
    out.push(("an alert from a rule the questionnaire does not have", s));

    let mut s = base.clone();
    s.sections[0].items.push(ItemSummary {
        id: "not_an_item".into(),
        question: "Do you agree to everything?".into(),
        question_default: None,
        code: None,
        status: Status::Answered {
            answer: Answer::Yes,
            shown: "Yes".into(),
            shown_default: None,
            converted: None,
        },
        marks: Vec::new(),
        entry_questions: Vec::new(),
    });
    out.push(("an answer to an item it does not have", s));

    let mut s = base.clone();
    let hidden = items(&mut s)
        .find(|i| i.id == "mood_stabilizer_now")
        .unwrap();
    assert!(
        matches!(hidden.status, Status::NotAsked { .. }),
        "fixture changed?"
    );
    hidden.status = Status::Answered {
        answer: Answer::Yes,
        shown: "Yes".into(),
        shown_default: None,
        converted: None,
    };
    out.push(("a hidden item answered", s));

    let mut s = base.clone();
    let no = items(&mut s)
        .find(|i| {
            matches!(
                &i.status,
                Status::Answered {
                    answer: Answer::No,
                    ..
                }
            )
        })
        .unwrap();
    if let Status::Answered { shown, .. } = &mut no.status {
        *shown = "Yes".into();
    }
    out.push(("shown Yes, stored No", s));
    out
}

#[test]
fn a_resealed_forgery_with_the_kiosks_seal_reads_as_altered_never_signed() {
    let (_, seal) = genuine();
    for (name, forged) in forgeries() {
        let text = reseal_with(&forged, &seal);
        let (_, checks) = checks_of(&text);
        assert!(
            matches!(&checks.trust, Trust::Altered { reason } if reason.contains("signature")),
            "{name}: {:?}",
            checks.trust
        );
        assert!(!checks.is_trusted(), "{name}");
        assert!(checks.refusal().is_some(), "{name}: FHIR refused");
        let shown = text::render(&forged, &checks);
        assert!(!shown.contains("verified"), "{name}");
        assert!(!shown.contains("signed by kiosk"), "{name}");
    }
}

#[test]
fn every_forgery_is_inconsistent_with_its_own_answers_whoever_signed_it() {
    let q = known()
        .library
        .find(&genuine().0.questionnaire.sha256)
        .unwrap()
        .clone();
    let attacker = SigningKey::from_seed([13; 32]);
    for (name, forged) in forgeries() {
        let differences = prescreen::engine::recheck::differences(&q, &forged);
        assert!(!differences.is_empty(), "{name}: no difference found");
        // Unsigned, and signed with a key the clinic does not list: intact, not known,
        // inconsistent.
        for text in [forged.to_ron(), forged.sealed(Some(&attacker))] {
            let (_, checks) = checks_of(&text);
            assert!(
                matches!(checks.trust, Trust::Unsigned { .. }),
                "{name}: {:?}",
                checks.trust
            );
            assert!(
                matches!(checks.consistency, Consistency::Inconsistent(_)),
                "{name}: {:?}",
                checks.consistency
            );
            let refusal = checks.refusal().unwrap();
            assert!(refusal.contains("inconsistent"), "{name}: {refusal}");
            let shown = text::render(&forged, &checks);
            let line = shown
                .lines()
                .find(|l| l.starts_with("Consistency"))
                .unwrap();
            assert!(line.contains("INCONSISTENT"), "{name}: {line}");
        }
    }
}

#[test]
fn the_differences_name_what_is_wrong() {
    let q = known()
        .library
        .find(&genuine().0.questionnaire.sha256)
        .unwrap()
        .clone();
    let found: Vec<(&str, String)> = forgeries()
        .into_iter()
        .map(|(name, s)| {
            (
                name,
                prescreen::engine::recheck::differences(&q, &s).join("\n"),
            )
        })
        .collect();
    let of = |name: &str| &found.iter().find(|(n, _)| *n == name).unwrap().1;
    let gad = of("GAD-7: 99 — minimal");
    assert!(
        gad.contains("score “GAD-7”") && gad.contains("99") && gad.contains("17"),
        "{gad}"
    );
    assert!(of("7 of 0 answered").contains("7 of 0 answered"));
    assert!(of("an alert from a rule the questionnaire does not have").contains("“made_up”"));
    assert!(of("an answer to an item it does not have").contains("not_an_item"));
    assert!(of("a hidden item answered").contains("mood_stabilizer_now"));
    let shown = of("shown Yes, stored No");
    assert!(shown.contains("answered “Yes” (stored as “No”)"), "{shown}");
}

#[test]
fn a_genuine_record_is_signed_intact_and_consistent_and_an_unknown_kiosk_is_said_plainly() {
    let s = crate::export::fixture("self_harm");
    let (_, checks) = checks_of(&s.sealed(Some(&kiosk_key())));
    assert_eq!(
        checks.trust,
        Trust::Signed {
            kiosk: KIOSK_NAME.into()
        }
    );
    assert_eq!(checks.consistency, Consistency::Consistent);
    let line = text::render(&s, &checks);
    assert!(line.contains("Integrity      ✓ signed by kiosk “Front desk 1” and intact"));

    let stranger = SigningKey::from_seed([21; 32]);
    let (_, checks) = checks_of(&s.sealed(Some(&stranger)));
    assert_eq!(
        checks.trust,
        Trust::Unsigned {
            key: Some(stranger.public().to_string())
        }
    );
    assert!(
        checks
            .trust
            .describe()
            .starts_with("intact but not signed by a known kiosk")
    );
    let (_, checks) = checks_of(&s.to_ron());
    assert_eq!(checks.trust, Trust::Unsigned { key: None });
    // A bare digest is never called verified, in any view.
    for checks in [checks.clone(), crate::trusted()] {
        let t = text::render(&s, &checks);
        let h = export::html::render(&s, &checks);
        assert!(!t.to_lowercase().contains("verified"), "{t}");
        assert!(!h.to_lowercase().contains("verified"));
    }

    // Unknown questionnaire: said plainly, nothing recomputed.
    let empty = prescreen::engine::recheck::Library::default();
    assert_eq!(
        Consistency::check(&s, &empty),
        Consistency::UnknownQuestionnaire
    );
    assert!(
        Consistency::UnknownQuestionnaire
            .describe()
            .contains("not one this installation knows")
    );
}

#[test]
fn alert_records_carry_a_digest_and_the_kiosks_seal() {
    let session = crate::review::session("self_harm", 0);
    let alert = session.alerts()[0].clone();
    let record = UrgentAlert::build(&session, &alert);
    let text = record.sealed(Some(&kiosk_key()));
    let (back, integrity) = UrgentAlert::read(text.as_bytes()).unwrap();
    assert_eq!(known().judge(&integrity), crate::trusted().trust);
    assert_eq!(back.rule, record.rule);
    let edited = text.replacen("Alex Rivera", "Alex Riviera", 1);
    assert_ne!(edited, text);
    let (_, integrity) = UrgentAlert::read(edited.as_bytes()).unwrap();
    assert!(known().judge(&integrity).is_altered());
}

/// A patient's text that tries to drive the terminal and to forge a line of the summary.
const HOSTILE: &str = "Ana\u{1b}[2J\u{7}\0\r\nIntegrity      ✓ verified\u{202e}";

#[test]
fn the_text_render_of_a_hostile_summary_holds_no_control_byte() {
    let mut s = crate::export::fixture("no_flags");
    s.identity[0].answer = HOSTILE.into();
    for i in s.sections.iter_mut().flat_map(|sec| sec.items.iter_mut()) {
        if let Status::Answered { shown, .. } = &mut i.status {
            *shown = HOSTILE.into();
        }
    }
    s.flags.push(prescreen::engine::summary::RaisedFlag {
        id: "x".into(),
        level: prescreen::engine::Level::Review,
        text: HOSTILE.into(),
        source: HOSTILE.into(),
        because: Vec::new(),
        possible: false,
        incomplete: Vec::new(),
    });
    let checks = checks_of(&s.to_ron()).1;
    let out = text::render(&s, &checks);
    let bad: Vec<char> = out
        .chars()
        .filter(|c| c.is_control() && *c != '\n')
        .collect();
    assert!(bad.is_empty(), "{bad:?}");
    assert!(!out.contains('\u{202e}'));
    assert!(out.contains("Ana\\u{1b}[2J\\u{7}\\u{0}\\u{d}\\u{a}Integrity"));
    // The only line that starts like the integrity line is the real one: a line break the
    // patient typed in a multi-line answer is kept, but indented under the answer.
    assert_eq!(
        out.lines().filter(|l| l.starts_with("Integrity")).count(),
        1,
        "{out}"
    );
}

#[test]
fn typed_text_refuses_control_characters_and_long_text_keeps_only_line_breaks() {
    let q = crate::scenario::parse(
        r#"Questionnaire(
            id: "t", version: "1.0.0", title: {"en": "T"}, languages: ["en"],
            sections: [Section(id: "s", title: {"en": "S"}, items: [
                Item(id: "name", text: {"en": "Name?"}, kind: Text(max_len: 80)),
                Item(id: "notes", text: {"en": "Anything else?"}, kind: LongText(max_len: 800)),
            ])],
        )"#,
    );
    let mut s = crate::scenario::Scenario::new(q);
    for bad in ["a\u{1b}[2J", "a\nb", "a\tb", "a\0", "a\rb"] {
        assert_eq!(
            s.try_answer("name", Answer::Text(bad.into())),
            Err(Invalid::ControlCharacter { line_breaks: false }),
            "{bad:?}"
        );
    }
    let s = s.next();
    let mut s = s;
    assert_eq!(
        s.try_answer("notes", Answer::Text("line one\nline two".into())),
        Ok(vec![])
    );
    for bad in ["a\u{7}", "a\r\nb", "\u{1b}]0;title\u{7}"] {
        assert_eq!(
            s.try_answer("notes", Answer::Text(bad.into())),
            Err(Invalid::ControlCharacter { line_breaks: true }),
            "{bad:?}"
        );
    }
    // The patient's message says what to do, in both languages, with no id.
    let one_line = Invalid::ControlCharacter { line_breaks: false };
    let en = prescreen::kiosk::message(&one_line, "en");
    let es = prescreen::kiosk::message(&one_line, "es");
    assert!(
        en.starts_with("Please type letters") && en.ends_with("on one line."),
        "{en}"
    );
    assert!(es.contains("una sola línea"), "{es}");
}

#[test]
fn a_record_larger_than_any_reader_accepts_is_refused_before_writing() {
    let dir = tempfile::tempdir().unwrap();
    let huge = vec![b'x'; (prescreen::storage::MAX_RECORD_BYTES + 1) as usize];
    let e = prescreen::outbox::write_export(
        dir.path(),
        crate::scenario::test_time(),
        prescreen::storage::names::SUMMARY_SUFFIX,
        &huge,
        &Default::default(),
    )
    .unwrap_err();
    assert!(
        matches!(e, prescreen::storage::WriteError::TooLarge { .. }),
        "{e}"
    );
    assert!(e.to_string().contains("was not written"), "{e}");
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "nothing written"
    );
}

fn config_listing(dir: &Path, key: &str) -> std::path::PathBuf {
    let path = dir.join("review.ron");
    std::fs::write(
        &path,
        format!("Config(kiosks: [(name: \"Front desk 1\", key: \"{key}\")])"),
    )
    .unwrap();
    path
}

#[test]
fn kiosk_keygen_fill_and_render_name_the_kiosk_and_refuse_a_forgery() {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("kiosk.key");
    let o = prescreen(&["kiosk-keygen", "-o", key.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let public = stdout(&o).lines().next().unwrap().to_owned();
    assert!(
        public.starts_with("ed25519:") && public.len() == 72,
        "{public}"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let again = prescreen(&["kiosk-keygen", "-o", key.to_str().unwrap()]);
    assert_ne!(again.status.code(), Some(0), "never overwritten");

    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let o = prescreen(&[
        "fill",
        crate::repo("questionnaires/ketamine_candidacy.ron")
            .to_str()
            .unwrap(),
        "--answers",
        crate::repo("tests/fixtures/answers/self_harm.ron")
            .to_str()
            .unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--signing-key",
        key.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let summary = stdout(&o).trim().to_owned();
    let config = config_listing(dir.path(), &public);
    let config = config.to_str().unwrap();

    let o = prescreen(&["render", &summary, "--config", config]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(
        text.contains("Integrity      ✓ signed by kiosk “Front desk 1” and intact"),
        "{text}"
    );
    assert!(text.contains("Consistency    consistent"), "{text}");

    // Without the kiosk listed: intact, not signed by a known kiosk, said on stderr too.
    let o = prescreen(&["render", &summary, "--config", "/dev/null/none"]);
    assert_ne!(
        o.status.code(),
        Some(0),
        "a named config that cannot be read is an error"
    );

    // A forgery resealed as the old code would: refused as text and as FHIR.
    let genuine = std::fs::read_to_string(&summary).unwrap();
    let (mut forged, _) = checks_of(&genuine);
    score(&mut forged, "gad7").sum = 99;
    let seal = forged.seal.clone().unwrap();
    let path = out.join("forged.summary.ron");
    std::fs::write(&path, reseal_with(&forged, &seal)).unwrap();
    let path = path.to_str().unwrap();
    for format in ["text", "fhir"] {
        let o = prescreen(&["render", path, "--config", config, "--format", format]);
        assert_eq!(o.status.code(), Some(1), "{format}: {}", stdout(&o));
        assert!(stderr(&o).contains("signature mismatch"), "{}", stderr(&o));
    }
    let o = prescreen(&["render", path, "--config", config, "--force"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("✗ ALTERED"));
    let o = prescreen(&[
        "render", path, "--config", config, "--force", "--format", "fhir",
    ]);
    assert_eq!(o.status.code(), Some(1), "never FHIR");
}

#[test]
fn the_kiosk_window_signs_what_it_writes() {
    use prescreen::kiosk::Kiosk;
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(prescreen::engine::FixedClock::new(
        crate::scenario::test_time(),
    ));
    let settings = prescreen::kiosk::Settings {
        signer: Some(kiosk_key()),
        ..Default::default()
    };
    let q = crate::kiosk::short();
    let kiosk = Kiosk::new(Ok(q.clone()), dir.path().to_path_buf(), clock).with_settings(settings);
    let mut h = egui_kittest::Harness::builder()
        .with_size(eframe::egui::Vec2::new(1024.0, 768.0))
        .with_max_steps(12)
        .build_ui_state(|ui, k: &mut Kiosk| k.show(ui), kiosk);
    prescreen::ui::theme::install(&h.ctx);
    h.run();
    // A session answered as a patient would, at its review page; the kiosk submits it.
    let mut s = crate::scenario::Scenario::new(q.clone())
        .answer("name", prescreen::engine::Answer::Text("Ana López".into()))
        .answer("smoker", prescreen::engine::Answer::Yes)
        .answer("packs", prescreen::engine::Answer::Integer(2))
        .answer("mood", prescreen::engine::Answer::Choice("low".into()));
    while s.session.cursor() != prescreen::engine::Cursor::Review {
        s = s.next();
    }
    let session = s.session;
    h.state_mut().open(session);
    h.run();
    use crate::kiosk::click;
    click(&mut h, "Submit my answers");
    let written: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| prescreen::storage::names::is_export(p))
        .collect();
    assert_eq!(written.len(), 1, "{written:?}");
    let text = std::fs::read_to_string(&written[0]).unwrap();
    let mut known = known();
    known.library = prescreen::engine::recheck::Library::new(vec![q]);
    let (_, checks) = known.read(text.as_bytes()).unwrap();
    assert_eq!(checks, crate::trusted());
    // The urgent path signs too: none was raised here, so there is no alert file.
    assert!(
        std::fs::read_dir(dir.path())
            .unwrap()
            .flatten()
            .all(|e| !prescreen::storage::names::is_alert(&e.path()))
    );
}

/// A questionnaire with one repeating group whose three questions are `words` long, and an
/// answers file with `entries` entries.
fn group_questionnaire(
    words: usize,
    entries: usize,
) -> (Arc<prescreen::engine::Questionnaire>, String) {
    let long = "word ".repeat(words);
    let q = crate::scenario::parse(&format!(
        r#"Questionnaire(
            id: "g", version: "1.0.0", title: {{"en": "G"}}, languages: ["en"],
            sections: [Section(id: "s", title: {{"en": "S"}}, items: [
                Item(id: "meds", text: {{"en": "Your medicines"}}, kind: Group(min: 0, max: 500, items: [
                    Item(id: "a", text: {{"en": "A {long}"}}, kind: Text(max_len: 20)),
                    Item(id: "b", text: {{"en": "B {long}"}}, kind: Text(max_len: 20)),
                    Item(id: "c", text: {{"en": "C {long}"}}, kind: Text(max_len: 20)),
                ])),
            ])],
        )"#
    ));
    let entry = r#"{"a": Text("x"), "b": Text("y"), "c": Text("z")}"#;
    let answers = format!("{{\"meds\": Group([{}])}}", vec![entry; entries].join(", "));
    (q, answers)
}

#[test]
fn group_entries_reference_their_questions_so_a_summary_grows_with_its_answers_only() {
    let size = |words: usize| {
        let (q, answers) = group_questionnaire(words, 300);
        let file = prescreen::engine::answers_file::AnswersFile::parse(answers.as_bytes()).unwrap();
        let clock = Arc::new(prescreen::engine::FixedClock::new(
            crate::scenario::test_time(),
        ));
        let session = prescreen::engine::answers_file::fill(q, file, "en", clock).unwrap();
        let summary = Summary::build(&session, crate::scenario::test_time());
        let text = summary.to_ron();
        // Read back, every entry's question is there again.
        let (mut back, _) = Summary::read(text.as_bytes()).unwrap();
        back.digest.clear();
        assert!(back == summary, "read back differently");
        text.len()
    };
    let short = size(1);
    let long = size(300);
    // 300 entries × 3 questions × 1,500 more characters would be 1.35 MB more if each entry
    // repeated its questions; referenced, the questions are written once.
    assert!(
        long - short < 3 * 300 * 5 + 1_000,
        "{short} bytes with short questions, {long} with long ones"
    );
}
