//! Signature checking: edits to a record a kiosk signed. The input is a list of edits (two
//! bytes of offset, one byte of value) applied to a genuine signed summary; whatever the edits,
//! a record whose bytes differ from what the kiosk signed must never read as signed by it.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use prescreen::engine::summary::Integrity;
use prescreen::engine::{Summary, UrgentAlert};
use prescreen::storage::sign::SigningKey;

fn key() -> SigningKey {
    SigningKey::from_seed([7; 32])
}

/// A genuine summary, signed: the smallest session of the shipped questionnaire.
fn genuine() -> &'static [u8] {
    static TEXT: OnceLock<Vec<u8>> = OnceLock::new();
    TEXT.get_or_init(|| {
        let text = std::fs::read("fuzz/corpus/signature-base/summary.ron")
            .or_else(|_| std::fs::read("corpus/signature-base/summary.ron"))
            .unwrap_or_default();
        match Summary::read(&text) {
            Ok((s, _)) => s.sealed(Some(&key())).into_bytes(),
            Err(_) => Vec::new(),
        }
    })
}

fuzz_target!(|data: &[u8]| {
    let base = genuine();
    if base.is_empty() {
        return;
    }
    let mut bytes = base.to_vec();
    for edit in data.chunks_exact(3) {
        let at = usize::from(u16::from_le_bytes([edit[0], edit[1]])) * 7 % bytes.len();
        bytes[at] = edit[2];
    }
    let me = key().public();
    if let Ok((_, integrity)) = Summary::read(&bytes)
        && integrity == (Integrity::Intact { signed_by: Some(me) })
    {
        assert_eq!(bytes, base, "an edited record reads as signed by the kiosk");
    }
    // The same bytes as an alert record: no panic, and never signed by the kiosk.
    if let Ok((_, integrity)) = UrgentAlert::read(&bytes) {
        assert_ne!(integrity, Integrity::Intact { signed_by: Some(me) });
    }
});
