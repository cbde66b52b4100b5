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
        vec![],
        prescreen::storage::crypto::Identities::default(),
        clock,
    );
    assert!(!review.persist_egui_memory());
}
