//! The answers-file loader, and `fill` with what it accepts: answers applied to the shipped
//! questionnaire exactly as a patient would meet the questions, then summarised.
#![no_main]

use std::sync::{Arc, OnceLock};

use libfuzzer_sys::fuzz_target;
use prescreen::engine::answers_file::{AnswersFile, fill};
use prescreen::engine::{FixedClock, Questionnaire, Summary};

fn questionnaire() -> Option<Arc<Questionnaire>> {
    static Q: OnceLock<Option<Arc<Questionnaire>>> = OnceLock::new();
    Q.get_or_init(|| Questionnaire::from_bytes(prescreen::cli::BUILT_IN).ok().map(Arc::new))
        .clone()
}

fuzz_target!(|data: &[u8]| {
    let Ok(file) = AnswersFile::parse(data) else {
        return;
    };
    let Some(q) = questionnaire() else { return };
    let at = chrono::DateTime::from_timestamp(1_795_000_000, 0).unwrap_or_default();
    if let Ok(session) = fill(q, file, "en", Arc::new(FixedClock::new(at))) {
        let text = Summary::build(&session, at).to_ron();
        assert!(Summary::from_ron(text.as_bytes()).is_ok(), "a summary we wrote must read back");
    }
});
