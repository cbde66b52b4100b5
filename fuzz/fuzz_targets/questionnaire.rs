//! The questionnaire loader: parse, validate, and render every diagnostic with its position.
#![no_main]

use libfuzzer_sys::fuzz_target;
use prescreen::engine::{Questionnaire, diagnostic};

fuzz_target!(|data: &[u8]| {
    if let Err(diagnostics) = Questionnaire::from_bytes(data) {
        let _ = diagnostic::render_all(&diagnostics, "fuzz.ron");
    }
});
