//! Export speed: one ketamine-candidacy summary (the Spanish fixture: every answer with its
//! English wording beside it, two antidepressant entries) as text, HTML and a FHIR
//! QuestionnaireResponse, and the questionnaire as a FHIR Questionnaire.
//!
//! Run: `cargo bench --bench export`. Figures are recorded in docs/performance.md.

// A benchmark is not the patient path: failing loudly on a broken fixture is right.
#![allow(clippy::panic)]

use std::hint::black_box;
use std::sync::Arc;

use chrono::{TimeZone, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use prescreen::engine::answers_file::{AnswersFile, fill};
use prescreen::engine::recheck::Library;
use prescreen::engine::{FixedClock, Questionnaire, Summary};
use prescreen::export::{self, Checks, fhir, html, text};
use prescreen::inbox::Known;

fn bench(c: &mut Criterion) {
    let q = Questionnaire::load("questionnaires/ketamine_candidacy.ron".as_ref())
        .unwrap_or_else(|e| panic!("{e}"));
    let q = Arc::new(q);
    let answers = std::fs::read("tests/fixtures/answers/spanish.ron")
        .unwrap_or_else(|e| panic!("answers fixture: {e}"));
    let file = AnswersFile::parse(&answers).unwrap_or_else(|e| panic!("{e}"));
    let at = Utc
        .with_ymd_and_hms(2026, 11, 21, 9, 0, 0)
        .single()
        .unwrap_or_else(|| panic!("fixed time"));
    let session = fill(q.clone(), file, "es", Arc::new(FixedClock::new(at)))
        .unwrap_or_else(|e| panic!("{e:?}"));
    let library = Library::new(vec![q.clone()]);
    let known = Known {
        kiosks: Vec::new(),
        library: library.clone(),
    };
    let (summary, integrity): (Summary, Checks) = known
        .read(Summary::build(&session, at).to_ron().as_bytes())
        .unwrap_or_else(|e| panic!("{e}"));
    c.bench_function("recheck a summary", |b| {
        b.iter(|| export::Consistency::check(black_box(&summary), &library))
    });

    c.bench_function("export html", |b| {
        b.iter(|| html::render(black_box(&summary), &integrity).len())
    });
    c.bench_function("export text", |b| {
        b.iter(|| text::render(black_box(&summary), &integrity).len())
    });
    c.bench_function("export fhir response", |b| {
        b.iter(|| {
            fhir::to_json(&fhir::questionnaire_response(black_box(&summary)))
                .map(|s| s.len())
                .unwrap_or(0)
        })
    });
    c.bench_function("export fhir questionnaire", |b| {
        b.iter(|| {
            fhir::to_json(&fhir::questionnaire(black_box(&q)))
                .map(|s| s.len())
                .unwrap_or(0)
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
