//! Every page of the shipped questionnaire at every text size, on both kiosk screens, in both
//! languages and both contrasts: the navigation and the text-size buttons are on the screen,
//! nothing sticks out sideways, the question wraps by words, the last thing on the page can be
//! reached and "More below" says so until it is, and the keys never cover the box being typed in.
//!
//! The harness is sized as the real window is at each text size: egui measures the screen in
//! points, so at 200 % a 1024 × 768 screen is 512 × 384 points.

use std::sync::Arc;

use eframe::egui::{self, Rect, Vec2};
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use prescreen::engine::{ItemIdx, Questionnaire};
use prescreen::kiosk::{Kiosk, Settings, Strings, strings};
use prescreen::ui::theme::ZOOMS;

use crate::kiosk::{click, harness_with};
use crate::scenario::load;
use crate::taps::session_showing;

const KETAMINE: &str = "questionnaires/ketamine_candidacy.ron";

/// The kiosk screens the clinic guide names, in pixels.
const SCREENS: [(f32, f32); 2] = [(1024.0, 768.0), (1280.0, 800.0)];

/// Text boxes, single- and multi-line.
fn is_box(role: Role) -> bool {
    matches!(role, Role::TextInput | Role::MultilineTextInput)
}

/// The places of the on-screen keys: the buttons of the group the screen reader calls
/// "Keyboard".
fn keys(h: &Harness<'_, Kiosk>, t: &Strings) -> Vec<Rect> {
    let group = h
        .query_all_by(|n| n.role() == Role::Group && n.label().is_some_and(|l| l == t.keyboard))
        .next();
    group.map_or_else(Vec::new, |g| {
        g.query_all_by(|n| n.role() == Role::Button && n.bounding_box().is_some())
            .map(|n| n.rect())
            .collect()
    })
}

/// What was checked, for the test's closing line.
#[derive(Default)]
struct Covered {
    pages: usize,
    boxes: usize,
}

/// A kiosk on the shipped questionnaire at text size `step`, on a `screen`, in `lang`.
fn kiosk_at(
    q: &Arc<Questionnaire>,
    lang: &str,
    screen: (f32, f32),
    step: usize,
    high_contrast: bool,
) -> (Harness<'static, Kiosk>, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness_with(q.clone(), dir.path(), Settings::default());
    let t = strings(lang);
    let first = (0..q.items.len())
        .map(ItemIdx)
        .find_map(|idx| session_showing(q, idx, lang).map(|s| (idx, s)));
    let (idx, mut s) = first.unwrap();
    s.jump(idx).unwrap();
    h.state_mut().open(s);
    h.run();
    for _ in 0..step {
        click(&mut h, t.bigger_text);
    }
    if high_contrast {
        click(&mut h, t.high_contrast);
    }
    let z = ZOOMS[step];
    assert!(
        (h.ctx.zoom_factor() - z).abs() < 1e-3,
        "zoom {}",
        h.ctx.zoom_factor()
    );
    h.set_size(Vec2::new(screen.0 / z, screen.1 / z));
    h.run();
    (h, dir)
}

/// Checks the page on screen: `id` names it in messages.
fn check_page(h: &mut Harness<'_, Kiosk>, lang: &str, id: &str, question: &str, z: f32) {
    let t = strings(lang);
    let screen = h.ctx.content_rect();
    let inside = |r: Rect| screen.expand(0.5).contains_rect(r);
    let at = |h: &Harness<'_, Kiosk>, label: &str| h.get_by_label(label).rect();
    for name in [
        t.back,
        t.next,
        t.bigger_text,
        t.smaller_text,
        t.high_contrast,
    ] {
        let r = at(h, name);
        assert!(
            inside(r),
            "{id} at {z}: `{name}` at {r:?} is off the {screen:?}"
        );
    }
    // Nothing sticks out sideways: every labelled thing lies across the screen's width.
    for n in h.query_all_by(|n| n.label().is_some() && n.bounding_box().is_some()) {
        let r = n.rect();
        assert!(
            r.min.x >= screen.min.x - 0.5 && r.max.x <= screen.max.x + 0.5,
            "{id} at {z}: {:?} at {r:?} sticks out of {screen:?}",
            n.accesskit_node().label()
        );
    }
    // The question wraps by words: it is given at least 300 pixels of width, where one
    // letter a line was seen at 200 %.
    let width = h
        .query_all_by(|n| {
            n.role() == Role::Label
                && n.bounding_box().is_some()
                && (n.label().is_some_and(|l| l == question)
                    || n.value().is_some_and(|v| v == question))
        })
        .map(|n| n.rect().width() * z)
        .fold(0.0, f32::max);
    assert!(
        width >= 300.0 || width >= question.len() as f32 * 8.0,
        "{id} at {z}: the question is {width} px wide"
    );
    // The page's own part of the screen: under the top bar, above the bottom bar.
    let top = at(h, t.bigger_text).max.y;
    let bottom = at(h, t.back).min.y;
    // The last thing on the page can be reached; "More below" is there until it is.
    let last = h
        .get_all_by(|n| {
            n.bounding_box().is_some()
                && n.label().is_some_and(|l| l != t.more_below)
                && matches!(
                    n.role(),
                    Role::Button
                        | Role::CheckBox
                        | Role::RadioButton
                        | Role::TextInput
                        | Role::MultilineTextInput
                        | Role::Label
                )
        })
        .filter(|n| {
            let r = n.rect();
            r.min.y >= top - 0.5 && r.max.y <= bottom + 0.5 || r.min.y > bottom
        })
        .max_by(|a, b| a.rect().max.y.total_cmp(&b.rect().max.y))
        .map(|n| {
            (
                n.accesskit_node()
                    .label()
                    .map(|l| l.to_string())
                    .unwrap_or_default(),
                n.rect(),
            )
        });
    // While the letter keys are up the line gives its room to the box (see `check_boxes`).
    let letters = h.query_by_label(t.hide_keys).is_some();
    if let Some((label, r)) = last
        && r.max.y > bottom
    {
        assert!(
            letters || h.query_by_label(t.more_below).is_some(),
            "{id} at {z}: `{label}` is below the page and nothing says so"
        );
        h.get_by_label(&label).scroll_to_me();
        h.run();
        let r = at(h, &label);
        assert!(
            r.min.y >= top - 0.5 && r.max.y <= bottom + 0.5,
            "{id} at {z}: `{label}` cannot be brought onto the page ({r:?}, page {top}..{bottom})"
        );
    }
}

/// Taps each box of the page and checks that it, and the top of the next box's label, stay in
/// sight above the keys.
fn check_boxes(h: &mut Harness<'_, Kiosk>, lang: &str, id: &str, z: f32) -> usize {
    let t = strings(lang);
    let count = h.query_all_by(|n| is_box(n.role())).count();
    for i in 0..count {
        let Some(node) = h.query_all_by(|n| is_box(n.role())).nth(i) else {
            break;
        };
        node.scroll_to_me();
        h.run();
        let node = h.query_all_by(|n| is_box(n.role())).nth(i).unwrap();
        node.click();
        h.run();
        h.run();
        let r = h.query_all_by(|n| is_box(n.role())).nth(i).unwrap().rect();
        // The keys under the box (a keypad beside the page is not in its way).
        let keys_top = keys(h, t)
            .into_iter()
            .filter(|k| k.min.x < r.max.x && k.max.x > r.min.x)
            .map(|k| k.min.y)
            .fold(f32::INFINITY, f32::min);
        let top = h.get_by_label(t.bigger_text).rect().max.y;
        let bottom = keys_top.min(h.get_by_label(t.back).rect().min.y);
        assert!(
            r.min.y >= top - 0.5 && r.max.y <= bottom + 0.5,
            "{id} at {z}: box {i} at {r:?} is hidden (page {top}..{bottom})"
        );
        // The keys go away again, as a patient puts them away to see the rest.
        if let Some(hide) = h.query_by_label(t.hide_keys) {
            hide.click();
            h.run();
        }
    }
    count
}

fn every_page_fits(lang: &str, screen: (f32, f32)) {
    let q = load(KETAMINE);
    let mut covered = Covered::default();
    for (step, z) in ZOOMS.iter().copied().enumerate() {
        // Every other text size in high contrast, so both contrasts meet both screens.
        let high_contrast = step % 2 == 1;
        let (mut h, _dir) = kiosk_at(&q, lang, screen, step, high_contrast);
        for i in 0..q.items.len() {
            let idx = ItemIdx(i);
            let item = q.item(idx);
            if item.parent.is_some() {
                continue;
            }
            let Some(mut s) = session_showing(&q, idx, lang) else {
                continue;
            };
            s.jump(idx).unwrap();
            h.state_mut().open(s);
            h.run();
            let question = item.text.get(lang).to_owned();
            check_page(&mut h, lang, &item.id, &question, z);
            covered.boxes += check_boxes(&mut h, lang, &item.id, z);
            covered.pages += 1;
        }
    }
    assert!(covered.pages >= 5 * 60, "{} pages", covered.pages);
    eprintln!(
        "{lang} {}×{}: {} pages and {} boxes checked at {} text sizes",
        screen.0,
        screen.1,
        covered.pages,
        covered.boxes,
        ZOOMS.len()
    );
}

#[test]
fn every_page_fits_every_text_size_on_1024_by_768_in_english() {
    every_page_fits("en", SCREENS[0]);
}

#[test]
fn every_page_fits_every_text_size_on_1024_by_768_in_spanish() {
    every_page_fits("es", SCREENS[0]);
}

#[test]
fn every_page_fits_every_text_size_on_1280_by_800_in_english() {
    every_page_fits("en", SCREENS[1]);
}

#[test]
fn every_page_fits_every_text_size_on_1280_by_800_in_spanish() {
    every_page_fits("es", SCREENS[1]);
}

/// A long answer typed on the keys stays in sight: as the box grows a line, the page follows,
/// so the line being typed is never under the keys (1024 × 768, at 100 % and at 200 %).
#[test]
fn a_long_answer_stays_in_sight_above_the_keys_as_it_is_typed() {
    let q = load(KETAMINE);
    let t = strings("en");
    let idx = q.find("other_meds").unwrap();
    let the_box = |h: &Harness<'_, Kiosk>| {
        h.query_all_by(|n| is_box(n.role()) && n.bounding_box().is_some())
            .next()
            .unwrap()
            .rect()
    };
    for step in [0, ZOOMS.len() - 1] {
        let (mut h, _dir) = kiosk_at(&q, "en", SCREENS[0], step, false);
        let mut s = session_showing(&q, idx, "en").unwrap();
        s.jump(idx).unwrap();
        h.state_mut().open(s);
        h.run();
        h.query_all_by(|n| is_box(n.role())).next().unwrap().click();
        h.run();
        let first = the_box(&h);
        let words = "Clonazepam at night oxycodone when needed sertraline every morning \
                     lisinopril each evening vitamin d daily";
        for (n, word) in words.split(' ').enumerate() {
            if n > 0 {
                click(&mut h, t.space);
            }
            for c in word.chars() {
                let key = c.to_string();
                match h.query_by_label(&key) {
                    Some(_) => click(&mut h, &key),
                    None => click(&mut h, &c.to_uppercase().to_string()),
                }
            }
            let r = the_box(&h);
            let keys_top = keys(&h, t)
                .into_iter()
                .map(|k| k.min.y)
                .fold(f32::INFINITY, f32::min);
            assert!(keys_top.is_finite(), "the keys are up");
            assert!(
                r.max.y <= keys_top + 0.5,
                "at step {step}, after `{word}` the box ends at {} under the keys at {keys_top}",
                r.max.y
            );
        }
        assert!(
            the_box(&h).height() > first.height() + 10.0,
            "at step {step} the answer never took a second line, so nothing was tested"
        );
    }
}

/// A page the patient comes back to opens at its top, with its question in sight, not slid to
/// where it was left: by Back, and by "Change" on the review page (200 % on 1024 × 768, where
/// the answers of a yes/no question need the page slid up).
#[test]
fn a_page_come_back_to_opens_at_its_question() {
    let q = load(KETAMINE);
    let t = strings("en");
    let idx = q.find("tms").unwrap();
    let question = q.item(idx).text.get("en").to_owned();
    let question_in_sight = |h: &Harness<'_, Kiosk>| {
        let top = h.get_by_label(t.bigger_text).rect().max.y;
        h.query_all_by(|n| {
            n.role() == Role::Label
                && n.bounding_box().is_some()
                && n.value().is_some_and(|v| v == question)
        })
        .any(|n| n.rect().min.y >= top - 0.5)
    };
    let (mut h, _dir) = kiosk_at(&q, "en", SCREENS[0], ZOOMS.len() - 1, false);
    let mut s = session_showing(&q, idx, "en").unwrap();
    s.jump(idx).unwrap();
    h.state_mut().open(s);
    h.run();
    assert!(question_in_sight(&h), "the page opens at its question");
    h.get_by_label(q.answer_labels.not_sure.get("en"))
        .scroll_to_me();
    h.run();
    click(&mut h, q.answer_labels.no.get("en"));
    assert!(
        !question_in_sight(&h),
        "the page was slid up to the answers"
    );
    click(&mut h, t.next);
    click(&mut h, t.back);
    assert!(question_in_sight(&h), "back on the page by Back");

    // The same page again from the review page.
    h.get_by_label(q.answer_labels.not_sure.get("en"))
        .scroll_to_me();
    h.run();
    h.state_mut().session_mut().unwrap().review();
    h.run();
    let change = format!("{}: {question}", t.change);
    let is_row = |n: &egui_kittest::kittest::AccessKitNode<'_>| {
        n.role() == Role::Button && n.label().is_some_and(|l| l.starts_with(&change))
    };
    h.get_by(is_row).scroll_to_me();
    h.run();
    h.get_by(is_row).click();
    h.run();
    h.run();
    assert!(question_in_sight(&h), "back on the page by Change");
}
