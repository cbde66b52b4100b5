//! `prescreen` with no subcommand: the patient kiosk.

use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;

use crate::config::Config;
use crate::engine::{Questionnaire, SystemClock};
use crate::storage::sign::SigningKey;

use super::{CliError, questionnaire, site};

#[derive(Debug, clap::Args)]
pub struct KioskArgs {
    /// With no subcommand: the questionnaire the kiosk runs (default: the built-in
    /// ketamine-candidacy questionnaire).
    #[arg(long, value_name = "FILE")]
    pub questionnaire: Option<PathBuf>,
    /// With no subcommand: the folder summaries and alerts are written to (default: the outbox).
    #[arg(long, value_name = "DIR")]
    pub outbox: Option<PathBuf>,
    /// With no subcommand: the site configuration (default: `<config dir>/prescreen/config.ron`
    /// when it exists). See docs/configuration.md.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// With no subcommand: locked kiosk mode (fullscreen; closing only through the staff PIN).
    #[arg(long)]
    pub kiosk: bool,
}

/// The questionnaire with the languages the site offers and the kiosk's signing key, or the
/// problem the staff screen shows.
type Opened = Result<(Arc<Questionnaire>, Vec<String>, Option<SigningKey>), String>;

/// Opens the kiosk. A questionnaire or configuration that does not load opens a staff-facing
/// error screen with the problems rather than failing to start.
pub fn run(args: &KioskArgs, err: &mut dyn Write) -> Result<(), CliError> {
    let (config, q) = open(args);
    let chosen = args.outbox.clone().or_else(|| config.outbox.clone());
    let outbox = match chosen {
        Some(dir) => dir,
        None => {
            let dir = site::default_outbox().ok_or_else(|| {
                CliError::failed("this system has no data folder for the outbox; pass --outbox DIR")
            })?;
            // The default outbox is made on first use; a chosen one must exist (see
            // `Kiosk::submit`).
            if let Err(e) = std::fs::create_dir_all(&dir) {
                let _ = writeln!(
                    err,
                    "warning: cannot create the outbox {}: {e}",
                    dir.display()
                );
            }
            dir
        }
    };
    if outbox.is_dir() {
        site::clean_outbox(&outbox);
    }
    let (languages, signer) = match &q {
        Ok((_, l, k)) => (l.clone(), k.clone()),
        Err(_) => (Vec::new(), None),
    };
    let settings =
        crate::kiosk::Settings::from_config(&config, languages, args.kiosk || config.kiosk, signer);
    crate::kiosk::run(
        q.map(|(q, _, _)| q),
        outbox,
        Arc::new(SystemClock),
        settings,
    )
    .map_err(CliError::window)
}

/// The site configuration (the defaults when it does not load) and what the kiosk runs.
fn open(args: &KioskArgs) -> (Config, Opened) {
    let config = match site::config(args.config.as_deref()) {
        Ok(c) => c,
        Err(e) => {
            let problem = format!("The site configuration could not be read:\n\n{e}");
            return (Config::default(), Err(problem));
        }
    };
    let path = args
        .questionnaire
        .as_deref()
        .or(config.questionnaire.as_deref());
    // A kiosk configured to sign that cannot load its key does not run unsigned unnoticed.
    let signer = match &config.signing_key {
        Some(p) => match SigningKey::load(p) {
            Ok(k) => Ok(Some(k)),
            Err(e) => Err(format!("The site configuration's `signing_key`: {e}")),
        },
        None => Ok(None),
    };
    let q = questionnaire::load(path)
        .map_err(|e| e.to_string())
        .and_then(|q| {
            config
                .offered_languages(&q.languages)
                .map(|langs| (Arc::new(q), langs))
                .map_err(|e| format!("The site configuration: {e}"))
        })
        .and_then(|(q, langs)| signer.map(|k| (q, langs, k)));
    (config, q)
}
