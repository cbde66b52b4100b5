//! "did you mean" at scale: a questionnaire of 20,000 items whose every condition names its
//! item misspelled (`itme_00041` for `item_00041`), so loading it makes 19,999 suggestions. A
//! comparison of each wrong name with every id took 140 s; a budget of full comparisons and a
//! one-typo index keep it well under a second in release mode.
//!
//! Run: `cargo bench --bench suggest`. Figures are recorded in docs/performance.md.

// A benchmark is not the patient path: failing loudly on a broken generator is right.
#![allow(clippy::panic)]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use prescreen::engine::{Code, Questionnaire};

#[path = "../tests/it/generated.rs"]
mod generated;
use generated::misspelled;

fn bench(c: &mut Criterion) {
    let n = 20_000;
    let src = misspelled(n);
    match Questionnaire::from_bytes(src.as_bytes()) {
        Err(d) if d.len() == n - 1 && d.iter().all(|d| d.code == Code::UnknownReference) => {}
        other => panic!(
            "expected {} unknown references, got {:?}",
            n - 1,
            other.err().map(|d| d.len())
        ),
    }
    let mut group = c.benchmark_group("suggest");
    group.sample_size(10);
    group.bench_function("20000 misspelled references", |b| {
        b.iter(|| Questionnaire::from_bytes(black_box(src.as_bytes())).is_err())
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
