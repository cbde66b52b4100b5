//! Fault injection with real files and processes: outboxes that are missing, in the way,
//! read-only or full; writers killed mid-write; many kiosks writing to one folder at once.
//! Nothing is lost, nothing half-written is ever left where a reader could take it.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant, SystemTime};

use egui_kittest::kittest::Queryable as _;
use prescreen::engine::Summary;
use prescreen::kiosk::Screen;
use prescreen::storage::{self, names};

use crate::kiosk::{begin_in_english, click, files, harness, name_then_no_smoking, short};
use crate::repo;

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// A tmpfs mounted for one test, unmounted when dropped (also when the test fails).
struct Mount(PathBuf);

impl Mount {
    /// Mounts a tmpfs of `size` (e.g. "64k") at `at`, or says why it cannot.
    fn tmpfs(at: &Path, size: &str) -> Result<Mount, String> {
        if !is_root() {
            return Err("not running as root, so no filesystem can be mounted".into());
        }
        let o = Command::new("mount")
            .args([
                "-t",
                "tmpfs",
                "-o",
                &format!("size={size},mode=0700"),
                "tmpfs",
            ])
            .arg(at)
            .output()
            .map_err(|e| format!("cannot run mount: {e}"))?;
        if !o.status.success() {
            return Err(format!(
                "mount refused: {}",
                String::from_utf8_lossy(&o.stderr).trim()
            ));
        }
        Ok(Mount(at.to_path_buf()))
    }

    fn remount(&self, mode: &str) {
        let o = Command::new("mount")
            .args(["-o", &format!("remount,{mode}")])
            .arg(&self.0)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
}

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).output();
    }
}

/// A kiosk session up to Submit, with the outbox broken by `fault`; then the outbox is fixed
/// by `fix` and Retry must write exactly one complete summary of the same answers.
fn submit_fails_then_retry(outbox: &Path, fix: impl FnOnce()) {
    let mut h = harness(short(), outbox);
    begin_in_english(&mut h);
    name_then_no_smoking(&mut h, "Ana");
    click(&mut h, "Good");
    click(&mut h, "Next");
    click(&mut h, "Submit my answers");
    let Screen::SaveFailed(reason) = h.state().screen().clone() else {
        panic!("expected a failed save, got {:?}", h.state().screen());
    };
    assert!(!reason.is_empty());
    assert!(
        h.query_by_label("Please ask a staff member for help")
            .is_some()
    );
    assert!(h.state().session().is_some(), "answers kept");

    fix();
    click(&mut h, "Try again");
    assert_eq!(h.state().screen(), &Screen::Thanks);
    let written = files(outbox, names::SUMMARY_SUFFIX);
    assert_eq!(written.len(), 1, "{written:?}");
    let summary = Summary::from_ron(&std::fs::read(&written[0]).unwrap()).unwrap();
    assert_eq!(summary.identity[0].answer, "Ana");
    let leftovers: Vec<_> = files(outbox, names::TEMP_SUFFIX);
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn a_missing_outbox_fails_clearly_and_retry_writes_one_summary() {
    let dir = tempfile::tempdir().unwrap();
    let outbox = dir.path().join("outbox");
    submit_fails_then_retry(&outbox, || std::fs::create_dir(&outbox).unwrap());
}

#[test]
fn a_file_in_place_of_the_outbox_fails_clearly_and_retry_writes_one_summary() {
    let dir = tempfile::tempdir().unwrap();
    let outbox = dir.path().join("outbox");
    std::fs::write(&outbox, "a file where the folder should be").unwrap();
    submit_fails_then_retry(&outbox, || {
        std::fs::remove_file(&outbox).unwrap();
        std::fs::create_dir(&outbox).unwrap();
    });
}

#[test]
fn a_read_only_outbox_fails_clearly_and_retry_writes_one_summary() {
    let dir = tempfile::tempdir().unwrap();
    let outbox = dir.path().join("outbox");
    std::fs::create_dir(&outbox).unwrap();
    if is_root() {
        // Root ignores permission bits: make the filesystem itself read-only.
        let mount = match Mount::tmpfs(&outbox, "1m") {
            Ok(m) => m,
            Err(why) => {
                eprintln!("skipped: a read-only outbox cannot be made here: {why}");
                return;
            }
        };
        mount.remount("ro");
        submit_fails_then_retry(&outbox, || mount.remount("rw"));
    } else {
        use std::os::unix::fs::PermissionsExt as _;
        let set = |mode| {
            std::fs::set_permissions(&outbox, std::fs::Permissions::from_mode(mode)).unwrap()
        };
        set(0o500);
        submit_fails_then_retry(&outbox, || set(0o700));
    }
}

#[test]
fn a_full_disk_fails_clearly_and_retry_writes_one_summary() {
    let dir = tempfile::tempdir().unwrap();
    let outbox = dir.path().join("outbox");
    std::fs::create_dir(&outbox).unwrap();
    let _mount = match Mount::tmpfs(&outbox, "64k") {
        Ok(m) => m,
        Err(why) => {
            eprintln!("skipped: no full filesystem can be made here: {why}");
            return;
        }
    };
    // Fill it to the last byte.
    let filler = outbox.join("filler");
    let mut f = std::fs::File::create(&filler).unwrap();
    let block = vec![0u8; 4096];
    while std::io::Write::write_all(&mut f, &block).is_ok() {}
    drop(f);
    submit_fails_then_retry(&outbox, || std::fs::remove_file(&filler).unwrap());
}

/// A tiny deterministic generator: the kill points differ run to run of the loop, not between
/// runs of the test.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, below: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % below.max(1)
    }
}

fn fill_command(out: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_prescreen"));
    c.arg("fill")
        .arg(repo("questionnaires/ketamine_candidacy.ron"))
        .arg("--answers")
        .arg(repo("tests/fixtures/answers/medications.ron"))
        .arg("--out")
        .arg(out)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    c
}

fn age(path: &Path, by: Duration) {
    let f = std::fs::File::options().write(true).open(path).unwrap();
    f.set_modified(SystemTime::now() - by).unwrap();
}

#[test]
fn writers_killed_at_random_points_never_leave_a_partial_summary() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path();

    // How long one whole run takes here, so kills land across all of it.
    let started = Instant::now();
    assert!(fill_command(out).status().unwrap().success());
    let whole = started.elapsed().as_micros() as u64;

    let mut rng = Lcg(0x5eed);
    for _ in 0..100 {
        let mut child = fill_command(out).spawn().unwrap();
        std::thread::sleep(Duration::from_micros(rng.next(whole + whole / 5)));
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
    }

    let summaries = files(out, names::SUMMARY_SUFFIX);
    for s in &summaries {
        let bytes = std::fs::read(s).unwrap();
        assert!(
            Summary::from_ron(&bytes).is_ok(),
            "{} is partial or unreadable",
            s.display()
        );
    }
    let mid_write = files(out, names::TEMP_SUFFIX);
    for t in &mid_write {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(t).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "temporary files are owner-only too");
    }
    eprintln!(
        "100 kills: {} finished summaries (plus the first), {} kills left a temporary file",
        summaries.len() - 1,
        mid_write.len()
    );

    // The next start cleans up what killed writers left, and nothing else: plant one
    // abandoned temp file for certain, and one that a live writer still holds.
    let abandoned = out.join(".prescreen-abandoned.tmp");
    std::fs::write(&abandoned, "Summary(\n  digest: ").unwrap();
    let live = out.join(".prescreen-live.tmp");
    std::fs::write(&live, "Summary(").unwrap();
    for t in files(out, names::TEMP_SUFFIX) {
        age(&t, Duration::from_secs(600));
    }
    let held = std::fs::File::open(&live).unwrap();
    held.lock().unwrap();

    let before: Vec<(PathBuf, Vec<u8>)> = summaries
        .iter()
        .map(|p| (p.clone(), std::fs::read(p).unwrap()))
        .collect();
    assert!(fill_command(out).status().unwrap().success());
    assert!(!abandoned.exists());
    assert!(live.exists(), "a write in progress is left alone");
    assert_eq!(files(out, names::TEMP_SUFFIX), vec![live.clone()]);
    for (p, bytes) in before {
        assert_eq!(std::fs::read(&p).unwrap(), bytes, "{} changed", p.display());
    }
    assert_eq!(files(out, names::SUMMARY_SUFFIX).len(), summaries.len() + 1);
    drop(held);
}

#[test]
fn a_fresh_unlocked_temp_file_is_left_alone() {
    // Its writer may have created it and not yet locked it.
    let dir = tempfile::tempdir().unwrap();
    let young = dir.path().join(".prescreen-young.tmp");
    std::fs::write(&young, "Summary(").unwrap();
    assert_eq!(storage::clean_abandoned(dir.path()).unwrap(), 0);
    assert!(young.exists());
    age(&young, Duration::from_secs(600));
    assert_eq!(storage::clean_abandoned(dir.path()).unwrap(), 1);
    assert!(!young.exists());
}

#[test]
fn eight_kiosks_on_one_outbox_write_four_hundred_distinct_summaries() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_path_buf();
    let workers: Vec<_> = (0..8)
        .map(|_| {
            let out = out.clone();
            std::thread::spawn(move || {
                for _ in 0..50 {
                    let status = fill_command(&out).status().unwrap();
                    assert!(status.success());
                }
            })
        })
        .collect();
    for w in workers {
        w.join().unwrap();
    }
    let summaries = files(&out, names::SUMMARY_SUFFIX);
    assert_eq!(summaries.len(), 400);
    // Every file complete and valid; names never collided (400 files from 400 writes).
    for s in &summaries {
        assert!(Summary::from_ron(&std::fs::read(s).unwrap()).is_ok());
    }
    assert!(files(&out, names::TEMP_SUFFIX).is_empty());
}
