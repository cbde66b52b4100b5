//! The site configuration: one RON file a clinic's IT person edits (see `docs/configuration.md`
//! and the commented example `assets/config.example.ron`).
//!
//! Every field is optional; the command line overrides the file, the file overrides defaults.
//! A file with problems is reported with its line and column, never half-applied.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::crypto::Recipients;
use crate::engine::diagnostic::did_you_mean;

/// Config files larger than this are refused unread (a real one is a few hundred bytes).
pub const MAX_CONFIG_BYTES: u64 = 64 * 1024;

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename = "Config", deny_unknown_fields)]
pub struct Config {
    /// Shown on the welcome screen.
    #[serde(default)]
    pub clinic_name: Option<String>,
    /// The questionnaire to run (default: the built-in ketamine-candidacy questionnaire).
    #[serde(default)]
    pub questionnaire: Option<PathBuf>,
    /// Where summaries and alerts go (default: `<data dir>/prescreen/outbox`).
    #[serde(default)]
    pub outbox: Option<PathBuf>,
    /// Seconds without a touch before "Are you still here?" (default 120).
    #[serde(default = "default_idle")]
    pub idle_seconds: u32,
    /// Seconds that question counts down before the session is wiped (default 30).
    #[serde(default = "default_countdown")]
    pub countdown_seconds: u32,
    /// Languages offered, first the default (default: all the questionnaire has).
    #[serde(default)]
    pub languages: Vec<String>,
    /// The staff PIN as `prescreen hash-pin` prints it: `sha256:<salt>:<hex>`. Never the PIN.
    #[serde(default)]
    pub staff_pin: Option<String>,
    /// Locked kiosk mode: fullscreen, no decorations, closing only through the staff PIN.
    #[serde(default)]
    pub kiosk: bool,
    /// Public keys (`age1…`) exports are encrypted to; empty: exports are written unencrypted.
    /// Each is checked as the file is read, so a bad one is reported at its line and column.
    #[serde(default)]
    pub recipients: Recipients,
}

fn default_idle() -> u32 {
    120
}

fn default_countdown() -> u32 {
    30
}

impl Default for Config {
    fn default() -> Self {
        Config {
            clinic_name: None,
            questionnaire: None,
            outbox: None,
            idle_seconds: default_idle(),
            countdown_seconds: default_countdown(),
            languages: Vec::new(),
            staff_pin: None,
            kiosk: false,
            recipients: Recipients::default(),
        }
    }
}

impl Config {
    /// Reads a config file; the error is `path:line:col: message`, ready to show.
    pub fn load(path: &Path) -> Result<Config, String> {
        let shown = path.display();
        let bytes = match crate::engine::read_limited(path, MAX_CONFIG_BYTES) {
            Ok(Ok(b)) => b,
            Ok(Err(size)) => {
                return Err(format!(
                    "{shown}: file is {size} bytes; config files over {MAX_CONFIG_BYTES} bytes are refused"
                ));
            }
            Err(e) => return Err(format!("{shown}: cannot read: {e}")),
        };
        Config::parse(&bytes).map_err(|e| format!("{shown}:{e}"))
    }

    /// Parses config text; the error is `line:col: message`.
    pub fn parse(bytes: &[u8]) -> Result<Config, String> {
        let text = std::str::from_utf8(bytes).map_err(|_| "1:1: not UTF-8 text".to_owned())?;
        let config: Config = crate::engine::ron_options().from_str(text).map_err(|e| {
            let d = crate::engine::ron_diagnostic(&e);
            let help = d.help.map(|h| format!(" ({h})")).unwrap_or_default();
            format!("{}: {}{help}", d.position, d.message)
        })?;
        if config.idle_seconds < 10 || config.countdown_seconds < 5 {
            return Err(
                "1:1: `idle_seconds` must be at least 10 and `countdown_seconds` at least 5".into(),
            );
        }
        if let Some(pin) = &config.staff_pin
            && PinHash::parse(pin).is_none()
        {
            return Err(
                "1:1: `staff_pin` is not a PIN hash; make one with `prescreen hash-pin`".into(),
            );
        }
        Ok(config)
    }

    /// The languages to offer: the configured ones the questionnaire has, else all of its own.
    /// Unknown codes are reported, not silently dropped.
    pub fn offered_languages(&self, available: &[String]) -> Result<Vec<String>, String> {
        if self.languages.is_empty() {
            return Ok(available.to_vec());
        }
        for l in &self.languages {
            if !available.contains(l) {
                let help = did_you_mean(l, available.iter().map(String::as_str))
                    .map(|h| format!(" ({h})"))
                    .unwrap_or_default();
                return Err(format!(
                    "language `{l}` is not in the questionnaire (it has {}){help}",
                    available.join(", ")
                ));
            }
        }
        Ok(self.languages.clone())
    }

    /// Whether `pin` is the staff PIN. No PIN configured: staff access is refused.
    pub fn check_pin(&self, pin: &str) -> bool {
        pin_matches(self.staff_pin.as_deref(), pin)
    }
}

/// Whether `pin` matches a stored PIN hash; `None` (no PIN configured) never matches.
pub fn pin_matches(hash: Option<&str>, pin: &str) -> bool {
    hash.and_then(PinHash::parse)
        .is_some_and(|h| h.matches(pin))
}

/// `sha256:<salt>:<hex of sha256(salt + pin)>`.
pub struct PinHash {
    salt: String,
    digest: String,
}

impl PinHash {
    /// The stored form of `pin`, with a fresh random salt.
    pub fn hash(pin: &str) -> String {
        let mut salt = [0u8; 8];
        let _ = getrandom::fill(&mut salt);
        let salt = crate::engine::summary::hex(&salt);
        let digest =
            crate::engine::summary::hex(&Sha256::digest(format!("{salt}{pin}").as_bytes()));
        format!("sha256:{salt}:{digest}")
    }

    fn parse(s: &str) -> Option<PinHash> {
        let mut parts = s.split(':');
        let (Some("sha256"), Some(salt), Some(digest), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return None;
        };
        (digest.len() == 64 && digest.bytes().all(|b| b.is_ascii_hexdigit())).then(|| PinHash {
            salt: salt.to_owned(),
            digest: digest.to_ascii_lowercase(),
        })
    }

    fn matches(&self, pin: &str) -> bool {
        let digest =
            crate::engine::summary::hex(&Sha256::digest(format!("{}{pin}", self.salt).as_bytes()));
        // Compare every byte, so timing says nothing about how much matched.
        digest.len() == self.digest.len()
            && digest
                .bytes()
                .zip(self.digest.bytes())
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pin_hashes_verify_and_differ_by_salt() {
        let a = PinHash::hash("2468");
        let b = PinHash::hash("2468");
        assert_ne!(a, b, "salted");
        let config = Config {
            staff_pin: Some(a),
            ..Config::default()
        };
        assert!(config.check_pin("2468"));
        assert!(!config.check_pin("2469"));
        assert!(
            !Config::default().check_pin("2468"),
            "no PIN configured: no staff access"
        );
    }

    #[test]
    fn bad_files_say_where() {
        let e = Config::parse(b"Config(idle_secnds: 60)").unwrap_err();
        assert!(e.starts_with("1:8: unknown field `idle_secnds`"), "{e}");
        assert!(e.contains("did you mean `idle_seconds`"), "{e}");
        assert!(
            Config::parse(b"Config(staff_pin: \"1234\")")
                .unwrap_err()
                .contains("hash-pin")
        );
        assert!(Config::parse(b"Config(idle_seconds: 1)").is_err());
        assert_eq!(Config::parse(b"Config()").unwrap(), Config::default());
    }

    #[test]
    fn offered_languages_are_checked_against_the_questionnaire() {
        let available = vec!["en".to_owned(), "es".to_owned()];
        let config = Config {
            languages: vec!["es".into()],
            ..Config::default()
        };
        assert_eq!(config.offered_languages(&available).unwrap(), ["es"]);
        let config = Config {
            languages: vec!["fr".into()],
            ..Config::default()
        };
        assert!(config.offered_languages(&available).is_err());
        assert_eq!(
            Config::default().offered_languages(&available).unwrap(),
            available
        );
    }
}
