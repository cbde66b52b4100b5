//! The site settings a kiosk runs with, from the configuration file and the command line.

use super::locale::Locale;
use crate::config::Config;
use crate::storage::crypto::Recipients;
use crate::storage::sign::SigningKey;

/// Seconds without a touch or key before "Are you still here?" appears.
pub const IDLE_SECONDS: f64 = 120.0;

/// Seconds "Are you still here?" counts down before the session is wiped.
pub const COUNTDOWN_SECONDS: f64 = 30.0;

/// Seconds without a touch before the staff PIN pad or staff menu returns to Welcome, at most:
/// shorter than a patient's time, since a menu left open offers Quit to whoever comes next, and
/// nothing is lost by it (no countdown first). A shorter `idle_seconds` shortens it too.
pub const STAFF_IDLE_SECONDS: f64 = 60.0;

/// Site settings the kiosk runs with (from the configuration file and the command line).
#[derive(Clone, Debug)]
pub struct Settings {
    pub clinic_name: Option<String>,
    /// Languages offered on Welcome, first the default; empty means all of the questionnaire's.
    pub languages: Vec<String>,
    pub idle_seconds: f64,
    pub countdown_seconds: f64,
    /// Seconds without a touch before a staff screen returns to Welcome (see
    /// [`STAFF_IDLE_SECONDS`]).
    pub staff_idle_seconds: f64,
    /// Locked mode: fullscreen, no decorations, closing only through the staff menu.
    pub kiosk: bool,
    /// The staff PIN hash (`sha256:salt:hex`); `None` means the staff menu cannot be opened.
    pub staff_pin: Option<String>,
    /// The clinic's date order and units.
    pub locale: Locale,
    /// Public keys exports are encrypted to; empty: written unencrypted (the staff menu warns).
    pub recipients: Recipients,
    /// The kiosk's signing key: every summary and alert is signed with it. `None`: records
    /// are written unsigned and review says "not signed by a known kiosk".
    pub signer: Option<SigningKey>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            clinic_name: None,
            languages: Vec::new(),
            idle_seconds: IDLE_SECONDS,
            countdown_seconds: COUNTDOWN_SECONDS,
            staff_idle_seconds: STAFF_IDLE_SECONDS,
            kiosk: false,
            staff_pin: None,
            locale: Locale::default(),
            recipients: Recipients::default(),
            signer: None,
        }
    }
}

impl Settings {
    /// The settings of `config`; `signer` is its signing key, already loaded.
    pub fn from_config(
        config: &Config,
        languages: Vec<String>,
        kiosk: bool,
        signer: Option<SigningKey>,
    ) -> Self {
        Settings {
            clinic_name: config.clinic_name.clone(),
            languages,
            idle_seconds: f64::from(config.idle_seconds),
            countdown_seconds: f64::from(config.countdown_seconds),
            staff_idle_seconds: STAFF_IDLE_SECONDS.min(f64::from(config.idle_seconds)),
            kiosk,
            staff_pin: config.staff_pin.clone(),
            locale: Locale {
                date_order: config.date_order,
                units: config.units,
            },
            recipients: config.recipients.clone(),
            signer,
        }
    }
}
