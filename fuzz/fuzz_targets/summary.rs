//! The summary and alert readers (what the clinician window opens from a shared folder).
#![no_main]

use libfuzzer_sys::fuzz_target;
use prescreen::engine::summary::SummaryHead;
use prescreen::engine::{Summary, UrgentAlert};

fuzz_target!(|data: &[u8]| {
    let full = Summary::read(data);
    let head = SummaryHead::read(data);
    // The inbox (head) and the view (full) must agree on whether a file is a readable summary
    // and on its integrity, or the list would promise what the view cannot show.
    if let (Ok((_, a)), Ok((_, b))) = (&full, &head) {
        assert_eq!(a, b);
    }
    if full.is_ok() {
        assert!(head.is_ok(), "a full summary whose head does not read");
    }
    let _ = UrgentAlert::read(data);
});
