//! The command line, run as a real process: exit codes, output, files written.

use std::path::Path;
use std::process::{Command, Output};

use prescreen::engine::Summary;

use crate::repo;

pub(crate) fn prescreen(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_prescreen"))
        .args(args)
        .output()
        .unwrap()
}

pub(crate) fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub(crate) fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn check_warns_about_verdict_wording_with_positions_and_still_exits_zero() {
    // The finding: `prescreen check` accepted a clinic's flag "Patient is ineligible and
    // contraindicated".
    let f = repo("tests/fixtures/invalid/q018_verdict_wording.ron");
    let o = prescreen(&["check", f.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "warnings never fail a check");
    let err = stderr(&o);
    assert!(
        err.contains("q018_verdict_wording.ron:26:31: warning[Q018]: “ineligible”"),
        "{err}"
    );
    assert!(err.contains("warning[Q018]: “contraindicated”"), "{err}");
    assert!(err.contains("warning[Q018]: “no es candidato”"), "{err}");
    assert!(err.contains("help: "), "a suggested wording: {err}");
    assert!(err.contains("4 warnings"), "{err}");
    assert!(stdout(&o).contains("ok (verdict_wording 1.0.0"));
}

#[test]
fn check_exit_codes() {
    let demo = repo("questionnaires/demo.ron");
    let o = prescreen(&["check", demo.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("ok (demo 1.0.0"));

    let bad = repo("tests/fixtures/invalid/q005_unknown_reference.ron");
    let o = prescreen(&["check", demo.to_str().unwrap(), bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("q005_unknown_reference.ron:10:109:"),
        "{}",
        stderr(&o)
    );
    assert!(stderr(&o).contains("error[Q005]: unknown item `smokr`"));

    let o = prescreen(&["check", "/nonexistent/q.ron", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "unreadable beats invalid");
    assert!(stderr(&o).contains("cannot read file"));
}

#[test]
fn every_subcommand_has_help() {
    for args in [&["--help"][..], &["check", "--help"], &["fill", "--help"]] {
        let o = prescreen(args);
        assert_eq!(o.status.code(), Some(0), "{args:?}");
        assert!(stdout(&o).contains("Usage: prescreen"), "{args:?}");
    }
    let o = prescreen(&["fill", "--help"]);
    assert!(stdout(&o).contains("--answers"));
}

const GOOD_ANSWERS: &str = r#"{
    "full_name": Text("Ana López"),
    "dob": Date("1980-04-23"),
    "weight": Quantity(154, "lb"),
    "smoker": Yes,
    "cigarettes": Integer(5),
    "aneurysm": NotSure,
    "medicines_tried": Yes,
    "trials": Group([{"trial_drug": Text("sertraline"), "trial_weeks": Integer(8), "trial_helped": No, "trial_why_stopped": Text("no change")}]),
    "phq_1": Choice("2"),
    "phq_2": Choice("1"),
    "self_harm": Choice("0"),
}"#;

/// `prescreen fill questionnaires/demo.ron --answers ANSWERS --out OUT [EXTRA…]`.
fn fill_demo(answers: &str, out: &Path, extra: &[&str]) -> Output {
    let demo = repo("questionnaires/demo.ron");
    let mut args = vec![
        "fill",
        demo.to_str().unwrap(),
        "--answers",
        answers,
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    prescreen(&args)
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.to_str().unwrap().to_owned()
}

#[test]
fn fill_writes_a_summary_that_reads_back_identically() {
    let dir = tempfile::tempdir().unwrap();
    let answers = write(dir.path(), "answers.ron", GOOD_ANSWERS);
    let out = dir.path().join("outbox");
    std::fs::create_dir(&out).unwrap();
    let o = fill_demo(&answers, &out, &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let path = stdout(&o).trim().to_owned();
    let name = Path::new(&path)
        .file_name()
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    // <UTC timestamp>-<16 hex>.summary.ron: no personal data in the name.
    assert_eq!(
        name.len(),
        "20261121T090000Z-".len() + 16 + ".summary.ron".len(),
        "{name}"
    );
    assert!(name.ends_with(".summary.ron") && !name.contains("Ana"));
    let files: Vec<_> = std::fs::read_dir(&out).unwrap().collect();
    assert_eq!(files.len(), 1, "exactly one file, no temp files left");

    let bytes = std::fs::read(&path).unwrap();
    let summary = Summary::from_ron(&bytes).unwrap();
    assert_eq!(
        summary.to_ron().as_bytes(),
        &bytes[..],
        "re-serializing gives the same file"
    );
    assert_eq!(
        Summary::from_ron(summary.to_ron().as_bytes()).unwrap(),
        summary
    );
    assert_eq!(summary.identity[0].answer, "Ana López");
    let flags: Vec<_> = summary.flags.iter().map(|f| f.id.as_str()).collect();
    assert_eq!(flags, ["aneurysm", "mood_higher", "few_trials"]);
    assert_eq!(summary.scores[0].describe(), "3 — higher (demo band)");

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "summary must be readable by its owner only");
    }
}

#[test]
fn fill_in_spanish() {
    let dir = tempfile::tempdir().unwrap();
    let answers = write(dir.path(), "a.ron", GOOD_ANSWERS);
    let o = fill_demo(&answers, dir.path(), &["--lang", "es"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let summary = Summary::from_ron(&std::fs::read(stdout(&o).trim()).unwrap()).unwrap();
    assert_eq!(summary.language, "es");
    let o = fill_demo(&answers, dir.path(), &["--lang", "fr"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("`fr` is not a language of demo"));
}

#[test]
fn fill_lists_every_problem_by_item_id_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let answers = write(
        dir.path(),
        "bad.ron",
        r#"{
            "dob": Date("2099-01-01"),
            "smoker": No,
            "cigarettes": Integer(5),
            "smokr": Yes,
            "trial_drug": Text("x"),
            "weight": Quantity(10, "kg"),
            "smoker": Yes,
        }"#,
    );
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let o = fill_demo(&answers, &out, &[]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    for expected in [
        "full_name: missing — this question needs an answer",
        "dob: please enter a date on or before 2026-",
        "weight: please enter a number between 30 and 300 kg",
        "cigarettes: answered, but the question is not shown for these answers (asked only when “Do you smoke?” is Yes)",
        "smokr: no such item in the questionnaire (did you mean `smoker`?)",
        "trial_drug: belongs to the repeating group `trials`",
        "smoker: answered more than once",
    ] {
        assert!(err.contains(expected), "missing `{expected}` in:\n{err}");
    }
    assert_eq!(
        std::fs::read_dir(&out).unwrap().count(),
        0,
        "no summary on failure"
    );
}

#[test]
fn fill_reports_a_broken_answers_file_with_its_position() {
    let dir = tempfile::tempdir().unwrap();
    for (text, expected) in [
        (
            "{\"smoker\": Yes,\n \"dob\": Dat(\"1980-01-01\")}",
            ":2:9: unknown variant `Dat`",
        ),
        ("{\"smoker\": Yes", ":1:"),
        (
            "{\"cigarettes\": Integer(\"my private words\")}",
            ":1:24: expected integer",
        ),
        ("\u{0}\u{1}binary", ":1:"),
        ("", ":1:"),
    ] {
        let answers = write(dir.path(), "broken.ron", text);
        let o = fill_demo(&answers, dir.path(), &[]);
        assert_eq!(o.status.code(), Some(1), "{text:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(expected), "{text:?}: {}", stderr(&o));
        assert!(
            !stderr(&o).contains("private"),
            "typed text echoed: {}",
            stderr(&o)
        );
    }
    let o = fill_demo("/nonexistent.ron", dir.path(), &[]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn fill_into_a_missing_folder_creates_it_and_a_file_in_the_way_fails_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let answers = write(dir.path(), "a.ron", GOOD_ANSWERS);
    let nested = dir.path().join("a/b/outbox");
    let o = fill_demo(&answers, &nested, &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let blocker = write(dir.path(), "not-a-folder", "x");
    let o = fill_demo(&answers, Path::new(&blocker), &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(!stderr(&o).contains("Ana"), "no patient data in errors");
}

#[test]
fn hash_pin_reads_the_pin_from_stdin_and_the_example_config_loads() {
    use std::io::Write as _;
    let mut child = Command::new(env!("CARGO_BIN_EXE_prescreen"))
        .arg("hash-pin")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"2468\n").unwrap();
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(0));
    let line = stdout(&o);
    assert!(
        line.starts_with("staff_pin: \"sha256:") && !line.contains("2468"),
        "{line}"
    );
    let config = prescreen::config::Config::parse(format!("Config({line})").as_bytes()).unwrap();
    assert!(config.check_pin("2468"));

    let example = prescreen::config::Config::load(&repo("assets/config.example.ron")).unwrap();
    assert!(example.kiosk);
    assert_eq!(
        example.clinic_name.as_deref(),
        Some("Riverside Mood Clinic")
    );
    assert_eq!(
        example.date_order,
        prescreen::config::DateOrder::MonthDayYear
    );
    assert_eq!(example.units, prescreen::config::Units::Us);
}

/// A failure is reported once, in the form every command uses: `error: …`, or `FILE: error: …`
/// when it is about one file, on one line, with the exit code for its kind (1 the input, 2 a
/// file that cannot be read or written) and nothing on standard output.
#[test]
fn a_failure_is_one_error_line_with_its_exit_code() {
    let dir = tempfile::tempdir().unwrap();
    let answers = &write(dir.path(), "a.ron", GOOD_ANSWERS)[..];
    let taken = &write(dir.path(), "taken", "x")[..];
    let out = dir.path().to_str().unwrap();
    let demo = repo("questionnaires/demo.ron");
    let demo = demo.to_str().unwrap();
    let missing = "/nonexistent/prescreen-test";
    let fill = ["fill", demo, "--answers"];
    let cases: [(Vec<&str>, i32, String); 8] = [
        (
            vec!["render"],
            1,
            "error: name the summary to render".into(),
        ),
        (
            vec![
                "render",
                "--format",
                "fhir-questionnaire",
                "--questionnaire",
                missing,
            ],
            2,
            format!("error: cannot read {missing}: "),
        ),
        (
            vec!["render", missing],
            2,
            format!("{missing}: error: cannot read the file: "),
        ),
        (
            [&fill[..], &[answers, "--out", out, "--lang", "fr"]].concat(),
            1,
            "error: `fr` is not a language of demo".into(),
        ),
        (
            [&fill[..], &[missing, "--out", out]].concat(),
            2,
            format!("{missing}: error: cannot read file: "),
        ),
        (
            [&fill[..], &[answers, "--out", taken]].concat(),
            2,
            format!("error: cannot create {taken}: "),
        ),
        (
            vec!["keygen", "-o", taken],
            1,
            format!("error: {taken} already exists"),
        ),
        (
            vec!["review", "--identity", missing],
            2,
            format!("error: the identity file {missing} cannot be read: "),
        ),
    ];
    for (args, code, start) in cases {
        let o = prescreen(&args);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(code), "{args:?}: {err}");
        assert!(
            err.starts_with(&start) && err.ends_with('\n') && err.lines().count() == 1,
            "{args:?}: {err:?}"
        );
        assert!(o.stdout.is_empty(), "{args:?}: {}", stdout(&o));
    }
}

#[test]
fn fill_lists_at_most_a_screenful_of_problems_then_counts_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let answers = dir.path().join("many.ron");
    let keys: Vec<String> = (0..200)
        .map(|n| format!("\"not_an_item_{n}\": Yes"))
        .collect();
    std::fs::write(&answers, format!("{{{}}}", keys.join(", "))).unwrap();
    let o = prescreen(&[
        "fill",
        repo("questionnaires/demo.ron").to_str().unwrap(),
        "--answers",
        answers.to_str().unwrap(),
        "--out",
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.lines().count() <= 60, "{} lines", err.lines().count());
    assert!(
        err.contains("… and 153 more"),
        "200 unknown and 3 missing: {err}"
    );
    assert!(
        err.trim_end().ends_with("problems; no summary written"),
        "{err}"
    );
}
