//! The audit trail: every review action leaves one line under the operating-system account
//! with the record's SHA-256; windows sharing a folder never lose a line; `prescreen audit`
//! finds an edited or removed line, and a removed last line when a mark or acknowledgement
//! still names it; marks keep their history.

use std::path::{Path, PathBuf};

use chrono::Duration as Span;
use egui_kittest::kittest::Queryable as _;
use prescreen::audit::{self, Action, Entry, Problem};
use prescreen::inbox::{self, Inbox, Review};
use prescreen::storage::sha256_hex;

use crate::cli::{prescreen, stderr, stdout};
use crate::review::{morning, open_row, wait_for, window};
use crate::scenario::test_time;

/// Every line of the log in `dir`, read back.
fn entries(dir: &Path) -> Vec<Entry> {
    let text = std::fs::read_to_string(dir.join(audit::LOG_NAME)).unwrap_or_default();
    text.lines()
        .map(|l| audit::parse(l.as_bytes()).unwrap())
        .collect()
}

fn sha(path: &Path) -> String {
    sha256_hex(&std::fs::read(path).unwrap())
}

fn name(path: &Path) -> String {
    path.file_name().unwrap().to_string_lossy().into_owned()
}

#[test]
fn every_review_action_appends_one_line_with_the_os_user_and_the_record_sha256() {
    let dir = tempfile::tempdir().unwrap();
    let m = morning(dir.path());
    let user = audit::os_user();
    let mut h = window(dir.path());
    wait_for(&mut h, "the inbox", |a| a.rows().len() == 6);
    assert_eq!(h.state().os_user(), user);
    assert!(entries(dir.path()).is_empty(), "listing is not opening");

    open_row(&mut h, &m.normal);
    h.get_by_label("Mark as reviewed").click();
    h.run();
    wait_for(&mut h, "the mark", |a| {
        a.rows()
            .iter()
            .any(|r| r.path == m.normal && r.is_reviewed())
    });
    let waiting = h.state().banner()[0].clone();
    h.get_all_by_label("Acknowledge").next().unwrap().click();
    h.run();
    let html = dir.path().join("printed").join("normal.html");
    std::fs::create_dir(html.parent().unwrap()).unwrap();
    h.state_mut().save_html_to(&html);
    assert!(html.is_file());

    let lines = entries(dir.path());
    let done: Vec<(&str, String, String)> = lines
        .iter()
        .map(|e| (e.action.as_str(), e.file.clone(), e.sha256.clone()))
        .collect();
    assert_eq!(
        done,
        [
            ("open", name(&m.normal), sha(&m.normal)),
            ("mark-reviewed", name(&m.normal), sha(&m.normal)),
            ("acknowledge", name(&waiting), sha(&waiting)),
            ("save-html", name(&m.normal), sha(&m.normal)),
        ]
    );
    for (i, e) in lines.iter().enumerate() {
        assert_eq!(e.user, user, "the account, not a typed name");
        assert_eq!(e.seq, i as u64 + 1);
        assert_eq!(e.at, test_time() + Span::hours(3), "the window's clock");
    }
    let report = audit::verify(&dir.path().join(audit::LOG_NAME)).unwrap();
    assert!(report.is_intact(), "{:?}", report.broken);
    assert_eq!(report.lines, 4);

    // Nothing a patient gave is in the log: names and answers stay in the records.
    let text = std::fs::read_to_string(dir.path().join(audit::LOG_NAME)).unwrap();
    for patient in h.state().rows().iter().flat_map(|r| r.patient().to_vec()) {
        assert!(!text.contains(&patient.answer), "{}", patient.answer);
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(dir.path().join(audit::LOG_NAME))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}

#[test]
fn an_audit_line_that_cannot_be_written_is_shown_and_the_mark_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    let m = morning(dir.path());
    // Something that is not a file where the log goes: every append fails.
    std::fs::create_dir(dir.path().join(audit::LOG_NAME)).unwrap();
    let mut h = window(dir.path());
    wait_for(&mut h, "the inbox", |a| a.rows().len() == 6);
    open_row(&mut h, &m.normal);
    h.get_by_label_contains("not in the audit log");
    h.get_by_label("Mark as reviewed").click();
    h.run();
    h.get_by_label_contains("Marked reviewed by");
    h.get_by_label_contains("But it is not in the audit log");
    wait_for(&mut h, "the mark", |a| {
        a.rows()
            .iter()
            .any(|r| r.path == m.normal && r.is_reviewed())
    });
}

#[test]
fn two_windows_appending_at_once_leave_one_unbroken_chain() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join(audit::LOG_NAME);
    let (writers, each) = (8, 40);
    std::thread::scope(|s| {
        for w in 0..writers {
            let log = &log;
            s.spawn(move || {
                for i in 0..each {
                    let file = format!("w{w}-{i}.summary.ron");
                    audit::append(log, "open", "okafor", &file, audit::UNREAD, test_time())
                        .unwrap();
                }
            });
        }
    });
    let report = audit::verify(&log).unwrap();
    assert!(report.is_intact(), "{:?}", report.broken);
    assert_eq!(report.lines, writers * each);
    let mut files: Vec<String> = entries(dir.path()).into_iter().map(|e| e.file).collect();
    files.sort();
    files.dedup();
    assert_eq!(
        files.len() as u64,
        writers * each,
        "no line lost or doubled"
    );
}

/// A log of five opens in a new folder; returns its path.
fn five_lines(dir: &Path) -> PathBuf {
    let log = dir.join(audit::LOG_NAME);
    for i in 0..5 {
        let at = test_time() + Span::minutes(i);
        audit::append(
            &log,
            "open",
            "okafor",
            &format!("r{i}.summary.ron"),
            audit::UNREAD,
            at,
        )
        .unwrap();
    }
    log
}

fn rewrite(log: &Path, change: impl FnOnce(&mut Vec<String>)) {
    let text = std::fs::read_to_string(log).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    change(&mut lines);
    std::fs::write(log, lines.join("\n") + "\n").unwrap();
}

fn check(dir: &Path) -> std::process::Output {
    prescreen(&["audit", "--outbox", dir.to_str().unwrap()])
}

#[test]
fn the_audit_command_says_an_intact_chain_is_intact_with_its_head() {
    let dir = tempfile::tempdir().unwrap();
    let log = five_lines(dir.path());
    let o = check(dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("5 lines checked"), "{out}");
    assert!(out.contains("chain intact"), "{out}");
    let head = entries(dir.path()).pop().unwrap();
    assert!(
        out.contains(&format!("head: line 5, hash {}", head.hash)),
        "{out}"
    );
    assert!(audit::verify(&log).unwrap().is_intact());
}

#[test]
fn the_audit_command_names_an_edited_line() {
    let dir = tempfile::tempdir().unwrap();
    let log = five_lines(dir.path());
    // Someone puts another account on line 3.
    rewrite(&log, |l| l[2] = l[2].replace("\tokafor\t", "\tmensah\t"));
    let o = check(dir.path());
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("audit.log:3: error: line 3 was edited"),
        "{err}"
    );
    assert!(stdout(&o).contains("chain broken at line 3"));

    // Recomputing the edited line's own hash only moves the break to the next line.
    let text = std::fs::read_to_string(&log).unwrap();
    let third = text.lines().nth(2).unwrap();
    let content = &third[..third.rfind('\t').unwrap()];
    let fixed = format!("{content}\t{}", sha256_hex(content.as_bytes()));
    rewrite(&log, |l| l[2] = fixed);
    let report = audit::verify(&log).unwrap();
    let b = report.broken.unwrap();
    assert_eq!(b.line, 4);
    assert!(matches!(
        b.problem,
        Problem::DoesNotFollow {
            seq: 4,
            expected: 4
        }
    ));
}

#[test]
fn the_audit_command_names_a_removed_line_and_an_inserted_one() {
    let dir = tempfile::tempdir().unwrap();
    let log = five_lines(dir.path());
    let original = std::fs::read_to_string(&log).unwrap();
    rewrite(&log, |l| {
        l.remove(1);
    });
    let o = check(dir.path());
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("audit.log:2: error: line 2 does not follow the line before it"),
        "{err}"
    );
    assert!(err.contains("the line numbered 2 was removed"), "{err}");

    // A copy of a line put back in (a duplicate) is found too.
    std::fs::write(&log, &original).unwrap();
    rewrite(&log, |l| {
        let copy = l[0].clone();
        l.insert(1, copy);
    });
    let report = audit::verify(&log).unwrap();
    assert_eq!(report.broken.map(|b| b.line), Some(2));

    // A cut-off line is named as unreadable.
    std::fs::write(&log, &original[..original.len() - 20]).unwrap();
    let report = audit::verify(&log).unwrap();
    let b = report.broken.unwrap();
    assert_eq!(b.line, 5);
    assert!(
        matches!(b.problem, Problem::Unreadable(_)),
        "{:?}",
        b.problem
    );
}

#[test]
fn a_removed_last_line_is_found_only_through_the_mark_that_needs_it() {
    let dir = tempfile::tempdir().unwrap();
    let m = morning(dir.path());
    let log = dir.path().join(audit::LOG_NAME);
    let at = test_time() + Span::hours(1);
    // What the window does: the mark, then its line; then an open.
    let (mark, _) = inbox::mark_reviewed(&m.normal, "okafor", at).unwrap();
    audit::record(&m.normal, Action::MarkReviewed, "okafor", &mark.sha256, at).unwrap();
    let later = at + Span::minutes(5);
    audit::record(&m.urgent, Action::Open, "okafor", &sha(&m.urgent), later).unwrap();
    assert_eq!(check(dir.path()).status.code(), Some(0));

    // The last line (an open) removed: the chain that is left is whole, and nothing else
    // recorded it. A chain alone cannot show this; the head kept elsewhere can.
    rewrite(&log, |l| {
        l.pop();
    });
    let o = check(dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("1 line checked"));

    // The mark's line removed too: the mark in reviewed/ is still there and has no line.
    std::fs::write(&log, "").unwrap();
    let o = check(dir.path());
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains(&format!(
            "the mark of {} as reviewed by okafor at {} has no line in the audit log",
            name(&m.normal),
            audit::timestamp(at)
        )),
        "{err}"
    );
}

#[test]
fn an_acknowledgement_without_its_line_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let m = morning(dir.path());
    let at = test_time() + Span::hours(1);
    audit::record(&m.normal, Action::Open, "okafor", &sha(&m.normal), at).unwrap();
    prescreen::review::alerts::acknowledge(&m.walked_away, "okafor", at).unwrap();
    let o = check(dir.path());
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("the acknowledgement of"), "{err}");
    assert!(stdout(&o).contains("chain intact, but lines are missing"));
}

#[test]
fn mark_history_keeps_every_mark_and_the_inbox_shows_the_latest() {
    let dir = tempfile::tempdir().unwrap();
    let m = morning(dir.path());
    let first = test_time() + Span::hours(1);
    inbox::mark_reviewed(&m.normal, "okafor", first).unwrap();
    inbox::mark_reviewed(&m.normal, "mensah", first + Span::minutes(30)).unwrap();
    let marks = inbox::marks_of(&m.normal);
    let by: Vec<&str> = marks.iter().map(|m| m.by.as_str()).collect();
    assert_eq!(by, ["okafor", "mensah"], "oldest first, none replaced");

    let mut inbox = Inbox::new(Some(dir.path().to_path_buf()));
    inbox.scan();
    let row = inbox.rows().iter().find(|r| r.path == m.normal).unwrap();
    assert_eq!(row.marks.len(), 2);
    match &row.review {
        Some(Review::Reviewed(latest)) => assert_eq!(latest.by, "mensah"),
        other => panic!("{other:?}"),
    }

    // Two clinicians marking the same record at the same moment both keep their mark.
    let at = first + Span::hours(1);
    std::thread::scope(|s| {
        for who in ["adeyemi", "brown"] {
            let path = &m.urgent;
            s.spawn(move || inbox::mark_reviewed(path, who, at).unwrap());
        }
    });
    let mut by: Vec<String> = inbox::marks_of(&m.urgent)
        .into_iter()
        .map(|m| m.by)
        .collect();
    by.sort();
    assert_eq!(by, ["adeyemi", "brown"]);
    inbox.scan();
    let row = inbox.rows().iter().find(|r| r.path == m.urgent).unwrap();
    assert_eq!(row.marks.len(), 2, "a rescan sees a mark added later");
}

/// Marks and acknowledgements written before the audit trail (one mark a record, a typed
/// reviewer name) are still read: a reviewed record stays reviewed, an acknowledged alert
/// stays acknowledged.
#[test]
fn records_made_before_the_audit_trail_still_count() {
    let dir = tempfile::tempdir().unwrap();
    let m = morning(dir.path());
    let old = dir.path().join(inbox::REVIEWED_DIR).join(format!(
        "{}{}",
        name(&m.normal),
        inbox::REVIEWED_SUFFIX
    ));
    std::fs::create_dir_all(old.parent().unwrap()).unwrap();
    std::fs::write(
        &old,
        format!(
            "Reviewed(file: \"{}\", sha256: \"{}\", by: \"Dr Okafor\", at: \"2026-11-21T10:00:00Z\")",
            name(&m.normal),
            sha(&m.normal)
        ),
    )
    .unwrap();
    inbox::mark_reviewed(&m.normal, "mensah", test_time() + Span::hours(5)).unwrap();
    let by: Vec<String> = inbox::marks_of(&m.normal)
        .into_iter()
        .map(|m| m.by)
        .collect();
    assert_eq!(by, ["Dr Okafor", "mensah"]);

    let ack = prescreen::review::alerts::ack_path(&m.walked_away).unwrap();
    std::fs::create_dir_all(ack.parent().unwrap()).unwrap();
    std::fs::write(
        &ack,
        format!(
            "Acknowledged(file: \"{}\", sha256: \"{}\", os_user: \"okafor\", \
             reviewer: \"Dr Okafor\", at: \"2026-11-21T10:00:00Z\")",
            name(&m.walked_away),
            sha(&m.walked_away)
        ),
    )
    .unwrap();
    let read = prescreen::review::alerts::read_ack(&m.walked_away).unwrap();
    assert_eq!(read.os_user, "okafor");
}
