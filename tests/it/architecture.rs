//! Invariants of the code base that a test can hold.

use crate::repo;

fn rust_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// No file under `dir` (at least `min` of them) mentions the GUI toolkit.
fn assert_gui_free(dir: &str, min: usize) {
    let mut files = Vec::new();
    rust_files(&repo(dir), &mut files);
    assert!(files.len() >= min, "{dir} sources not found");
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap().to_lowercase();
        assert!(
            !text.contains("egui") && !text.contains("eframe"),
            "{} mentions the GUI toolkit",
            f.display()
        );
    }
}

/// The engine is GUI-free: the kiosk and the review window are views over it.
#[test]
fn engine_never_mentions_egui() {
    assert_gui_free("src/engine", 5);
}

/// Exports are shared by the command line and the clinician window, so they are GUI-free too.
#[test]
fn export_never_mentions_egui() {
    assert_gui_free("src/export", 4);
}

/// The source of every file under `dir`, with its path.
fn sources(dir: &str, min: usize) -> Vec<(std::path::PathBuf, String)> {
    let mut files = Vec::new();
    rust_files(&repo(dir), &mut files);
    assert!(files.len() >= min, "{dir} sources not found");
    files
        .into_iter()
        .map(|f| {
            let text = std::fs::read_to_string(&f).unwrap();
            (f, text)
        })
        .collect()
}

/// The patient kiosk and the clinician window are two applications on one engine: neither
/// imports the other, so a change to one cannot break the other's screens.
#[test]
fn the_two_apps_never_import_each_other() {
    for (dir, other) in [("src/kiosk", "review"), ("src/review", "kiosk")] {
        for (f, text) in sources(dir, 4) {
            for bad in [format!("crate::{other}"), format!("super::super::{other}")] {
                assert!(!text.contains(&bad), "{} uses {bad}", f.display());
            }
        }
    }
    // What they share sits below both, and knows neither.
    for (f, text) in sources("src/ui", 2) {
        assert!(
            !text.contains("crate::kiosk") && !text.contains("crate::review"),
            "{} reaches up into an app",
            f.display()
        );
    }
}

/// Exports are pure functions of a summary: no file, network or process IO, and nothing from
/// the storage room, so what the window shows and what `render` prints cannot depend on the
/// disk.
#[test]
fn export_does_no_io() {
    let io = [
        "std::fs",
        "fs::",
        "File::",
        "std::net",
        "std::process",
        "std::io::Read",
        "std::io::Write",
        "io::stdout",
        "io::stderr",
        "crate::storage",
        "crate::outbox",
        "crate::inbox",
        "tempfile",
        "notify::",
        "println!",
        "eprintln!",
    ];
    for (f, text) in sources("src/export", 4) {
        for bad in io {
            assert!(!text.contains(bad), "{} uses {bad}", f.display());
        }
    }
}

/// Every file the program reads goes through the bounded reader (`storage::read_bounded`),
/// which refuses devices and FIFOs and never reads past a limit: outside the storage room, no
/// code opens or reads a file itself.
#[test]
fn every_read_goes_through_the_bounded_reader() {
    let storage = repo("src/storage");
    for (f, text) in sources("src", 30) {
        if f.starts_with(&storage) {
            continue;
        }
        // Not `fs::read_dir`: listing a folder is not reading a file.
        for bad in [
            "fs::read(",
            "fs::read_to_string(",
            "read_to_end(",
            "File::open(",
        ] {
            let uses = text
                .lines()
                .filter(|l| l.contains(bad) && !l.trim_start().starts_with("//"))
                .count();
            assert_eq!(uses, 0, "{} reads with {bad}", f.display());
        }
    }
}

// That nothing holding answers prints is checked in `privacy::no_module_that_holds_answers_prints`.

/// eframe can persist window and widget state to disk; patient data must never reach it. The
/// `persistence` feature is off (so eframe has no storage at all), and both windows refuse to
/// persist egui's memory should it ever be turned on.
#[test]
fn nothing_is_persisted_by_eframe() {
    let manifest = std::fs::read_to_string(repo("Cargo.toml")).unwrap();
    let eframe = manifest
        .lines()
        .find(|l| l.starts_with("eframe ="))
        .expect("eframe dependency line");
    assert!(
        eframe.contains("default-features = false") && !eframe.contains("persistence"),
        "{eframe}"
    );

    use eframe::App as _;
    use prescreen::engine::FixedClock;
    use std::sync::Arc;
    let clock = Arc::new(FixedClock::new(crate::scenario::test_time()));
    let dir = tempfile::tempdir().unwrap();
    let q = crate::scenario::load("questionnaires/demo.ron");
    let kiosk = prescreen::kiosk::Kiosk::new(Ok(q), dir.path().to_path_buf(), clock.clone());
    assert!(!kiosk.persist_egui_memory());
    let ctx = eframe::egui::Context::default();
    let review = prescreen::review::ReviewApp::new(
        &ctx,
        Some(dir.path().to_path_buf()),
        prescreen::inbox::Known::default(),
        prescreen::storage::crypto::Identities::default(),
        clock,
    );
    assert!(!review.persist_egui_memory());
}

/// The kiosk never waits on the network: it has no network code at all. Delivery to a FHIR
/// server is `prescreen send`, a separate process reading the outbox.
#[test]
fn the_kiosk_never_touches_the_network() {
    for (f, text) in sources("src/kiosk", 1) {
        for bad in ["ureq", "crate::deliver", "std::net", "TcpStream"] {
            assert!(!text.contains(bad), "{} uses {bad}", f.display());
        }
    }
    let send = std::fs::read_to_string(repo("src/cli/kiosk.rs")).unwrap();
    assert!(
        !send.contains("deliver"),
        "the kiosk command starts no sender"
    );
}
