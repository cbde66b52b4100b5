//! The summary as one self-contained, printable HTML file.
//!
//! Built from an askama template (`templates/summary.html`), which escapes every value it
//! inserts: a patient's `<`, `&`, `"` or `'` reaches the page as text, never as markup. No HTML
//! is assembled by hand here. The styles are inline (no external files, fonts or scripts), and
//! print styles keep the page within A4 and US Letter alike; see `templates/summary.css`.

use askama::Template;

use super::Checks;
use super::view::{AnswerView, DECLINED, NOT_ANSWERED, NOTICES, View};
use crate::engine::summary::Summary;

#[derive(Template)]
#[template(path = "summary.html")]
struct Page<'a> {
    v: View<'a>,
}

/// Renders a summary as an HTML page. `checks` is what the caller found when reading it; a
/// summary not signed by a known kiosk, altered or inconsistent carries a warning at the top.
pub fn render(summary: &Summary, checks: &Checks) -> String {
    let page = Page {
        v: View::of(summary, checks),
    };
    // Rendering fails only if a value's `Display` fails; every value here is a string or a
    // number, whose `Display` cannot. An empty page would still be noticed, never mistaken for
    // a summary.
    page.render().unwrap_or_default()
}
