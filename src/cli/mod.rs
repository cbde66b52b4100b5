//! The command line. `main` parses arguments and calls [`run`]; everything here writes to the
//! streams it is given, so tests can run commands in-process.
//!
//! One module a command, each taking its clap arguments as they are parsed and returning a
//! `CliError` that [`run`] prints.
//!
//! Exit codes: 0 success; 1 the input has problems (diagnostics, rejected answers); 2 a file
//! could not be read or written.

use std::io::Write;

use clap::{Parser, Subcommand};

mod audit;
mod check;
mod error;
mod fill;
mod hash_pin;
mod keygen;
mod kiosk;
mod kiosk_keygen;
mod questionnaire;
mod render;
mod review;
mod send;
mod site;

use error::CliError;

pub use audit::AuditArgs;
pub use check::CheckArgs;
pub use fill::FillArgs;
pub use keygen::KeygenArgs;
pub use kiosk::KioskArgs;
pub use kiosk_keygen::KioskKeygenArgs;
pub use questionnaire::BUILT_IN;
pub use render::{RenderArgs, RenderFormat};
pub use review::ReviewArgs;
pub use send::SendArgs;

#[derive(Debug, Parser)]
#[command(
    name = "prescreen",
    version,
    about = "Pre-consultation screening kiosk for ketamine / esketamine therapy"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// The kiosk's options, for when there is no subcommand; `fill` and `review` fall back
    /// on its `--config`.
    #[command(flatten)]
    pub kiosk: KioskArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check questionnaire files and print every problem found, with its line and column.
    ///
    /// Exits 0 when every file is clean, 1 when any has diagnostics, 2 when a file cannot be read.
    Check(CheckArgs),
    /// Fill a questionnaire from an answers file, as a patient would, and write the summary.
    ///
    /// Answers are applied in order with exactly the rules a patient faces: only questions that
    /// are shown, each answer checked, required questions enforced. Prints the summary's path.
    /// Exits 1 (listing each problem by item id) when an answer is rejected or missing.
    Fill(FillArgs),
    /// Make a key pair for encrypted exports: write the secret identity file, print the public
    /// recipient.
    ///
    /// The identity file (readable only by its owner, never overwritten) stays on the
    /// clinicians' computer and opens the exports: `prescreen review --identity FILE`. The
    /// printed recipient (`age1…`) goes into the kiosk's site configuration, `recipients`.
    Keygen(KeygenArgs),
    /// Make a kiosk's signing key: write the secret key file, print the public key.
    ///
    /// Run once on each kiosk at setup. The key file (readable only by its owner, never
    /// overwritten) stays on the kiosk and goes into its site configuration as
    /// `signing_key`; the printed public key (`ed25519:…`) goes, with the kiosk's name, into
    /// the clinicians' configuration as `kiosks`. See docs/security.md for rotation and a lost
    /// kiosk.
    KioskKeygen(KioskKeygenArgs),
    /// Render a summary for reading (text, printable HTML) or for other systems (FHIR R4 JSON).
    ///
    /// `prescreen render SUMMARY [--format text|html|fhir] [-o FILE]` renders a summary file;
    /// `prescreen render --format fhir-questionnaire [--questionnaire FILE]` gives the FHIR
    /// Questionnaire the FHIR responses refer to (default: the built-in questionnaire). Output
    /// goes to standard output, or with `-o` to a new file readable only by its owner (an
    /// existing file is never replaced). The summary is checked first: who signed it (the
    /// configured `kiosks`) and whether its scores, flags and alerts are what its answers give
    /// (recomputed with its questionnaire). An altered or inconsistent summary is refused
    /// (exit 1) unless `--force`, which renders text or HTML with the warning; never FHIR.
    Render(RenderArgs),
    /// Turn a staff PIN into the `staff_pin` line of the site configuration.
    ///
    /// Reads the PIN from standard input (so it is not left in the shell history) and prints
    /// `staff_pin: "sha256:<salt>:<hash>",`.
    HashPin,
    /// Open the clinician review window: the inbox of summaries and urgent alerts, urgent
    /// first, and each summary with its flags, scores and answers.
    Review(ReviewArgs),
    /// Deliver the outbox's summaries and alerts to the clinic's FHIR server, exactly once.
    ///
    /// Each record becomes one transaction Bundle (QuestionnaireResponse, score Observations,
    /// Flags, a Provenance with the kiosk's signature) with ids from its digest, so a retry never
    /// duplicates it. Delivery state is kept in `delivery/` beside the records; nothing is ever
    /// deleted. `--once` makes one pass; without it the sender keeps watching (service mode).
    /// See docs/deployment.md.
    Send(SendArgs),
    /// Check the outbox's audit log of review actions: that every line follows the one before
    /// it, and that every review mark and acknowledgement has its line.
    ///
    /// Prints the number of lines checked, the head (the last line's number and hash: keep it
    /// elsewhere to notice later removal of the last lines) and "chain intact"; or names the
    /// first line that was edited, removed or inserted, and exits 1. Exits 2 when the log
    /// cannot be read.
    Audit(AuditArgs),
}

/// Runs a parsed command line; returns the process exit code.
pub fn run(cli: Cli, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    let config = cli.kiosk.config.as_deref();
    let done = match &cli.command {
        // Reports each file itself, and exits with the worst it found.
        Some(Command::Check(args)) => return check::run(args, out, err),
        Some(Command::Fill(args)) => fill::run(args, config, out, err),
        Some(Command::Keygen(args)) => keygen::run(args, out),
        Some(Command::Render(args)) => render::run(args, config, out, err),
        Some(Command::KioskKeygen(args)) => kiosk_keygen::run(args, out),
        Some(Command::HashPin) => hash_pin::run(out),
        Some(Command::Review(args)) => review::run(args, config),
        Some(Command::Send(args)) => send::run(args, config, out, err),
        Some(Command::Audit(args)) => audit::run(args, config, out),
        None => kiosk::run(&cli.kiosk, err),
    };
    match done {
        Ok(()) => 0,
        Err(e) => e.report(err),
    }
}
