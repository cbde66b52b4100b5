//! Kiosk signatures: each kiosk has its own Ed25519 key and signs every record it writes, so a
//! clinician can tell a record a kiosk of the clinic wrote from one anybody with write access
//! to the outbox made. A digest alone cannot tell them apart: anyone can recompute it.
//!
//! Keys are text. The public key, which goes into the review configuration's `kiosks` list, is
//! `ed25519:<64 hex digits>`; the secret key file holds one line `ed25519-secret:<64 hex>`
//! after two comment lines (created, public key), written owner-only and never over an
//! existing file, as `keygen` does for the encryption identity.

use std::fmt;
use std::path::{Path, PathBuf};

use chrono::{DateTime, SecondsFormat, Utc};
use ed25519_dalek::Signer as _;
use zeroize::Zeroizing;

use super::{ReadError, hex, read_bounded};

/// The prefix of a public kiosk key.
pub const PUBLIC_PREFIX: &str = "ed25519:";
const SECRET_PREFIX: &str = "ed25519-secret:";
/// A signing key file is three short lines.
const MAX_KEY_FILE_BYTES: u64 = 4 * 1024;

/// What can go wrong with kiosk keys.
#[derive(Debug, thiserror::Error)]
pub enum SignError {
    #[error("{} already exists; a signing key is never overwritten", .0.display())]
    KeyExists(PathBuf),
    #[error("cannot write the signing key {}: {source}", .path.display())]
    KeyWrite {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot read the signing key {}: {source}", .path.display())]
    KeyRead {
        path: PathBuf,
        #[source]
        source: ReadError,
    },
    #[error(
        "{} is not a kiosk signing key (make one with `prescreen kiosk-keygen`)",
        .0.display()
    )]
    NotAKey(PathBuf),
    #[error("the system's random number generator failed: {0}")]
    Random(String),
}

/// A kiosk's public key, as listed in the review configuration.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct PublicKey(ed25519_dalek::VerifyingKey);

impl PublicKey {
    /// Parses `ed25519:<64 hex>`.
    pub fn parse(text: &str) -> Option<PublicKey> {
        let bytes: [u8; 32] = unhex(text.trim().strip_prefix(PUBLIC_PREFIX)?)?;
        ed25519_dalek::VerifyingKey::from_bytes(&bytes)
            .ok()
            .map(PublicKey)
    }

    /// Whether `signature` (128 hex digits) is this key's signature of `message`.
    pub fn verifies(&self, message: &[u8], signature: &str) -> bool {
        let Some(bytes) = unhex::<64>(signature) else {
            return false;
        };
        let signature = ed25519_dalek::Signature::from_bytes(&bytes);
        self.0.verify_strict(message, &signature).is_ok()
    }
}

impl fmt::Display for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{PUBLIC_PREFIX}{}", hex(self.0.as_bytes()))
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey({self})")
    }
}

/// A kiosk the clinic lists in its review configuration: `(name: "Front desk 1", key:
/// "ed25519:…")`. A bad key is refused as the file is read, at its line and column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KnownKiosk {
    pub name: String,
    pub key: PublicKey,
}

impl<'de> serde::Deserialize<'de> for KnownKiosk {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Raw {
            name: String,
            key: String,
        }
        let raw = Raw::deserialize(d)?;
        let key = PublicKey::parse(&raw.key).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "kiosk `{}`: `{}` is not a kiosk public key (`ed25519:` and 64 hex digits, as `prescreen kiosk-keygen` prints it)",
                raw.name, raw.key
            ))
        })?;
        if raw.name.trim().is_empty() || raw.name.chars().any(char::is_control) {
            return Err(serde::de::Error::custom(
                "a kiosk's `name` must be a non-empty line of plain text",
            ));
        }
        Ok(KnownKiosk {
            name: raw.name,
            key,
        })
    }
}

/// A kiosk's secret signing key, loaded from its file. Its `Debug` never shows the secret.
#[derive(Clone)]
pub struct SigningKey(ed25519_dalek::SigningKey);

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SigningKey({})", self.public())
    }
}

impl SigningKey {
    /// A fresh key from the operating system's random number generator.
    pub fn generate() -> Result<SigningKey, SignError> {
        let mut seed = Zeroizing::new([0u8; 32]);
        getrandom::fill(seed.as_mut()).map_err(|e| SignError::Random(e.to_string()))?;
        Ok(SigningKey(ed25519_dalek::SigningKey::from_bytes(&seed)))
    }

    /// The key with this seed: for fixtures and tests, which need the same key every run. A
    /// kiosk's key comes from [`SigningKey::generate`].
    pub fn from_seed(seed: [u8; 32]) -> SigningKey {
        SigningKey(ed25519_dalek::SigningKey::from_bytes(&seed))
    }

    pub fn public(&self) -> PublicKey {
        PublicKey(self.0.verifying_key())
    }

    /// The signature of `message`, as 128 lowercase hex digits.
    pub fn sign(&self, message: &[u8]) -> String {
        hex(&self.0.sign(message).to_bytes())
    }

    /// Reads a key file written by [`SigningKey::write_new`].
    pub fn load(path: &Path) -> Result<SigningKey, SignError> {
        let bytes = Zeroizing::new(read_bounded(path, MAX_KEY_FILE_BYTES).map_err(|source| {
            SignError::KeyRead {
                path: path.to_path_buf(),
                source,
            }
        })?);
        let not_a_key = || SignError::NotAKey(path.to_path_buf());
        let text = std::str::from_utf8(&bytes).map_err(|_| not_a_key())?;
        let secret = text
            .lines()
            .map(str::trim)
            .find_map(|l| l.strip_prefix(SECRET_PREFIX))
            .ok_or_else(not_a_key)?;
        let seed = Zeroizing::new(unhex::<32>(secret).ok_or_else(not_a_key)?);
        Ok(SigningKey(ed25519_dalek::SigningKey::from_bytes(&seed)))
    }

    /// Writes this key to a new file readable only by its owner (never over an existing one).
    pub fn write_new(&self, path: &Path, created: DateTime<Utc>) -> Result<(), SignError> {
        let text = Zeroizing::new(format!(
            "# prescreen kiosk signing key, created {}\n# public key: {}\n{SECRET_PREFIX}{}\n",
            created.to_rfc3339_opts(SecondsFormat::Secs, true),
            self.public(),
            hex(self.0.as_bytes()),
        ));
        super::write_new_private(path, text.as_bytes()).map_err(|source| {
            if source.kind() == std::io::ErrorKind::AlreadyExists {
                SignError::KeyExists(path.to_path_buf())
            } else {
                SignError::KeyWrite {
                    path: path.to_path_buf(),
                    source,
                }
            }
        })?;
        Ok(())
    }
}

/// `N` bytes from exactly `2 N` hex digits (either case).
fn unhex<const N: usize>(text: &str) -> Option<[u8; N]> {
    let digits = text.as_bytes();
    if digits.len() != 2 * N {
        return None;
    }
    let mut out = [0u8; N];
    for (byte, pair) in out.iter_mut().zip(digits.chunks_exact(2)) {
        let pair = std::str::from_utf8(pair).ok()?;
        *byte = u8::from_str_radix(pair, 16).ok()?;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_verifies_only_for_its_key_and_message() {
        let key = SigningKey::generate().unwrap();
        let other = SigningKey::generate().unwrap();
        let sig = key.sign(b"record");
        assert_eq!(sig.len(), 128);
        assert!(key.public().verifies(b"record", &sig));
        assert!(!key.public().verifies(b"recorD", &sig));
        assert!(!other.public().verifies(b"record", &sig));
        assert!(!key.public().verifies(b"record", &sig[..126]));
        assert!(!key.public().verifies(b"record", "zz"));
    }

    #[test]
    fn public_keys_round_trip_as_text_and_bad_ones_are_refused() {
        let key = SigningKey::generate().unwrap().public();
        let text = key.to_string();
        assert!(
            text.starts_with("ed25519:") && text.len() == 8 + 64,
            "{text}"
        );
        assert_eq!(PublicKey::parse(&text), Some(key));
        let upper = format!("ed25519:{}", text["ed25519:".len()..].to_uppercase());
        assert_eq!(PublicKey::parse(&upper), Some(key));
        assert_eq!(PublicKey::parse(&text[..70]), None);
        assert_eq!(PublicKey::parse("age1qqqq"), None);
    }

    #[test]
    fn key_files_are_owner_only_never_overwritten_and_load_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("kiosk.key");
        let key = SigningKey::generate().unwrap();
        key.write_new(&path, Utc::now()).unwrap();
        assert!(matches!(
            key.write_new(&path, Utc::now()),
            Err(SignError::KeyExists(_))
        ));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let loaded = SigningKey::load(&path).unwrap();
        assert_eq!(loaded.public(), key.public());
        std::fs::write(dir.path().join("bad"), "age-secret-key-1").unwrap();
        assert!(matches!(
            SigningKey::load(&dir.path().join("bad")),
            Err(SignError::NotAKey(_))
        ));
    }
}
