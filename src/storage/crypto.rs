//! Encrypted exports: every use of the `age` format (X25519 keys) is here.
//!
//! A clinic makes one key pair on a clinician's computer (`prescreen keygen`). The public half,
//! the **recipient** (`age1…`), goes into the kiosk's site configuration; the kiosk then
//! encrypts each summary and alert to it and writes `<name>.summary.ron.age` or
//! `<name>.alert.ron.age`. The secret half, the **identity** file, stays with the clinicians:
//! the kiosk holds none, so a stolen kiosk disk or a copied outbox reveals nothing, not even to
//! the kiosk itself.
//!
//! Reading goes through [`read_record`], which returns the plain bytes of an export whether it
//! was encrypted or not; every reader (the inbox, the review window, other exporters) then runs
//! the same checks on those bytes. Decrypted text stays in memory: nothing here writes it to
//! disk.

use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use age::secrecy::ExposeSecret as _;
use age::x25519;
use chrono::{DateTime, SecondsFormat, Utc};
use zeroize::Zeroizing;

use super::names::is_encrypted;
use super::{MAX_RECORD_BYTES, ReadError, read_bounded};

/// Identity files larger than this are refused unread (a real one is about 200 bytes).
pub const MAX_IDENTITY_BYTES: u64 = 64 * 1024;

/// What every age file starts with.
const AGE_MAGIC: &[u8] = b"age-encryption.org/";

/// A problem with keys, or with encrypting or decrypting.
#[derive(Debug, thiserror::Error)]
pub enum CryptoError {
    /// A configured or typed recipient is not an `age1…` public key.
    #[error("{0}")]
    BadRecipient(String),
    #[error("the identity file {path} cannot be read: {source}")]
    IdentityUnreadable {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("the identity file {path} is not an age identity{detail}")]
    NotIdentity { path: PathBuf, detail: String },
    #[error(
        "{0} already exists; a key file is never overwritten (anything encrypted for the old key \
         could no longer be read)"
    )]
    KeyExists(PathBuf),
    #[error("cannot write the key file {path}: {source}")]
    KeyWrite {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot encrypt: {0}")]
    Encrypt(String),
    #[error("not an age file")]
    NotAge,
    #[error("wrong key: this file was encrypted for another key")]
    WrongKey,
    #[error("the encrypted file is damaged or cut off")]
    Damaged,
}

/// The public keys exports are encrypted to; empty means exports are written unencrypted.
///
/// In the site configuration it is a list of strings, each checked as it is read, so a
/// malformed one is reported at its line and column.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Recipients(Vec<x25519::Recipient>);

impl Recipients {
    /// Parses `age1…` public keys (surrounding spaces ignored).
    pub fn parse<S: AsRef<str>>(keys: &[S]) -> Result<Recipients, CryptoError> {
        keys.iter()
            .map(|k| parse_recipient(k.as_ref()))
            .collect::<Result<Vec<_>, _>>()
            .map(Recipients)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// These recipients and `other`'s, each once.
    pub fn merged(mut self, other: &Recipients) -> Recipients {
        for r in &other.0 {
            if !self.0.contains(r) {
                self.0.push(r.clone());
            }
        }
        self
    }

    /// The public keys as `age1…` text.
    pub fn keys(&self) -> Vec<String> {
        self.0.iter().map(ToString::to_string).collect()
    }

    /// Encrypts `plaintext` so that any one of the recipients' identities can read it.
    pub fn encrypt(&self, plaintext: &[u8]) -> Result<Vec<u8>, CryptoError> {
        let fail = |e: &dyn std::fmt::Display| CryptoError::Encrypt(e.to_string());
        let encryptor =
            age::Encryptor::with_recipients(self.0.iter().map(|r| r as &dyn age::Recipient))
                .map_err(|e| fail(&e))?;
        let mut sealed = Vec::with_capacity(plaintext.len() + 512);
        let mut writer = encryptor.wrap_output(&mut sealed).map_err(|e| fail(&e))?;
        writer.write_all(plaintext).map_err(|e| fail(&e))?;
        writer.finish().map_err(|e| fail(&e))?;
        Ok(sealed)
    }
}

impl<'de> serde::Deserialize<'de> for Recipients {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        /// One list element, parsed where it stands so an error carries its position.
        struct One(x25519::Recipient);
        impl<'de> serde::Deserialize<'de> for One {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let text = String::deserialize(d)?;
                parse_recipient(&text)
                    .map(One)
                    .map_err(serde::de::Error::custom)
            }
        }
        Ok(Recipients(
            Vec::<One>::deserialize(d)?
                .into_iter()
                .map(|o| o.0)
                .collect(),
        ))
    }
}

/// Parses one `age1…` public key. A secret key pasted by mistake is refused without being
/// repeated in the message.
pub fn parse_recipient(text: &str) -> Result<x25519::Recipient, CryptoError> {
    let text = text.trim();
    if text
        .get(..15)
        .is_some_and(|p| p.eq_ignore_ascii_case("AGE-SECRET-KEY-"))
    {
        return Err(CryptoError::BadRecipient(
            "a secret key (AGE-SECRET-KEY-1…) was given where a recipient belongs: give the \
             public key (`age1…`) that `prescreen keygen` printed, and keep the secret key off \
             the kiosk"
                .to_owned(),
        ));
    }
    text.parse::<x25519::Recipient>().map_err(|reason| {
        let shown: String = text.chars().take(80).collect();
        CryptoError::BadRecipient(format!(
            "`{shown}` is not an age recipient ({reason}); a recipient looks like `age1…`, as \
             `prescreen keygen` prints it"
        ))
    })
}

/// The secret keys a clinician opened the review with; empty when none were given.
#[derive(Clone, Default)]
pub struct Identities(Arc<Vec<Box<dyn age::Identity + Send + Sync>>>);

impl std::fmt::Debug for Identities {
    /// Never the keys themselves.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Identities({} keys)", self.0.len())
    }
}

impl Identities {
    /// Reads identity files in the standard age format (`AGE-SECRET-KEY-1…` lines; `#` comments).
    pub fn load(paths: &[PathBuf]) -> Result<Identities, CryptoError> {
        let mut all = Vec::new();
        for path in paths {
            all.extend(load_identity_file(path)?);
        }
        Ok(Identities(Arc::new(all)))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }
}

fn load_identity_file(
    path: &Path,
) -> Result<Vec<Box<dyn age::Identity + Send + Sync>>, CryptoError> {
    let unreadable = |source| CryptoError::IdentityUnreadable {
        path: path.to_path_buf(),
        source,
    };
    let not_identity = |detail: String| CryptoError::NotIdentity {
        path: path.to_path_buf(),
        detail,
    };
    let bytes = match read_bounded(path, MAX_IDENTITY_BYTES) {
        Ok(b) => Zeroizing::new(b),
        Err(ReadError::Io(source)) => return Err(unreadable(source)),
        Err(ReadError::NotAFile { kind }) => {
            return Err(not_identity(format!(" ({kind}, not a key file)")));
        }
        Err(ReadError::TooLarge { size, .. }) => {
            return Err(not_identity(format!(
                " (it is {size} bytes; an identity file is a few lines)"
            )));
        }
    };
    let Ok(text) = std::str::from_utf8(&bytes) else {
        return Err(not_identity(" (it is not text)".to_owned()));
    };
    let parsed = age::IdentityFile::from_buffer(text.as_bytes())
        .ok()
        .and_then(|f| f.into_identities().ok());
    match parsed {
        Some(ids) if !ids.is_empty() => Ok(ids),
        Some(_) => Err(not_identity(
            " (it holds no `AGE-SECRET-KEY-1…` line)".to_owned(),
        )),
        None => Err(not_identity(identity_file_problem(text))),
    }
}

/// Where an identity file goes wrong, for the message: never the line itself, which may be
/// part of a key.
fn identity_file_problem(text: &str) -> String {
    let bad = text.lines().enumerate().find(|(_, line)| {
        let line = line.trim();
        !line.is_empty() && !line.starts_with('#') && line.parse::<x25519::Identity>().is_err()
    });
    match bad {
        Some((n, line)) if line.trim().starts_with("age1") => format!(
            " (line {} is a public key `age1…`, which can only encrypt; give the secret key file \
             that `prescreen keygen` wrote)",
            n + 1
        ),
        Some((n, _)) => format!(" (line {} is not an `AGE-SECRET-KEY-1…` line)", n + 1),
        None => String::new(),
    }
}

/// Makes a new X25519 key and writes its identity file at `path`, readable only by its owner,
/// in the standard age format. Never replaces an existing file. Returns the public recipient.
pub fn generate_identity_file(
    path: &Path,
    created: DateTime<Utc>,
) -> Result<x25519::Recipient, CryptoError> {
    let identity = x25519::Identity::generate();
    let recipient = identity.to_public();
    let secret = identity.to_string();
    let text = Zeroizing::new(format!(
        "# created: {}\n# public key: {recipient}\n{}\n",
        created.to_rfc3339_opts(SecondsFormat::Secs, true),
        secret.expose_secret()
    ));

    super::write_new_private(path, text.as_bytes()).map_err(|source| {
        if source.kind() == std::io::ErrorKind::AlreadyExists {
            CryptoError::KeyExists(path.to_path_buf())
        } else {
            CryptoError::KeyWrite {
                path: path.to_path_buf(),
                source,
            }
        }
    })?;
    Ok(recipient)
}

/// Decrypts an age file with any of `identities`.
pub fn decrypt(sealed: &[u8], identities: &Identities) -> Result<Vec<u8>, CryptoError> {
    if !sealed.starts_with(AGE_MAGIC) {
        return Err(CryptoError::NotAge);
    }
    let decryptor = age::Decryptor::new_buffered(sealed).map_err(|_| CryptoError::Damaged)?;
    let mut reader = decryptor
        .decrypt(
            identities
                .0
                .iter()
                .map(|i| i.as_ref() as &dyn age::Identity),
        )
        .map_err(|e| match e {
            age::DecryptError::NoMatchingKeys => CryptoError::WrongKey,
            _ => CryptoError::Damaged,
        })?;
    let mut plain = Vec::with_capacity(sealed.len());
    reader
        .read_to_end(&mut plain)
        .map_err(|_| CryptoError::Damaged)?;
    Ok(plain)
}

/// Why an export file's bytes could not be had. The messages are for an inbox row.
#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    #[error("cannot read the file: {0}")]
    Read(#[source] std::io::Error),
    #[error("cannot read the file: {0}")]
    NotAFile(#[source] ReadError),
    #[error("file is {size} bytes; summaries larger than {limit} bytes are refused")]
    TooLarge { size: u64, limit: u64 },
    /// Encrypted, and no identity was given.
    #[error("encrypted: open the review with --identity FILE")]
    Locked,
    #[error("cannot decrypt: {}", decrypt_reason(.0))]
    Decrypt(#[source] CryptoError),
}

fn decrypt_reason(e: &CryptoError) -> String {
    match e {
        CryptoError::WrongKey => "encrypted for another key".to_owned(),
        other => other.to_string(),
    }
}

/// The bytes of an export (summary or alert record) as written before any encryption: an
/// encrypted file (`….age`) is decrypted with `identities`, in memory only; a plain file is
/// returned as read. Files over the summary size limit are refused by their size, before
/// anything is read or decrypted. The caller then reads the bytes exactly as for a plain file
/// (`Summary::read`, `SummaryHead::read`, `UrgentAlert::from_ron`).
///
/// A command that takes `--identity FILE` (repeatable) reads a summary like this:
///
/// ```text
/// let identities = Identities::load(&identity_paths)?;   // empty list: no keys
/// let bytes = crypto::read_record(&path, &identities)?;  // RecordError says why not
/// let (summary, integrity) = Summary::read(&bytes)?;
/// ```
pub fn read_record(path: &Path, identities: &Identities) -> Result<Vec<u8>, RecordError> {
    let encrypted = is_encrypted(path);
    if encrypted && identities.is_empty() {
        return Err(RecordError::Locked);
    }
    let bytes = read_bounded(path, MAX_RECORD_BYTES).map_err(|e| match e {
        ReadError::Io(e) => RecordError::Read(e),
        ReadError::TooLarge { size, limit } => RecordError::TooLarge { size, limit },
        e @ ReadError::NotAFile { .. } => RecordError::NotAFile(e),
    })?;
    if !encrypted {
        return Ok(bytes);
    }
    decrypt(&bytes, identities).map_err(RecordError::Decrypt)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_to_two_recipients_and_wrong_keys() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.key");
        let b = dir.path().join("b.key");
        let c = dir.path().join("c.key");
        let now = Utc::now();
        let ra = generate_identity_file(&a, now).unwrap();
        let rb = generate_identity_file(&b, now).unwrap();
        generate_identity_file(&c, now).unwrap();
        let recipients = Recipients::parse(&[ra.to_string(), rb.to_string()]).unwrap();
        let sealed = recipients.encrypt(b"Summary(...)").unwrap();
        for key in [&a, &b] {
            let ids = Identities::load(std::slice::from_ref(key)).unwrap();
            assert_eq!(decrypt(&sealed, &ids).unwrap(), b"Summary(...)");
        }
        let other = Identities::load(&[c]).unwrap();
        assert!(matches!(
            decrypt(&sealed, &other),
            Err(CryptoError::WrongKey)
        ));
        assert!(matches!(
            decrypt(b"Summary(...)", &other),
            Err(CryptoError::NotAge)
        ));
        assert!(matches!(
            decrypt(
                &sealed[..sealed.len() - 10],
                &Identities::load(&[a]).unwrap()
            ),
            Err(CryptoError::Damaged)
        ));
    }

    #[test]
    fn secret_keys_and_junk_are_not_recipients() {
        let e = parse_recipient("AGE-SECRET-KEY-1QQQQ")
            .unwrap_err()
            .to_string();
        assert!(e.contains("secret key") && !e.contains("1QQQQ"), "{e}");
        let e = parse_recipient("age1nope").unwrap_err().to_string();
        assert!(e.contains("`age1nope` is not an age recipient"), "{e}");
    }

    #[test]
    fn identity_files_that_are_not_say_why() {
        let dir = tempfile::tempdir().unwrap();
        let key = dir.path().join("k.key");
        let recipient = generate_identity_file(&key, Utc::now()).unwrap();
        let public = dir.path().join("public.txt");
        std::fs::write(&public, format!("{recipient}\n")).unwrap();
        let e = Identities::load(&[public]).unwrap_err().to_string();
        assert!(
            e.contains("is not an age identity") && e.contains("line 1"),
            "{e}"
        );
        let e = Identities::load(&[dir.path().join("missing.key")])
            .unwrap_err()
            .to_string();
        assert!(e.contains("cannot be read"), "{e}");
    }
}
