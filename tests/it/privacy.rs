//! Privacy as tests: a sentinel typed into every text answer must appear nowhere but in the
//! export — not on stdout or stderr, not in a log, not in a temporary file, not in any
//! configuration or data folder.

use std::path::{Path, PathBuf};
use std::process::Command;

use prescreen::kiosk::Screen;

use crate::kiosk::{click, files, harness, short, type_into};
use crate::repo;

/// Every file under `dir` (not following links) whose bytes contain `needle`.
fn files_containing(dir: &Path, needle: &[u8]) -> Vec<PathBuf> {
    files_containing_since(dir, needle, std::time::SystemTime::UNIX_EPOCH)
}

/// As [`files_containing`], reading only files modified at or after `since`.
fn files_containing_since(dir: &Path, needle: &[u8], since: std::time::SystemTime) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let Ok(kind) = e.file_type() else { continue };
            let path = e.path();
            if kind.is_dir() {
                stack.push(path);
            } else if kind.is_file()
                && e.metadata().is_ok_and(|m| {
                    m.len() < 64 * 1024 * 1024 && m.modified().is_ok_and(|t| t >= since)
                })
                && std::fs::read(&path).is_ok_and(|b| b.windows(needle.len()).any(|w| w == needle))
            {
                found.push(path);
            }
        }
    }
    found
}

#[test]
fn fill_leaves_the_sentinel_only_in_the_export() {
    let sentinel = "SENTINEL-7f3a9c-Zz";
    let home = tempfile::tempdir().unwrap();
    let out = home.path().join("outbox");
    std::fs::create_dir(&out).unwrap();
    let answers_text = std::fs::read_to_string(repo("tests/fixtures/answers/medications.ron"))
        .unwrap()
        .replace("Text(\"", &format!("Text(\"{sentinel} "));
    assert!(
        answers_text.matches(sentinel).count() >= 2,
        "fixture has text answers"
    );
    let answers = home.path().join("answers.ron");
    std::fs::write(&answers, &answers_text).unwrap();

    // A home, data, config, cache and temp folder of its own, so anything written is seen.
    let o = Command::new(env!("CARGO_BIN_EXE_prescreen"))
        .arg("fill")
        .arg(repo("questionnaires/ketamine_candidacy.ron"))
        .arg("--answers")
        .arg(&answers)
        .arg("--out")
        .arg(&out)
        .env("HOME", home.path())
        .env("XDG_DATA_HOME", home.path().join("data"))
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("XDG_CACHE_HOME", home.path().join("cache"))
        .env("TMPDIR", home.path().join("tmp"))
        .env("RUST_LOG", "trace")
        .env("RUST_BACKTRACE", "1")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let needle = sentinel.as_bytes();
    assert!(!o.stdout.windows(needle.len()).any(|w| w == needle));
    assert!(!o.stderr.windows(needle.len()).any(|w| w == needle));

    let exports = files(&out, ".summary.ron");
    assert_eq!(exports.len(), 1);
    let mut holding = files_containing(home.path(), needle);
    holding.retain(|p| *p != answers);
    assert_eq!(holding, exports, "the sentinel is only in the export");
}

#[test]
fn a_rejected_answer_is_reported_by_item_never_by_what_was_typed() {
    let sentinel = "SENTINEL-b41e-Qq";
    let dir = tempfile::tempdir().unwrap();
    // A date typed as text: rejected, and the message must not quote it.
    let answers = dir.path().join("answers.ron");
    std::fs::write(
        &answers,
        format!(r#"{{ "full_name": Text("Ana"), "dob": Text("{sentinel}") }}"#),
    )
    .unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_prescreen"))
        .arg("fill")
        .arg(repo("questionnaires/ketamine_candidacy.ron"))
        .arg("--answers")
        .arg(&answers)
        .arg("--out")
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("dob"), "{err}");
    assert!(!err.contains(sentinel), "{err}");
    assert!(!String::from_utf8_lossy(&o.stdout).contains(sentinel));
}

#[test]
fn a_kiosk_session_leaves_the_sentinel_only_in_the_export() {
    let sentinel = "SENTINEL-c0ffee-Kk";
    let started = std::time::SystemTime::now();
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(short(), dir.path());
    click(&mut h, "Start — English");
    click(&mut h, "Begin");
    type_into(&mut h, "What is your name?", sentinel);
    click(&mut h, "Next");
    click(&mut h, "No");
    click(&mut h, "Next");
    click(&mut h, "Good");
    click(&mut h, "Next");
    click(&mut h, "Submit my answers");
    assert_eq!(h.state().screen(), &Screen::Thanks);

    let exports = files(dir.path(), ".summary.ron");
    assert_eq!(exports.len(), 1);
    let needle = sentinel.as_bytes();
    assert_eq!(files_containing(dir.path(), needle), exports);
    // Nothing in the system's temporary folder either (other tests there do not know it).
    let elsewhere: Vec<_> = files_containing_since(&std::env::temp_dir(), needle, started)
        .into_iter()
        .filter(|p| !p.starts_with(dir.path()))
        .collect();
    assert!(elsewhere.is_empty(), "{elsewhere:?}");
    // Nor in egui's memory once the answers are sent: text-edit state (with its undo history
    // of what was typed) goes at submit, not only at the reset that follows.
    let edits = h
        .ctx
        .data_mut(|d| d.count::<eframe::egui::text_edit::TextEditState>());
    assert_eq!(edits, 0);
}

/// Answers and alerts are written only by the engine-free writer (`outbox`), and no module
/// that holds patient data prints: structural checks on the sources.
#[test]
fn no_module_that_holds_answers_prints() {
    for dir in [
        "src/engine",
        "src/kiosk",
        "src/review",
        "src/ui",
        "src/storage",
        "src/export",
    ] {
        let mut stack = vec![repo(dir)];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(d).unwrap().flatten() {
                let p = e.path();
                if p.is_dir() {
                    stack.push(p);
                } else if p.extension().is_some_and(|x| x == "rs")
                    // Prints one timestamp for scripts/startup.sh, only when asked by an
                    // environment variable; it never sees the session.
                    && !p.ends_with("ui/measure.rs")
                {
                    let text = std::fs::read_to_string(&p).unwrap();
                    for bad in ["println!", "eprintln!", "dbg!", "print!(", "eprint!("] {
                        assert!(!text.contains(bad), "{} uses {bad}", p.display());
                    }
                }
            }
        }
    }
    let inbox = std::fs::read_to_string(repo("src/inbox.rs")).unwrap();
    assert!(!inbox.contains("println!") && !inbox.contains("eprintln!"));
}
