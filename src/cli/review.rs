//! `prescreen review`: the clinician window on the inbox of summaries and urgent alerts.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::engine::SystemClock;
use crate::storage::crypto::Identities;

use super::{CliError, site};

#[derive(Debug, clap::Args)]
pub struct ReviewArgs {
    /// A summary file or a folder (default: the configured outbox).
    #[arg(value_name = "PATH")]
    pub path: Option<PathBuf>,
    /// The site configuration, for its outbox, kiosks and questionnaires (default as for the
    /// kiosk).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// An identity file (from `prescreen keygen`) that opens encrypted exports; may be
    /// given more than once.
    #[arg(long, value_name = "FILE")]
    pub identity: Vec<PathBuf>,
    /// Minutes after which an urgent alert nobody has acknowledged is marked overdue and the
    /// window asks for attention again.
    #[arg(long, value_name = "MINUTES", default_value_t = crate::review::alerts::DEFAULT_OVERDUE_MINUTES)]
    pub overdue_minutes: u32,
}

/// Opens the window on the file or folder named, or the configured outbox. `config` is the
/// site configuration named before the subcommand, used when `args` names none.
pub fn run(args: &ReviewArgs, config: Option<&Path>) -> Result<(), CliError> {
    let identities = Identities::load(&args.identity)?;
    let config = site::config(args.config.as_deref().or(config))?;
    let path = args
        .path
        .clone()
        .or_else(|| config.outbox.clone())
        .or_else(site::default_outbox)
        .ok_or_else(|| CliError::failed("this system has no data folder; name a folder or file"))?;
    if !path.exists() {
        return Err(CliError::failed(format_args!(
            "{} does not exist",
            path.display()
        )));
    }
    // The kiosks and questionnaires this installation knows: records are judged by who signed
    // them and recomputed with their questionnaire.
    let known = site::known(&config);
    crate::review::run(
        Some(path),
        known,
        identities,
        Arc::new(SystemClock),
        args.overdue_minutes,
    )
    .map_err(CliError::window)
}
