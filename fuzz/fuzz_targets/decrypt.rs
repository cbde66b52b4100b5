//! Decryption of records (what the review window does with `*.ron.age` from a shared folder):
//! any input is refused or decrypted without a panic, and what decrypts is read as a summary
//! or alert record with the same checks as a plain file. The identity is `fuzz/identity.key`,
//! a key made for fuzzing only (never a clinic's); the seeds are encrypted to it, so mutations
//! start from files that open.
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use prescreen::engine::{Summary, UrgentAlert};
use prescreen::storage::crypto::{self, Identities};

fn identities() -> &'static Identities {
    static IDS: OnceLock<Identities> = OnceLock::new();
    IDS.get_or_init(|| {
        ["fuzz/identity.key", "identity.key"]
            .into_iter()
            .map(PathBuf::from)
            .find(|p| p.exists())
            .and_then(|p| Identities::load(&[p]).ok())
            .unwrap_or_default()
    })
}

fuzz_target!(|data: &[u8]| {
    if let Ok(plain) = crypto::decrypt(data, identities()) {
        let _ = Summary::read(&plain);
        let _ = UrgentAlert::read(&plain);
    }
});
