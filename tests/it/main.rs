//! prescreen's integration tests: one crate, one module per area.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod architecture;
mod cli;
mod clinical;
mod encryption;
mod export;
mod faults;
mod hostile;
mod kiosk;
mod privacy;
mod properties;
mod review;
mod scale;
mod scenario;
mod scenarios;
mod summary;
mod taps;
mod validation;
mod window;

use std::path::{Path, PathBuf};

/// The repository root.
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A path relative to the repository root.
pub fn repo(rel: &str) -> PathBuf {
    root().join(rel)
}

/// A summary's text, built once, for tests that mutate it.
pub fn summary_sample_text() -> &'static String {
    static TEXT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    TEXT.get_or_init(|| {
        scenario::Scenario::demo()
            .answer("full_name", prescreen::engine::Answer::Text("Ana".into()))
            .answer("smoker", prescreen::engine::Answer::No)
            .summary()
            .to_ron()
    })
}
