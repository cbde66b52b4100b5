//! Exports: golden files of text, HTML and FHIR for realistic summaries; escaping of patient
//! text; no wording that reads as a decision; FHIR structure checked against its Questionnaire;
//! the `render` command.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Arc;

use prescreen::engine::answers_file::{AnswersFile, fill};
use prescreen::engine::{Answer, FixedClock, Questionnaire, Summary};
use prescreen::export::{Checks, Consistency, Trust, fhir, html, text};
use serde_json::Value;

use crate::cli::{prescreen, stderr, stdout};
use crate::clinical::VERDICTS;
use crate::repo;
use crate::scenario::{Scenario, load, test_time};

const KETAMINE: &str = "questionnaires/ketamine_candidacy.ron";

/// The summary of an answers fixture, filled at the fixed test time, written and read back as
/// a file would be (so it carries its digest and reads as verified).
pub(crate) fn fixture(name: &str) -> Summary {
    let path = repo(&format!("tests/fixtures/answers/{name}.ron"));
    let file = AnswersFile::parse(&std::fs::read(&path).unwrap()).unwrap();
    let session = fill(
        load(KETAMINE),
        file,
        fixture_language(name).as_str(),
        Arc::new(FixedClock::new(test_time())),
    )
    .unwrap_or_else(|e| panic!("{name}: {e:?}"));
    verified(&Summary::build(&session, test_time()))
}

/// The language a fixture is filled in, from its `.expect.ron`.
fn fixture_language(name: &str) -> String {
    #[derive(serde::Deserialize)]
    #[serde(rename = "Expect")]
    struct Language {
        language: String,
    }
    let text = std::fs::read_to_string(repo(&format!("tests/fixtures/answers/{name}.expect.ron")))
        .unwrap();
    ron::from_str::<Language>(&text).unwrap().language
}

pub(crate) fn all_fixtures() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(repo("tests/fixtures/answers"))
        .unwrap()
        .filter_map(|e| {
            let name = e.unwrap().file_name().to_string_lossy().into_owned();
            name.strip_suffix(".ron")
                .filter(|s| !s.ends_with(".expect"))
                .map(str::to_owned)
        })
        .collect();
    names.sort();
    assert!(names.len() >= 10, "answer fixtures missing");
    names
}

fn verified(s: &Summary) -> Summary {
    let known = crate::known();
    let text = s.sealed(Some(&crate::kiosk_key()));
    let (back, checks) = known.read(text.as_bytes()).unwrap();
    assert_eq!(checks.trust, crate::trusted().trust);
    assert!(
        !matches!(checks.consistency, Consistency::Inconsistent(_)),
        "{checks:?}"
    );
    back
}

/// The checks of an altered record.
fn altered() -> Checks {
    Checks {
        trust: Trust::Altered {
            reason: "digest mismatch: the file was changed".into(),
        },
        consistency: Consistency::Consistent,
    }
}

fn json<T: serde::Serialize>(resource: &T) -> Value {
    serde_json::from_str(&fhir::to_json(resource).unwrap()).unwrap()
}

// ---------------------------------------------------------------------------------------------
// Golden files

#[test]
fn golden_text() {
    for name in ["spanish", "self_harm", "declines_everything"] {
        let s = fixture(name);
        insta::assert_snapshot!(format!("text_{name}"), text::render(&s, &crate::trusted()));
    }
}

#[test]
fn golden_html() {
    for name in ["self_harm", "spanish"] {
        let s = fixture(name);
        insta::assert_snapshot!(format!("html_{name}"), html::render(&s, &crate::trusted()));
    }
}

#[test]
fn golden_fhir_responses() {
    for name in ["spanish", "medications", "declines_everything"] {
        let s = fixture(name);
        insta::assert_snapshot!(
            format!("fhir_response_{name}"),
            fhir::to_json(&fhir::questionnaire_response(&s)).unwrap()
        );
    }
}

#[test]
fn golden_fhir_questionnaires() {
    for (name, path) in [("ketamine", KETAMINE), ("demo", "questionnaires/demo.ron")] {
        insta::assert_snapshot!(
            format!("fhir_questionnaire_{name}"),
            fhir::to_json(&fhir::questionnaire(&load(path))).unwrap()
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Content and order

/// Byte offsets of each needle in `hay`, asserting each is present.
fn positions(hay: &str, needles: &[&str]) -> Vec<usize> {
    needles
        .iter()
        .map(|n| {
            hay.find(n)
                .unwrap_or_else(|| panic!("`{n}` missing from:\n{hay}"))
        })
        .collect()
}

#[test]
fn text_and_html_put_alerts_then_flags_then_scores_then_sections() {
    let s = fixture("self_harm");
    let t = text::render(&s, &crate::trusted());
    let h = html::render(&s, &crate::trusted());
    for (out, alert, score) in [
        (&t, "URGENT ALERT", "PHQ-9:    21 — severe"),
        (
            &h,
            "Urgent alert",
            "<th scope=\"row\">PHQ-9</th><td>21 — severe</td>",
        ),
    ] {
        let at = positions(
            out,
            &[
                "Alex Rivera",
                "sha256 ",
                alert,
                "Attention flags — for clinician review",
                score,
                "About you",
                "For how many weeks did you take it?",
            ],
        );
        assert!(
            at.windows(2).all(|w| w[0] < w[1]),
            "order {at:?} in:\n{out}"
        );
    }
    // The urgent flag is listed first, with the answer that raised it and its source.
    let flags = t.split("Attention flags").nth(1).unwrap();
    let first = flags.lines().nth(2).unwrap();
    assert!(first.starts_with(" 1. [URGENT] "), "{first}");
    assert!(flags.contains("because: Thoughts that you would be better off dead"));
    assert!(flags.contains("→ More than half the days"));
    assert!(flags.contains("source: Spravato PI §5; Kroenke et al. 2001 (PHQ-9)"));
}

/// The line after the first line containing `question`, trimmed.
fn answer_line<'a>(text: &'a str, question: &str) -> &'a str {
    text.lines()
        .skip_while(|l| !l.contains(question))
        .nth(1)
        .unwrap_or_else(|| panic!("`{question}` missing from:\n{text}"))
        .trim()
}

#[test]
fn text_marks_declined_unanswered_not_asked_and_incomplete_scores() {
    let t = text::render(&fixture("declines_everything"), &crate::trusted());
    assert!(t.contains(
        "  PHQ-9:    incomplete: 0 of 9 answered — minimal to severe (partial sum 0; the total can \
         be 0–27)\n"
    ));
    assert_eq!(
        answer_line(&t, "About how much do you weigh?"),
        "→ declined (prefer not to say)"
    );
    // Flags quote the question too ("because: …"); the answer row is the section's.
    let sections = t.split("== 1.").nth(1).unwrap();
    assert_eq!(
        answer_line(sections, "Little interest or pleasure in doing things"),
        "→ not answered"
    );
    // A flag reads the declined answer as the patient gave it.
    assert!(t.contains(
        "because: Thoughts that you would be better off dead, or of hurting yourself in some way → Prefer not to say"
    ));
    let blood_pressure = t.split("== 8. Blood pressure ==").nth(1).unwrap();
    assert!(blood_pressure.contains("  Not asked (4):\n"));
    assert!(blood_pressure.contains(
        "    - Do you take medicine for high blood pressure now? — asked only when “Has a doctor or nurse ever told you that you have high blood…” is Yes\n"
    ));
}

#[test]
fn spanish_shows_the_patients_words_with_the_default_language_beside() {
    let s = fixture("spanish");
    let t = text::render(&s, &crate::trusted());
    assert!(t.contains("Language       Spanish (es); English (en) wording in [brackets]"));
    assert!(t.contains("== 1. Sobre usted [About you] =="));
    assert_eq!(
        answer_line(
            &t,
            "  Poco interés o placer en hacer cosas [Little interest or pleasure in doing things]"
        ),
        "→ Más de la mitad de los días [More than half the days]"
    );
    assert_eq!(
        answer_line(&t, "¿Cuánto mide, más o menos? [About how tall are you?]"),
        "→ 5 pies 6 pulg. [5 ft 6 in] (≈ 167.6 cm)"
    );
    // Identical in both languages: not repeated.
    assert_eq!(
        answer_line(
            &t,
            "¿Cuál fue el número de arriba? [What was the top number?]"
        ),
        "→ 136 mmHg"
    );
    let h = html::render(&s, &crate::trusted());
    assert!(h.contains(
        r#"<span lang="es">Más de la mitad de los días</span> <span class="default" lang="en">[More than half the days]</span>"#
    ));
}

#[test]
fn repeating_group_entries_are_listed_one_by_one() {
    let t = text::render(&fixture("medications"), &crate::trusted());
    let at = positions(
        &t,
        &[
            "→ 2 entries",
            "Entry 1:",
            "→ sertraline (Zoloft)",
            "Entry 2:",
            "→ escitalopram (Lexapro)",
        ],
    );
    assert!(at.windows(2).all(|w| w[0] < w[1]), "{at:?}");
    let h = html::render(&fixture("medications"), &crate::trusted());
    assert_eq!(h.matches(r#"<div class="entry">"#).count(), 2);
}

#[test]
fn an_altered_summary_says_so_at_the_top() {
    let s = fixture("no_flags");
    let t = text::render(&s, &altered());
    let line = t.lines().find(|l| l.starts_with("Integrity")).unwrap();
    assert!(
        line.contains("✗ ALTERED — digest mismatch: the file was changed."),
        "{line}"
    );
    assert!(t.find("Integrity").unwrap() < t.find("Attention flags").unwrap());
    let h = html::render(&s, &altered());
    assert!(h.contains(r#"<p class="integrity bad" role="alert">✗ Integrity: ALTERED"#));
    let ok = html::render(&s, &crate::trusted());
    assert!(
        !ok.contains("ALTERED")
            && ok.contains("✓ Integrity: signed by kiosk “Front desk 1” and intact")
    );
}

#[test]
fn read_tells_a_changed_file_from_an_unreadable_one() {
    let known = crate::known();
    let read = |t: &[u8]| known.read(t);
    let text = fixture("no_flags").sealed(Some(&crate::kiosk_key()));
    let (_, checks) = read(text.as_bytes()).unwrap();
    assert!(checks.is_trusted());
    let edited = text.replacen("Okafor", "Okafur", 1);
    assert_ne!(edited, text, "fixture name changed?");
    let (s, checks) = read(edited.as_bytes()).unwrap();
    assert!(
        matches!(checks.trust, Trust::Altered { ref reason } if reason.contains("digest mismatch"))
    );
    assert_eq!(s.identity[0].answer, "Daniel Okafur");
    assert!(read(b"not a summary").is_err());
    assert!(read(&text.as_bytes()[..100]).is_err());
}

#[test]
fn html_is_one_printable_file() {
    let h = html::render(&fixture("spanish"), &crate::trusted());
    assert!(h.starts_with("<!DOCTYPE html>"));
    assert!(h.contains(r#"<meta charset="utf-8">"#));
    // Self-contained: no scripts, links, external styles, images or fonts.
    for outside in ["<script", "<link", "src=", "href=", "@import", "url("] {
        assert!(!h.contains(outside), "`{outside}` in the page");
    }
    // Prints on A4 and Letter: 15 mm margins, nothing wider than 180 mm, items kept whole,
    // answers start on a new page.
    assert!(h.contains("@page { margin: 15mm; }"));
    assert!(h.contains("max-width: 180mm"));
    assert!(h.contains("break-inside: avoid"));
    assert!(h.contains("break-before: page"));
    for width in h.split("mm").filter_map(|s| {
        s.rsplit(|c: char| !c.is_ascii_digit())
            .next()?
            .parse::<u32>()
            .ok()
    }) {
        assert!(width <= 180, "{width}mm is wider than a Letter page allows");
    }
    // No personal data in the title (it shows in tabs, history and print headers).
    let title = h
        .split("<title>")
        .nth(1)
        .unwrap()
        .split("</title>")
        .next()
        .unwrap();
    assert!(!title.contains("José"), "{title}");
}

// ---------------------------------------------------------------------------------------------
// Escaping

const MARKUP: &str = r#"<script>alert("x")</script> & 'q'"#;

fn summary_with_markup() -> Summary {
    verified(
        &Scenario::demo()
            .answer("full_name", Answer::Text(MARKUP.into()))
            .answer(
                "dob",
                Answer::Date(chrono::NaiveDate::from_ymd_opt(1980, 4, 23).unwrap()),
            )
            .answer("smoker", Answer::No)
            .answer(
                "other_notes",
                Answer::Text(format!("{MARKUP}\nsecond line")),
            )
            .summary(),
    )
}

#[test]
fn html_escapes_every_character_of_patient_text() {
    let h = html::render(&summary_with_markup(), &crate::trusted());
    assert!(!h.contains("<script"), "raw markup reached the page");
    assert!(!h.contains(MARKUP));
    // askama writes numeric character references (`&#60;` is `&lt;`).
    let escaped = "&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62; &#38; &#39;q&#39;";
    // The name in the header and in its section, and the free text.
    assert_eq!(h.matches(escaped).count(), 3, "{h}");
}

#[test]
fn text_keeps_patient_text_verbatim() {
    let t = text::render(&summary_with_markup(), &crate::trusted());
    assert!(t.contains(&format!("\n    → {MARKUP}\n")));
    // A line break typed by the patient stays under the answer.
    assert!(t.contains(&format!("\n    → {MARKUP}\n      second line\n")));
}

#[test]
fn fhir_carries_patient_text_as_exact_json_strings() {
    let s = summary_with_markup();
    let raw = fhir::to_json(&fhir::questionnaire_response(&s)).unwrap();
    assert!(raw.contains(r#""valueString": "<script>alert(\"x\")</script> & 'q'""#));
    let v: Value = serde_json::from_str(&raw).unwrap();
    let answers = answers_by_link_id(&v);
    assert_eq!(
        answers["full_name"],
        [serde_json::json!({ "valueString": MARKUP })]
    );
    assert_eq!(
        answers["other_notes"][0]["valueString"],
        format!("{MARKUP}\nsecond line")
    );
}

// ---------------------------------------------------------------------------------------------
// No decision

fn verdicts(text: &str) -> Vec<String> {
    let lower = text.to_lowercase();
    let mut found: Vec<String> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| VERDICTS.contains(w))
        .map(str::to_owned)
        .collect();
    if lower.contains("not a candidate") {
        found.push("not a candidate".into());
    }
    found
}

#[test]
fn no_output_reads_as_a_treatment_decision() {
    assert_eq!(
        verdicts("Not a Candidate; INELIGIBLE"),
        ["candidate", "ineligible", "not a candidate"]
    );
    let q = load(KETAMINE);
    let definition = fhir::to_json(&fhir::questionnaire(&q)).unwrap();
    assert_eq!(
        verdicts(&definition),
        Vec::<String>::new(),
        "FHIR Questionnaire"
    );
    for name in all_fixtures() {
        let s = fixture(&name);
        for integrity in [crate::trusted(), altered()] {
            for (format, out) in [
                ("text", text::render(&s, &integrity)),
                ("html", html::render(&s, &integrity)),
            ] {
                assert_eq!(verdicts(&out), Vec::<String>::new(), "{name} as {format}");
            }
        }
        let response = fhir::to_json(&fhir::questionnaire_response(&s)).unwrap();
        assert_eq!(verdicts(&response), Vec::<String>::new(), "{name} as FHIR");
    }
}

// ---------------------------------------------------------------------------------------------
// FHIR structure

/// What the Questionnaire says of one linkId.
#[derive(Debug)]
struct Definition {
    parent: Option<String>,
    kind: String,
    repeats: bool,
    options: BTreeSet<(String, String)>,
}

fn definitions(q: &Value) -> BTreeMap<String, Definition> {
    fn walk(items: &Value, parent: Option<&str>, out: &mut BTreeMap<String, Definition>) {
        for item in items.as_array().into_iter().flatten() {
            let link_id = item["linkId"].as_str().unwrap().to_owned();
            let kind = item["type"].as_str().unwrap().to_owned();
            let nested = item.get("item");
            assert_eq!(
                kind == "group",
                nested.is_some(),
                "`{link_id}`: a group has items, nothing else has"
            );
            assert!(
                item["text"].as_str().is_some_and(|t| !t.is_empty()),
                "`{link_id}` has no text"
            );
            let options = item
                .get("answerOption")
                .into_iter()
                .flat_map(|o| o.as_array().unwrap())
                .map(|o| {
                    let c = &o["valueCoding"];
                    (
                        c["system"].as_str().unwrap().to_owned(),
                        c["code"].as_str().unwrap().to_owned(),
                    )
                })
                .collect::<BTreeSet<_>>();
            assert_eq!(kind == "choice", !options.is_empty(), "`{link_id}` options");
            let def = Definition {
                parent: parent.map(str::to_owned),
                kind,
                repeats: item.get("repeats") == Some(&Value::Bool(true)),
                options,
            };
            assert!(
                out.insert(link_id.clone(), def).is_none(),
                "linkId `{link_id}` is not unique"
            );
            if let Some(n) = nested {
                walk(n, Some(&link_id), out);
            }
        }
    }
    assert_eq!(q["resourceType"], "Questionnaire");
    let mut out = BTreeMap::new();
    walk(&q["item"], None, &mut out);
    out
}

/// The value[x] a FHIR item type takes.
fn value_key(kind: &str) -> &'static str {
    match kind {
        "choice" => "valueCoding",
        "integer" => "valueInteger",
        "decimal" => "valueDecimal",
        "quantity" => "valueQuantity",
        "date" => "valueDate",
        "string" | "text" => "valueString",
        "boolean" => "valueBoolean",
        other => panic!("item type `{other}` takes no answer"),
    }
}

/// Checks a QuestionnaireResponse against the Questionnaire it names: every linkId defined,
/// nested as defined, repeated only where it repeats; groups with items and no answer, other
/// items with answers and no items; each answer's value[x] of its item's type, and a choice's
/// Coding one of its options. Returns the problems and how many answers were checked.
fn check_response(r: &Value, q: &Value) -> (Vec<String>, usize) {
    struct Check {
        defs: BTreeMap<String, Definition>,
        problems: Vec<String>,
        answers: usize,
    }
    impl Check {
        fn walk(&mut self, items: &Value, parent: Option<&str>) {
            let Some(items) = items.as_array().filter(|i| !i.is_empty()) else {
                self.problems
                    .push(format!("empty item list under {parent:?}"));
                return;
            };
            let mut seen = BTreeSet::new();
            for item in items {
                let link_id = item["linkId"].as_str().unwrap_or_default();
                let Some(def) = self.defs.get(link_id) else {
                    self.problems
                        .push(format!("linkId `{link_id}` is not in the Questionnaire"));
                    continue;
                };
                let (kind, repeats) = (def.kind.clone(), def.repeats);
                let options = def.options.clone();
                if def.parent.as_deref() != parent {
                    self.problems.push(format!(
                        "`{link_id}` nested differently: under {parent:?}, defined under {:?}",
                        def.parent
                    ));
                }
                if !seen.insert(link_id) && !repeats {
                    self.problems
                        .push(format!("`{link_id}` repeated but does not repeat"));
                }
                if item["text"].as_str().is_none_or(str::is_empty) {
                    self.problems.push(format!("`{link_id}` has no text"));
                }
                let answers = item.get("answer").and_then(Value::as_array);
                let nested = item.get("item");
                if kind == "group" {
                    match (answers, nested) {
                        (None, Some(n)) => self.walk(n, Some(link_id)),
                        _ => self
                            .problems
                            .push(format!("group `{link_id}` needs items and no answer")),
                    }
                    continue;
                }
                let Some(answers) = answers.filter(|a| !a.is_empty()) else {
                    self.problems.push(format!("`{link_id}` has no answer"));
                    continue;
                };
                if nested.is_some() {
                    self.problems
                        .push(format!("`{link_id}` has both answers and items"));
                }
                if answers.len() > 1 && !repeats {
                    self.problems.push(format!(
                        "`{link_id}` has {} answers but does not repeat",
                        answers.len()
                    ));
                }
                for a in answers {
                    self.answers += 1;
                    let keys: Vec<&str> = a
                        .as_object()
                        .map(|o| o.keys().map(String::as_str).collect())
                        .unwrap_or_default();
                    if keys != [value_key(&kind)] {
                        self.problems
                            .push(format!("`{link_id}` ({kind}) answered with {keys:?}"));
                        continue;
                    }
                    if kind == "choice" {
                        let c = &a["valueCoding"];
                        let key = (
                            c["system"].as_str().unwrap_or_default().to_owned(),
                            c["code"].as_str().unwrap_or_default().to_owned(),
                        );
                        if !options.contains(&key) {
                            self.problems
                                .push(format!("`{link_id}`: {key:?} is not an answerOption"));
                        }
                    }
                }
            }
        }
    }
    let mut check = Check {
        defs: definitions(q),
        problems: Vec::new(),
        answers: 0,
    };
    if r["resourceType"] != "QuestionnaireResponse" || r["status"] != "completed" {
        check
            .problems
            .push("not a completed QuestionnaireResponse".into());
    }
    let named = format!(
        "{}|{}",
        q["url"].as_str().unwrap_or_default(),
        q["version"].as_str().unwrap_or_default()
    );
    if r["questionnaire"].as_str() != Some(named.as_str()) {
        check
            .problems
            .push(format!("refers to {}, not {named}", r["questionnaire"]));
    }
    if chrono::DateTime::parse_from_rfc3339(r["authored"].as_str().unwrap_or_default()).is_err() {
        check.problems.push("authored is not RFC 3339".into());
    }
    check.walk(&r["item"], None);
    (check.problems, check.answers)
}

/// Every answer list by linkId (group entries flattened).
fn answers_by_link_id(r: &Value) -> BTreeMap<String, Vec<Value>> {
    fn walk(items: &Value, out: &mut BTreeMap<String, Vec<Value>>) {
        for item in items.as_array().into_iter().flatten() {
            if let Some(a) = item.get("answer").and_then(Value::as_array) {
                out.entry(item["linkId"].as_str().unwrap().to_owned())
                    .or_default()
                    .extend(a.iter().cloned());
            }
            if let Some(n) = item.get("item") {
                walk(n, out);
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(&r["item"], &mut out);
    out
}

#[test]
fn every_response_matches_the_questionnaire_it_names() {
    let q = json(&fhir::questionnaire(&load(KETAMINE)));
    for name in all_fixtures() {
        let r = json(&fhir::questionnaire_response(&fixture(&name)));
        let (problems, checked) = check_response(&r, &q);
        assert_eq!(problems, Vec::<String>::new(), "{name}");
        assert!(checked >= 2, "{name}: only {checked} answers");
    }
    let demo = json(&fhir::questionnaire(&load("questionnaires/demo.ron")));
    let r = json(&fhir::questionnaire_response(&summary_with_markup()));
    assert_eq!(check_response(&r, &demo).0, Vec::<String>::new());
}

#[test]
fn the_checker_catches_what_it_checks() {
    let q = json(&fhir::questionnaire(&load(KETAMINE)));
    let good = json(&fhir::questionnaire_response(&fixture("spanish")));
    type Mutation = (&'static str, fn(&mut Value));
    let mutations: [Mutation; 6] = [
        ("not in the Questionnaire", |r| {
            r["item"][0]["item"][0]["linkId"] = "nope".into();
        }),
        ("answered with", |r| {
            r["item"][0]["item"][0]["answer"][0] = serde_json::json!({"valueInteger": 1});
        }),
        ("nested differently", |r| {
            let moved = r["item"][0]["item"][0].clone();
            r["item"][1]["item"].as_array_mut().unwrap().push(moved);
        }),
        ("is not an answerOption", |r| {
            r["item"][1]["item"][0]["answer"][0]["valueCoding"]["code"] = "9".into();
        }),
        ("has no answer", |r| {
            r["item"][0]["item"][0]["answer"] = serde_json::json!([]);
        }),
        ("but does not repeat", |r| {
            let again = r["item"][0]["item"][0]["answer"][0].clone();
            r["item"][0]["item"][0]["answer"]
                .as_array_mut()
                .unwrap()
                .push(again);
        }),
    ];
    assert_eq!(check_response(&good, &q).0, Vec::<String>::new());
    for (expected, mutate) in mutations {
        let mut r = good.clone();
        mutate(&mut r);
        let (problems, _) = check_response(&r, &q);
        assert!(
            problems.iter().any(|p| p.contains(expected)),
            "expected `{expected}`, got {problems:?}"
        );
    }
}

#[test]
fn response_answers_have_the_documented_types() {
    let r = json(&fhir::questionnaire_response(&fixture("spanish")));
    assert_eq!(r["language"], "es");
    assert_eq!(r["authored"], "2026-11-21T09:00:00Z");
    assert_eq!(
        r["questionnaire"],
        "urn:prescreen:questionnaire:ketamine_candidacy|1.2.0"
    );
    assert_eq!(r["identifier"]["system"], fhir::SUMMARY_DIGEST_SYSTEM);
    assert_eq!(r["identifier"]["value"].as_str().unwrap().len(), 64);
    let a = answers_by_link_id(&r);
    let one = |id: &str| a[id][0].clone();
    assert_eq!(
        one("full_name"),
        serde_json::json!({"valueString": "José Ramírez"})
    );
    assert_eq!(one("dob"), serde_json::json!({"valueDate": "1968-04-03"}));
    assert_eq!(
        one("weight"),
        serde_json::json!({"valueQuantity": {"value": 176.0, "unit": "lb", "system": "http://unitsofmeasure.org", "code": "[lb_av]"}})
    );
    // Feet and inches are held in inches.
    assert_eq!(one("height")["valueQuantity"]["value"], 66.0);
    assert_eq!(one("height")["valueQuantity"]["code"], "[in_i]");
    assert_eq!(one("bp_systolic"), serde_json::json!({"valueInteger": 136}));
    assert_eq!(
        one("bp_diagnosed"),
        serde_json::json!({"valueCoding": {"system": fhir::YES_NO_SYSTEM, "code": "Y", "display": "Sí"}})
    );
    assert_eq!(
        one("phq9_1"),
        serde_json::json!({"valueCoding": {
            "system": "urn:prescreen:questionnaire:ketamine_candidacy/options/phq9_1",
            "code": "2",
            "display": "Más de la mitad de los días"}})
    );
    // Scores: complete ones only, as integers.
    assert_eq!(one("score:phq9"), serde_json::json!({"valueInteger": 13}));
    assert_eq!(one("score:gad7"), serde_json::json!({"valueInteger": 8}));
    // Items not asked are left out.
    assert!(!a.contains_key("augmentation_which"));

    let cardio = answers_by_link_id(&json(&fhir::questionnaire_response(&fixture(
        "cardiovascular",
    ))));
    assert_eq!(
        cardio["aneurysm"][0]["valueCoding"],
        serde_json::json!({"system": fhir::DATA_ABSENT_SYSTEM, "code": "asked-unknown", "display": "Not sure"})
    );

    let meds = answers_by_link_id(&json(&fhir::questionnaire_response(&fixture(
        "medications",
    ))));
    let codes: Vec<&str> = meds["current_meds"]
        .iter()
        .map(|a| a["valueCoding"]["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes,
        ["benzodiazepine", "opioid", "stimulant", "antidepressant"]
    );
    assert!(meds["current_meds"].iter().all(|a| {
        a["valueCoding"]["display"]
            .as_str()
            .is_some_and(|d| !d.contains("; "))
    }));
}

#[test]
fn declined_unanswered_and_incomplete_leave_no_trace() {
    let s = fixture("declines_everything");
    let r = json(&fhir::questionnaire_response(&s));
    let a = answers_by_link_id(&r);
    for id in [
        "weight",
        "height",
        "phq9_9",
        "phq9_1",
        "bipolar_dx",
        "score:phq9",
        "score:gad7",
    ] {
        assert!(!a.contains_key(id), "`{id}` exported");
    }
    assert_eq!(a.keys().collect::<Vec<_>>(), ["dob", "full_name"]);
    // Sections left empty are left out too.
    let sections: Vec<&str> = r["item"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["linkId"].as_str().unwrap())
        .collect();
    assert_eq!(sections, ["section:about_you"]);
}

#[test]
fn group_entries_become_repeated_group_items() {
    let r = json(&fhir::questionnaire_response(&fixture("medications")));
    let history = r["item"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["linkId"] == "section:depression_history")
        .unwrap();
    let entries: Vec<&Value> = history["item"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["linkId"] == "ad_trials")
        .collect();
    assert_eq!(entries.len(), 2);
    for (entry, drug) in entries
        .iter()
        .zip(["sertraline (Zoloft)", "escitalopram (Lexapro)"])
    {
        assert!(entry.get("answer").is_none());
        assert_eq!(entry["item"][0]["linkId"], "ad_drug");
        assert_eq!(entry["item"][0]["answer"][0]["valueString"], drug);
    }
}

#[test]
fn the_questionnaire_carries_loinc_codes_and_the_mapping() {
    let model = load(KETAMINE);
    let q = json(&fhir::questionnaire(&model));
    assert_eq!(q["url"], fhir::canonical("ketamine_candidacy"));
    assert_eq!(q["version"], "1.2.0");
    assert_eq!(q["name"], "KetamineCandidacy");
    assert_eq!(q["status"], "active");
    assert!(q["copyright"].as_str().unwrap().contains("Pfizer"));
    let mut codes = BTreeMap::new();
    fn walk(items: &Value, codes: &mut BTreeMap<String, (String, String)>) {
        for i in items.as_array().into_iter().flatten() {
            if let Some(c) = i.get("code") {
                codes.insert(
                    i["linkId"].as_str().unwrap().to_owned(),
                    (
                        c[0]["system"].as_str().unwrap().to_owned(),
                        c[0]["code"].as_str().unwrap().to_owned(),
                    ),
                );
            }
            if let Some(n) = i.get("item") {
                walk(n, codes);
            }
        }
    }
    walk(&q["item"], &mut codes);
    let loinc = |code: &str| ("http://loinc.org".to_owned(), code.to_owned());
    assert_eq!(codes["score:phq9"], loinc("44261-6"));
    assert_eq!(codes["score:gad7"], loinc("70274-6"));
    assert_eq!(codes["section:phq9"], loinc("44249-1"));
    assert_eq!(codes["phq9_1"], loinc("44250-9"));
    assert_eq!(codes["phq9_9"], loinc("44260-8"));
    assert_eq!(codes["gad7_1"], loinc("69725-0"));
    // Every item code in the model is exported, and nothing else is.
    let in_model = model.items.iter().filter(|i| i.code.is_some()).count()
        + model.sections.iter().filter(|s| s.code.is_some()).count()
        + model.scores.iter().filter(|s| s.code.is_some()).count();
    assert_eq!(codes.len(), in_model);

    let defs = definitions(&q);
    assert_eq!(defs["ad_trials"].kind, "group");
    assert!(defs["ad_trials"].repeats);
    assert_eq!(defs["ad_drug"].parent.as_deref(), Some("ad_trials"));
    assert_eq!(defs["current_meds"].kind, "choice");
    assert!(defs["current_meds"].repeats);
    assert_eq!(defs["other_meds"].kind, "text");
    assert_eq!(defs["welcome"].kind, "display");
    assert_eq!(defs["score:phq9"].kind, "integer");
}

/// Without `enableWhen`, `required` is stated only for items nothing hides.
#[test]
fn only_unconditional_items_are_required() {
    let model = load("questionnaires/demo.ron");
    let q = json(&fhir::questionnaire(&model));
    fn required(items: &Value, out: &mut BTreeSet<String>) {
        for i in items.as_array().into_iter().flatten() {
            if i.get("required") == Some(&Value::Bool(true)) {
                out.insert(i["linkId"].as_str().unwrap().to_owned());
            }
            if let Some(n) = i.get("item") {
                required(n, out);
            }
        }
    }
    let mut exported = BTreeSet::new();
    required(&q["item"], &mut exported);
    // `cigarettes` and `trials` are required when shown; `trial_drug` in every entry of a
    // group that is itself conditional.
    let conditional = ["cigarettes", "trials", "trial_drug"];
    for id in conditional {
        assert!(model.item(model.find(id).unwrap()).required, "{id}");
    }
    assert_eq!(
        exported,
        ["dob", "full_name", "smoker"].map(String::from).into()
    );
}

/// Every shipped questionnaire gives a Questionnaire with unique linkIds (sections, items and
/// scores share one space in FHIR, not in the questionnaire format).
#[test]
fn every_shipped_questionnaire_exports_with_unique_link_ids() {
    for entry in std::fs::read_dir(repo("questionnaires")).unwrap() {
        let path = entry.unwrap().path();
        let q = Questionnaire::load(&path).unwrap();
        let defs = definitions(&json(&fhir::questionnaire(&q)));
        assert!(defs.len() > q.items.len(), "{}", path.display());
    }
}

// ---------------------------------------------------------------------------------------------
// The `render` command

/// Writes `s` signed by the test kiosk; `render` is then run with [`crate::review_config`].
fn write_summary(dir: &Path, s: &Summary) -> String {
    let path = dir.join("x.summary.ron");
    std::fs::write(&path, s.sealed(Some(&crate::kiosk_key()))).unwrap();
    path.to_str().unwrap().to_owned()
}

#[test]
fn render_prints_each_format_as_the_library_does() {
    let dir = tempfile::tempdir().unwrap();
    let s = fixture("self_harm");
    let path = write_summary(dir.path(), &s);
    let o = prescreen(&["--config", crate::review_config(), "render", &path]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        text::render(&s, &crate::trusted()),
        "text is the default"
    );
    let o = prescreen(&[
        "--config",
        crate::review_config(),
        "render",
        &path,
        "--format",
        "html",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), html::render(&s, &crate::trusted()));
    let o = prescreen(&[
        "--config",
        crate::review_config(),
        "render",
        &path,
        "--format",
        "fhir",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        fhir::to_json(&fhir::questionnaire_response(&s)).unwrap()
    );
    assert!(stderr(&o).is_empty());

    let o = prescreen(&["render", "--format", "fhir-questionnaire"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let q: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(
        q["url"], "urn:prescreen:questionnaire:ketamine_candidacy",
        "built in"
    );
    let demo = repo("questionnaires/demo.ron");
    let o = prescreen(&[
        "render",
        "--questionnaire",
        demo.to_str().unwrap(),
        "--format",
        "fhir-questionnaire",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        fhir::to_json(&fhir::questionnaire(&load("questionnaires/demo.ron"))).unwrap()
    );
}

#[test]
fn render_writes_a_new_owner_only_file_and_never_replaces_one() {
    let dir = tempfile::tempdir().unwrap();
    let s = fixture("spanish");
    let path = write_summary(dir.path(), &s);
    let out = dir.path().join("summary.html");
    let o = prescreen(&[
        "--config",
        crate::review_config(),
        "render",
        &path,
        "--format",
        "html",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).is_empty());
    let written = std::fs::read_to_string(&out).unwrap();
    assert_eq!(written, html::render(&s, &crate::trusted()));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&out).unwrap().permissions().mode() & 0o777;
        assert_eq!(
            mode, 0o600,
            "a rendered summary is readable by its owner only"
        );
    }
    let o = prescreen(&[
        "--config",
        crate::review_config(),
        "render",
        &path,
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("already exists"), "{}", stderr(&o));
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        written,
        "left as it was"
    );
    let o = prescreen(&[
        "--config",
        crate::review_config(),
        "render",
        &path,
        "-o",
        "/nonexistent/dir/x.txt",
    ]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn render_refuses_a_changed_summary_unless_forced_and_never_for_fhir() {
    let dir = tempfile::tempdir().unwrap();
    let text = fixture("spanish").to_ron().replacen("José", "Jose", 1);
    let path = dir.path().join("changed.summary.ron");
    std::fs::write(&path, text).unwrap();
    let path = path.to_str().unwrap();
    for format in ["text", "html", "fhir"] {
        let o = prescreen(&["render", path, "--format", format]);
        assert_eq!(o.status.code(), Some(1), "{format}");
        assert!(stdout(&o).is_empty(), "{format}: nothing rendered");
        let err = stderr(&o);
        assert!(
            err.contains("digest mismatch: the file was changed or damaged after it was written; not rendered"),
            "{err}"
        );
        assert!(!err.contains("Jose"), "no patient data in errors: {err}");
    }
    let o = prescreen(&["render", path, "--force"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("warning: digest mismatch"));
    let line = stdout(&o)
        .lines()
        .find(|l| l.starts_with("Integrity"))
        .unwrap()
        .to_owned();
    assert!(line.contains("✗ ALTERED"), "{line}");
    let o = prescreen(&["render", path, "--force", "--format", "fhir"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("--force does not apply"));
}

#[test]
fn render_reports_bad_input_and_unreadable_files() {
    let dir = tempfile::tempdir().unwrap();
    let o = prescreen(&["render", "/nonexistent.summary.ron"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("cannot read the file"));
    let junk = dir.path().join("junk.ron");
    std::fs::write(&junk, "Summary(").unwrap();
    let o = prescreen(&["render", junk.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("not a readable summary"),
        "{}",
        stderr(&o)
    );
    let o = prescreen(&["render"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("name the summary to render"));
    let path = write_summary(dir.path(), &fixture("no_flags"));
    let o = prescreen(&[
        "--config",
        crate::review_config(),
        "render",
        &path,
        "--format",
        "fhir-questionnaire",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let demo = repo("questionnaires/demo.ron");
    let o = prescreen(&[
        "--config",
        crate::review_config(),
        "render",
        &path,
        "--questionnaire",
        demo.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let o = prescreen(&["render", "--help"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("fhir-questionnaire"));
}
