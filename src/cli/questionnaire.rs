//! The questionnaire a command works on: the file named, or the one compiled in.

use std::path::Path;

use crate::engine::{LoadError, Questionnaire};

/// The questionnaire the kiosk runs when none is named: compiled in, so the program works from
/// any folder.
pub const BUILT_IN: &[u8] = include_bytes!("../../questionnaires/ketamine_candidacy.ron");

/// How the built-in questionnaire is named in its diagnostics.
const BUILT_IN_NAME: &str = "ketamine_candidacy.ron (built in)";

/// Reads and validates the questionnaire at `path`, or the built-in one when there is none.
pub fn load(path: Option<&Path>) -> Result<Questionnaire, LoadError> {
    match path {
        Some(path) => Questionnaire::load(path),
        None => Questionnaire::from_bytes(BUILT_IN).map_err(|diagnostics| LoadError::Invalid {
            path: BUILT_IN_NAME.to_owned(),
            diagnostics,
        }),
    }
}
