//! Loading and validating questionnaires: shipped files are clean, every invalid fixture gives
//! its documented diagnostics (snapshots, positions included), hostile files get clear errors.

use std::collections::BTreeSet;

use prescreen::engine::diagnostic::render_all;
use prescreen::engine::{Code, LoadError, Questionnaire};

use crate::repo;

#[test]
fn every_shipped_questionnaire_loads_with_zero_diagnostics() {
    let mut count = 0;
    for entry in std::fs::read_dir(repo("questionnaires")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "ron") {
            if let Err(e) = Questionnaire::load(&path) {
                panic!("{e}");
            }
            let warnings = prescreen::engine::warnings_in(&path);
            assert!(
                warnings.is_empty(),
                "{}",
                render_all(&warnings, &path.display().to_string())
            );
            count += 1;
        }
    }
    assert!(count >= 1, "no questionnaires found");
}

/// Renders a fixture's diagnostics as `prescreen check` prints them, path relative to the repo.
fn diagnostics_of(path: &std::path::Path) -> (String, Vec<Code>) {
    let rel = path
        .strip_prefix(crate::root())
        .unwrap()
        .display()
        .to_string();
    match Questionnaire::load(path) {
        // A file that loads can still have warnings (Q018).
        Ok(_) => {
            let warnings = prescreen::engine::warnings_in(path);
            assert!(!warnings.is_empty(), "{rel} loaded without diagnostics");
            (
                render_all(&warnings, &rel),
                warnings.iter().map(|d| d.code).collect(),
            )
        }
        Err(LoadError::Io { source, .. }) => panic!("{rel}: {source}"),
        Err(LoadError::Invalid { diagnostics, .. }) => (
            render_all(&diagnostics, &rel),
            diagnostics.iter().map(|d| d.code).collect(),
        ),
    }
}

#[test]
fn invalid_fixtures_match_their_snapshots() {
    insta::glob!("../fixtures/invalid", "*.ron", |path| {
        let (rendered, _) = diagnostics_of(path);
        insta::assert_snapshot!(rendered);
    });
}

#[test]
fn each_fixture_is_named_after_a_code_it_produces() {
    for entry in std::fs::read_dir(repo("tests/fixtures/invalid")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_uppercase();
        let (_, codes) = diagnostics_of(&path);
        assert!(
            codes.iter().any(|c| name.starts_with(c.as_str())),
            "{name} does not produce its own code; got {codes:?}"
        );
    }
}

#[test]
fn every_code_has_a_fixture_and_documentation() {
    let mut covered = BTreeSet::new();
    for entry in std::fs::read_dir(repo("tests/fixtures/invalid")).unwrap() {
        let (_, codes) = diagnostics_of(&entry.unwrap().path());
        covered.extend(codes);
    }
    // Q017 (too large) needs a 16 MiB file; `oversized_file_is_refused` generates one.
    covered.insert(Code::TooLarge);
    let docs = std::fs::read_to_string(repo("docs/diagnostics.md")).unwrap();
    for code in Code::ALL {
        assert!(covered.contains(&code), "no fixture produces {code}");
        assert!(
            docs.contains(&format!("## {code}")),
            "docs/diagnostics.md lacks a `## {code}` heading"
        );
    }
}

fn load_bytes(bytes: &[u8]) -> Vec<prescreen::engine::Diagnostic> {
    match Questionnaire::from_bytes(bytes) {
        Ok(_) => panic!("loaded"),
        Err(d) => d,
    }
}

#[test]
fn empty_binary_and_non_ron_files_get_a_syntax_error() {
    for bytes in [
        &b""[..],
        b"   \n",
        b"\x00\xff\xfe\x00",
        b"\x7fELF\x02\x01\x01",
        b"{\"json\": true}",
    ] {
        let d = load_bytes(bytes);
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(matches!(d[0].code, Code::Syntax | Code::Type), "{d:?}");
    }
}

#[test]
fn oversized_file_is_refused_without_parsing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.ron");
    let f = std::fs::File::create(&path).unwrap();
    f.set_len(50 * 1024 * 1024).unwrap(); // sparse: 50 MB of zeros, written instantly
    let Err(LoadError::Invalid { diagnostics, .. }) = Questionnaire::load(&path) else {
        panic!("a 50 MB file loaded");
    };
    assert_eq!(diagnostics.len(), 1);
    assert_eq!(diagnostics[0].code, Code::TooLarge);
    assert!(
        diagnostics[0].message.contains("52428800 bytes"),
        "{}",
        diagnostics[0].message
    );
}

#[test]
fn missing_file_is_an_io_error() {
    let e = Questionnaire::load(&repo("questionnaires/does-not-exist.ron")).unwrap_err();
    assert!(matches!(e, LoadError::Io { .. }));
}

#[test]
fn deeply_nested_conditions_are_refused_not_overflowed() {
    let depth = 10_000;
    let cond = format!(
        "{}Answered(\"a\"){}",
        "Not(".repeat(depth),
        ")".repeat(depth)
    );
    let src = format!(
        r#"Questionnaire(id: "deep", version: "1.0.0", languages: ["en"], title: {{"en": "D"}},
        sections: [Section(id: "s", title: {{"en": "S"}}, items: [
            Item(id: "a", text: {{"en": "A"}}, kind: YesNo()),
            Item(id: "b", text: {{"en": "B"}}, kind: YesNo(), show_if: {cond}),
        ])])"#
    );
    let d = load_bytes(src.as_bytes());
    assert_eq!(d[0].code, Code::Syntax);
    assert!(
        d[0].message.contains("nested too deeply"),
        "{}",
        d[0].message
    );
}

#[test]
fn semantic_errors_point_at_the_reference_not_line_one() {
    let src =
        std::fs::read_to_string(repo("tests/fixtures/invalid/q005_unknown_reference.ron")).unwrap();
    let d = load_bytes(src.as_bytes());
    let smokr = d.iter().find(|d| d.message.contains("smokr")).unwrap();
    let line = src.lines().nth(smokr.position.line - 1).unwrap();
    let col: String = line.chars().skip(smokr.position.col - 1).take(7).collect();
    assert_eq!(col, "\"smokr\"");
    assert_eq!(smokr.help.as_deref(), Some("did you mean `smoker`?"));
}

#[test]
fn duplicate_ids_point_at_both_places() {
    let src =
        std::fs::read_to_string(repo("tests/fixtures/invalid/q004_duplicate_id.ron")).unwrap();
    let d = load_bytes(src.as_bytes());
    let dup = d
        .iter()
        .find(|d| d.message.contains("item id `smoker`"))
        .unwrap();
    assert_eq!(dup.notes.len(), 1);
    assert!(dup.notes[0].0.line < dup.position.line);
}

/// One duplicate of each kind, each reported at the second place with a note at the first.
#[test]
fn every_kind_of_duplicate_points_at_both_places() {
    let d = load_bytes(
        &std::fs::read(repo("tests/fixtures/invalid/q004_duplicate_every_kind.ron")).unwrap(),
    );
    // (message, second place, first place)
    let expected = [
        ("language `en` declared twice", "7:23", "7:17"),
        ("duplicate option set id `yes-no`", "14:23", "10:23"),
        ("duplicate section id `s`", "31:21", "19:21"),
        ("duplicate item id `smoker`", "21:22", "20:22"),
        ("option `red` appears twice in `colour`", "24:31", "23:31"),
        ("unit `kg` appears twice in `weight`", "28:26", "27:26"),
        ("duplicate score id `habits`", "40:19", "36:19"),
        (
            "`smoker` is counted twice in score `habits`",
            "36:64",
            "36:54",
        ),
        ("duplicate band id `low`", "38:22", "37:22"),
        ("duplicate flag id `smoking`", "46:18", "45:18"),
        ("duplicate safety rule id `smoking`", "49:20", "45:18"),
    ];
    let mut wrong = Vec::new();
    for (message, second, first) in expected {
        let Some(dup) = d.iter().find(|d| d.message == message) else {
            wrong.push(format!("no diagnostic `{message}`"));
            continue;
        };
        let notes: Vec<String> = dup.notes.iter().map(|(p, _)| p.to_string()).collect();
        if dup.code != Code::DuplicateId || dup.position.to_string() != second || notes != [first] {
            wrong.push(format!(
                "`{message}`: {} at {}, notes at {notes:?}; want Q004 at {second}, note at {first}",
                dup.code, dup.position
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    assert_eq!(d.len(), expected.len(), "{d:#?}");
}

/// The quoted string that starts at `p` in `src` (positions count characters from 1).
fn quoted_at(src: &str, p: prescreen::engine::Position) -> String {
    let line = src.lines().nth(p.line - 1).unwrap_or("");
    let rest: String = line.chars().skip(p.col - 1).collect();
    let end = rest[1..].find('"').map_or(rest.len(), |i| i + 2);
    rest[..end].to_owned()
}

#[test]
fn every_duplicate_in_every_fixture_notes_the_same_id_earlier() {
    for entry in std::fs::read_dir(repo("tests/fixtures/invalid")).unwrap() {
        let path = entry.unwrap().path();
        let src = std::fs::read_to_string(&path).unwrap();
        let Err(d) = Questionnaire::from_bytes(src.as_bytes()) else {
            // Only a warnings fixture loads.
            assert!(!prescreen::engine::warnings(src.as_bytes()).is_empty());
            continue;
        };
        for dup in d.iter().filter(|d| d.code == Code::DuplicateId) {
            let here = format!("{}:{}: {}", path.display(), dup.position, dup.message);
            assert_eq!(dup.notes.len(), 1, "{here}: {:?}", dup.notes);
            let first = dup.notes[0].0;
            assert!(first < dup.position, "{here}: note at {first}");
            assert_eq!(
                quoted_at(&src, first),
                quoted_at(&src, dup.position),
                "{here}: note at {first}"
            );
        }
    }
}

#[test]
fn text_in_a_declared_language_with_escapes_still_loads() {
    // Escaped strings are copied by RON (no position of their own); they must still load.
    let src = r#"Questionnaire(id: "esc", version: "1.0.0", languages: ["en"], title: {"en": "A \"quoted\" title"},
        sections: [Section(id: "s", title: {"en": "S"}, items: [
            Item(id: "a", text: {"en": "Line one\nline two"}, kind: YesNo()),
        ])])"#;
    let q = Questionnaire::from_bytes(src.as_bytes()).unwrap();
    assert_eq!(q.title.get("en"), "A \"quoted\" title");
}

fn fixture(name: &str) -> Vec<prescreen::engine::Diagnostic> {
    load_bytes(&std::fs::read(repo(&format!("tests/fixtures/invalid/{name}"))).unwrap())
}

#[test]
fn a_byte_order_mark_has_its_own_message_and_the_rest_is_still_checked() {
    let d = fixture("q001_byte_order_mark.ron");
    assert_eq!(d[0].code, Code::Syntax);
    assert_eq!(d[0].position.to_string(), "1:1");
    assert!(d[0].message.contains("byte-order mark"), "{}", d[0].message);
    assert!(
        d[0].help
            .as_deref()
            .unwrap_or("")
            .contains("UTF-8 without BOM")
    );
    // Columns on the first line do not count the invisible mark.
    let smokr = d.iter().find(|d| d.message.contains("smokr")).unwrap();
    assert_eq!(smokr.code, Code::UnknownReference);
    assert_eq!(d.len(), 2, "{d:#?}");
}

#[test]
fn an_answers_file_with_a_byte_order_mark_says_so() {
    let e =
        prescreen::engine::answers_file::AnswersFile::parse("\u{FEFF}{\"smoker\": No}".as_bytes())
            .unwrap_err();
    let shown = e.to_string();
    assert!(shown.starts_with("1:1: "), "{shown}");
    assert!(shown.contains("byte-order mark"), "{shown}");
    assert!(shown.contains("UTF-8 without BOM"), "{shown}");
}

#[test]
fn an_unknown_field_does_not_hide_the_other_problems() {
    let d = fixture("q003_unknown_field_and_more.ron");
    let codes: Vec<Code> = d.iter().map(|d| d.code).collect();
    assert_eq!(
        codes,
        [
            Code::UnknownField,
            Code::UnknownReference,
            Code::UnknownField,
            Code::Type
        ],
        "{d:#?}"
    );
}

#[test]
fn a_misspelled_required_field_is_one_error_not_two() {
    let src = r#"Questionnaire(id: "q", version: "1.0.0", languages: ["en"], title: {"en": "Q"},
        sections: [Section(id: "s", title: {"en": "S"}, items: [
            Item(id: "a", txt: {"en": "A"}, kind: YesNo()),
        ])])"#;
    let d = load_bytes(src.as_bytes());
    assert_eq!(d.len(), 1, "{d:#?}");
    assert_eq!(d[0].message, "unknown field `txt` in `Item`");
    assert_eq!(d[0].help.as_deref(), Some("did you mean `text`?"));
}

#[test]
fn one_bad_language_code_is_one_error_with_a_note() {
    let d = fixture("q013_bad_language_once.ron");
    assert_eq!(d.len(), 1, "{d:#?}");
    assert_eq!(d[0].message, "`ES` is not a language code");
    assert_eq!(d[0].notes.len(), 1);
    assert!(d[0].notes[0].1.starts_with("5 texts"), "{:?}", d[0].notes);
}

#[test]
fn an_undeclared_language_in_every_text_is_one_error_with_a_suggestion() {
    let d = fixture("q013_undeclared_language_once.ron");
    assert_eq!(d.len(), 1, "{d:#?}");
    assert!(
        d[0].help
            .as_deref()
            .unwrap_or("")
            .contains("did you mean `es`?")
    );
    assert!(d[0].notes[0].1.contains("2 more texts"), "{:?}", d[0].notes);
}

#[test]
fn a_duplicated_option_set_is_one_error() {
    let d = fixture("q004_duplicate_option_set.ron");
    assert_eq!(d.len(), 1, "{d:#?}");
    assert_eq!(d[0].message, "duplicate option set id `freq`");
}

#[test]
fn contradictory_alls_are_unreachable_but_a_hidden_groups_count_is_zero() {
    let d = fixture("q012_contradictory_all.ron");
    let mut found: Vec<&str> = d.iter().map(|d| d.message.as_str()).collect();
    found.sort_unstable();
    assert_eq!(
        found,
        [
            "flag `teen` can never be raised: its `when` is never true",
            "item `middle` can never be shown: its `show_if` is never true",
            "item `never` can never be shown: its `show_if` is never true",
            "item `trials` can never be shown: its `show_if` is never true",
        ]
    );
}

#[test]
fn empty_date_ranges_and_non_finite_numbers_are_bad_ranges() {
    let d = fixture("q009_nothing_can_be_entered.ron");
    assert!(d.iter().all(|d| d.code == Code::BadRange), "{d:#?}");
    let messages: Vec<&str> = d.iter().map(|d| d.message.as_str()).collect();
    assert!(
        messages
            .iter()
            .any(|m| m.starts_with("`last_visit` has min date today"))
    );
    assert!(messages.contains(&"`Number(NaN)` is not a finite number"));
    assert!(messages.contains(&"`Number(-inf)` is not a finite number"));
    assert_eq!(d.len(), 4);
}

#[test]
fn an_id_that_could_collide_with_a_link_id_is_refused() {
    let d = fixture("q013_unsafe_id.ron");
    assert_eq!(d[0].message, "item id `section:mood` contains `:`");
    assert!(d.iter().all(|d| {
        d.code == Code::Metadata
            && d.help
                .as_deref()
                .is_some_and(|h| h.contains("`_`, `-` and `.`"))
    }));
}

#[test]
fn control_characters_in_patient_text_are_reported_where_they_are() {
    let path = repo("tests/fixtures/invalid/q019_control_character.ron");
    let src = std::fs::read_to_string(&path).unwrap();
    let d = load_bytes(src.as_bytes());
    assert!(d.iter().all(|d| d.code == Code::ControlCharacter), "{d:#?}");
    assert_eq!(d.len(), 5, "{d:#?}");
    // The tab was typed, not escaped: the position is the tab itself.
    let tab = d.iter().find(|d| d.message.contains("U+0009")).unwrap();
    let line = src.lines().nth(tab.position.line - 1).unwrap();
    assert_eq!(line.chars().nth(tab.position.col - 1), Some('\t'));
    // Line breaks in the question's help and the safety message are allowed.
    assert!(!d.iter().any(|d| d.message.starts_with("help text in `en`")));
}
