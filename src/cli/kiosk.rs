//! `prescreen` with no subcommand: the patient kiosk.

use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;

use crate::config::Config;
use crate::engine::SystemClock;

use super::{questionnaire, site};

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

/// Opens the patient kiosk. A questionnaire or configuration that does not load opens a
/// staff-facing error screen with the problems rather than failing to start.
pub fn run(args: &KioskArgs, err: &mut dyn Write) -> i32 {
    let (config, problem) = match site::config(args.config.as_deref()) {
        Ok(c) => (c, None),
        Err(e) => (Config::default(), Some(e)),
    };
    let questionnaire = args
        .questionnaire
        .as_deref()
        .or(config.questionnaire.as_deref());
    let q = match problem {
        Some(e) => Err(format!("The site configuration could not be read:\n\n{e}")),
        None => questionnaire::load(questionnaire).map_err(|e| e.to_string()),
    };
    let q = q.and_then(|q| {
        config
            .offered_languages(&q.languages)
            .map(|langs| (Arc::new(q), langs))
            .map_err(|e| format!("The site configuration: {e}"))
    });
    let chosen = args.outbox.clone().or_else(|| config.outbox.clone());
    // The default outbox is made on first use; a chosen one must exist (see `Kiosk::submit`).
    if chosen.is_none()
        && let Some(dir) = site::default_outbox()
        && let Err(e) = std::fs::create_dir_all(&dir)
    {
        let _ = writeln!(
            err,
            "warning: cannot create the outbox {}: {e}",
            dir.display()
        );
    }
    let Some(outbox) = chosen.or_else(site::default_outbox) else {
        let _ = writeln!(
            err,
            "error: this system has no data folder for the outbox; pass --outbox DIR"
        );
        return 2;
    };
    if outbox.is_dir() {
        site::clean_outbox(&outbox);
    }
    let kiosk_mode = args.kiosk || config.kiosk;
    let settings = match &q {
        Ok((_, languages)) => {
            crate::gui::Settings::from_config(&config, languages.clone(), kiosk_mode)
        }
        Err(_) => crate::gui::Settings::from_config(&config, Vec::new(), kiosk_mode),
    };
    match crate::gui::run(q.map(|(q, _)| q), outbox, Arc::new(SystemClock), settings) {
        Ok(()) => 0,
        Err(e) => {
            let _ = writeln!(err, "error: cannot open the window: {e}");
            2
        }
    }
}
