//! Hostile files: every loader answers with a diagnostic or a clear error — never a panic, a
//! stack overflow or a hang. Limits are documented in docs/security.md.

use prescreen::config::Config;
use prescreen::engine::answers_file::AnswersFile;
use prescreen::engine::summary::SummaryHead;
use prescreen::engine::{Code, Questionnaire, Summary, UrgentAlert};

use crate::repo;

fn base() -> String {
    std::fs::read_to_string(repo("tests/fixtures/invalid/q002_type.ron"))
        .unwrap()
        .replace("min: \"zero\"", "min: 0")
}

fn codes(src: &[u8]) -> Vec<Code> {
    match Questionnaire::from_bytes(src) {
        Ok(_) => Vec::new(),
        Err(d) => d.iter().map(|d| d.code).collect(),
    }
}

fn nested(depth: usize) -> String {
    let mut c = "Equals(\"age\", Integer(1))".to_owned();
    for _ in 0..depth {
        c = format!("All([{c}])");
    }
    c
}

#[test]
fn the_base_questionnaire_loads() {
    assert_eq!(codes(base().as_bytes()), Vec::<Code>::new());
}

#[test]
fn deeply_nested_conditions_are_refused_not_overflowed() {
    let src = base().replace(
        "kind: Integer(min: 0, max: 120)),",
        &format!(
            "kind: Integer(min: 0, max: 120)),\n Item(id: \"b\", text: {{\"en\": \"B?\"}}, kind: YesNo(), show_if: {}),",
            nested(100_000)
        ),
    );
    assert_eq!(codes(src.as_bytes()), vec![Code::Syntax]);
}

#[test]
fn huge_numbers_and_negative_lengths_are_diagnostics() {
    for n in ["99999999999999999999999", "-5", "1e400"] {
        let src = base().replace("max: 120", &format!("max: {n}"));
        assert!(!codes(src.as_bytes()).is_empty(), "{n}");
    }
}

#[test]
fn invalid_utf8_is_a_diagnostic() {
    let mut src = base().into_bytes();
    src.splice(10..10, [0xff, 0xfe, 0xc3]);
    assert_eq!(codes(&src), vec![Code::Syntax]);
}

#[test]
fn a_ten_megabyte_string_loads_within_the_limit() {
    let big = "x".repeat(10 * 1024 * 1024);
    let src = base().replace("\"Age?\"", &format!("\"{big}\""));
    assert_eq!(codes(src.as_bytes()), Vec::<Code>::new());
}

#[test]
fn a_file_over_the_limit_is_refused_unread() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.ron");
    let f = std::fs::File::create(&path).unwrap();
    f.set_len(prescreen::engine::MAX_QUESTIONNAIRE_BYTES + 1)
        .unwrap();
    let err = Questionnaire::load(&path).unwrap_err().to_string();
    assert!(err.contains("Q017"), "{err}");
}

#[test]
fn a_hundred_thousand_items_load() {
    let mut items = String::new();
    for i in 0..100_000 {
        items.push_str(&format!(
            "Item(id: \"q{i}\", text: {{\"en\": \"Q{i}?\"}}, kind: YesNo()),\n"
        ));
    }
    let src = format!(
        "Questionnaire(id: \"big\", version: \"1.0.0\", languages: [\"en\"], title: {{\"en\": \"Big\"}},\n\
         sections: [Section(id: \"s\", title: {{\"en\": \"S\"}}, items: [{items}])])"
    );
    let q = Questionnaire::from_bytes(src.as_bytes()).unwrap();
    assert_eq!(q.items.len(), 100_000);
}

#[test]
fn duplicate_keys_are_refused_everywhere_they_could_hide() {
    // A language twice in a text.
    let src = base().replace(
        "{\"en\": \"Age?\"}",
        "{\"en\": \"Age?\", \"en\": \"Edad?\"}",
    );
    assert_eq!(codes(src.as_bytes()), vec![Code::Type]);
    // A field twice in a struct.
    let src = base().replace("id: \"types\",", "id: \"types\", id: \"again\",");
    assert!(!codes(src.as_bytes()).is_empty());
    // An answer twice in an answers file: kept in order by the parser, refused by `fill`.
    let file =
        AnswersFile::parse(br#"{ "full_name": Text("A"), "full_name": Text("B") }"#).unwrap();
    let q = crate::scenario::load("questionnaires/ketamine_candidacy.ron");
    let clock = std::sync::Arc::new(prescreen::engine::FixedClock::new(
        crate::scenario::test_time(),
    ));
    let Err(errors) = prescreen::engine::answers_file::fill(q, file, "en", clock) else {
        panic!("an answer given twice was accepted");
    };
    assert!(
        errors
            .iter()
            .any(|e| e.to_string().contains("more than once")),
        "{errors:?}"
    );
}

#[test]
fn hostile_summaries_alerts_answers_and_configs_are_errors() {
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let long = format!("Summary(digest: \"{}\")", "a".repeat(10 * 1024 * 1024));
    let inputs: Vec<Vec<u8>> = vec![
        deep.clone().into_bytes(),
        long.clone().into_bytes(),
        vec![0xff; 1000],
        b"Summary(schema: 99999999999999999999)".to_vec(),
        Vec::new(),
    ];
    for input in &inputs {
        assert!(Summary::read(input).is_err());
        assert!(SummaryHead::read(input).is_err());
        assert!(UrgentAlert::from_ron(input).is_err());
        assert!(AnswersFile::parse(input).is_err());
        assert!(Config::parse(input).is_err());
    }
}

/// A path that is not a regular file is refused at once, with what it is: `/dev/urandom` used
/// to grow to gigabytes of memory, `/dev/zero` and a FIFO to hang.
#[cfg(unix)]
#[test]
fn check_refuses_devices_and_fifos_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("questionnaire.ron");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    let mut paths = vec![
        ("/dev/urandom".into(), "a character device"),
        ("/dev/zero".into(), "a character device"),
        (dir.path().to_path_buf(), "a folder"),
    ];
    if made.is_ok_and(|s| s.success()) {
        paths.push((fifo, "a named pipe (FIFO)"));
    }
    for (path, kind) in paths {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_prescreen"))
            .arg("check")
            .arg(&path)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        // A hang would be the bug: give it ten seconds, then kill it and fail.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while child.try_wait().unwrap().is_none() {
            if std::time::Instant::now() > deadline {
                let _ = child.kill();
                panic!("`check {}` did not finish", path.display());
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{}: {stderr}", path.display());
        assert!(
            stderr.contains(&format!("it is {kind}, not a regular file")),
            "{}: {stderr}",
            path.display()
        );
    }
}
