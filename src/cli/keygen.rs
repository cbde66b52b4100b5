//! `prescreen keygen`: make the key pair for encrypted exports.

use std::io::Write;
use std::path::PathBuf;

use super::CliError;

#[derive(Debug, clap::Args)]
pub struct KeygenArgs {
    /// Where to write the identity file (it must not exist yet).
    #[arg(short, long, value_name = "FILE")]
    pub output: PathBuf,
}

/// Writes the secret identity file; prints the public recipient and where each half goes.
pub fn run(args: &KeygenArgs, out: &mut dyn Write) -> Result<(), CliError> {
    let recipient =
        crate::storage::crypto::generate_identity_file(&args.output, chrono::Utc::now())?;
    let _ = writeln!(out, "{recipient}");
    let _ = writeln!(
        out,
        "Put this public key in the kiosk's site configuration (`recipients: [\"{recipient}\"]`); \
         keep {} on the clinicians' computer, never on the kiosk.",
        args.output.display()
    );
    Ok(())
}
