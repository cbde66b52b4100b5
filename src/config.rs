//! The site configuration: one RON file a clinic's IT person edits (see `docs/configuration.md`
//! and the commented example `assets/config.example.ron`).
//!
//! Every field is optional; the command line overrides the file, the file overrides defaults.
//! A file with problems is reported with its line and column, never half-applied.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::engine::diagnostic::{Position, did_you_mean};
use crate::storage::crypto::Recipients;
use crate::storage::sign::KnownKiosk;
use crate::storage::{ReadError, read_bounded, sha256_hex};

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
    /// The order of the day, month and year boxes, and how dates are written to patients.
    #[serde(default)]
    pub date_order: DateOrder,
    /// Which of a measure's units the kiosk offers first (kg or lb, cm or ft + in).
    #[serde(default)]
    pub units: Units,
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
    /// On a kiosk: its signing key file (from `prescreen kiosk-keygen`). Every summary and
    /// alert it writes is signed with it; without one, records are written unsigned and
    /// review says so.
    #[serde(default)]
    pub signing_key: Option<PathBuf>,
    /// On the clinicians' computer: the clinic's kiosks by name and public key. Review names
    /// the kiosk that signed a record only when its key is listed here.
    #[serde(default)]
    pub kiosks: Vec<KnownKiosk>,
    /// On the clinicians' computer: a folder of questionnaire files (`*.ron`) besides the
    /// built-in one and `questionnaire`, so records made with them can be recomputed.
    #[serde(default)]
    pub questionnaires: Option<PathBuf>,
    /// Where `prescreen send` delivers records (see `docs/deployment.md`); none: records stay
    /// in the outbox folder only.
    #[serde(default)]
    pub fhir: Option<FhirConfig>,
}

/// A clinic's FHIR server, for `prescreen send`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FhirConfig {
    /// The server's base URL (`https://…/fhir/r4`); a transaction Bundle is POSTed to it.
    pub base_url: String,
    /// A file holding the bearer token (one line), readable only by the sender's account; the
    /// token itself is never written in the configuration.
    #[serde(default)]
    pub token_file: Option<PathBuf>,
    /// Seconds one request may take, connection included (default 30).
    #[serde(default = "default_fhir_timeout")]
    pub timeout_seconds: u32,
    /// Send records not signed by a known kiosk (default: refused, not sent).
    #[serde(default)]
    pub allow_unsigned: bool,
}

fn default_fhir_timeout() -> u32 {
    30
}

/// The order a clinic writes dates in. It orders the kiosk's day, month and year boxes and the
/// words of a date shown to a patient ("14 March 1955", "March 14, 1955"); answers are stored
/// as dates whatever the order.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
pub enum DateOrder {
    /// 14/03/1955 (most of the world; the default).
    #[default]
    DayMonthYear,
    /// 03/14/1955 (the United States).
    MonthDayYear,
    /// 1955-03-14 (ISO 8601; China, Japan, Korea, Sweden…).
    YearMonthDay,
}

/// The measuring units a clinic's patients know: a measure offers those first and opens on
/// them. A measure with none of them opens on its first unit; answers keep the unit chosen.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
pub enum Units {
    /// Kilograms, centimetres… (the default).
    #[default]
    Metric,
    /// Pounds, feet and inches… (United States customary units).
    Us,
}

impl Units {
    /// The unit ids (as questionnaires name them, see `docs/questionnaire-format.md`) a clinic
    /// with these units offers first.
    pub fn ids(self) -> &'static [&'static str] {
        match self {
            Units::Metric => &["kg", "g", "cm", "m", "mm", "l", "ml", "celsius"],
            Units::Us => &["lb", "oz", "ft_in", "ft", "in", "fahrenheit"],
        }
    }
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
            date_order: DateOrder::default(),
            units: Units::default(),
            staff_pin: None,
            kiosk: false,
            recipients: Recipients::default(),
            signing_key: None,
            kiosks: Vec::new(),
            questionnaires: None,
            fhir: None,
        }
    }
}

/// Why a configuration file was not used. Shown as `path: …` or `path:line:col: …`.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{}: cannot read: {source}", .path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: ReadError,
    },
    #[error("{}:{problem}", .path.display())]
    Invalid {
        path: PathBuf,
        #[source]
        problem: Problem,
    },
}

/// A problem inside configuration text, at its line and column.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{position}: {message}")]
pub struct Problem {
    pub position: Position,
    pub message: String,
}

impl Problem {
    fn at_start(message: &str) -> Problem {
        Problem {
            position: Position { line: 1, col: 1 },
            message: message.to_owned(),
        }
    }
}

/// A configured language the questionnaire does not have.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("language `{code}` is not in the questionnaire (it has {}){help}", .available.join(", "))]
pub struct UnknownLanguage {
    pub code: String,
    pub available: Vec<String>,
    help: String,
}

impl Config {
    /// Reads a config file.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let bytes = read_bounded(path, MAX_CONFIG_BYTES).map_err(|source| ConfigError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Config::parse(&bytes).map_err(|problem| ConfigError::Invalid {
            path: path.to_path_buf(),
            problem,
        })
    }

    /// Parses config text.
    pub fn parse(bytes: &[u8]) -> Result<Config, Problem> {
        let text = std::str::from_utf8(bytes).map_err(|_| Problem::at_start("not UTF-8 text"))?;
        let config: Config = crate::engine::ron_options().from_str(text).map_err(|e| {
            let d = crate::engine::ron_diagnostic(&e);
            let help = d.help.map(|h| format!(" ({h})")).unwrap_or_default();
            Problem {
                position: d.position,
                message: format!("{}{help}", d.message),
            }
        })?;
        if config.idle_seconds < 10 || config.countdown_seconds < 5 {
            return Err(Problem::at_start(
                "`idle_seconds` must be at least 10 and `countdown_seconds` at least 5",
            ));
        }
        if let Some(pin) = &config.staff_pin
            && PinHash::parse(pin).is_none()
        {
            return Err(Problem::at_start(
                "`staff_pin` is not a PIN hash; make one with `prescreen hash-pin`",
            ));
        }
        Ok(config)
    }

    /// The languages to offer: the configured ones the questionnaire has, else all of its own.
    /// Unknown codes are reported, not silently dropped.
    pub fn offered_languages(&self, available: &[String]) -> Result<Vec<String>, UnknownLanguage> {
        if self.languages.is_empty() {
            return Ok(available.to_vec());
        }
        if let Some(l) = self.languages.iter().find(|l| !available.contains(l)) {
            let help = did_you_mean(l, available.iter().map(String::as_str))
                .map(|h| format!(" ({h})"))
                .unwrap_or_default();
            return Err(UnknownLanguage {
                code: l.clone(),
                available: available.to_vec(),
                help,
            });
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
        let salt = crate::storage::hex(&salt);
        let digest = sha256_hex(format!("{salt}{pin}").as_bytes());
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
        let digest = sha256_hex(format!("{}{pin}", self.salt).as_bytes());
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
        let e = Config::parse(b"Config(idle_secnds: 60)")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("1:8: unknown field `idle_secnds`"), "{e}");
        assert!(e.contains("did you mean `idle_seconds`"), "{e}");
        assert!(
            Config::parse(b"Config(staff_pin: \"1234\")")
                .unwrap_err()
                .to_string()
                .contains("hash-pin")
        );
        assert!(Config::parse(b"Config(idle_seconds: 1)").is_err());
        assert_eq!(Config::parse(b"Config()").unwrap(), Config::default());
        let e = Config::parse(b"Config(date_order: MonthDayYer)")
            .unwrap_err()
            .to_string();
        assert!(e.contains("MonthDayYear"), "{e}");
    }

    #[test]
    fn a_us_clinic_sets_its_date_order_and_units() {
        let c = Config::parse(b"Config(date_order: MonthDayYear, units: Us)").unwrap();
        assert_eq!(c.date_order, DateOrder::MonthDayYear);
        assert_eq!(c.units, Units::Us);
        assert_eq!(Config::default().date_order, DateOrder::DayMonthYear);
        assert_eq!(Config::default().units, Units::Metric);
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
