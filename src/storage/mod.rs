//! The lowest room: how records, keys and settings meet the disk.
//!
//! Everything the program reads goes through [`read_bounded`], which refuses a path that is
//! not a regular file (a folder, a device, a FIFO) at once and never reads more than a limit;
//! everything it writes goes through [`atomic`], which writes a temporary file, flushes it and
//! renames it into place. The one file that grows — the audit log — goes through [`append`]:
//! a whole line appended under a lock after reading only the file's tail, and read back one
//! bounded line at a time. File names of exports ([`names`]), hex digests ([`hex`]) and the
//! age encryption of exports ([`crypto`]) and the kiosks' signing keys ([`sign`]) sit here too, so the outbox writer and the inbox
//! reader share one definition of each.
//!
//! Nothing here knows what a questionnaire or a summary is: this room is below the engine.

pub mod append;
pub mod atomic;
mod bounded;
pub mod crypto;
pub mod names;
pub mod sign;

pub use atomic::{WriteError, clean_abandoned, replace_atomic, write_atomic, write_new_private};
pub use bounded::{ReadError, read_bounded};

use sha2::{Digest, Sha256};

/// Exports (summaries and alert records) larger than this are refused by every reader, before
/// anything is read or decrypted.
pub const MAX_RECORD_BYTES: u64 = 8 * 1024 * 1024;

/// Lowercase hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// The SHA-256 of `bytes` in lowercase hex: the digest recorded for questionnaires, summaries
/// and review marks.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_is_lowercase_and_two_digits_a_byte() {
        assert_eq!(hex(&[0x00, 0x0f, 0xab, 0xff]), "000fabff");
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }
}
