//! `prescreen send`: deliver the outbox's summaries and alerts to the clinic's FHIR server.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::deliver::{Sender, Server};
use crate::storage::crypto::Identities;
use crate::storage::read_bounded;

use super::{CliError, site};

#[derive(Debug, clap::Args)]
pub struct SendArgs {
    /// The outbox to send from (default: the configured outbox).
    #[arg(long, value_name = "DIR")]
    pub outbox: Option<PathBuf>,
    /// The site configuration, for `fhir`, `kiosks` and `questionnaires` (default as for the
    /// kiosk).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// An identity file (from `prescreen keygen`) that opens encrypted records; may be given
    /// more than once. Records are decrypted in memory only.
    #[arg(long, value_name = "FILE")]
    pub identity: Vec<PathBuf>,
    /// The FHIR server's base URL, instead of the configuration's `fhir.base_url`.
    #[arg(long, value_name = "URL")]
    pub server: Option<String>,
    /// One pass over the outbox, then exit. Without it the sender keeps watching the outbox
    /// (the service mode).
    #[arg(long)]
    pub once: bool,
    /// Send records not signed by a known kiosk too.
    #[arg(long)]
    pub allow_unsigned: bool,
}

/// Token files are one line.
const MAX_TOKEN_BYTES: u64 = 16 * 1024;
/// How often the service looks at the outbox for new records.
const WATCH_EVERY: Duration = Duration::from_secs(2);

/// Sends what is due; with `--once` one pass, otherwise until stopped. Prints one line per
/// record touched (file name and outcome; never a record's content).
pub fn run(
    args: &SendArgs,
    config: Option<&Path>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<(), CliError> {
    let identities = Identities::load(&args.identity)?;
    let config = site::config(args.config.as_deref().or(config))?;
    let fhir = config.fhir.clone();
    let base = args
        .server
        .clone()
        .or_else(|| fhir.as_ref().map(|f| f.base_url.clone()))
        .ok_or_else(|| {
            CliError::invalid("no FHIR server: pass --server URL or set `fhir` in the site configuration (docs/deployment.md)")
        })?;
    let token = match fhir.as_ref().and_then(|f| f.token_file.as_deref()) {
        Some(p) => Some(read_token(p)?),
        None => None,
    };
    let outbox = args
        .outbox
        .clone()
        .or_else(|| config.outbox.clone())
        .or_else(site::default_outbox)
        .ok_or_else(|| CliError::failed("this system has no data folder; pass --outbox DIR"))?;
    let timeout = Duration::from_secs(u64::from(fhir.as_ref().map_or(30, |f| f.timeout_seconds)));
    let allow_unsigned = args.allow_unsigned || fhir.as_ref().is_some_and(|f| f.allow_unsigned);
    let sender = Sender::new(
        outbox.clone(),
        site::known(&config),
        identities,
        Server {
            base,
            token,
            timeout,
        },
        allow_unsigned,
    );
    loop {
        let (events, next) = sender.pass(chrono::Utc::now()).map_err(|e| {
            CliError::failed(format_args!(
                "cannot read the outbox {}: {e}",
                outbox.display()
            ))
        })?;
        for e in &events {
            let _ = writeln!(out, "{e}");
        }
        if args.once {
            let waiting = events
                .iter()
                .filter(|e| e.delivery.stage == crate::deliver::state::Stage::Waiting)
                .count();
            if waiting > 0 {
                let _ = writeln!(
                    err,
                    "{waiting} record(s) not delivered yet; they stay in the outbox and are retried by the next run"
                );
            }
            return Ok(());
        }
        let _ = out.flush();
        let until_next = next
            .and_then(|t| (t - chrono::Utc::now()).to_std().ok())
            .unwrap_or(WATCH_EVERY);
        std::thread::sleep(until_next.min(WATCH_EVERY));
    }
}

/// The bearer token: the first line of its file, trimmed.
fn read_token(path: &Path) -> Result<String, CliError> {
    let bytes = read_bounded(path, MAX_TOKEN_BYTES)
        .map_err(|e| CliError::failed_in(path, format_args!("cannot read the token file: {e}")))?;
    let text = String::from_utf8(bytes)
        .map_err(|_| CliError::invalid_in(path, "the token file is not text"))?;
    let token = text.lines().next().unwrap_or("").trim().to_owned();
    if token.is_empty() {
        return Err(CliError::invalid_in(path, "the token file is empty"));
    }
    Ok(token)
}
