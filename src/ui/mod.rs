//! What both windows share: the bundled legible font, touch settings, the high-contrast
//! theme (`theme`), and the measuring switches the scripts use (`measure`). The patient kiosk
//! and the clinician review window sit on top of this room and never import each other; this
//! room knows neither.

pub mod measure;
pub mod theme;

use eframe::egui::{FontFamily, RichText};

/// Text in the bundled font's bold face (egui's `strong` only darkens the colour).
pub fn bold(text: impl Into<String>) -> RichText {
    RichText::new(text).family(FontFamily::Name("bold".into()))
}
