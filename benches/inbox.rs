//! Opening a folder of 1,000 summaries: the inbox reads, checks and sorts every file.
//!
//! `cargo bench --bench inbox`. Goal: under 1 s for the first scan; a rescan after one new file
//! reads one file.

#![allow(clippy::unwrap_used)] // a benchmark with broken inputs should stop at once

use std::sync::Arc;

use criterion::{Criterion, criterion_group, criterion_main};
use prescreen::engine::answers_file::{AnswersFile, fill};
use prescreen::engine::{FixedClock, Questionnaire, Summary};
use prescreen::inbox::Inbox;

fn folder(n: usize) -> tempfile::TempDir {
    let q = Arc::new(Questionnaire::from_bytes(prescreen::cli::BUILT_IN).unwrap());
    let answers = std::fs::read("tests/fixtures/answers/medications.ron").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let at = chrono::DateTime::parse_from_rfc3339("2026-11-21T09:00:00Z")
        .unwrap()
        .to_utc();
    for i in 0..n {
        let when = at + chrono::Duration::minutes(i as i64);
        let file = AnswersFile::parse(&answers).unwrap();
        let session = fill(q.clone(), file, "en", Arc::new(FixedClock::new(when))).unwrap();
        let text = Summary::build(&session, when).to_ron();
        std::fs::write(dir.path().join(format!("{i:05}.summary.ron")), text).unwrap();
    }
    dir
}

fn bench(c: &mut Criterion) {
    let dir = folder(1000);
    let mut group = c.benchmark_group("inbox");
    group.sample_size(10);
    group.bench_function("first scan, 1000 summaries", |b| {
        b.iter(|| {
            let mut inbox = Inbox::new(Some(dir.path().to_path_buf()));
            inbox.scan();
            assert_eq!(inbox.rows().len(), 1000);
        })
    });
    let mut inbox = Inbox::new(Some(dir.path().to_path_buf()));
    inbox.scan();
    group.bench_function("rescan, 1000 unchanged summaries", |b| {
        b.iter(|| {
            inbox.scan();
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
