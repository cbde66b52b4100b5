//! What both windows share: the bundled legible font, touch settings, the high-contrast
//! theme (`theme`), the measuring switches the scripts use (`measure`), and the pointer kept where
//! the finger is when the text size changes (`pointer`). The patient kiosk
//! and the clinician review window sit on top of this room and never import each other; this
//! room knows neither.

pub mod measure;
pub mod pointer;
pub mod theme;

use eframe::egui::{FontFamily, RichText};

/// Text in the bundled font's bold face (egui's `strong` only darkens the colour).
pub fn bold(text: impl Into<String>) -> RichText {
    RichText::new(text).family(FontFamily::Name("bold".into()))
}
