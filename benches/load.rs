//! Load + validate speed: the demo questionnaire, the ketamine-candidacy questionnaire, and
//! generated questionnaires of 1,000 / 10,000 / 100,000 items (to show growth is linear).
//!
//! Run: `cargo bench --bench load`. Figures are recorded in docs/performance.md.

// A benchmark is not the patient path: failing loudly on a broken generator is right.
#![allow(clippy::panic)]

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use prescreen::engine::Questionnaire;

/// A questionnaire with `n` items: yes/no, choice, integer and text items in sections of 50,
/// every other item shown only if the one before was answered "yes", one flag per section.
pub fn generated(n: usize) -> String {
    let mut s = String::with_capacity(n * 200);
    s.push_str(
        "Questionnaire(id: \"generated\", version: \"1.0.0\", languages: [\"en\", \"es\"], \
         title: {\"en\": \"Generated\", \"es\": \"Generado\"}, sections: [\n",
    );
    let mut flags = String::new();
    for i in 0..n {
        if i % 50 == 0 {
            if i > 0 {
                s.push_str("]),\n");
            }
            s.push_str(&format!(
                "Section(id: \"s{i}\", title: {{\"en\": \"Part\", \"es\": \"Parte\"}}, items: [\n"
            ));
            // The first yes/no item of the section (items cycle through four kinds).
            let yes_no = i + (4 - i % 4) % 4;
            flags.push_str(&format!(
                "Flag(id: \"f{i}\", level: Review, when: Equals(\"q{yes_no}\", Yes), text: \"Reported — clinician review suggested\", source: \"Generated\"),\n"
            ));
        }
        let kind = match i % 4 {
            0 => "YesNo(not_sure: true)".to_owned(),
            1 => "Single(options: [Choice(value: \"a\", text: {\"en\": \"A\", \"es\": \"A\"}), Choice(value: \"b\", text: {\"en\": \"B\", \"es\": \"B\"})])".to_owned(),
            2 => "Integer(min: 0, max: 100)".to_owned(),
            _ => "Text(max_len: 50)".to_owned(),
        };
        let show_if = if i % 4 == 1 {
            format!(", show_if: Equals(\"q{}\", Yes)", i - 1)
        } else {
            String::new()
        };
        s.push_str(&format!(
            "Item(id: \"q{i}\", text: {{\"en\": \"Question {i}?\", \"es\": \"¿Pregunta {i}?\"}}, kind: {kind}{show_if}),\n"
        ));
    }
    s.push_str("])],\nflags: [\n");
    s.push_str(&flags);
    s.push_str("])\n");
    s
}

fn bench(c: &mut Criterion) {
    let demo = std::fs::read("questionnaires/demo.ron").unwrap_or_default();
    c.bench_function("load demo.ron", |b| {
        b.iter(|| Questionnaire::from_bytes(black_box(&demo)).is_ok())
    });
    if let Ok(ketamine) = std::fs::read("questionnaires/ketamine_candidacy.ron") {
        c.bench_function("load ketamine_candidacy.ron", |b| {
            b.iter(|| Questionnaire::from_bytes(black_box(&ketamine)).is_ok())
        });
    }
    let mut group = c.benchmark_group("load generated");
    group.sample_size(10);
    for n in [1_000, 10_000, 100_000] {
        let src = generated(n);
        if let Err(d) = Questionnaire::from_bytes(src.as_bytes()) {
            let shown = &d[..d.len().min(5)];
            panic!(
                "generated questionnaire is invalid:\n{}",
                prescreen::engine::diagnostic::render_all(shown, "generated")
            );
        }
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(BenchmarkId::from_parameter(n), &src, |b, src| {
            b.iter(|| Questionnaire::from_bytes(black_box(src.as_bytes())).is_ok())
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
