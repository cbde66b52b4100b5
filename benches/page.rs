//! Drawing speed of the kiosk's heaviest pages: one full frame (egui layout of every widget
//! plus tessellation into triangles), headless, on a 1024 × 768 screen. The GPU upload and the
//! driver's drawing are not included: those are the renderer's, the same for any egui app.
//!
//! Pages: Welcome; the multiple-choice question with the most options; a text question with
//! the on-screen keyboard open; the repeating-group page; the review page with a full set of
//! answers. Before measuring, every page of that session is drawn once and the slowest are
//! printed, so a heavier page than these cannot go unnoticed.
//!
//! Run: `cargo bench --bench page`. Figures are recorded in docs/performance.md.

// A benchmark is not the patient path: failing loudly on a broken fixture is right.
#![allow(clippy::panic, clippy::expect_used, clippy::unwrap_used)]

use std::hint::black_box;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{TimeZone, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use eframe::egui;
use prescreen::engine::answers_file::{AnswersFile, fill};
use prescreen::engine::{FixedClock, ItemIdx, Kind, Questionnaire, Session};
use prescreen::kiosk::Kiosk;

const LANG: &str = "en";

fn questionnaire() -> Arc<Questionnaire> {
    Arc::new(
        Questionnaire::from_bytes(prescreen::cli::BUILT_IN)
            .unwrap_or_else(|d| panic!("built-in questionnaire: {} problems", d.len())),
    )
}

fn clock() -> Arc<FixedClock> {
    Arc::new(FixedClock::new(
        Utc.with_ymd_and_hms(2026, 11, 21, 9, 0, 0)
            .single()
            .unwrap(),
    ))
}

/// An answers file, applied to a new session as a patient would answer.
struct Answers(Vec<u8>);

impl Answers {
    fn session(&self, q: &Arc<Questionnaire>) -> Option<Session> {
        let file = AnswersFile::parse(&self.0).ok()?;
        fill(q.clone(), file, LANG, clock()).ok()
    }
}

/// The answers fixture that leaves the most questions answered: the fullest review page.
fn fullest(q: &Arc<Questionnaire>) -> (String, Answers) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/answers");
    let mut best: Option<(usize, String, Answers)> = None;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if !name.ends_with(".ron") || name.ends_with(".expect.ron") {
            continue;
        }
        let answers = Answers(std::fs::read(&path).unwrap());
        let Some(session) = answers.session(q) else {
            continue;
        };
        let answered = session.progress().0;
        if best.as_ref().is_none_or(|(n, _, _)| answered > *n) {
            best = Some((answered, name, answers));
        }
    }
    let (_, name, answers) = best.expect("no answers fixture fills the built-in questionnaire");
    (name, answers)
}

/// The one screen egui is given, as eframe gives it a 1024 × 768 window. The time stays
/// fixed: the kiosk's idle timer never runs out however many frames are drawn.
fn input() -> egui::RawInput {
    egui::RawInput {
        screen_rect: Some(egui::Rect::from_min_size(
            egui::Pos2::ZERO,
            egui::vec2(1024.0, 768.0),
        )),
        time: Some(1.0),
        ..Default::default()
    }
}

/// A kiosk on one page, with its own egui context.
struct Page {
    ctx: egui::Context,
    kiosk: Kiosk,
}

impl Page {
    fn new(q: &Arc<Questionnaire>, session: Option<Session>) -> Page {
        let ctx = egui::Context::default();
        prescreen::ui::theme::install(&ctx);
        let mut kiosk = Kiosk::new(Ok(q.clone()), std::env::temp_dir(), clock());
        if let Some(session) = session {
            kiosk.open(session);
        }
        let mut page = Page { ctx, kiosk };
        // Warm up: the font atlas fills, the first field takes the focus, the keyboard opens.
        for _ in 0..5 {
            page.frame();
        }
        page
    }

    /// One full frame: layout and tessellation. Returns the number of triangles.
    fn frame(&mut self) -> usize {
        let mut output = self.ctx.run_ui(input(), |ui| self.kiosk.show(ui));
        output.textures_delta.clear();
        let primitives = self.ctx.tessellate(output.shapes, output.pixels_per_point);
        primitives
            .iter()
            .map(|p| match &p.primitive {
                egui::epaint::Primitive::Mesh(mesh) => mesh.indices.len() / 3,
                egui::epaint::Primitive::Callback(_) => 0,
            })
            .sum()
    }

    /// The accessible names and texts drawn this frame (AccessKit on for one frame only).
    fn labels(&mut self) -> Vec<String> {
        self.ctx.enable_accesskit();
        let mut output = self.ctx.run_ui(input(), |ui| self.kiosk.show(ui));
        output.textures_delta.clear();
        self.ctx.disable_accesskit();
        output
            .platform_output
            .accesskit_update
            .map(|update| {
                update
                    .nodes
                    .iter()
                    .flat_map(|(_, node)| [node.label(), node.value()])
                    .flatten()
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default()
    }

    fn median_of(&mut self, frames: usize) -> Duration {
        let mut times: Vec<Duration> = (0..frames)
            .map(|_| {
                let start = Instant::now();
                black_box(self.frame());
                start.elapsed()
            })
            .collect();
        times.sort();
        times[times.len() / 2]
    }
}

fn on_item(q: &Arc<Questionnaire>, answers: &Answers, idx: ItemIdx) -> Page {
    let mut session = answers.session(q).unwrap();
    session
        .jump(idx)
        .unwrap_or_else(|e| panic!("{} not shown: {e:?}", q.item(idx).id));
    Page::new(q, Some(session))
}

fn text_len(q: &Questionnaire, idx: ItemIdx) -> usize {
    let item = q.item(idx);
    item.text.get(LANG).len() + item.help.as_ref().map_or(0, |h| h.get(LANG).len())
}

fn bench(c: &mut Criterion) {
    let q = questionnaire();
    let (fixture, answers) = fullest(&q);
    let full = answers.session(&q).unwrap();
    let pages = full.visible_pages();
    println!(
        "answers: {fixture} ({} of {} questions answered)",
        full.progress().0,
        full.progress().1
    );

    // Every page of the session once (median of 15 frames), slowest first.
    let mut survey: Vec<(Duration, usize, String)> = pages
        .iter()
        .map(|&idx| {
            let mut page = on_item(&q, &answers, idx);
            let triangles = page.frame();
            (page.median_of(15), triangles, q.item(idx).id.clone())
        })
        .collect();
    survey.sort_by_key(|s| std::cmp::Reverse(s.0));
    println!("slowest question pages of {}:", survey.len());
    for (time, triangles, id) in survey.iter().take(6) {
        println!("  {id:<32} {time:>10.1?}  {triangles:>6} triangles");
    }

    // (a) The multiple-choice question with the most options (ties: the most text).
    let multiple = pages
        .iter()
        .copied()
        .filter_map(|idx| match &q.item(idx).kind {
            Kind::Multiple { options, .. } => {
                let words: usize = options.iter().map(|o| o.text.get(LANG).len()).sum();
                Some(((options.len(), words), idx))
            }
            _ => None,
        })
        .max()
        .map(|(_, idx)| idx)
        .expect("a multiple-choice question");
    // (c) The text question with the most to read, keyboard open.
    let text = pages
        .iter()
        .copied()
        .filter(|&idx| matches!(q.item(idx).kind, Kind::Text { .. } | Kind::LongText { .. }))
        .max_by_key(|&idx| text_len(&q, idx))
        .expect("a text question");
    // The repeating group (antidepressant trials), with the fixture's entries.
    let group = pages
        .iter()
        .copied()
        .find(|&idx| matches!(q.item(idx).kind, Kind::Group { .. }));
    let mut review = answers.session(&q).unwrap();
    review.review();

    let mut cases: Vec<(String, Page)> = vec![
        ("welcome".to_owned(), Page::new(&q, None)),
        (
            format!("multiple choice ({})", q.item(multiple).id),
            on_item(&q, &answers, multiple),
        ),
        (
            format!("text + keyboard ({})", q.item(text).id),
            on_item(&q, &answers, text),
        ),
    ];
    if let Some(group) = group {
        cases.push((
            format!("group ({})", q.item(group).id),
            on_item(&q, &answers, group),
        ));
    }
    cases.push((
        "review, all answered".to_owned(),
        Page::new(&q, Some(review)),
    ));

    // The pages are the ones named: the keyboard is open, the review page shows.
    let t = prescreen::kiosk::strings(LANG);
    let text_labels = cases[2].1.labels();
    assert!(
        text_labels.iter().any(|l| l == t.keyboard),
        "the on-screen keyboard is not open on the text page"
    );
    let review_labels = cases.last_mut().unwrap().1.labels();
    assert!(
        review_labels.iter().any(|l| l == t.review_title),
        "not on the review page"
    );

    let mut bench = c.benchmark_group("page");
    for (name, page) in &mut cases {
        println!("{name}: {} triangles", page.frame());
        bench.bench_function(name.as_str(), |b| b.iter(|| black_box(page.frame())));
    }
    bench.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
