//! prescreen's integration tests: one crate, one module per area.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod architecture;
mod audit;
mod cli;
mod clinical;
mod deliver;
mod encryption;
mod export;
mod faults;
mod fhir_server;
mod generated;
mod hostile;
mod kiosk;
mod layout;
mod privacy;
mod properties;
mod review;
mod scale;
mod scenario;
mod scenarios;
mod summary;
mod taps;
mod trust;
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

/// The test kiosk's signing key (the same every run, so signed golden files are stable).
pub fn kiosk_key() -> prescreen::storage::sign::SigningKey {
    prescreen::storage::sign::SigningKey::from_seed([7; 32])
}

/// The name the test configuration gives the test kiosk.
pub const KIOSK_NAME: &str = "Front desk 1";

/// What a clinic that lists the test kiosk and knows the built-in questionnaire trusts.
pub fn known() -> prescreen::inbox::Known {
    let q = prescreen::engine::Questionnaire::from_bytes(prescreen::cli::BUILT_IN).unwrap();
    prescreen::inbox::Known {
        kiosks: vec![prescreen::storage::sign::KnownKiosk {
            name: KIOSK_NAME.to_owned(),
            key: kiosk_key().public(),
        }],
        library: prescreen::engine::recheck::Library::new(vec![std::sync::Arc::new(q)]),
    }
}

/// The checks of a record signed by the test kiosk and consistent with its answers.
pub fn trusted() -> prescreen::export::Checks {
    prescreen::export::Checks {
        trust: prescreen::export::Trust::Signed {
            kiosk: KIOSK_NAME.to_owned(),
        },
        consistency: prescreen::export::Consistency::Consistent,
    }
}

/// A review configuration listing the test kiosk, written once, for `prescreen --config`.
pub fn review_config() -> &'static str {
    static PATH: std::sync::OnceLock<(tempfile::TempDir, String)> = std::sync::OnceLock::new();
    &PATH
        .get_or_init(|| {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("review.ron");
            std::fs::write(
                &path,
                format!(
                    "Config(kiosks: [(name: \"{KIOSK_NAME}\", key: \"{}\")])",
                    kiosk_key().public()
                ),
            )
            .unwrap();
            let shown = path.to_str().unwrap().to_owned();
            (dir, shown)
        })
        .1
}
